//! Same seed ⇒ same run; checkpoints continue a run exactly and reject bad files.

use burn::tensor::Device;
use minimax_core::config::{DatasetKind, LossKind};
use minimax_core::{CheckpointError, Snapshot, SnapshotOptions, TrainConfig, Trainer};
use std::collections::BTreeSet;

fn flex() -> Device {
    Device::flex()
}

fn full() -> SnapshotOptions {
    SnapshotOptions {
        plane: true,
        resolution: 16,
    }
}

fn small(config: TrainConfig) -> TrainConfig {
    TrainConfig {
        g_hidden: 16,
        d_hidden: 16,
        batch_size: 32,
        ..config
    }
}

#[test]
fn same_seed_same_run_different_seed_different_run() {
    let config = small(TrainConfig {
        seed: 11,
        ..Default::default()
    });
    let run = |c: &TrainConfig| {
        let mut t = Trainer::new(c.clone(), &flex()).unwrap();
        t.train(30);
        t.snapshot(full()).unwrap()
    };
    let a = run(&config);
    assert_eq!(a, run(&config));
    assert_ne!(a, run(&TrainConfig { seed: 12, ..config }));
    assert_eq!(a.iter, 30);
    assert_eq!(a.d_steps, 30);
}

#[test]
fn taking_snapshots_does_not_change_the_run() {
    let config = small(TrainConfig::default());
    let mut watched = Trainer::new(config.clone(), &flex()).unwrap();
    let mut unwatched = Trainer::new(config, &flex()).unwrap();
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
    let config = small(TrainConfig {
        d_steps: 3,
        ..Default::default()
    });
    let mut by_hand = Trainer::new(config.clone(), &flex()).unwrap();
    for _ in 0..3 {
        by_hand.discriminator_step();
    }
    assert_eq!((by_hand.discriminator_steps(), by_hand.iteration()), (3, 0));
    by_hand.generator_step();
    let mut whole = Trainer::new(config, &flex()).unwrap();
    whole.step();
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
        small(TrainConfig {
            generators: 2,
            unrolled: 2,
            gp: 1.0,
            ..Default::default()
        }),
        small(TrainConfig {
            loss: LossKind::WganGp,
            optimizer_d: minimax_core::config::OptimizerKind::Rmsprop,
            ..Default::default()
        }),
    ] {
        let mut straight = Trainer::new(config.clone(), &flex()).unwrap();
        straight.train(10);
        let bytes = straight.to_checkpoint().unwrap();
        straight.train(10);
        let mut resumed = Trainer::from_checkpoint(&bytes, &flex()).unwrap();
        assert_eq!(resumed.iteration(), 10);
        assert_eq!(resumed.config(), &config);
        resumed.train(10);
        assert_eq!(
            resumed.snapshot(full()).unwrap(),
            straight.snapshot(full()).unwrap()
        );
    }
}

#[test]
fn bad_checkpoints_are_rejected_with_a_clear_error_and_the_session_survives() {
    let mut trainer = Trainer::new(small(TrainConfig::default()), &flex()).unwrap();
    trainer.train(5);
    let before = trainer.snapshot(full()).unwrap();
    let good = trainer.to_checkpoint().unwrap();

    let truncated = &good[..good.len() / 2];
    assert!(matches!(
        Trainer::from_checkpoint(truncated, &flex()),
        Err(CheckpointError::Truncated { .. })
    ));
    assert!(matches!(
        Trainer::from_checkpoint(&good[..10], &flex()),
        Err(CheckpointError::Truncated { .. })
    ));
    assert_eq!(
        Trainer::from_checkpoint(b"\x89PNG\r\n\x1a\n....", &flex()).err(),
        Some(CheckpointError::Foreign)
    );
    assert_eq!(
        Trainer::from_checkpoint(b"", &flex()).err(),
        Some(CheckpointError::Foreign)
    );
    let mut flipped = good.clone();
    let last = flipped.len() - 3;
    flipped[last] ^= 0x40;
    assert_eq!(
        Trainer::from_checkpoint(&flipped, &flex()).err(),
        Some(CheckpointError::Corrupt)
    );
    let mut future = good.clone();
    future[8] = 99;
    assert!(matches!(
        Trainer::from_checkpoint(&future, &flex()),
        Err(CheckpointError::Version { found: 99, .. })
    ));
    let message = Trainer::from_checkpoint(truncated, &flex())
        .err()
        .unwrap()
        .to_string();
    assert!(message.contains("truncated"), "{message}");

    // The running session is untouched by all of that.
    assert_eq!(trainer.snapshot(full()).unwrap(), before);
    trainer.step();
    assert_eq!(trainer.iteration(), 6);
}

#[test]
fn snapshot_fields_are_complete_and_sane() {
    let config = small(TrainConfig {
        dataset: DatasetKind::Grid,
        generators: 3,
        ..Default::default()
    });
    let t = Trainer::new(config, &flex()).unwrap();
    let s = t.snapshot(full()).unwrap();
    let n = 512;
    assert_eq!(s.hist_real.iter().sum::<u32>(), n);
    assert_eq!(s.hist_fake.iter().sum::<u32>(), n);
    assert_eq!(s.modes_total, Some(25));
    assert!(s.jsd.unwrap() > 0.1, "an untrained G is far from the grid");
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
    let json = serde_json::to_value(t.snapshot(SnapshotOptions::default()).unwrap()).unwrap();
    // Exactly the documented fields, in any order.
    let keys: BTreeSet<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let expected: BTreeSet<&str> = Snapshot::FIELDS_2D_MODES.iter().copied().collect();
    assert_eq!(keys, expected, "the snapshot's fields");
    assert!(json.get("plane").is_none());
}

#[test]
fn divergence_is_reported_not_hidden() {
    let mut t = Trainer::new(
        small(TrainConfig {
            lr_d: 10.0,
            lr_g: 10.0,
            optimizer_d: minimax_core::config::OptimizerKind::Sgd,
            optimizer_g: minimax_core::config::OptimizerKind::Sgd,
            loss: LossKind::WganGp,
            gp: 0.0,
            ..Default::default()
        }),
        &flex(),
    )
    .unwrap();
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
