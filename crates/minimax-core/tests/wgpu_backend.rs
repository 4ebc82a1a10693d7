//! The wgpu backend (the browser's WebGPU code path, WGSL shaders) on whatever adapter this
//! machine has; in CI that is Mesa's lavapipe, a CPU Vulkan driver.
#![cfg(feature = "wgpu")]

use minimax_core::backend::{Backend, init_device};
use minimax_core::{SnapshotOptions, TrainConfig, Trainer};

#[test]
fn wgpu_trains_and_agrees_with_flex_at_the_start() {
    let device = match init_device(Backend::Wgpu) {
        Ok(d) => d,
        Err(e) if std::env::var_os("MINIMAX_SKIP_WGPU").is_some() => {
            eprintln!("skipped (MINIMAX_SKIP_WGPU is set): {e}");
            return;
        }
        Err(e) => panic!(
            "{e}; install Mesa's Vulkan drivers (cargo xtask setup) or set MINIMAX_SKIP_WGPU=1"
        ),
    };
    let config = TrainConfig {
        g_hidden: 32,
        d_hidden: 32,
        batch_size: 64,
        ..Default::default()
    };
    let options = SnapshotOptions {
        plane: true,
        resolution: 16,
    };

    // Same seed ⇒ same initial weights on both backends ⇒ the same numbers, up to float error.
    let mut gpu = Trainer::new(config.clone(), &device).unwrap();
    let cpu = Trainer::new(config, &burn::tensor::Device::flex()).unwrap();
    let (a, b) = (
        gpu.snapshot(options).unwrap(),
        cpu.snapshot(options).unwrap(),
    );
    for (x, y) in [
        (a.d_loss, b.d_loss),
        (a.g_loss, b.g_loss),
        (a.d_real, b.d_real),
        (a.grad_d, b.grad_d),
        (a.grad_g, b.grad_g),
    ] {
        assert!(
            (x - y).abs() < 1e-3 * (1.0 + y.abs()),
            "wgpu {x} vs flex {y}"
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
    assert!(s.d_loss.is_finite() && s.g_loss.is_finite());
    assert_ne!(s.hist_fake, a.hist_fake, "training changed nothing");
}
