//! The wrong gradient burn 0.22's kernel fusion computed for the DCGAN's G (feature `fusion`),
//! reduced: the smallest G that shows it, and the operations of G one by one.
//!
//! - G's weight gradients are wrong when G's forward pass and `loss.backward()` are queued
//!   together; flushing the device's queue between the two (`minimax_core::train::backward`, which
//!   every training step uses) makes them right. The canary below keeps the fault in view.
//! - G's operations alone and in short chains (transposed convolutions to one or two channels,
//!   with and without bias, ReLU and tanh, the dense layer and its reshape, G written out of
//!   them) are differentiated right with fusion, even without the flush. What more the fault
//!   needs is not known (a guess: G's own modules, their parameters, which these cases do not
//!   use). Each case's flex gradients are checked against central differences, and wgpu's
//!   against flex's.
//!
//! Run with and without fusion (CI runs without):
//! `cargo test --release -p minimax-core --features fusion --test fusion_cases`.
#![cfg(feature = "wgpu")]

mod common;
use common::wgpu_device;

use burn::tensor::module::conv_transpose2d;
use burn::tensor::ops::ConvTransposeOptions;
use burn::tensor::{Device, Tensor, TensorData, activation};
use minimax_core::rng::RunRng;

fn options() -> ConvTransposeOptions<2> {
    ConvTransposeOptions::new([2, 2], [1, 1], [0, 0], [1, 1], 1)
}

fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().convert::<f32>().try_to_vec().unwrap()
}

