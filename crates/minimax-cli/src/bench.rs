//! `minimax bench`: iterations per second of Minimax's trainer against a plain burn GAN step
//! of the same shapes, on every backend this machine has.

use std::time::Instant;

use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::optim::{AdamConfig, GradientsParams};
use burn::tensor::{Device, Distribution, Tensor, activation};
use clap::Args;
use minimax_core::data::mnist::Mnist;
use minimax_core::experiments::classifier::DigitNet;
use minimax_core::experiments::evaluation::Evaluator;
use minimax_core::rng::RunRng;
use minimax_core::train::counters;
use minimax_core::{Assets, Backend, Config, Experiment, SnapshotOptions, backend::init_device};
use serde_json::json;

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Timed iterations per case (after a warm-up of a tenth as many)
    #[arg(long, default_value_t = 300)]
    iters: u64,
    /// flex | wgpu | all
    #[arg(long, default_value = "all")]
    backend: String,
}

struct Case {
    name: &'static str,
    config: Config,
    /// Whether a plain burn step of the same shapes exists to compare with (MLPs only).
    plain: bool,
}

fn case(name: &'static str, flat: serde_json::Value, plain: bool) -> Case {
    let config = Config::from_value(&flat).expect("benchmark configs are valid");
    Case {
        name,
        config,
        plain,
    }
}

fn cases() -> Vec<Case> {
    vec![
        case("2-D ring, MLP 64x2, batch 128", json!({}), true),
        case(
            "MNIST-sized 784-d, MLP 256x2, batch 64",
            json!({"dataset": "gaussian", "data_dim": 784, "latent_dim": 64,
                   "g_hidden": 256, "d_hidden": 256, "batch_size": 64}),
            true,
        ),
        case(
            "MNIST DCGAN 64/32 ch, batch 64",
            json!({"dataset": "mnist", "model": "dcgan", "latent_dim": 64, "batch_size": 64,
                   "lr_d": 2e-4, "lr_g": 2e-4}),
            false,
        ),
        case(
            "MNIST VAE, the DCGAN's players, batch 64",
            json!({"experiment": "vae", "dataset": "mnist", "model": "dcgan", "latent_dim": 64,
                   "batch_size": 64, "lr_g": 1e-3, "beta1": 0.9}),
            false,
        ),
    ]
}

/// Digits for the image case: random pixels, as the cost does not depend on what they show
/// (the benchmark then needs no asset).
fn digits() -> Assets {
    Assets {
        mnist: Some(std::sync::Arc::new(Mnist::noise(1000, 1))),
    }
}

fn time_per_iter(iters: u64, device: &Device, step: &mut impl FnMut()) -> f64 {
    for _ in 0..(iters / 10).max(1) {
        step();
    }
    device.sync().expect("device sync");
    let start = Instant::now();
    for _ in 0..iters {
        step();
    }
    device.sync().expect("device sync");
    start.elapsed().as_secs_f64() * 1000.0 / iters as f64
}

#[derive(Module, Debug)]
struct PlainMlp {
    layers: Vec<Linear>,
}

impl PlainMlp {
    fn new(sizes: &[usize], device: &Device) -> Self {
        Self {
            layers: sizes
                .windows(2)
                .map(|w| LinearConfig::new(w[0], w[1]).init(device))
                .collect(),
        }
    }
    fn forward(&self, mut x: Tensor<2>) -> Tensor<2> {
        for (i, l) in self.layers.iter().enumerate() {
            x = l.forward(x);
            if i + 1 < self.layers.len() {
                x = activation::relu(x);
            }
        }
        x
    }
}

