//! The metrics catalogue (`spec/scalars.rs`) is complete and true: each experiment, run on the
//! data and losses that make it report the most, reports only scalars the catalogue lists for
//! it, and every catalogued scalar is reported by some run here; the page labels each one in
//! every language.

mod common;
use common::asset;
use std::collections::BTreeSet;
use std::sync::Arc;

use burn::tensor::Device;
use minimax_core::experiments::evaluation::{Evaluator, Scores};
use minimax_core::spec::scalars::{SCALARS, scalar_named};
use minimax_core::{Assets, Config, SnapshotOptions, launch};
use serde_json::json;

fn reported(config: serde_json::Value, assets: &Assets) -> Vec<String> {
    let config = Config::from_value(&config).unwrap();
    let kind = config.experiment;
    let mut e = launch::build(config, &Device::flex(), assets).unwrap();
    e.step();
    let s = e
        .snapshot(SnapshotOptions {
            plane: false,
            resolution: 8,
            ..Default::default()
        })
        .unwrap();
    for name in s.scalars.keys() {
        let entry = scalar_named(name)
            .unwrap_or_else(|| panic!("{kind:?} reports `{name}`, which the catalogue lacks"));
        assert!(
            entry.experiments.contains(&kind),
            "{kind:?} reports `{name}`, which the catalogue gives to {:?} only",
            entry.experiments
        );
    }
    s.scalars.keys().cloned().collect()
}

#[test]
fn every_reported_scalar_is_catalogued_and_every_catalogued_one_reported() {
    let assets = Assets {
        mnist: Some(Arc::new(asset())),
    };
    let mut seen = BTreeSet::new();
    for config in [
        json!({"dataset": "ring", "loss": "minimax", "batch_size": 16}),
        json!({"dataset": "grid", "loss": "wgan-gp", "batch_size": 16}),
        json!({"dataset": "gaussian", "data_dim": 3, "loss": "lsgan", "batch_size": 16}),
        json!({"dataset": "mnist", "model": "dcgan", "batch_size": 4, "g_channels": 8, "d_channels": 4}),
        json!({"dataset": "mnist", "model": "dcgan", "batch_size": 4, "g_channels": 8, "d_channels": 4, "conditional": true}),
        json!({"experiment": "vae", "dataset": "mnist", "model": "dcgan", "batch_size": 4, "g_channels": 8, "d_channels": 4}),
        json!({"experiment": "classifier", "dataset": "mnist", "batch_size": 4}),
    ] {
        seen.extend(reported(config, &assets));
    }
    // An evaluation's scalars (a GAN's or a VAE's digits, scored; a conditional G's too).
    let scores = Scores {
        n: 1,
        is: 1.0,
        fid: 0.0,
        classes: vec![0; 10],
        sharpness: 0.0,
        conditional_accuracy: Some(0.5),
    };
    seen.extend(Evaluator::into_snapshot_parts(&scores).0.into_keys());
    let missing: Vec<&str> = SCALARS
        .iter()
        .map(|s| s.name)
        .filter(|n| !seen.contains(*n))
        .collect();
    assert!(
        missing.is_empty(),
        "catalogued but never reported: {missing:?}"
    );
}

#[test]
fn the_page_labels_every_scalar_in_every_language() {
    for lang in ["en", "pl"] {
        let path = format!("{}/../../www/i18n/{lang}.js", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap();
        for s in SCALARS {
            assert!(
                text.contains(&format!("'scalar.{}':", s.name)),
                "{path} has no label 'scalar.{}'",
                s.name
            );
        }
    }
}
