//! Same seed ⇒ same run; checkpoints continue a run exactly and reject bad files.

use burn::tensor::Device;
use minimax_core::train::checkpoint;
use minimax_core::{Assets, CheckpointError, Config, Experiment, Gan, Snapshot, SnapshotOptions};
use serde_json::{Value, json};
use std::collections::BTreeSet;

fn flex() -> Device {
    Device::flex()
}

fn full() -> SnapshotOptions {
    SnapshotOptions {
        plane: true,
        resolution: 16,
        ..Default::default()
    }
}

/// A small config: the given flat options over narrow players and small batches.
fn small(options: Value) -> Config {
    let mut flat = json!({"g_hidden": 16, "d_hidden": 16, "batch_size": 32});
    flat.as_object_mut()
        .unwrap()
        .extend(options.as_object().unwrap().clone());
    Config::from_value(&flat).unwrap()
}

fn gan(config: &Config) -> Gan {
    Gan::new(config.clone(), &flex(), &Assets::default()).unwrap()
}

fn load(bytes: &[u8]) -> Result<Box<dyn Experiment>, CheckpointError> {
    minimax_core::launch::load(bytes, &flex(), &Assets::default())
}

#[test]
fn same_seed_same_run_different_seed_different_run() {
    let config = small(json!({"seed": 11}));
    let run = |c: &Config| {
        let mut t = gan(c);
        t.train(30);
        t.snapshot(full()).unwrap()
    };
    let a = run(&config);
    assert_eq!(a, run(&config));
    assert_ne!(a, run(&small(json!({"seed": 12}))));
    assert_eq!(a.iter, 30);
    assert_eq!(a.d_steps, 30);
}

/// The same run writes the same checkpoint, byte for byte (parameter ids included, which burn
/// would draw at random), for an MLP GAN with two generators, a DCGAN (also with the paper's
/// initialisation, D's batch norm and an average of G) and a VAE.
#[test]
fn the_same_run_writes_the_same_checkpoint_file() {
    let mnist = std::sync::Arc::new(minimax_core::data::mnist::Mnist::noise(64, 3));
    let assets = Assets { mnist: Some(mnist) };
    for config in [
        small(json!({"generators": 2, "seed": 4})),
        Config::from_value(&json!({"dataset": "mnist", "model": "dcgan", "g_channels": 8, "d_channels": 4, "batch_size": 8, "latent_dim": 8})).unwrap(),
        Config::from_value(&json!({"dataset": "mnist", "model": "dcgan", "g_channels": 8, "d_channels": 4, "batch_size": 8, "latent_dim": 8, "init": "normal", "d_batch_norm": true, "ema": 0.99})).unwrap(),
        Config::from_value(&json!({"experiment": "vae", "dataset": "mnist", "model": "dcgan", "g_channels": 8, "d_channels": 4, "batch_size": 8, "latent_dim": 8})).unwrap(),
    ] {
        let options = config.to_json();
        let bytes = || {
            let mut t = minimax_core::launch::build(config.clone(), &flex(), &assets).unwrap();
            t.train(3);
            checkpoint::save(t.as_ref()).unwrap()
        };
        let a = bytes();
        let b = bytes();
        if let Some(i) = a.iter().zip(&b).position(|(x, y)| x != y) {
            panic!(
                "{options}: two runs wrote different files, from byte {i}: {:?} / {:?}",
                String::from_utf8_lossy(&a[i.saturating_sub(80)..(i + 40).min(a.len())]),
                String::from_utf8_lossy(&b[i.saturating_sub(80)..(i + 40).min(b.len())])
            );
        }
        assert_eq!(a.len(), b.len());
        let mut other = config.clone();
        other.seed += 1;
        let mut t = minimax_core::launch::build(other, &flex(), &assets).unwrap();
        t.train(3);
        assert!(a != checkpoint::save(t.as_ref()).unwrap());
    }
}

#[test]
fn taking_snapshots_does_not_change_the_run() {
    let config = small(json!({}));
    let mut watched = gan(&config);
    let mut unwatched = gan(&config);
    for _ in 0..10 {
        watched.step();
        watched.snapshot(full()).unwrap();
    }
    unwatched.train(10);
    assert_eq!(
        watched.snapshot(full()).unwrap(),
        unwatched.snapshot(full()).unwrap()
    );
}