/// A case: named inputs (values and shapes; all differentiated but the [`constant`] ones) and
/// the loss they give.
struct Case {
    name: &'static str,
    inputs: Vec<(&'static str, Vec<f32>, [usize; 4])>,
    loss: fn(&[Tensor<4>]) -> Tensor<1>,
}

impl Case {
    fn new(
        name: &'static str,
        shapes: &[(&'static str, [usize; 4])],
        loss: fn(&[Tensor<4>]) -> Tensor<1>,
    ) -> Self {
        let mut rng = RunRng::new(11);
        let inputs = shapes
            .iter()
            .map(|&(input, shape)| {
                let v = rng
                    .normals(shape.iter().product())
                    .iter()
                    .map(|v| v * 0.3)
                    .collect();
                (input, v, shape)
            })
            .collect();
        Self { name, inputs, loss }
    }

    /// The loss and its gradient for each input, on `device`.
    fn gradients(&self, device: &Device) -> (f64, Vec<Vec<f32>>) {
        let ad = device.clone().autodiff();
        let leaves: Vec<Tensor<4>> = self
            .inputs
            .iter()
            .map(|(input, v, shape)| {
                let t = Tensor::<4>::from_data(TensorData::new(v.clone(), *shape), &ad);
                if constant(input) { t } else { t.require_grad() }
            })
            .collect();
        // The loss is read after the backward pass: reading it first would run the forward
        // pass's kernels on their own, before the backward pass's are queued.
        let loss = (self.loss)(&leaves);
        let grads = loss.clone().backward();
        let value = values(loss)[0] as f64;
        let g = leaves
            .iter()
            .zip(&self.inputs)
            .filter(|(_, (input, _, _))| !constant(input))
            .map(|(t, _)| values(t.grad(&grads).unwrap()))
            .collect();
        (value, g)
    }

    /// The loss at the inputs `inputs` on flex.
    fn loss_at(&self, inputs: &[Vec<f32>]) -> f64 {
        let device = Device::flex();
        let leaves: Vec<Tensor<4>> = inputs
            .iter()
            .zip(&self.inputs)
            .map(|(v, (_, _, shape))| {
                Tensor::<4>::from_data(TensorData::new(v.clone(), *shape), &device)
            })
            .collect();
        values((self.loss)(&leaves))[0] as f64
    }

    /// Central differences of the loss on flex, for input `k`.
    fn finite_differences(&self, k: usize) -> Vec<f32> {
        let base: Vec<Vec<f32>> = self.inputs.iter().map(|(_, v, _)| v.clone()).collect();
        let h = 1e-3f32;
        (0..base[k].len())
            .map(|i| {
                let (mut up, mut down) = (base.clone(), base.clone());
                up[k][i] += h;
                down[k][i] -= h;
                ((self.loss_at(&up) - self.loss_at(&down)) / (2.0 * h as f64)) as f32
            })
            .collect()
    }

    /// Flex's gradients against finite differences (they must agree: flex is the reference),
    /// then wgpu's against flex's: `Some(report)` where wgpu's are wrong.
    fn check(&self, device: &Device) -> Option<String> {
        let (flex_loss, flex) = self.gradients(&Device::flex());
        let (loss, gpu) = self.gradients(device);
        let mut report = format!("{}: loss wgpu {loss:.5} flex {flex_loss:.5}", self.name);
        let mut wrong = (loss - flex_loss).abs() > 1e-4 * (1.0 + flex_loss.abs());
        let differentiated = self
            .inputs
            .iter()
            .enumerate()
            .filter(|(_, (input, _, _))| !constant(input));
        for (j, (k, (input, _, _))) in differentiated.enumerate() {
            // Central differences straddle a ReLU's kink for a few elements: all but 5 % must
            // agree, each to 1 %. A bias before a ReLU moves many of its inputs across the kink
            // at once (by 2 % of the gradient in "G without batch norm"), so its few elements are
            // held to agreeing as a vector, to 5 %.
            let fd = self.finite_differences(k);
            let off = fd
                .iter()
                .zip(&flex[j])
                .filter(|(a, b)| (*a - *b).abs() > 1e-2 * (1.0 + a.abs()))
                .count();
            let as_vector = distance(&fd, &flex[j]) / norm(&fd).max(1e-6);
            assert!(
                off <= fd.len() / 20 || (fd.len() < 20 && as_vector < 5e-2),
                "{}: flex's ∂/∂{input} differs from finite differences at {off} of {} elements ({as_vector:.1e} as a vector)",
                self.name,
                fd.len()
            );
            let apart = distance(&gpu[j], &flex[j]);
            wrong |= apart > 1e-4 * (1.0 + norm(&flex[j]));
            report += &format!(
                "; ‖∂/∂{input}‖ wgpu {:.5} flex {:.5} (apart {apart:.1e})",
                norm(&gpu[j]),
                norm(&flex[j])
            );
        }
        eprintln!("{report}");
        wrong.then_some(report)
    }
}

/// The inputs named `z` (G's codes) and `r` (the loss's weights) are constants, as in G's
/// training: not differentiated.
fn constant(input: &str) -> bool {
    input == "z" || input == "r"
}

fn norm(v: &[f32]) -> f64 {
    v.iter().map(|a| (*a as f64).powi(2)).sum::<f64>().sqrt()
}

fn distance(a: &[f32], b: &[f32]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (*x as f64 - *y as f64).powi(2))
        .sum::<f64>()
        .sqrt()
}

fn up(x: Tensor<4>, w: &Tensor<4>) -> Tensor<4> {
    conv_transpose2d(x, w.clone(), None, options())
}

/// Σ t·r for the weights r (an input like the others; its gradient is t).
fn weighted(t: Tensor<4>, r: &Tensor<4>) -> Tensor<1> {
    (t * r.clone()).sum()
}

fn cases() -> Vec<Case> {
    vec![
        Case::new(
            "up to 1 channel",
            &[
                ("x", [3, 4, 7, 7]),
                ("w", [4, 1, 4, 4]),
                ("r", [3, 1, 14, 14]),
            ],
            |t| weighted(up(t[0].clone(), &t[1]), &t[2]),
        ),
        Case::new(
            "up to 1 channel, tanh",
            &[
                ("x", [3, 4, 7, 7]),
                ("w", [4, 1, 4, 4]),
                ("r", [3, 1, 14, 14]),
            ],
            |t| weighted(activation::tanh(up(t[0].clone(), &t[1])), &t[2]),
        ),
        Case::new(
            "up, relu, up to 1 channel",
            &[
                ("x", [3, 4, 4, 4]),
                ("w0", [4, 4, 4, 4]),
                ("w", [4, 1, 4, 4]),
                ("r", [3, 1, 16, 16]),
            ],
            |t| weighted(up(activation::relu(up(t[0].clone(), &t[1])), &t[2]), &t[3]),
        ),
        Case::new(
            "up, up to 1 channel",
            &[
                ("x", [3, 4, 4, 4]),
                ("w0", [4, 4, 4, 4]),
                ("w", [4, 1, 4, 4]),
                ("r", [3, 1, 16, 16]),
            ],
            |t| weighted(up(up(t[0].clone(), &t[1]), &t[2]), &t[3]),
        ),
        Case::new(
            "relu, up to 1 channel",
            &[
                ("x", [3, 4, 7, 7]),
                ("w", [4, 1, 4, 4]),
                ("r", [3, 1, 14, 14]),
            ],
            |t| weighted(up(activation::relu(t[0].clone()), &t[1]), &t[2]),
        ),
        Case::new(
            "up, relu, up to 2 channels",
            &[
                ("x", [3, 4, 4, 4]),
                ("w0", [4, 4, 4, 4]),
                ("w", [4, 2, 4, 4]),
                ("r", [3, 2, 16, 16]),
            ],
            |t| weighted(up(activation::relu(up(t[0].clone(), &t[1])), &t[2]), &t[3]),
        ),
        Case::new(
            "up with a bias to 1 channel",
            &[
                ("x", [3, 4, 7, 7]),
                ("w", [4, 1, 4, 4]),
                ("b", [1, 1, 1, 1]),
                ("r", [3, 1, 14, 14]),
            ],
            |t| weighted(biased_up(t[0].clone(), &t[1], &t[2]), &t[3]),
        ),
        Case::new(
            "dense, reshape, relu, up to 1 channel",
            &[
                ("z", [1, 1, 3, 6]),
                ("dense", [1, 1, 6, 4 * 7 * 7]),
                ("w", [4, 1, 4, 4]),
                ("r", [3, 1, 14, 14]),
            ],
            |t| weighted(up(activation::relu(dense(&t[0], &t[1], 4)), &t[2]), &t[3]),
        ),
        // G without batch norm (nets/dcgan.rs) written out of plain tensors, 4 channels at 7×7.
        Case::new("G without batch norm", &g_inputs(4), |t| {
            written_out_g(t, false)
        }),
        // The same with the dense layer's bias added before the reshape, as nets/dcgan.rs does.
        Case::new(
            "G without batch norm, bias before the reshape",
            &g_inputs(8),
            |t| written_out_g(t, true),
        ),
    ]
}

/// The inputs of [`written_out_g`] with `c` channels at 7×7 (a batch of 3, 6 latent values).
fn g_inputs(c: usize) -> [(&'static str, [usize; 4]); 8] {
    [
        ("z", [1, 1, 3, 6]),
        ("dense", [1, 1, 6, c * 49]),
        ("dense_b", [1, 1, 1, c * 49]),
        ("up1", [c, c / 2, 4, 4]),
        ("up1_b", [1, 1, 1, c / 2]),
        ("up2", [c / 2, 1, 4, 4]),
        ("up2_b", [1, 1, 1, 1]),
        ("r", [1, 1, 3, 784]),
    ]
}

/// Σ G(z)·r for G without batch norm written out of plain tensors, its inputs as
/// [`g_inputs`] lists them; the dense layer's bias added after the reshape to `[n, c, 7, 7]`,
/// or before it (`bias_first`, as nets/dcgan.rs does).
fn written_out_g(t: &[Tensor<4>], bias_first: bool) -> Tensor<1> {
    let c = t[3].dims()[0];
    let h = if bias_first {
        let [_, _, n, latent] = t[0].dims();
        let z: Tensor<2> = t[0].clone().reshape([n, latent]);
        let w: Tensor<2> = t[1].clone().reshape([latent, c * 49]);
        let b: Tensor<1> = t[2].clone().reshape([c * 49]);
        (z.matmul(w) + b.unsqueeze()).reshape([n, c, 7, 7])
    } else {
        dense(&t[0], &t[1], c) + t[2].clone().reshape([1, c, 7, 7])
    };
    let h = activation::relu(biased_up(activation::relu(h), &t[3], &t[4]));
    let x = activation::tanh(biased_up(h, &t[5], &t[6]));
    (x.reshape([3, 784]) * t[7].clone().reshape([3, 784])).sum()
}

fn biased_up(x: Tensor<4>, w: &Tensor<4>, b: &Tensor<4>) -> Tensor<4> {
    let channels = w.dims()[1];
    conv_transpose2d(x, w.clone(), Some(b.clone().reshape([channels])), options())
}

/// z `[1, 1, n, latent]` times the dense weights `[1, 1, latent, c·49]`, as `[n, c, 7, 7]`.
fn dense(z: &Tensor<4>, w: &Tensor<4>, c: usize) -> Tensor<4> {
    let [_, _, n, latent] = z.dims();
    let z: Tensor<2> = z.clone().reshape([n, latent]);
    let w: Tensor<2> = w.clone().reshape([latent, c * 49]);
    z.matmul(w).reshape([n, c, 7, 7])
}

#[test]
fn the_generator_s_operations_have_the_same_gradients_on_wgpu_as_on_flex() {
    let Some(device) = wgpu_device() else { return };
    let wrong: Vec<String> = cases().iter().filter_map(|c| c.check(&device)).collect();
    assert!(wrong.is_empty(), "wgpu's gradients are wrong: {wrong:#?}");
}

/// G's weight gradients (dense, up1, up2) for the loss Σ G(z)·r, read back: the smallest G that
/// shows the fault (6 latent values, 8 channels at 7×7, a batch of 3), through
/// [`minimax_core::train::backward`] (`flush`) or through `loss.backward()` alone.
fn generator_gradients(device: &Device, batch_norm: bool, flush: bool) -> Vec<Vec<f32>> {
    use minimax_core::nets::dcgan::DcganGenerator;
    use minimax_core::spec::config::InitKind;
    let ad = device.clone().autodiff();
    let mut rng = RunRng::new(8);
    let g = DcganGenerator::new(6, 8, batch_norm, InitKind::Uniform, &mut rng, &ad);
    let z = Tensor::<2>::from_data(TensorData::new(rng.normals(3 * 6), [3, 6]), &ad);
    let r = Tensor::<2>::from_data(TensorData::new(rng.normals(3 * 784), [3, 784]), &ad);
    let loss = (g.forward(z) * r).sum();
    let grads = if flush {
        minimax_core::train::backward(&loss)
    } else {
        loss.backward()
    };
    vec![
        values(g.dense_w.grad(&grads).unwrap()),
        values(g.up1_w.grad(&grads).unwrap()),
        values(g.up2_w.grad(&grads).unwrap()),
    ]
}

/// How far wgpu's gradients of G are from flex's, relative to flex's, per layer.
fn generator_gradients_apart(device: &Device, batch_norm: bool, flush: bool) -> Vec<f64> {
    let flex = generator_gradients(&Device::flex(), batch_norm, true);
    let gpu = generator_gradients(device, batch_norm, flush);
    flex.iter()
        .zip(&gpu)
        .map(|(a, b)| distance(a, b) / norm(a))
        .collect()
}

/// With the training's backward pass (which flushes the queue first), G's gradients on wgpu
/// are flex's, with and without batch norm, fused or not.
#[test]
fn g_s_gradients_on_wgpu_are_flex_s() {
    let Some(device) = wgpu_device() else { return };
    for batch_norm in [false, true] {
        let apart = generator_gradients_apart(&device, batch_norm, true);
        eprintln!(
            "batch norm {batch_norm}: wgpu's ∂/∂(dense, up1, up2) apart from flex's by {apart:?}"
        );
        assert!(
            apart.iter().all(|a| *a < 1e-5),
            "batch norm {batch_norm}: {apart:?}"
        );
    }
}

/// The fault itself, kept as a canary: with kernel fusion, the same G differentiated by
/// `loss.backward()` right after its forward pass gets wrong weight gradients (130–210 % of
/// their size off in four runs on lavapipe, different each time). This fails where the fault
/// does not show: after a fix in burn (then `train::backward` need not flush), or on a driver
/// where it does not appear.
#[cfg(feature = "fusion")]
#[test]
fn fusion_without_a_flush_gets_g_s_gradients_wrong() {
    let Some(device) = wgpu_device() else { return };
    let apart = generator_gradients_apart(&device, false, false);
    eprintln!("without a flush: wgpu's ∂/∂(dense, up1, up2) apart from flex's by {apart:.2?}");
    assert!(apart.iter().any(|a| *a > 0.1), "{apart:?}");
}
