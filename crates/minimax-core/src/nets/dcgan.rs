//! A small DCGAN pair for 28×28 images (Radford et al. 2016):
//!
//! * G: z → dense 7·7·C → [BN] → ReLU → transposed conv C/2 (k4, s2) → [BN] → ReLU →
//!   transposed conv 1 (k4, s2) → tanh
//! * D: x → conv C' (k4, s2) → leaky ReLU → conv 2C' (k4, s2) → [BN] → leaky ReLU → dense 1
//!
//! G's batch norm is on by default. D's (`d_batch_norm`, the paper's, in the preset) makes D a
//! function of the whole batch; without it D is a function of each sample alone, so its input
//! gradient, and with it every gradient penalty, is defined per sample (the config refuses a
//! penalty with D's batch norm).
//!
//! Weights and biases are drawn from the run's RNG, so the seed alone fixes them on every
//! backend: `init = uniform`, U(−1/√fan_in, 1/√fan_in) as PyTorch's layers do by default (and
//! as our MLPs do), or `init = normal`, the paper's N(0, 0.02) with zero biases (the preset's;
//! without G's batch norm it shrinks G's activations layer after layer, and G then learns too
//! slowly to keep up with D). D's input gradient is written out in tensor
//! operations (the gradient of a convolution with respect to its input is the transposed
//! convolution with the same weights), so the gradient penalties can be differentiated.

use burn::module::{Module, Param};
use burn::tensor::module::{conv_transpose2d, conv2d};
use burn::tensor::ops::{ConvOptions, ConvTransposeOptions};
use burn::tensor::{Device, Tensor, TensorData, activation};

use crate::rng::RunRng;
use crate::spec::config::{IMAGE_SIDE, InitKind};

/// Slope of leaky ReLU for negative inputs (DCGAN's 0.2).
pub const LEAKY_SLOPE: f64 = 0.2;

/// Side of the smallest feature map (28 / 4).
const S: usize = IMAGE_SIDE / 4;
const BN_EPSILON: f64 = 1e-5;
/// The standard deviation of `init = normal`'s weights (the DCGAN paper's 0.02).
const NORMAL_STD: f32 = 0.02;

/// U(−1/√fan_in, 1/√fan_in) values of this shape.
pub(crate) fn uniform_param<const D: usize>(
    shape: [usize; D],
    fan_in: usize,
    rng: &mut RunRng,
    device: &Device,
) -> Param<Tensor<D>> {
    let n = shape.iter().product();
    let bound = 1.0 / (fan_in as f32).sqrt();
    let w: Vec<f32> = (0..n).map(|_| rng.uniform(-bound, bound)).collect();
    Param::from_data(TensorData::new(w, shape), device)
}

/// The first value of a layer's weights (`bias` false) or biases, by the config's `init`.
fn init_param<const D: usize>(
    init: InitKind,
    bias: bool,
    shape: [usize; D],
    fan_in: usize,
    rng: &mut RunRng,
    device: &Device,
) -> Param<Tensor<D>> {
    let n = shape.iter().product();
    let values: Vec<f32> = match (init, bias) {
        (InitKind::Uniform, _) => return uniform_param(shape, fan_in, rng, device),
        (InitKind::Normal, false) => (0..n).map(|_| NORMAL_STD * rng.normal()).collect(),
        (InitKind::Normal, true) => vec![0.0; n],
    };
    Param::from_data(TensorData::new(values, shape), device)
}

fn constant_param(n: usize, value: f32, device: &Device) -> Param<Tensor<1>> {
    Param::from_data(TensorData::new(vec![value; n], [n]), device)
}

/// Stride 2, padding 1, kernel 4: halves (conv) or doubles (transposed conv) the side.
pub(crate) fn conv_options() -> ConvOptions<2> {
    ConvOptions::new([2, 2], [1, 1], [1, 1], 1)
}
fn transpose_options() -> ConvTransposeOptions<2> {
    ConvTransposeOptions::new([2, 2], [1, 1], [0, 0], [1, 1], 1)
}

/// Batch normalisation over the batch and both image axes, always with the batch's own
/// statistics (as DCGAN samples in training mode), then a learned scale γ and shift β.
#[derive(Module, Debug)]
pub struct BatchNorm {
    pub gamma: Param<Tensor<1>>,
    pub beta: Param<Tensor<1>>,
}