#[test]
fn single_steps_count_and_compose_into_iterations() {
    let config = small(json!({"d_steps": 3}));
    let mut by_hand = gan(&config);
    for _ in 0..3 {
        by_hand.step_named("d").unwrap();
    }
    assert_eq!((by_hand.discriminator_steps(), by_hand.iteration()), (3, 0));
    by_hand.step_named("g").unwrap();
    assert!(by_hand.step_named("x").is_err());
    let mut whole = gan(&config);
    Experiment::step(&mut whole);
    assert_eq!((whole.discriminator_steps(), whole.iteration()), (3, 1));
    assert_eq!(
        by_hand.snapshot(full()).unwrap(),
        whole.snapshot(full()).unwrap()
    );
}

#[test]
fn a_checkpoint_continues_the_run_exactly() {
    // Every part of the state matters here: remedies, several generators, Adam's moments.
    for config in [
        small(json!({"generators": 2, "unrolled": 2, "gp": 1.0})),
        small(json!({"loss": "wgan-gp", "optimizer_d": "rmsprop"})),
        // The mode-collapse lesson's unrolled GAN starts the page from a checkpoint.
        small(json!({"unrolled": 3, "unrolled_through": true})),
    ] {
        let mut straight = gan(&config);
        straight.train(10);
        let bytes = checkpoint::save(&straight).unwrap();
        straight.train(10);
        let mut resumed = load(&bytes).unwrap();
        assert_eq!(resumed.iteration(), 10);
        assert_eq!(resumed.config(), &config);
        resumed.train(10);
        assert_eq!(
            resumed.snapshot(full()).unwrap(),
            straight.snapshot(full()).unwrap()
        );
        assert!(
            checkpoint::save(resumed.as_ref()).unwrap() == checkpoint::save(&straight).unwrap()
        );
    }
}

/// The average of each generator's weights (`ema`) is part of the state too: a checkpoint of a
/// DCGAN with two generators, D's batch norm and an average continues it to the same bytes.
#[test]
fn a_checkpoint_continues_the_average_of_g() {
    let mnist = std::sync::Arc::new(minimax_core::data::mnist::Mnist::noise(64, 3));
    let assets = Assets { mnist: Some(mnist) };
    let config = Config::from_value(
        &json!({"dataset": "mnist", "model": "dcgan", "g_channels": 8,
        "d_channels": 4, "batch_size": 8, "latent_dim": 8, "generators": 2, "init": "normal",
        "d_batch_norm": true, "ema": 0.9}),
    )
    .unwrap();
    let mut straight = minimax_core::launch::build(config, &flex(), &assets).unwrap();
    straight.train(5);
    let bytes = checkpoint::save(straight.as_ref()).unwrap();
    straight.train(5);
    let mut resumed = minimax_core::launch::load(&bytes, &flex(), &assets).unwrap();
    resumed.train(5);
    assert!(
        checkpoint::save(resumed.as_ref()).unwrap() == checkpoint::save(straight.as_ref()).unwrap()
    );
    assert_eq!(
        resumed.snapshot(SnapshotOptions::default()).unwrap(),
        straight.snapshot(SnapshotOptions::default()).unwrap()
    );
}

/// The checkpoint with its header replaced.
fn with_header(good: &[u8], header: &Value) -> Vec<u8> {
    let table = checkpoint::sections(good).unwrap();
    let header = serde_json::to_vec(header).unwrap();
    let mut sections: Vec<(&str, &[u8])> = vec![("header", &header)];
    sections.extend(table[1..].iter().copied());
    checkpoint::encode(&sections)
}

