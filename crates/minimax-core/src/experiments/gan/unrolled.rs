//! The unrolled GAN as Metz et al. (2017) define it: G's loss is taken against D after K
//! gradient steps on D's loss, θ_D^{k+1} = θ_D^k − η ∇_{θ_D} L_D(θ_D^k, θ_G), and G's
//! gradient flows back through those K steps, so that G anticipates D's answer to its move
//! (the term that the first-order version, against a copy of D advanced K steps and then held
//! constant, leaves out).
//!
//! burn has no double backward, so D's weight gradient is written here in tensor operations,
//! for an MLP D (as its input gradient is in `model.rs`); autodiff then differentiates G's
//! loss through it. The unrolled steps are plain gradient steps of size η = `unrolled_lr` (the
//! paper's definition; its experiments unrolled Adam), without a gradient penalty.

use burn::module::Module;
use burn::tensor::{Tensor, activation::sigmoid};

use crate::nets::loss;
use crate::nets::model::{Mlp, activate, activation_derivative};
use crate::spec::config::{Activation, LossKind};

/// An MLP's weights as tensors: `w[i]` is `[in, out]`, `b[i]` is `[out]`.
#[derive(Clone)]
pub(crate) struct Weights {
    w: Vec<Tensor<2>>,
    b: Vec<Tensor<1>>,
}

impl Weights {
    /// `mlp`'s weights, as constants (G's step does not update D).
    pub(crate) fn of(mlp: &Mlp) -> Self {
        let mlp = mlp.clone().no_grad();
        Self {
            w: mlp.layers.iter().map(|l| l.weight.val()).collect(),
            b: mlp
                .layers
                .iter()
                .map(|l| l.bias.as_ref().expect("D's layers have biases").val())
                .collect(),
        }
    }

    fn step(self, gradient: Weights, lr: f64) -> Self {
        let sub = |a: Tensor<2>, g: Tensor<2>| a - g * lr;
        Self {
            w: self
                .w
                .into_iter()
                .zip(gradient.w)
                .map(|(a, g)| sub(a, g))
                .collect(),
            b: self
                .b
                .into_iter()
                .zip(gradient.b)
                .map(|(a, g)| a - g * lr)
                .collect(),
        }
    }
}

/// D's logits `[n, 1]`, with each hidden layer's input and pre-activation, and the output
/// layer's input (`inputs` has one entry more than `pre`).
fn forward(
    w: &Weights,
    act: Activation,
    x: Tensor<2>,
) -> (Tensor<2>, Vec<Tensor<2>>, Vec<Tensor<2>>) {
    let last = w.w.len() - 1;
    let (mut pre, mut inputs) = (Vec::with_capacity(last), Vec::with_capacity(last + 1));
    let mut a = x;
    for i in 0..last {
        let h = a.clone().matmul(w.w[i].clone()) + w.b[i].clone().unsqueeze::<2>();
        inputs.push(a);
        a = activate(act, h.clone());
        pre.push(h);
    }
    let out = a.clone().matmul(w.w[last].clone()) + w.b[last].clone().unsqueeze::<2>();
    inputs.push(a);
    (out, pre, inputs)
}

/// ∂L_D/∂logit of each row of a batch of `n`: real rows (`real`) or generated ones. (Written
/// with the tensor operations the rest of the engine uses, so that the page's download does
/// not grow by kernels of its own.)
fn slope(kind: LossKind, logits: Tensor<2>, real: bool) -> Tensor<2> {
    let per_row = 1.0 / logits.dims()[0] as f64;
    let s = match (kind, real) {
        // softplus(−l) and softplus(l)
        (LossKind::Minimax | LossKind::NonSaturating, true) => sigmoid(logits.neg()).neg(),
        (LossKind::Minimax | LossKind::NonSaturating, false) => sigmoid(logits),
        // ½(l − 1)² and ½l²
        (LossKind::Lsgan, true) => logits - 1.0,
        (LossKind::Lsgan, false) => logits,
        // max(0, 1 − l) and max(0, 1 + l): −[l < 1] and [l > −1]
        (LossKind::Hinge, true) => logits.neg().greater_elem(-1.0).float().neg(),
        (LossKind::Hinge, false) => logits.greater_elem(-1.0).float(),
        // −l and l (WGAN-GP's penalty is refused with unrolled_through)
        (LossKind::WganGp, true) => logits * 0.0 - 1.0,
        (LossKind::WganGp, false) => logits * 0.0 + 1.0,
    };
    s * per_row
}

