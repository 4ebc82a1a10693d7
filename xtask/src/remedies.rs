//! `cargo xtask remedies`: the mode-collapse lesson and each of its remedies on seeds 1–10
//! (`--seeds N` for fewer or more), trained headless by the CLI from the lesson files
//! (`minimax train --lesson mode-collapse/…`), and the table the lesson's card quotes: modes
//! covered, the share of high-quality samples, the share of the samples by the most popular
//! mode (collapse: near 1; spread over the ring: near 1/8) and the JSD after 8 000 iterations.

use std::process::Command;

use crate::Result;

const RUNS: &[&str] = &[
    "mode-collapse",
    "mode-collapse/generators",
    "mode-collapse/unrolled",
    "mode-collapse/unrolled-first-order",
    "mode-collapse/gp",
];
const ITERS: &str = "8000";

/// A number of the last JSON report, by name.
fn field(report: &str, name: &str) -> Result<f64> {
    let key = format!("\"{name}\":");
    let at = report
        .find(&key)
        .ok_or_else(|| format!("the report has no {name}"))?;
    let rest = &report[at + key.len()..];
    let end = rest.find([',', '}']).unwrap_or(rest.len());
    rest[..end]
        .trim()
        .parse()
        .map_err(|e| format!("{name}: {e}"))
}

pub fn remedies(args: &[String]) -> Result {
    let seeds: u64 = match args {
        [flag, n] if flag == "--seeds" => n.parse().map_err(|e| format!("--seeds: {e}"))?,
        [] => 10,
        _ => return Err("usage: cargo xtask remedies [--seeds N]".into()),
    };
    let minimax = crate::build_minimax()?;
    println!(
        "{:<36} {:>5} {:>6} {:>6} {:>6} {:>6}",
        "lesson", "seed", "modes", "hq", "share", "jsd"
    );
    for lesson in RUNS {
        let mut covered = Vec::new();
        for seed in 1..=seeds {
            let out = Command::new(&minimax)
                .args(["train", "--lesson", lesson, "--seed", &seed.to_string()])
                .args(["--iters", ITERS, "--report-every", ITERS, "--json"])
                .output()
                .map_err(|e| e.to_string())?;
            if !out.status.success() {
                return Err(String::from_utf8_lossy(&out.stderr).into_owned());
            }
            let text = String::from_utf8_lossy(&out.stdout);
            let last = text.lines().last().ok_or("no report")?;
            let (modes, hq, share, jsd) = (
                field(last, "modes")?,
                field(last, "hq")?,
                field(last, "dominant_share")?,
                field(last, "jsd")?,
            );
            println!("{lesson:<36} {seed:>5} {modes:>6} {hq:>6.3} {share:>6.3} {jsd:>6.3}");
            covered.push(modes);
        }
        let more = covered.iter().filter(|&&m| m > 2.0).count();
        println!("{lesson:<36} more than 2 modes on {more} of {seeds} seeds\n");
    }
    Ok(())
}
