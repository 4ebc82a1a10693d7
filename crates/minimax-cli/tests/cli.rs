//! The `minimax` binary end to end: JSON reports, checkpoints and clear errors.

use minimax_core::snapshot::Snapshot;
use std::collections::BTreeSet;
use std::process::{Command, Output};

fn minimax(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_minimax"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

fn temp_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("minimax-cli-test-{}-{name}", std::process::id()))
}

#[test]
fn json_reports_carry_the_shared_schema() {
    let out = minimax(&[
        "train",
        "--dataset",
        "ring",
        "--loss",
        "non-saturating",
        "--iters",
        "40",
        "--report-every",
        "20",
        "--seed",
        "1",
        "--backend",
        "flex",
        "--json",
        "--g-hidden",
        "16",
        "--d-hidden",
        "16",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&out);
    assert_eq!(
        lines
            .iter()
            .map(|l| l["iter"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        vec![0, 20, 40]
    );
    // Exactly the documented fields, in any order.
    let keys: BTreeSet<&str> = lines[2]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let expected: BTreeSet<&str> = Snapshot::FIELDS_2D_MODES.iter().copied().collect();
    assert_eq!(keys, expected, "the snapshot's fields");
    assert!(lines[2].get("plane").is_none());
}

#[test]
fn save_then_load_continues_the_count() {
    let path = temp_path("run.ckpt");
    let path_s = path.to_str().unwrap();
    let out = minimax(&[
        "train",
        "--iters",
        "10",
        "--json",
        "--save",
        path_s,
        "--g-hidden",
        "8",
        "--d-hidden",
        "8",
        "--generators",
        "2",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = minimax(&["train", "--iters", "5", "--json", "--load", path_s]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&out);
    assert_eq!(lines.first().unwrap()["iter"], 10);
    assert_eq!(lines.last().unwrap()["iter"], 15);
    let out = minimax(&["train", "--iters", "5", "--load", path_s, "--lr", "0.1"]);
    assert!(!out.status.success());
    std::fs::remove_file(path).ok();
}

#[test]
fn bad_input_gets_a_clear_message_and_a_non_zero_exit() {
    let cases: &[(&[&str], &str)] = &[
        (&["train", "--dataset", "torus"], "torus"),
        (&["train", "--lr-d", "-1"], "lr_d"),
        (&["train", "--backend", "tpu"], "tpu"),
        (&["train", "--points", "1,2;3"], "--points"),
        (&["train", "--dataset", "points"], "at least one point"),
        (&["train", "--learning-rate", "1"], "--learning-rate"),
        (
            &["train", "--load", "/nonexistent/minimax.ckpt"],
            "cannot read",
        ),
    ];
    for (args, needle) in cases {
        let out = minimax(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
    let foreign = temp_path("foreign.ckpt");
    std::fs::write(&foreign, b"PK\x03\x04 this is a zip file").unwrap();
    let out = minimax(&["train", "--load", foreign.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a Minimax checkpoint"));
    std::fs::remove_file(foreign).ok();
}

#[test]
fn hand_drawn_points_train() {
    let out = minimax(&[
        "train",
        "--dataset",
        "points",
        "--points",
        "0,0; 1,1; -1,1",
        "--iters",
        "5",
        "--json",
        "--plane",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&out);
    let plane = &lines.last().unwrap()["plane"];
    assert_eq!(plane["d_grid"].as_array().unwrap().len(), 48 * 48);
    assert!(
        lines.last().unwrap().get("modes").is_none(),
        "modes only exist for ring and grid"
    );
}
