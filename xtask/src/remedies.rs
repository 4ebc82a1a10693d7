//! `cargo xtask remedies`: the mode-collapse lesson and each of its remedies, trained headless
//! by the CLI from the lesson files (`minimax train --lesson mode-collapse/…`, each for the
//! iterations its card speaks of), on the seeds the cards quote (1–10) and, apart, on ten seeds
//! nothing was tuned on (11–20); `--seeds N` for N of each. For each run: modes covered, the
//! share of samples within 3σ of a mode, the share of the samples by the most popular mode
//! (collapse: near 1; spread over the ring: near 1/8), the JSD and the run's wall time (one run
//! per core at once, so longer than a lone run's); for each
//! group the lecture's goal: a remedy covers ≥ 7 of 8 modes with ≥ 70 % within 3σ, the plain
//! GAN ≤ 2 modes, each on at least 8 of 10 seeds.

use std::process::Command;
use std::time::Instant;

use crate::Result;

const PLAIN: &str = "mode-collapse";
/// Kept beside the remedies to show what the unrolled GAN's gradient through D's steps adds.
const CONTRAST: &str = "mode-collapse/unrolled-first-order";
const RUNS: &[&str] = &[
    PLAIN,
    "mode-collapse/generators",
    "mode-collapse/unrolled",
    "mode-collapse/unrolled-first-order",
    "mode-collapse/gp",
];

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

/// One run's last report: (iterations, modes, share within 3σ, dominant share, JSD, seconds).
fn run(
    minimax: &std::path::Path,
    lesson: &str,
    seed: u64,
) -> Result<(f64, f64, f64, f64, f64, f64)> {
    let start = Instant::now();
    // No --iters: the lesson's own budget.
    let out = Command::new(minimax)
        .args(["train", "--lesson", lesson, "--seed", &seed.to_string()])
        .args(["--report-every", "1000000", "--json"])
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned().into());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let last = text.lines().last().ok_or("no report")?;
    Ok((
        field(last, "iter")?,
        field(last, "modes")?,
        field(last, "hq")?,
        field(last, "dominant_share")?,
        field(last, "jsd")?,
        start.elapsed().as_secs_f64(),
    ))
}

pub fn remedies(args: &[String]) -> Result {
    let seeds: u64 = match args {
        [flag, n] if flag == "--seeds" => n.parse().map_err(|e| format!("--seeds: {e}"))?,
        [] => 10,
        _ => return Err("usage: cargo xtask remedies [--seeds N]".into()),
    };
    let minimax = crate::build_minimax()?;
    // The runs are single-threaded: one per core, printed in order.
    let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "{:<36} {:>5} {:>7} {:>6} {:>6} {:>6} {:>6} {:>7}",
        "lesson", "seed", "iters", "modes", "hq", "share", "jsd", "time"
    );
    for lesson in RUNS {
        for (group, first) in [("the cards' seeds", 1), ("seeds never tuned on", 11)] {
            let all: Vec<u64> = (first..first + seeds).collect();
            let mut met = 0;
            for chunk in all.chunks(jobs) {
                let results: Vec<_> = std::thread::scope(|s| {
                    let handles: Vec<_> = chunk
                        .iter()
                        .map(|&seed| {
                            let minimax = &minimax;
                            s.spawn(move || run(minimax, lesson, seed).map_err(|e| e.to_string()))
                        })
                        .collect();
                    handles
                        .into_iter()
                        .map(|h| h.join().expect("a run's thread"))
                        .collect()
                });
                for (seed, result) in chunk.iter().zip(results) {
                    let (iter, modes, hq, share, jsd, secs) = result?;
                    println!(
                        "{lesson:<36} {seed:>5} {iter:>7} {modes:>6} {hq:>6.3} {share:>6.3} {jsd:>6.3} {secs:>6.0}s"
                    );
                    let goal = if *lesson == PLAIN {
                        modes <= 2.0
                    } else {
                        modes >= 7.0 && hq >= 0.7
                    };
                    met += usize::from(goal);
                }
            }
            if *lesson == CONTRAST {
                println!(
                    "{lesson:<36} {group}: {met} of {seeds} at the remedies' goal (a contrast: without the gradient through D's steps)\n"
                );
                continue;
            }
            let goal = if *lesson == PLAIN {
                "≤ 2 modes"
            } else {
                "≥ 7 modes and ≥ 70 % within 3σ"
            };
            let verdict = if met * 10 >= 8 * seeds as usize {
                "met"
            } else {
                "NOT met"
            };
            println!("{lesson:<36} {group}: {goal} on {met} of {seeds} ({verdict})\n");
        }
    }
    Ok(())
}