/// The weight gradient from ∂L/∂logits `delta` of one batch, back through the layers whose
/// inputs and pre-activations `forward` kept.
fn backward(
    w: &Weights,
    act: Activation,
    delta: Tensor<2>,
    pre: &[Tensor<2>],
    inputs: &[Tensor<2>],
) -> Weights {
    let last = w.w.len() - 1;
    let (mut gw, mut gb) = (Vec::with_capacity(last + 1), Vec::with_capacity(last + 1));
    let mut g = delta;
    for i in (0..=last).rev() {
        let width = g.dims()[1];
        gw.push(inputs[i].clone().transpose().matmul(g.clone()));
        gb.push(g.clone().sum_dim(0).reshape([width]));
        if i > 0 {
            g = g.matmul(w.w[i].clone().transpose())
                * activation_derivative(act, pre[i - 1].clone());
        }
    }
    gw.reverse();
    gb.reverse();
    Weights { w: gw, b: gb }
}

/// ∇ of D's loss (`loss.rs`) with respect to its weights, on a real and a generated batch, by
/// an explicit backward pass: differentiable in turn, in the generated batch above all.
pub(crate) fn loss_gradient(
    w: &Weights,
    act: Activation,
    kind: LossKind,
    real: Tensor<2>,
    fake: Tensor<2>,
) -> Weights {
    let part = |x: Tensor<2>, is_real: bool| {
        let (out, pre, inputs) = forward(w, act, x);
        backward(w, act, slope(kind, out, is_real), &pre, &inputs)
    };
    let (r, f) = (part(real, true), part(fake, false));
    Weights {
        w: r.w.into_iter().zip(f.w).map(|(a, b)| a + b).collect(),
        b: r.b.into_iter().zip(f.b).map(|(a, b)| a + b).collect(),
    }
}

