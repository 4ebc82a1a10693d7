//! Learning tests with fixed seeds: correctness bounds on what training reaches, not timings.

use burn::tensor::Device;
use minimax_core::config::DatasetKind;
use minimax_core::metrics::nearest_mode;
use minimax_core::{Snapshot, SnapshotOptions, TrainConfig, Trainer};

fn trained(config: TrainConfig, iters: u64) -> Trainer {
    let mut t = Trainer::new(config, &Device::flex()).unwrap();
    t.train(iters);
    t
}

fn snapshot(t: &Trainer) -> Snapshot {
    t.snapshot(SnapshotOptions {
        plane: true,
        resolution: 32,
    })
    .unwrap()
}

fn mean_and_std(v: &[f32]) -> (f64, f64) {
    let n = v.len() as f64;
    let mean = v.iter().map(|&x| x as f64).sum::<f64>() / n;
    let var = v.iter().map(|&x| (x as f64 - mean).powi(2)).sum::<f64>() / n;
    (mean, var.sqrt())
}

/// On a single gaussian G can match p_data, and then the best D can do is D ≡ 1/2:
/// mean D(x) on real and on fake both approach 1/2. An untrained D also says about 1/2, so
/// the test also checks that G really matched the data (mean 1, std 0.5 per coordinate) and
/// that the same D, trained alone against the untrained G, does tell the two apart.
#[test]
fn a_gaussian_reaches_the_equilibrium_d_one_half() {
    for dim in [1, 2] {
        let config = TrainConfig {
            dataset: DatasetKind::Gaussian,
            data_dim: dim,
            latent_dim: dim,
            lr_d: 2e-4,
            lr_g: 2e-4,
            seed: 3,
            ..Default::default()
        };
        let game = trained(config.clone(), 3000);
        let s = snapshot(&game);
        assert!(
            (s.d_real - 0.5).abs() < 0.05 && (s.d_fake - 0.5).abs() < 0.05,
            "dim {dim}: D(x) {} D(G(z)) {}",
            s.d_real,
            s.d_fake
        );
        let samples = game
            .fixed_samples()
            .into_data()
            .convert::<f32>()
            .try_to_vec::<f32>()
            .unwrap();
        let (mean, std) = mean_and_std(&samples);
        assert!(
            (mean - 1.0).abs() < 0.15 && (std - 0.5).abs() < 0.15,
            "dim {dim}: G's samples have mean {mean:.3}, std {std:.3}"
        );

        let mut d_only = Trainer::new(config, &Device::flex()).unwrap();
        for _ in 0..500 {
            d_only.discriminator_step();
        }
        let s = snapshot(&d_only);
        assert!(
            s.d_real - s.d_fake > 0.4,
            "dim {dim}: D alone only reached D(x) {} vs D(G(z)) {}",
            s.d_real,
            s.d_fake
        );
    }
}

/// The fraction of generated points whose nearest mode is the most popular one.
fn largest_mode_share(s: &Snapshot, t: &Trainer) -> f64 {
    let modes = t.dataset().modes().unwrap();
    let fake = &s.plane.as_ref().unwrap().fake;
    let mut counts = vec![0usize; modes.len()];
    for &p in fake {
        counts[nearest_mode(&modes, p).0] += 1;
    }
    *counts.iter().max().unwrap() as f64 / fake.len() as f64
}

fn ring() -> TrainConfig {
    TrainConfig {
        dataset: DatasetKind::Ring,
        lr_d: 1e-4,
        lr_g: 1e-4,
        latent_dim: 16,
        seed: 1,
        ..Default::default()
    }
}

/// The vanilla GAN on the ring collapses: nearly all its samples sit by one mode (and hop to
/// another one later), so at most a couple of modes are covered.
#[test]
fn the_vanilla_gan_collapses_on_the_ring() {
    let t = trained(ring(), 3000);
    let s = snapshot(&t);
    let share = largest_mode_share(&s, &t);
    assert!(
        share > 0.9,
        "only {share:.2} of the samples by the most popular mode"
    );
    assert!(s.modes.unwrap() <= 2, "{:?} modes covered", s.modes);
}

/// Several generators sharing one D: each takes a mode, and together they cover all eight,
/// sharply.
#[test]
fn several_generators_cover_every_mode_of_the_ring() {
    let t = trained(
        TrainConfig {
            generators: 8,
            ..ring()
        },
        8000,
    );
    let s = snapshot(&t);
    assert_eq!(s.modes, Some(8));
    assert!(
        s.hq.unwrap() >= 0.9,
        "only {:.2} of the samples are of high quality",
        s.hq.unwrap()
    );
    assert!(largest_mode_share(&s, &t) < 0.2);
    assert!(s.jsd.unwrap() < 0.05, "JSD {}", s.jsd.unwrap());
}

/// The other two remedies at least undo the collapse: samples spread over the whole ring.
#[test]
fn unrolling_and_the_gradient_penalty_spread_the_samples() {
    for config in [
        TrainConfig {
            unrolled: 5,
            ..ring()
        },
        TrainConfig { gp: 1.0, ..ring() },
    ] {
        let t = trained(config.clone(), 3000);
        let s = snapshot(&t);
        let share = largest_mode_share(&s, &t);
        assert!(
            share < 0.4,
            "unrolled {} gp {}: {share:.2} of the samples by one mode",
            config.unrolled,
            config.gp
        );
    }
}
