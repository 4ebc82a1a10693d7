//! `minimax dirac`: the Dirac GAN's three paths (simultaneous, alternating, alternating with R1)
//! for one step size, k and γ — each round's eigenvalues in closed form and measured, and how
//! far each path ended from the equilibrium — as a table or JSON (what the page draws).

use clap::Args;
use minimax_core::experiments::dirac::{Settings, picture};

#[derive(Args, Debug)]
pub struct DiracArgs {
    /// Step size of both players
    #[arg(long, default_value_t = Settings::default().h)]
    h: f64,
    /// D steps per G step (alternating)
    #[arg(long, default_value_t = Settings::default().k)]
    k: u32,
    /// R1 penalty weight of the third path
    #[arg(long, default_value_t = Settings::default().gamma)]
    gamma: f64,
    /// Start (θ, ψ)
    #[arg(long, num_args = 2, value_names = ["THETA", "PSI"], default_values_t = Settings::default().start)]
    start: Vec<f64>,
    /// Rounds of each path
    #[arg(long, default_value_t = Settings::default().rounds)]
    rounds: usize,
    /// Print the picture as JSON (field and paths)
    #[arg(long)]
    json: bool,
}

pub fn run(args: DiracArgs) -> Result<(), String> {
    let settings = Settings {
        h: args.h,
        k: args.k,
        gamma: args.gamma,
        start: [args.start[0], args.start[1]],
        rounds: args.rounds,
    };
    let picture = picture(&settings)?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string(&picture).map_err(|e| e.to_string())?
        );
        return Ok(());
    }
    println!(
        "{:<13} {:>26} {:>9} {:>9} {:>10} {:>10} {:>7}",
        "path", "eigenvalues", "|λ|", "measured", "start", "end", "rounds"
    );
    for p in &picture.paths {
        let [(re, im), (re2, _)] = p.eigenvalues;
        let eigen = if im == 0.0 {
            format!("{re:.6}, {re2:.6}")
        } else {
            format!("{re:.6} ± {:.6}i", im.abs())
        };
        println!(
            "{:<13} {:>26} {:>9.6} {:>9.6} {:>10.4} {:>10.4} {:>7}",
            p.name, eigen, p.radius, p.radius_measured, p.distance_start, p.distance_end, p.rounds
        );
    }
    Ok(())
}
