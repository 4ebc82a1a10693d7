//! `minimax`: the engine of Minimax, headless.

mod bench;
mod train;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "minimax",
    version,
    about = "Train, checkpoint and benchmark small GANs (the engine of Minimax)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Train a GAN and report its metrics.
    #[command(allow_negative_numbers = true)]
    Train(Box<train::TrainArgs>),
    /// Print iterations per second of the 2-D and the MNIST-sized GAN on each backend.
    Bench(bench::BenchArgs),
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Train(args) => train::run(*args),
        Command::Bench(args) => bench::run(args),
    };
    if let Err(message) = result {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}