#[test]
fn bad_checkpoints_are_rejected_with_a_clear_error_and_the_session_survives() {
    let mut trainer = gan(&small(json!({})));
    trainer.train(5);
    let before = trainer.snapshot(full()).unwrap();
    let good = checkpoint::save(&trainer).unwrap();

    let truncated = &good[..good.len() / 2];
    assert!(matches!(
        load(truncated),
        Err(CheckpointError::Truncated { .. })
    ));
    assert!(matches!(
        load(&good[..10]),
        Err(CheckpointError::Truncated { .. })
    ));
    assert_eq!(
        load(b"\x89PNG\r\n\x1a\n....").err(),
        Some(CheckpointError::Foreign)
    );
    assert_eq!(load(b"").err(), Some(CheckpointError::Foreign));
    let mut flipped = good.clone();
    let last = flipped.len() - 3;
    flipped[last] ^= 0x40;
    assert_eq!(load(&flipped).err(), Some(CheckpointError::Corrupt));
    let mut future = good.clone();
    future[8] = 99;
    assert!(matches!(
        load(&future),
        Err(CheckpointError::Version { found: 99, .. })
    ));
    let message = load(truncated).err().unwrap().to_string();
    assert!(message.contains("truncated"), "{message}");

    // A header whose config asks for the largest model is refused before anything is built:
    // by the budget, or, within it, by the sections' sizes.
    let header: Value = serde_json::from_slice(checkpoint::sections(&good).unwrap()[0].1).unwrap();
    let mut huge = header.clone();
    huge["config"] = json!({"g_hidden": 4096, "g_layers": 8, "generators": 16});
    let message = load(&with_header(&good, &huge)).err().unwrap().to_string();
    assert!(message.contains("too large"), "{message}");
    let mut big = header.clone();
    big["config"] = json!({"g_hidden": 1024, "d_hidden": 1024});
    let message = load(&with_header(&good, &big)).err().unwrap().to_string();
    assert!(
        message.contains("bytes, but this config needs"),
        "{message}"
    );
    // An even RNG state (zero would make sampling loop forever) is refused.
    let mut zero = header.clone();
    zero["rng"] = json!({"state": "0"});
    let message = load(&with_header(&good, &zero)).err().unwrap().to_string();
    assert!(message.contains("odd"), "{message}");
    // The sections must be the config's: two generators' worth is not one's.
    let mut two = header.clone();
    two["config"]["objective"]["generators"] = json!(2);
    let message = load(&with_header(&good, &two)).err().unwrap().to_string();
    assert!(message.contains("generator.1"), "{message}");
    // A 600-byte file whose header asks for the largest config in budget is refused at once.
    let mut tiny = header.clone();
    tiny["config"] = json!({"g_hidden": 2048, "d_hidden": 2048, "g_layers": 3});
    let head = serde_json::to_vec(&tiny).unwrap();
    let small_file = checkpoint::encode(&[("header", &head)]);
    assert!(small_file.len() < 1000);
    let t0 = std::time::Instant::now();
    assert!(load(&small_file).is_err());
    assert!(
        t0.elapsed().as_millis() < 500,
        "refused only after {:?}",
        t0.elapsed()
    );

    // The running session is untouched by all of that.
    assert_eq!(trainer.snapshot(full()).unwrap(), before);
    trainer.step();
    assert_eq!(trainer.iteration(), 6);
}

#[test]
fn snapshot_sections_are_complete_and_sane() {
    let t = gan(&small(json!({"dataset": "grid", "generators": 3})));
    let s = t.snapshot(full()).unwrap();
    let n = 512;
    assert_eq!(s.histograms["real"].iter().sum::<u32>(), n);
    assert_eq!(s.histograms["fake"].iter().sum::<u32>(), n);
    assert_eq!(s.get("modes_total"), 25.0);
    assert!(s.get("jsd") > 0.1, "an untrained G is far from the grid");
    assert_eq!(s.get("d_loss_eq"), 2.0 * std::f64::consts::LN_2);
    let plane = s.plane.unwrap();
    assert_eq!(plane.d_grid.len(), 256);
    assert_eq!(plane.d_star_grid.len(), 256);
    assert_eq!(
        (
            plane.fake.len(),
            plane.g_grad.len(),
            plane.fake_generator.len()
        ),
        (n as usize, n as usize, n as usize)
    );
    assert_eq!(*plane.fake_generator.last().unwrap(), 2);
    assert!(plane.d_grid.iter().all(|d| (0.0..=1.0).contains(d)));
    let snapshot = t.snapshot(SnapshotOptions::default()).unwrap();
    let scalars: BTreeSet<&str> = snapshot.scalars.keys().map(String::as_str).collect();
    let expected: BTreeSet<&str> = Snapshot::SCALARS_2D_MODES.iter().copied().collect();
    assert_eq!(scalars, expected, "the snapshot's scalars");
    let json = serde_json::to_value(&snapshot).unwrap();
    assert!(json.get("plane").is_none() && json.get("images").is_none());
    assert_eq!(json["d_real"], json!(snapshot.get("d_real")));
    assert_eq!(serde_json::from_value::<Snapshot>(json).unwrap(), snapshot);
}

#[test]
fn divergence_is_reported_not_hidden() {
    let mut t = gan(&small(json!({
        "lr_d": 10.0, "lr_g": 10.0, "optimizer_d": "sgd", "optimizer_g": "sgd",
        "loss": "wgan-gp", "gp": 0.0,
    })));
    let mut diverged = false;
    for _ in 0..200 {
        t.step();
        if let Err(e) = t.snapshot(SnapshotOptions::default()) {
            assert!(e.to_string().contains("not a finite number"), "{e}");
            diverged = true;
            break;
        }
    }
    assert!(
        diverged,
        "WGAN-GP at lr 10 with SGD was expected to blow up"
    );
}