impl BatchNorm {
    fn new(channels: usize, device: &Device) -> Self {
        Self {
            gamma: constant_param(channels, 1.0, device),
            beta: constant_param(channels, 0.0, device),
        }
    }

    fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let n = x.dims()[0];
        self.forward_by_rows(x, n)
    }

    /// The same, with the statistics of the first `m` rows of the batch only (applied to all).
    fn forward_by_rows(&self, x: Tensor<4>, m: usize) -> Tensor<4> {
        let [n, c, h, w] = x.dims();
        let (centred, var) = if m == n {
            let mean = x.clone().mean_dim(0).mean_dim(2).mean_dim(3);
            let centred = x - mean;
            let var = centred.clone().square().mean_dim(0).mean_dim(2).mean_dim(3);
            (centred, var)
        } else {
            let reference = x.clone().slice([0..m, 0..c, 0..h, 0..w]);
            let mean = reference.clone().mean_dim(0).mean_dim(2).mean_dim(3);
            let var = (reference - mean.clone())
                .square()
                .mean_dim(0)
                .mean_dim(2)
                .mean_dim(3);
            (x - mean, var)
        };
        let normed = centred / (var + BN_EPSILON).sqrt();
        normed * self.gamma.val().reshape([1, c, 1, 1]) + self.beta.val().reshape([1, c, 1, 1])
    }
}

fn maybe_bn(bn: &Option<BatchNorm>, x: Tensor<4>) -> Tensor<4> {
    match bn {
        Some(bn) => bn.forward(x),
        None => x,
    }
}

/// Batch norm (if any) with the statistics of the batch's first `m` rows.
fn maybe_bn_by_rows(bn: &Option<BatchNorm>, x: Tensor<4>, m: usize) -> Tensor<4> {
    match bn {
        Some(bn) => bn.forward_by_rows(x, m),
        None => x,
    }
}

#[derive(Module, Debug)]
pub struct DcganGenerator {
    /// `[latent, 7·7·C]`, `[7·7·C]`
    pub dense_w: Param<Tensor<2>>,
    pub dense_b: Param<Tensor<1>>,
    /// `[C, C/2, 4, 4]`, `[C/2]`
    pub up1_w: Param<Tensor<4>>,
    pub up1_b: Param<Tensor<1>>,
    /// `[C/2, 1, 4, 4]`, `[1]`
    pub up2_w: Param<Tensor<4>>,
    pub up2_b: Param<Tensor<1>>,
    pub bn0: Option<BatchNorm>,
    pub bn1: Option<BatchNorm>,
    #[module(skip)]
    pub channels: usize,
}

impl DcganGenerator {
    pub fn new(
        latent: usize,
        channels: usize,
        batch_norm: bool,
        init: InitKind,
        rng: &mut RunRng,
        device: &Device,
    ) -> Self {
        let half = channels / 2;
        // A transposed convolution's fan-in, as PyTorch counts it: out channels × kernel area.
        Self {
            dense_w: init_param(init, false, [latent, S * S * channels], latent, rng, device),
            dense_b: init_param(init, true, [S * S * channels], latent, rng, device),
            up1_w: init_param(init, false, [channels, half, 4, 4], half * 16, rng, device),
            up1_b: init_param(init, true, [half], half * 16, rng, device),
            up2_w: init_param(init, false, [half, 1, 4, 4], 16, rng, device),
            up2_b: init_param(init, true, [1], 16, rng, device),
            bn0: batch_norm.then(|| BatchNorm::new(channels, device)),
            bn1: batch_norm.then(|| BatchNorm::new(half, device)),
            channels,
        }
    }

    /// G(z) as flat images `[n, 784]` in [−1, 1].
    pub fn forward(&self, z: Tensor<2>) -> Tensor<2> {
        let n = z.dims()[0];
        self.forward_by_rows(z, n)
    }

    /// G(z) for the codes `z` with batch norm taking its statistics from the codes `reference`
    /// instead of from `z`'s own: the images `z` get in a batch like `reference` (a conditional
    /// G's codes of one digit, normalised as in a batch of every digit).
    pub fn forward_normalised_by(&self, z: Tensor<2>, reference: Tensor<2>) -> Tensor<2> {
        let (m, n) = (reference.dims()[0], z.dims()[0]);
        let out = self.forward_by_rows(Tensor::cat(vec![reference, z], 0), m);
        out.slice([m..m + n, 0..IMAGE_SIDE * IMAGE_SIDE])
    }