/// G's loss against D after one unrolled step per `(real, fake)` batch (the fakes made by G,
/// so tracked), then scored on `fake`; its gradient reaches G through every step.
pub(crate) fn generator_loss(
    d: &Mlp,
    kind: LossKind,
    lr: f64,
    batches: Vec<(Tensor<2>, Tensor<2>)>,
    fake: Tensor<2>,
) -> Tensor<1> {
    let mut w = Weights::of(d);
    for (real, fake_k) in batches {
        let g = loss_gradient(&w, d.activation, kind, real, fake_k);
        w = w.step(g, lr);
    }
    loss::generator_loss(kind, forward(&w, d.activation, fake).0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiments::gan::Gan;
    use crate::spec::config::Config;
    use crate::testing::{flex, to_vec};
    use crate::{Assets, nets::model::DiscriminatorNet, nets::model::GeneratorNet};
    use burn::optim::GradientsParams;
    use burn::tensor::TensorData;

    fn mlp_d(gan: &Gan) -> Mlp {
        match &gan.discriminator.net {
            DiscriminatorNet::Mlp(m) => m.clone(),
            DiscriminatorNet::Dcgan(_) => unreachable!("an MLP D"),
        }
    }

    /// The explicit weight gradient of D's loss is autodiff's, for every loss and activation.
    #[test]
    fn explicit_weight_gradient_matches_autodiff() {
        for (loss, act) in [
            ("non-saturating", "relu"),
            ("lsgan", "tanh"),
            ("hinge", "leaky-relu"),
            ("minimax", "tanh"),
        ] {
            let config = Config::from_value(&serde_json::json!({
                "loss": loss, "activation": act, "d_layers": 3, "seed": 5
            }))
            .unwrap();
            let mut gan = Gan::new(config.clone(), &flex(), &Assets::default()).unwrap();
            gan.train(20);
            let d = mlp_d(&gan);
            let (batches, _) = gan.split();
            let mut b = batches;
            let real = b.real_batch();
            let fake = crate::experiments::gan::generate(b.config, b.generators, b.latent_batch())
                .detach();
            let kind = config.objective.loss;
            let auto = {
                let l = loss::discriminator_loss(
                    kind,
                    d.forward(real.clone()),
                    d.forward(fake.clone()),
                );
                let mut grads = l.backward();
                let g = GradientsParams::from_module(&mut grads, &d);
                d.layers
                    .iter()
                    .map(|l| to_vec(g.get::<2>(l.weight.id).unwrap()))
                    .collect::<Vec<_>>()
            };
            let explicit = loss_gradient(&Weights::of(&d), d.activation, kind, real, fake);
            for (a, e) in auto.iter().zip(&explicit.w) {
                let e = to_vec(e.clone());
                let scale = a.iter().fold(1e-6f32, |m, x| m.max(x.abs()));
                for (x, y) in a.iter().zip(&e) {
                    assert!(
                        (x - y).abs() <= 1e-4 * scale,
                        "{loss}/{act}: {x} against {y}"
                    );
                }
            }
        }
    }

    /// The unrolled loss's gradient with respect to G's weights is its finite difference, on
    /// two seeds, and it differs from the first-order gradient (D's K steps held constant):
    /// the term through D's updates is there and is right. With tanh: with ReLU the unrolled
    /// loss jumps where a unit of D switches (its derivative, a step, enters D's update), so
    /// finite differences across a switch mean nothing; autodiff gives the gradient between.
    /// Measured: autodiff and finite differences agree to 6.5e-6 on gradients of 1e-2, and
    /// the term through the updates is 28 % of them.
    #[test]
    fn unrolled_gradient_matches_finite_differences() {
        for seed in [1u64, 2] {
            let config = Config::from_value(&serde_json::json!({
                "dataset": "ring", "seed": seed, "unrolled": 3, "activation": "tanh"
            }))
            .unwrap();
            let mut gan = Gan::new(config.clone(), &flex(), &Assets::default()).unwrap();
            gan.train(30);
            let d = mlp_d(&gan);
            let kind = config.objective.loss;
            let (mut b, _) = gan.split();
            let reals: Vec<Tensor<2>> = (0..4).map(|_| b.real_batch()).collect();
            let zs: Vec<Tensor<2>> = (0..4).map(|_| b.latent_batch()).collect();
            let lr = 0.5;
            let g = gan.generators[0].clone();
            let GeneratorNet::Mlp(net) = &g.net else {
                unreachable!()
            };
            let id = net.layers[0].weight.id;
            let w0 = to_vec(net.layers[0].weight.val());
            let [rows, cols] = net.layers[0].weight.val().dims();
            // The loss as a function of G's first weight matrix (entry `at` moved by `eps`).
            let loss_with = |at: usize, eps: f32, through: bool| {
                let mut w = w0.clone();
                w[at] += eps;
                let mut g = g.clone();
                let GeneratorNet::Mlp(net) = &mut g.net else {
                    unreachable!()
                };
                net.layers[0].weight = burn::module::Param::initialized(
                    id,
                    Tensor::from_data(TensorData::new(w, [rows, cols]), &flex().autodiff())
                        .require_grad(),
                );
                let fakes = |g: &crate::nets::model::Generator| -> Vec<Tensor<2>> {
                    zs[..3].iter().map(|z| g.forward(z.clone())).collect()
                };
                let batches: Vec<(Tensor<2>, Tensor<2>)> = if through {
                    reals[..3].iter().cloned().zip(fakes(&g)).collect()
                } else {
                    let frozen = g.clone().no_grad();
                    reals[..3].iter().cloned().zip(fakes(&frozen)).collect()
                };
                (
                    generator_loss(&d, kind, lr, batches, g.forward(zs[3].clone())),
                    g,
                )
            };
            let grad_of = |through: bool| {
                let (l, g) = loss_with(0, 0.0, through);
                let mut grads = l.backward();
                let g_grads = GradientsParams::from_module(&mut grads, &g);
                to_vec(g_grads.get::<2>(id).unwrap())
            };
            let (through, first) = (grad_of(true), grad_of(false));
            let value = |at: usize, eps: f32| to_vec(loss_with(at, eps, true).0)[0] as f64;
            let eps = 1e-2;
            let mut worst = 0.0f64;
            let mut apart = 0.0f64;
            let scale = through.iter().fold(0.0f32, |m, x| m.max(x.abs())) as f64;
            for at in 0..w0.len().min(24) {
                let fd = (value(at, eps) - value(at, -eps)) / (2.0 * eps as f64);
                worst = worst.max((fd - through[at] as f64).abs());
                apart = apart.max((through[at] - first[at]).abs() as f64);
            }
            eprintln!(
                "seed {seed}: largest |autodiff − finite difference| {worst:.2e}, |through − first order| {apart:.2e}, scale {scale:.2e}"
            );
            assert!(
                worst <= 0.02 * scale,
                "seed {seed}: autodiff and finite differences differ by {worst}"
            );
            assert!(
                apart >= 0.05 * scale,
                "seed {seed}: the unrolled term is missing ({apart})"
            );
        }
    }
}
