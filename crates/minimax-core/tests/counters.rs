//! What a training step and a snapshot ask of the device (`train::counters`): a step reads
//! nothing back, a snapshot reads once, and on wgpu both launch kernels, the same number each
//! time. `minimax bench` prints these counts; these tests keep them honest.

mod common;

use std::sync::Mutex;

use burn::tensor::Device;
use minimax_core::data::mnist::Mnist;
use minimax_core::train::counters::{Counts, count};
use minimax_core::{Assets, Config, SnapshotOptions};
use serde_json::json;

/// The counters are process-wide and the tests of one file run on parallel threads: each test
/// that counts holds this.
static COUNTING: Mutex<()> = Mutex::new(());

fn configs() -> Vec<(&'static str, Config)> {
    [
        (
            "MLP GAN",
            json!({"g_hidden": 32, "d_hidden": 32, "batch_size": 64}),
        ),
        (
            "DCGAN",
            json!({"dataset": "mnist", "model": "dcgan", "g_channels": 8, "d_channels": 4,
                   "batch_size": 8, "latent_dim": 8}),
        ),
        (
            "VAE",
            json!({"experiment": "vae", "dataset": "mnist", "model": "dcgan", "g_channels": 8,
                   "d_channels": 4, "batch_size": 8, "latent_dim": 8}),
        ),
    ]
    .into_iter()
    .map(|(name, v)| (name, Config::from_value(&v).unwrap()))
    .collect()
}

/// (a step's counts, another step's, a snapshot's), after a few steps that compile the kernels.
fn counted(config: &Config, device: &Device) -> (Counts, Counts, Counts) {
    let assets = Assets {
        mnist: Some(std::sync::Arc::new(Mnist::noise(64, 1))),
    };
    let mut trainer = minimax_core::launch::build(config.clone(), device, &assets).unwrap();
    let options = SnapshotOptions {
        plane: true,
        resolution: 8,
        ..Default::default()
    };
    for _ in 0..3 {
        trainer.step();
    }
    trainer.snapshot(options).unwrap();
    let mut step = || {
        count(|| {
            trainer.step();
            device.sync().unwrap()
        })
        .1
    };
    let (first, second) = (step(), step());
    let (_, snap) = count(|| trainer.snapshot(options).unwrap());
    (first, second, snap)
}

#[test]
fn a_step_reads_nothing_back_and_a_snapshot_reads_once() {
    let _counting = COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    for (name, config) in configs() {
        let (first, second, snap) = counted(&config, &Device::flex());
        assert_eq!(first.read_backs, 0, "{name}: a step read back");
        assert_eq!(second.read_backs, 0, "{name}: a step read back");
        assert_eq!(snap.read_backs, 1, "{name}: a snapshot's read-backs");
        // flex runs on the CPU: no kernel of cubecl's is launched for it.
        assert_eq!(first.launches.unwrap_or(0), 0, "{name}");
    }
}

#[cfg(feature = "wgpu")]
#[test]
fn on_wgpu_a_step_launches_the_same_kernels_each_time() {
    let Some(device) = common::wgpu_device() else {
        return;
    };
    let _counting = COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    for (name, config) in configs() {
        let (first, second, snap) = counted(&config, &device);
        let launches = first.launches.unwrap();
        assert!(launches > 0, "{name}: a step launched no kernel");
        assert_eq!(second.launches, Some(launches), "{name}: two steps");
        assert_eq!((first.read_backs, second.read_backs), (0, 0), "{name}");
        assert!(
            snap.launches.unwrap() > 0,
            "{name}: a snapshot launched nothing"
        );
        assert_eq!(snap.read_backs, 1, "{name}: a snapshot's read-backs");
        eprintln!(
            "{name}: {launches} kernels a step, {} a snapshot",
            snap.launches.unwrap()
        );
    }
}

/// Every place the core (and the page's wasm crate) reads a tensor's numbers counts the read,
/// so that the counts above miss none: each read call has `counters::read_back()` (in code, not
/// in a comment) within the few lines before it. Unit test modules (`#[cfg(test)] mod`, kept
/// last in each file) and the test helpers are left out.
#[test]
fn read_backs_are_all_counted() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    // burn's ways to read a tensor's numbers (method calls, or the same called as functions).
    let reads = [
        "into_data(",
        "into_data_async(",
        "try_into_data(",
        "to_data(",
        "to_data_async(",
        "try_to_data(",
        "into_data_as",
        "to_data_as",
        "execute_async(",
        "try_execute(",
        ".execute(",
        "into_scalar(",
        "into_scalar_async(",
    ];
    let mut files = Vec::new();
    let mut dirs = vec![
        std::path::PathBuf::from(format!("{root}/minimax-core/src")),
        std::path::PathBuf::from(format!("{root}/minimax-web/src")),
    ];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    assert!(files.len() > 10, "found {} source files", files.len());
    let mut seen = 0;
    let mut uncounted = Vec::new();
    for path in files {
        if path.ends_with("testing.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let text = text.split("#[cfg(test)]\nmod ").next().unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let code = line.split("//").next().unwrap();
            if reads.iter().any(|r| code.contains(r)) {
                seen += 1;
                let before = &lines[i.saturating_sub(6)..=i];
                let counted = |l: &&str| {
                    l.split("//")
                        .next()
                        .unwrap()
                        .contains("counters::read_back()")
                };
                if !before.iter().any(counted) {
                    uncounted.push(format!("{}:{}: {}", path.display(), i + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        seen >= 5,
        "only {seen} reads found: has the scan lost its way?"
    );
    assert!(
        uncounted.is_empty(),
        "reads not counted:\n{}",
        uncounted.join("\n")
    );
}
