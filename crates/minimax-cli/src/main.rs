//! `minimax`: the engine of Minimax, headless.

mod bench;
mod dirac;
mod fuzz;
mod hostile;
mod lessons;
mod presets;
mod train;

use clap::{Args, Command, FromArgMatches};

fn cli() -> Command {
    Command::new("minimax")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Train, checkpoint and benchmark small GANs (the engine of Minimax)")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(train::command())
        .subcommand(bench::BenchArgs::augment_args(
            Command::new("bench").about("Milliseconds per iteration of each model on each backend"),
        ))
        .subcommand(dirac::DiracArgs::augment_args(Command::new("dirac").about(
            "The Dirac GAN (Mescheder et al. 2018): simultaneous steps spiral away from the equilibrium, alternating ones circle it; R1 makes them converge while the step is small against it",
        )))
        .subcommand(Command::new("lessons").about(
            "List the page's lessons and their variants (ID and ID/variant, for `train --lesson`)",
        ))
        .subcommand(
            Command::new("schema")
                .about("Print the config schema as JSON: every option's name, path, type, rule, default and help")
                .arg(
                    clap::Arg::new("markdown")
                        .long("markdown")
                        .value_parser(["options", "scalars"])
                        .help("Print the README's table of options or of snapshot scalars instead"),
                ),
        )
        .subcommand(
            Command::new("hostile")
                .about("Write checkpoints crafted from CHECKPOINT, each broken in one way the loader must refuse (for tests)")
                .arg(clap::Arg::new("checkpoint").required(true))
                .arg(clap::Arg::new("folder").required(true)),
        )
        .subcommand(
            Command::new("fuzz")
                .about("Feed mutated checkpoints and configs to the engine; count refusals, acceptances, crashes and hangs")
                .arg(
                    clap::Arg::new("cases")
                        .long("cases")
                        .value_parser(clap::value_parser!(u64))
                        .default_value("100000"),
                )
                .arg(
                    clap::Arg::new("seed")
                        .long("seed")
                        .value_parser(clap::value_parser!(u64))
                        .default_value("1"),
                ),
        )
}

fn main() {
    let matches = cli().get_matches();
    let result = match matches.subcommand() {
        Some(("train", m)) => train::run(m),
        Some(("bench", m)) => bench::BenchArgs::from_arg_matches(m)
            .map_err(|e| e.to_string())
            .and_then(bench::run),
        Some(("dirac", m)) => dirac::DiracArgs::from_arg_matches(m)
            .map_err(|e| e.to_string())
            .and_then(dirac::run),
        Some(("lessons", _)) => lessons::list().map(|all| {
            for (spec, title) in all {
                println!("{spec:<36} {title}");
            }
        }),
        Some(("schema", m)) => {
            match m.get_one::<String>("markdown").map(String::as_str) {
                Some("options") => print!("{}", minimax_core::spec::schema::markdown()),
                Some(_) => print!("{}", minimax_core::spec::scalars::markdown()),
                None => println!("{:#}", minimax_core::spec::schema::describe()),
            }
            Ok(())
        }
        Some(("hostile", m)) => hostile(
            m.get_one::<String>("checkpoint").expect("required"),
            m.get_one::<String>("folder").expect("required"),
        ),
        Some(("fuzz", m)) => {
            let cases = *m.get_one::<u64>("cases").expect("has a default");
            let seed = *m.get_one::<u64>("seed").expect("has a default");
            let start = std::time::Instant::now();
            let report = crate::fuzz::run(cases, seed, std::time::Duration::from_secs(20));
            println!("{report} ({:.0} s)", start.elapsed().as_secs_f64());
            if report.crashed > 0 {
                Err("the engine crashed on some inputs".into())
            } else if !report.hostile_accepted.is_empty() {
                Err("the loader accepted hostile checkpoints".into())
            } else {
                Ok(())
            }
        }
        _ => unreachable!("a subcommand is required"),
    };
    if let Err(message) = result {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

/// Writes `<folder>/<name>.ckpt` for each hostile variant of the checkpoint at `path`.
fn hostile(path: &str, folder: &str) -> Result<(), String> {
    let genuine = train::read_checkpoint(path)?;
    std::fs::create_dir_all(folder).map_err(|e| format!("cannot create {folder}: {e}"))?;
    for h in crate::hostile::Hostile::ALL {
        let bytes = h
            .craft(&genuine)
            .map_err(|e| format!("{path}: {}: {e}", h.name()))?;
        let out = std::path::Path::new(folder).join(format!("{}.ckpt", h.name()));
        std::fs::write(&out, bytes).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
        println!("{}\t{}", out.display(), h.refusal());
    }
    Ok(())
}
