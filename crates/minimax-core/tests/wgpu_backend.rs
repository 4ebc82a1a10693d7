//! The wgpu backend (the browser's WebGPU code path, WGSL shaders) on whatever adapter this
//! machine has; in CI that is Mesa's lavapipe, a CPU Vulkan driver.
#![cfg(feature = "wgpu")]

mod common;
use common::wgpu_device;

use minimax_core::spec::config::InitKind;
use minimax_core::train::readback::block_on;
use minimax_core::{Assets, Config, Gan, SnapshotOptions, train::checkpoint};
use serde_json::json;

#[test]
fn wgpu_trains_and_agrees_with_flex_at_the_start() {
    let Some(device) = wgpu_device() else { return };
    let config =
        Config::from_value(&json!({"g_hidden": 32, "d_hidden": 32, "batch_size": 64})).unwrap();
    let options = SnapshotOptions {
        plane: true,
        resolution: 16,
        ..Default::default()
    };

    // Same seed ⇒ same initial weights on both backends ⇒ the same numbers, up to float error.
    let mut gpu = Gan::new(config.clone(), &device, &Assets::default()).unwrap();
    let cpu = Gan::new(config, &burn::tensor::Device::flex(), &Assets::default()).unwrap();
    let (a, b) = (
        gpu.snapshot(options).unwrap(),
        cpu.snapshot(options).unwrap(),
    );
    for name in ["d_loss", "g_loss", "d_real", "grad_d", "grad_g"] {
        let (x, y) = (a.get(name), b.get(name));
        assert!(
            (x - y).abs() < 1e-3 * (1.0 + y.abs()),
            "{name}: wgpu {x} vs flex {y}"
        );
    }
    let (pa, pb) = (a.plane.unwrap(), b.plane.unwrap());
    let max_diff = pa
        .d_grid
        .iter()
        .zip(&pb.d_grid)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max);
    assert!(max_diff < 1e-3, "D's heat-map differs by {max_diff}");

    gpu.train(30);
    let s = gpu.snapshot(options).unwrap();
    assert_eq!(s.iter, 30);
    assert!(s.get("d_loss").is_finite() && s.get("g_loss").is_finite());
    assert_ne!(
        s.histograms["fake"], a.histograms["fake"],
        "training changed nothing"
    );
}

/// The DCGAN's convolutions in WGSL agree with flex's at the start (same seed, same weights):
/// losses, D(x), both gradient norms (flex's G gradient is checked against finite differences
/// in `dcgan.rs`), the samples; and training runs. With burn's kernel fusion on, ‖∇G‖ did not
/// agree (0.150 against 0.169) until the training's backward pass flushed the queue first
/// (`tests/fusion_cases.rs`, which also checks G's gradients layer by layer).
#[test]
fn wgpu_runs_the_dcgan_and_agrees_with_flex_at_the_start() {
    let Some(device) = wgpu_device() else { return };
    let assets = Assets {
        mnist: Some(std::sync::Arc::new(
            minimax_core::data::mnist::Mnist::noise(16, 37),
        )),
    };
    let config = Config::from_value(&json!({
        "dataset": "mnist", "model": "dcgan", "latent_dim": 16, "g_channels": 16, "d_channels": 8,
        "batch_size": 16,
    }))
    .unwrap();
    let mut gpu = Gan::new(config.clone(), &device, &assets).unwrap();
    let cpu = Gan::new(config, &burn::tensor::Device::flex(), &assets).unwrap();
    let options = SnapshotOptions::default();
    let (a, b) = (
        gpu.snapshot(options).unwrap(),
        cpu.snapshot(options).unwrap(),
    );
    for name in ["d_loss", "g_loss", "d_real", "d_fake", "grad_d", "grad_g"] {
        let (x, y) = (a.get(name), b.get(name));
        assert!(
            (x - y).abs() < 1e-3 * (1.0 + y.abs()),
            "{name}: wgpu {x} vs flex {y}"
        );
    }
    let (ia, ib) = (a.images.unwrap(), b.images.unwrap());
    let differ = ia
        .fake
        .iter()
        .zip(&ib.fake)
        .filter(|(x, y)| x.abs_diff(**y) > 1)
        .count();
    assert!(
        differ < 10,
        "{differ} sample pixels differ by more than 1/255"
    );
    gpu.train(3);
    let s = gpu.snapshot(options).unwrap();
    assert_eq!(s.iter, 3);
    assert!(s.get("d_loss").is_finite());

    // The GPU session's checkpoint read in two phases (the only way a browser's WebGPU can read
    // it) is the one read synchronously, and the run goes on from it on the CPU.
    let sync = checkpoint::save(&gpu).unwrap();
    let awaited = block_on(checkpoint::prepare(&gpu).unwrap().read()).unwrap();
    assert_eq!(awaited, sync);
    let on_cpu =
        minimax_core::launch::load(&awaited, &burn::tensor::Device::flex(), &assets).unwrap();
    let c = on_cpu.snapshot(options).unwrap();
    assert_eq!(c.iter, 3);
    for name in ["d_loss", "g_loss", "d_real", "d_fake"] {
        let (x, y) = (s.get(name), c.get(name));
        assert!(
            (x - y).abs() < 1e-3 * (1.0 + y.abs()),
            "{name}: on the GPU {x}, restored on the CPU {y}"
        );
    }
}