/// The reference: the shortest GAN step one writes in burn (noise and data drawn on the
/// device, one D and one G update with the non-saturating loss, Adam): milliseconds an
/// iteration, and the kernels it launches.
fn plain_burn_step(config: &Config, device: &Device, iters: u64) -> (f64, counters::Counts) {
    let device = device.clone().autodiff();
    let m = &config.model;
    let (b, z, x) = (config.optim.batch_size, m.latent_dim, config.data_dim());
    let mut g = PlainMlp::new(&[z, m.g_hidden, m.g_hidden, x], &device);
    let mut d = PlainMlp::new(&[x, m.d_hidden, m.d_hidden, 1], &device);
    let (mut og, mut od) = (
        AdamConfig::new().with_beta_1(0.5).init(),
        AdamConfig::new().with_beta_1(0.5).init(),
    );
    let mut step = || {
        let real = Tensor::<2>::random([b, x], Distribution::Normal(1.0, 0.5), &device);
        let fake = g
            .forward(Tensor::random(
                [b, z],
                Distribution::Normal(0.0, 1.0),
                &device,
            ))
            .detach();
        let loss = activation::softplus(d.forward(real).neg(), 1.0).mean()
            + activation::softplus(d.forward(fake), 1.0).mean();
        let grads = GradientsParams::from_grads(minimax_core::train::backward(&loss), &d);
        d = od.step(1e-3, d.clone(), grads);
        let fake = g.forward(Tensor::random(
            [b, z],
            Distribution::Normal(0.0, 1.0),
            &device,
        ));
        let loss = activation::softplus(d.forward(fake).neg(), 1.0).mean();
        let grads = GradientsParams::from_grads(minimax_core::train::backward(&loss), &g);
        g = og.step(1e-3, g.clone(), grads);
    };
    let ms = time_per_iter(iters, &device, &mut step);
    let (_, counts) = counters::count(|| {
        step();
        device.sync().expect("device sync")
    });
    (ms, counts)
}

pub fn run(args: BenchArgs) -> Result<(), String> {
    let backends = match args.backend.as_str() {
        "all" => vec![Backend::Flex, Backend::Wgpu],
        other => vec![Backend::parse(other)?],
    };
    println!(
        "{:<8} {:<40} {:>12} {:>10} {:>14} {:>10} {:>12} {:>12} {:>12} {:>13}",
        "backend",
        "model",
        "ms/iter",
        "iter/s",
        "plain burn ms",
        "ratio",
        "snapshot ms",
        "kernels/it",
        "kernels/snap",
        "plain kernels"
    );
    let assets = digits();
    // The classifier's evaluation: its cost does not depend on its weights or the digits.
    let flex = Device::flex();
    let evaluator = Evaluator::new(
        DigitNet::new(&mut RunRng::new(1), &flex),
        &Mnist::noise(1000, 5),
        &flex,
    );
    let mut evaluations = Vec::new();
    for backend in backends {
        let device = match init_device(backend) {
            Ok(d) => d,
            Err(e) => {
                println!("{:<8} skipped: {e}", backend.name());
                continue;
            }
        };
        for case in cases() {
            let iters = if backend == Backend::Wgpu {
                (args.iters / 5).max(10)
            } else {
                args.iters
            };
            let iters = if case.plain {
                iters
            } else {
                (iters / 10).max(5)
            };
            let mut trainer = minimax_core::launch::build(case.config.clone(), &device, &assets)
                .map_err(|e| e.to_string())?;
            let trainer_device = trainer.device().clone();
            let ours = time_per_iter(iters, &trainer_device, &mut || trainer.step());
            let (plain, plain_counts) = if case.plain {
                let (ms, counts) = plain_burn_step(&case.config, &device, iters);
                (ms, Some(counts))
            } else {
                (f64::NAN, None)
            };
            let options = SnapshotOptions {
                plane: true,
                ..Default::default()
            };
            trainer.snapshot(options).map_err(|e| e.to_string())?; // warm-up: compiles the kernels
            let start = Instant::now();
            let snaps = 5;
            for _ in 0..snaps {
                trainer.snapshot(options).map_err(|e| e.to_string())?;
            }
            let snap_ms = start.elapsed().as_secs_f64() * 1000.0 / snaps as f64;
            // One iteration and one snapshot more, counted: the step ends with a sync, so
            // that every kernel it queued (with fusion, at the next flush) has been issued.
            let (_, step) = counters::count(|| {
                trainer.step();
                trainer_device.sync().expect("device sync")
            });
            let (snapped, snap) = counters::count(|| trainer.snapshot(options));
            snapped.map_err(|e| e.to_string())?;
            let launches = |c: counters::Counts| match (backend, c.launches) {
                (Backend::Wgpu, Some(n)) => n.to_string(),
                _ => "-".to_string(),
            };
            if case.config.data.kind.is_image() {
                evaluations.push(time_evaluation(backend, trainer.as_ref(), &evaluator)?);
            }
            println!(
                "{:<8} {:<40} {:>12.3} {:>10.0} {:>14.3} {:>10.2} {:>12.2} {:>12} {:>12} {:>13}",
                backend.name(),
                case.name,
                ours,
                1000.0 / ours,
                plain,
                ours / plain,
                snap_ms,
                format!("{} ({} rd)", launches(step), step.read_backs),
                format!("{} ({} rd)", launches(snap), snap.read_backs),
                plain_counts.map_or("-".to_string(), launches),
            );
        }
    }
    for line in evaluations {
        println!("{line}");
    }
    println!(
        "ratio = Minimax's step / plain burn step (≤ 1.0 meets the target); one iteration = 1 D step + 1 G step;"
    );
    println!(
        "snapshot = every metric and the data plane (48×48 heat-maps, 512 points) or the image grids, after a warm-up snapshot."
    );
    println!(
        "kernels = GPU kernels launched (dispatches; fused kernels count one each; - on the CPU), rd = read-backs of numbers from the device, for one iteration and one snapshot; plain kernels: the plain burn step's."
    );
    println!(
        "DCGAN: G z(64) → 7·7·64 → tconv 32 → tconv 1; D conv 32 → conv 64 → dense; no plain burn reference (NaN)."
    );
    println!(
        "VAE: one iteration = one step of the ELBO (encoder = D's convolutions → 2·64, decoder = G)."
    );
    Ok(())
}