    /// G(z), batch norm with the statistics of the first `m` rows.
    fn forward_by_rows(&self, z: Tensor<2>, m: usize) -> Tensor<2> {
        let n = z.dims()[0];
        let h = z.matmul(self.dense_w.val()) + self.dense_b.val().unsqueeze();
        let h = h.reshape([n, self.channels, S, S]);
        let h = activation::relu(maybe_bn_by_rows(&self.bn0, h, m));
        let h = conv_transpose2d(
            h,
            self.up1_w.val(),
            Some(self.up1_b.val()),
            transpose_options(),
        );
        let h = activation::relu(maybe_bn_by_rows(&self.bn1, h, m));
        let x = conv_transpose2d(
            h,
            self.up2_w.val(),
            Some(self.up2_b.val()),
            transpose_options(),
        );
        x.tanh().reshape([n, IMAGE_SIDE * IMAGE_SIDE])
    }
}

#[derive(Module, Debug)]
pub struct DcganDiscriminator {
    /// `[C', 1, 4, 4]`, `[C']`
    pub conv1_w: Param<Tensor<4>>,
    pub conv1_b: Param<Tensor<1>>,
    /// `[2C', C', 4, 4]`, `[2C']`
    pub conv2_w: Param<Tensor<4>>,
    pub conv2_b: Param<Tensor<1>>,
    /// `[7·7·2C', outputs]`, `[outputs]` (D: one logit; a VAE's encoder: 2 × latent)
    pub dense_w: Param<Tensor<2>>,
    pub dense_b: Param<Tensor<1>>,
    /// Batch norm of the second convolution (`d_batch_norm`).
    pub bn2: Option<BatchNorm>,
}

fn leaky_derivative<const D: usize>(h: Tensor<D>) -> Tensor<D> {
    h.greater_elem(0.0).float() * (1.0 - LEAKY_SLOPE) + LEAKY_SLOPE
}

impl DcganDiscriminator {
    /// D, with batch norm in its second convolution if `batch_norm`.
    pub fn new(
        channels: usize,
        batch_norm: bool,
        init: InitKind,
        rng: &mut RunRng,
        device: &Device,
    ) -> Self {
        let d = Self::with_outputs(channels, 1, init, rng, device);
        if batch_norm {
            d.with_batch_norm(device)
        } else {
            d
        }
    }

    /// The same D with batch norm in its second convolution.
    pub fn with_batch_norm(mut self, device: &Device) -> Self {
        self.bn2 = Some(BatchNorm::new(self.conv2_w.dims()[0], device));
        self
    }

    /// The same convolutions with `outputs` numbers out of the dense layer (a VAE's encoder,
    /// a conditional D).
    pub fn with_outputs(
        channels: usize,
        outputs: usize,
        init: InitKind,
        rng: &mut RunRng,
        device: &Device,
    ) -> Self {
        let c2 = 2 * channels;
        Self {
            conv1_w: init_param(init, false, [channels, 1, 4, 4], 16, rng, device),
            conv1_b: init_param(init, true, [channels], 16, rng, device),
            conv2_w: init_param(
                init,
                false,
                [c2, channels, 4, 4],
                channels * 16,
                rng,
                device,
            ),
            conv2_b: init_param(init, true, [c2], channels * 16, rng, device),
            dense_w: init_param(init, false, [S * S * c2, outputs], S * S * c2, rng, device),
            dense_b: init_param(init, true, [outputs], S * S * c2, rng, device),
            bn2: None,
        }
    }

    /// The two convolutions' pre-activations.
    fn features(&self, x: Tensor<2>) -> (Tensor<4>, Tensor<4>) {
        let n = x.dims()[0];
        let x = x.reshape([n, 1, IMAGE_SIDE, IMAGE_SIDE]);
        let h1 = conv2d(
            x,
            self.conv1_w.val(),
            Some(self.conv1_b.val()),
            conv_options(),
        );
        let a1 = activation::leaky_relu(h1.clone(), LEAKY_SLOPE);
        let h2 = conv2d(
            a1,
            self.conv2_w.val(),
            Some(self.conv2_b.val()),
            conv_options(),
        );
        let h2 = maybe_bn(&self.bn2, h2);
        (h1, h2)
    }