/// The gradient of D's logit with respect to its input (autodiff through the strided
/// convolutions) on each backend, against D's explicit input gradient.
#[test]
fn wgpu_input_gradient_of_the_dcgan_discriminator() {
    use burn::tensor::{Tensor, TensorData};
    use minimax_core::nets::dcgan::DcganDiscriminator;
    use minimax_core::rng::RunRng;
    let Some(device) = wgpu_device() else { return };
    let mut report = Vec::new();
    for (name, device) in [("flex", burn::tensor::Device::flex()), ("wgpu", device)] {
        let ad = device.autodiff();
        let mut rng = RunRng::new(3);
        let d = DcganDiscriminator::new(4, false, InitKind::Uniform, &mut rng, &ad);
        let x = Tensor::<2>::from_data(TensorData::new(rng.normals(2 * 784), [2, 784]), &ad)
            .require_grad();
        let (out, explicit) = d.forward_with_input_gradient(x.clone());
        let grads = out.sum().backward();
        let autodiff: Vec<f32> = x
            .grad(&grads)
            .unwrap()
            .into_data()
            .convert::<f32>()
            .try_to_vec()
            .unwrap();
        let explicit: Vec<f32> = explicit.into_data().convert::<f32>().try_to_vec().unwrap();
        let norm = |v: &[f32]| v.iter().map(|a| a * a).sum::<f32>().sqrt();
        let diff: Vec<f32> = autodiff.iter().zip(&explicit).map(|(a, b)| a - b).collect();
        report.push(format!(
            "{name}: ‖autodiff‖ {:.5}, ‖explicit‖ {:.5}, ‖difference‖ {:.5}",
            norm(&autodiff),
            norm(&explicit),
            norm(&diff)
        ));
        assert!(norm(&diff) < 1e-4 * norm(&explicit), "{report:?}");
    }
    eprintln!("{}", report.join("\n"));
}

/// The unrolled GAN through D's steps (D's weight gradient written in tensor operations, then
/// differentiated) runs on wgpu's kernels as on flex's: after three iterations from the same
/// seed, the same losses and gradient norms up to float error.
#[test]
fn wgpu_runs_the_unrolled_gan_through_d_s_steps() {
    let Some(device) = wgpu_device() else { return };
    let config = Config::from_value(&json!({
        "g_hidden": 32, "d_hidden": 32, "batch_size": 64,
        "unrolled": 3, "unrolled_through": true, "unrolled_lr": 0.05, "activation": "tanh"
    }))
    .unwrap();
    let options = SnapshotOptions {
        plane: false,
        resolution: 16,
        ..Default::default()
    };
    let mut gpu = Gan::new(config.clone(), &device, &Assets::default()).unwrap();
    let mut cpu = Gan::new(config, &burn::tensor::Device::flex(), &Assets::default()).unwrap();
    gpu.train(3);
    cpu.train(3);
    let (a, b) = (
        gpu.snapshot(options).unwrap(),
        cpu.snapshot(options).unwrap(),
    );
    for name in ["d_loss", "g_loss", "grad_d", "grad_g"] {
        let (x, y) = (a.get(name), b.get(name));
        assert!(
            (x - y).abs() < 1e-2 * (1.0 + y.abs()),
            "{name}: wgpu {x} vs flex {y}"
        );
    }
}