/// One evaluation by the classifier: 1 000 samples (the DCGAN's G, or the VAE's decoder)
/// generated on the backend, read back, and scored (features, IS, Fréchet distance, classes,
/// sharpness) on the CPU.
fn time_evaluation(
    backend: Backend,
    model: &dyn Experiment,
    evaluator: &Evaluator,
) -> Result<String, String> {
    let what = if model.config().experiment == minimax_core::spec::config::ExperimentKind::Vae {
        "VAE"
    } else {
        "DCGAN"
    };
    let n = minimax_core::experiments::evaluation::DEFAULT_SAMPLES;
    let read = || -> Result<Vec<f32>, String> {
        let mut pixels = Vec::new();
        for start in (0..n).step_by(minimax_core::experiments::evaluation::SAMPLE_CHUNK) {
            let rows = start..(start + minimax_core::experiments::evaluation::SAMPLE_CHUNK).min(n);
            pixels.extend(
                model
                    .samples(n, rows)
                    .ok_or("no samples")?
                    .into_data()
                    .convert::<f32>()
                    .try_into_vec::<f32>()
                    .map_err(|e| format!("{e:?}"))?,
            );
        }
        Ok(pixels)
    };
    read()?; // warm-up
    let start = Instant::now();
    let pixels = read()?;
    let generate = start.elapsed().as_secs_f64() * 1000.0;
    let start = Instant::now();
    let scores = evaluator.score(&pixels, false);
    let score = start.elapsed().as_secs_f64() * 1000.0;
    Ok(format!(
        "evaluation ({}): {n} {what} samples generated and read back in {generate:.0} ms, scored by the classifier (flex) in {score:.0} ms (IS {:.2} of random weights)",
        backend.name(),
        scores.is
    ))
}