    fn head(&self, h2: Tensor<4>) -> Tensor<2> {
        let n = h2.dims()[0];
        let a2 = activation::leaky_relu(h2, LEAKY_SLOPE).reshape([n, self.dense_w.dims()[0]]);
        a2.matmul(self.dense_w.val()) + self.dense_b.val().unsqueeze()
    }

    /// The logit, `[n, 1]` (`[n, outputs]`).
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        self.head(self.features(x).1)
    }

    /// The logit and its gradient with respect to the image, `[n, 784]`:
    /// ∇ₓ = conv1ᵀ(σ'(h₁) ⊙ conv2ᵀ(σ'(h₂) ⊙ w_dense)), each convᵀ the transposed convolution
    /// with the convolution's own weights. Written in ordinary operations, so differentiable.
    ///
    /// Only for a D without batch norm (the config refuses a penalty with `d_batch_norm`):
    /// with it, D's output for one sample depends on the whole batch.
    pub fn forward_with_input_gradient(&self, x: Tensor<2>) -> (Tensor<2>, Tensor<2>) {
        assert!(
            self.bn2.is_none(),
            "a D with batch norm has no per-sample input gradient"
        );
        let n = x.dims()[0];
        let (h1, h2) = self.features(x);
        let [_, c2, s, _] = h2.dims();
        let out = self.head(h2.clone());
        let g = self
            .dense_w
            .val()
            .transpose()
            .repeat_dim(0, n)
            .reshape([n, c2, s, s]);
        let g = g * leaky_derivative(h2);
        let g = conv_transpose2d(g, self.conv2_w.val(), None, transpose_options());
        let g = g * leaky_derivative(h1);
        let g = conv_transpose2d(g, self.conv1_w.val(), None, transpose_options());
        (out, g.reshape([n, IMAGE_SIDE * IMAGE_SIDE]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{flex, to_vec};

    #[test]
    fn shapes_and_parameter_counts_match_the_budget_estimate() {
        let device = flex();
        let mut rng = RunRng::new(1);
        for bn in [false, true] {
            let g = DcganGenerator::new(16, 8, bn, InitKind::Normal, &mut rng, &device);
            let d = DcganDiscriminator::new(4, bn, InitKind::Uniform, &mut rng, &device);
            let z = Tensor::<2>::from_data(TensorData::new(rng.normals(3 * 16), [3, 16]), &device);
            let x = g.forward(z);
            assert_eq!(x.dims(), [3, 784]);
            assert!(to_vec(x.clone()).iter().all(|v| v.abs() <= 1.0));
            assert_eq!(d.forward(x).dims(), [3, 1]);
            let config = crate::spec::config::Config::from_value(&serde_json::json!({
                "dataset": "mnist", "model": "dcgan", "latent_dim": 16, "g_channels": 8,
                "d_channels": 4, "batch_norm": bn, "d_batch_norm": bn,
            }))
            .unwrap();
            let (eg, ed) = crate::spec::budget::players(&config);
            assert_eq!(eg.params as usize, g.num_params(), "G, batch norm {bn}");
            assert_eq!(ed.params as usize, d.num_params(), "D, batch norm {bn}");
        }
    }

    /// `init = normal`: weights of mean 0 and standard deviation 0.02 (the sample's, over
    /// 200 704 weights of G's dense layer and 32 768 of its convolution), biases 0; D's too.
    /// A D with batch norm has one γ and β per channel of its second convolution, and the
    /// config refuses it beside a gradient penalty.
    #[test]
    fn normal_init_and_d_s_batch_norm() {
        let device = flex();
        let mut rng = RunRng::new(2);
        let g = DcganGenerator::new(64, 64, true, InitKind::Normal, &mut rng, &device);
        for w in [to_vec(g.dense_w.val()), to_vec(g.up1_w.val())] {
            let n = w.len() as f64;
            let mean = w.iter().map(|&v| v as f64).sum::<f64>() / n;
            let sd = (w.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / n).sqrt();
            assert!(
                mean.abs() < 5e-4 && (sd - 0.02).abs() < 4e-4,
                "mean {mean}, sd {sd}"
            );
        }
        assert!(to_vec(g.dense_b.val()).iter().all(|&b| b == 0.0));
        let d = DcganDiscriminator::new(8, true, InitKind::Normal, &mut rng, &device);
        assert!(to_vec(d.conv2_b.val()).iter().all(|&b| b == 0.0));
        assert_eq!(d.bn2.as_ref().unwrap().gamma.dims(), [16]);
        let with_penalty = crate::spec::config::Config::from_value(&serde_json::json!({
            "dataset": "mnist", "model": "dcgan", "d_batch_norm": true, "gp": 1.0,
        }));
        assert!(
            with_penalty
                .unwrap_err()
                .to_string()
                .contains("d_batch_norm")
        );
    }

    /// G's weight gradients (what ‖∇G‖ reports) against central finite differences of the
    /// loss Σ G(z)·r, for weights of every layer, with and without batch norm. (ε is small:
    /// a larger step crosses ReLU kinks.)
    #[test]
    fn generator_gradient_matches_finite_differences() {
        let device = flex();
        for bn in [false, true] {
            let mut rng = RunRng::new(8);
            let ad = device.clone().autodiff();
            let g = DcganGenerator::new(6, 4, bn, InitKind::Uniform, &mut rng, &ad);
            let z = rng.normals(3 * 6);
            let r = rng.normals(3 * 784);
            let loss = |g: &DcganGenerator| -> Tensor<1> {
                let z = Tensor::<2>::from_data(TensorData::new(z.clone(), [3, 6]), &ad);
                let r = Tensor::<2>::from_data(TensorData::new(r.clone(), [3, 784]), &ad);
                (g.forward(z) * r).sum()
            };
            let grads = loss(&g).backward();
            let analytic = [
                to_vec(g.dense_w.grad(&grads).unwrap()),
                to_vec(g.up1_w.grad(&grads).unwrap()),
                to_vec(g.up2_w.grad(&grads).unwrap()),
            ];
            fn nudge<const D: usize>(
                p: &mut Param<Tensor<D>>,
                idx: usize,
                delta: f32,
                dev: &Device,
            ) {
                let mut v = to_vec(p.val());
                v[idx] += delta;
                let dims = p.dims();
                *p = Param::from_data(TensorData::new(v, dims), dev);
            }
            let eps = 2e-3f32;
            for (layer, grad) in analytic.iter().enumerate() {
                for idx in [0, 5, 17] {
                    let nudged = |delta: f32| {
                        let mut g2 = g.clone().no_grad();
                        match layer {
                            0 => nudge(&mut g2.dense_w, idx, delta, &ad),
                            1 => nudge(&mut g2.up1_w, idx, delta, &ad),
                            _ => nudge(&mut g2.up2_w, idx, delta, &ad),
                        }
                        crate::testing::scalar(loss(&g2)) as f32
                    };
                    let numeric = (nudged(eps) - nudged(-eps)) / (2.0 * eps);
                    let a = grad[idx];
                    assert!(
                        (a - numeric).abs() <= 2e-2 * (1.0 + numeric.abs()),
                        "bn {bn}, layer {layer}, weight {idx}: autodiff {a} vs finite differences {numeric}"
                    );
                }
            }
        }
    }

    #[test]
    fn explicit_input_gradient_matches_autodiff() {
        let device = flex().autodiff();
        for seed in [3, 4] {
            let mut rng = RunRng::new(seed);
            let d = DcganDiscriminator::new(3, false, InitKind::Uniform, &mut rng, &device);
            let x =
                Tensor::<2>::from_data(TensorData::new(rng.normals(2 * 784), [2, 784]), &device)
                    .require_grad();
            let (out, g) = d.forward_with_input_gradient(x.clone());
            let grads = out.clone().sum().backward();
            let reference = to_vec(x.grad(&grads).unwrap());
            let ours = to_vec(g);
            let scale = reference.iter().fold(0f32, |m, v| m.max(v.abs()));
            assert!(scale > 0.0);
            for (a, b) in ours.iter().zip(&reference) {
                assert!((a - b).abs() <= 1e-5 * scale.max(1.0), "{a} vs {b}");
            }
            assert_eq!(to_vec(out), to_vec(d.forward(x)));
        }
    }
}
