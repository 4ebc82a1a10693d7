//! The value functions of the game, written once, on D's logits l (D(x) = σ(l)).
//!
//! Useful identities: log D = log σ(l) = −softplus(−l) and log(1 − D) = −softplus(l).

use burn::tensor::{
    Tensor, activation,
    activation::{relu, sigmoid, softplus},
};

use crate::spec::config::LossKind;

/// D's loss, to be minimised: the negated objective D maximises.
///
/// * minimax / non-saturating: −[E log D(x) + E log(1 − D(G(z)))]
/// * lsgan: ½E(D(x) − 1)² + ½E D(G(z))²
/// * hinge: E max(0, 1 − D(x)) + E max(0, 1 + D(G(z)))
/// * wgan-gp: E D(G(z)) − E D(x) (the penalty is added by the trainer)
pub fn discriminator_loss(
    kind: LossKind,
    real_logits: Tensor<2>,
    fake_logits: Tensor<2>,
) -> Tensor<1> {
    match kind {
        LossKind::Minimax | LossKind::NonSaturating => {
            softplus(real_logits.neg(), 1.0).mean() + softplus(fake_logits, 1.0).mean()
        }
        LossKind::Lsgan => {
            (real_logits - 1.0).square().mean() * 0.5 + fake_logits.square().mean() * 0.5
        }
        LossKind::Hinge => relu(real_logits.neg() + 1.0).mean() + relu(fake_logits + 1.0).mean(),
        LossKind::WganGp => fake_logits.mean() - real_logits.mean(),
    }
}

/// G's loss, to be minimised.
///
/// * minimax: E log(1 − D(G(z))) — saturates when D rejects the fakes confidently
/// * non-saturating: −E log D(G(z))
/// * lsgan: ½E(D(G(z)) − 1)²
/// * hinge / wgan-gp: −E D(G(z))
pub fn generator_loss(kind: LossKind, fake_logits: Tensor<2>) -> Tensor<1> {
    match kind {
        LossKind::Minimax => softplus(fake_logits, 1.0).mean().neg(),
        LossKind::NonSaturating => softplus(fake_logits.neg(), 1.0).mean(),
        LossKind::Lsgan => (fake_logits - 1.0).square().mean() * 0.5,
        LossKind::Hinge | LossKind::WganGp => fake_logits.mean().neg(),
    }
}

/// The cross-entropy of class logits `[n, K]` against one-hot labels `[n, K]`, averaged over
/// the batch: −(1/n) Σᵢ log softmax(logitsᵢ)[labelᵢ] (a conditional D's and G's extra term).
pub fn class_loss(logits: Tensor<2>, one_hot: Tensor<2>) -> Tensor<1> {
    (activation::log_softmax(logits, 1) * one_hot)
        .sum_dim(1)
        .mean()
        .neg()
}

/// D(x) as the page shows it, in [0, 1]. For the log-losses this is σ(l), the probability
/// that x is real. LSGAN's D is itself that probability (its optimum is also
/// p_data/(p_data + p_g)), clamped to [0, 1]. For hinge and WGAN the critic is no
/// probability; σ(l) is shown as a monotone picture of it only.
pub fn probability(kind: LossKind, logits: Tensor<2>) -> Tensor<2> {
    match kind {
        LossKind::Lsgan => logits.clamp(0.0, 1.0),
        _ => sigmoid(logits),
    }
}

/// The losses at the game's equilibrium p_g = p_data, D ≡ 1/2: (D's loss, G's loss).
/// None where the equilibrium critic is not a fixed number (hinge, WGAN).
pub fn equilibrium_losses(kind: LossKind) -> Option<(f64, f64)> {
    let ln2 = std::f64::consts::LN_2;
    match kind {
        LossKind::Minimax => Some((2.0 * ln2, -ln2)),
        LossKind::NonSaturating => Some((2.0 * ln2, ln2)),
        LossKind::Lsgan => Some((0.25, 0.125)),
        LossKind::Hinge | LossKind::WganGp => None,
    }
}

/// WGAN-GP's penalty E(‖∇D(x̂)‖ − 1)², from the input gradients at the interpolates x̂.
pub fn interpolate_penalty(input_gradient: Tensor<2>) -> Tensor<1> {
    let norm = (input_gradient.square().sum_dim(1) + 1e-12).sqrt();
    (norm - 1.0).square().mean()
}

/// The zero-centred "R1" penalty ½E‖∇D(x)‖² on real data (Mescheder et al. 2018).
pub fn zero_centred_penalty(input_gradient: Tensor<2>) -> Tensor<1> {
    input_gradient.square().sum_dim(1).mean() * 0.5
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{flex, scalar, to_vec};
    use burn::tensor::TensorData;

    fn logits(v: &[f32]) -> Tensor<2> {
        Tensor::from_data(TensorData::new(v.to_vec(), [v.len(), 1]), &flex())
    }

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-5, "{a} vs {b}");
    }

    fn sig(x: f64) -> f64 {
        1.0 / (1.0 + (-x).exp())
    }

    #[test]
    fn losses_match_hand_computed_values() {
        let (r, f) = ([1.0, -0.5], [0.3, -2.0]);
        let d_log = -((sig(1.0).ln() + sig(-0.5).ln()) / 2.0)
            - ((1.0 - sig(0.3)).ln() + (1.0 - sig(-2.0)).ln()) / 2.0;
        for kind in [LossKind::Minimax, LossKind::NonSaturating] {
            close(
                scalar(discriminator_loss(kind, logits(&r), logits(&f))),
                d_log,
            );
        }
        close(
            scalar(generator_loss(LossKind::Minimax, logits(&f))),
            ((1.0 - sig(0.3)).ln() + (1.0 - sig(-2.0)).ln()) / 2.0,
        );
        close(
            scalar(generator_loss(LossKind::NonSaturating, logits(&f))),
            -(sig(0.3).ln() + sig(-2.0).ln()) / 2.0,
        );
        close(
            scalar(discriminator_loss(LossKind::Lsgan, logits(&r), logits(&f))),
            0.5 * (0.0 + 2.25) / 2.0 + 0.5 * (0.09 + 4.0) / 2.0,
        );
        close(
            scalar(generator_loss(LossKind::Lsgan, logits(&f))),
            0.5 * (0.49 + 9.0) / 2.0,
        );
        close(
            scalar(discriminator_loss(LossKind::Hinge, logits(&r), logits(&f))),
            (0.0 + 1.5) / 2.0 + (1.3 + 0.0) / 2.0,
        );
        close(
            scalar(discriminator_loss(LossKind::WganGp, logits(&r), logits(&f))),
            -0.85 - 0.25,
        );
        close(scalar(generator_loss(LossKind::WganGp, logits(&f))), 0.85);
    }

    #[test]
    fn equilibrium_values_are_the_losses_at_d_one_half() {
        let half = [0.0, 0.0]; // σ(0) = 1/2
        for kind in [LossKind::Minimax, LossKind::NonSaturating] {
            let (d, g) = equilibrium_losses(kind).unwrap();
            close(
                scalar(discriminator_loss(kind, logits(&half), logits(&half))),
                d,
            );
            close(scalar(generator_loss(kind, logits(&half))), g);
        }
        let (d, g) = equilibrium_losses(LossKind::Lsgan).unwrap();
        close(
            scalar(discriminator_loss(
                LossKind::Lsgan,
                logits(&[0.5]),
                logits(&[0.5]),
            )),
            d,
        );
        close(scalar(generator_loss(LossKind::Lsgan, logits(&[0.5]))), g);
    }

    /// The lecture's vanishing-gradient claim: when D confidently rejects a fake (l ≪ 0),
    /// the minimax loss gives G almost no gradient, the non-saturating loss a strong one.
    #[test]
    fn minimax_saturates_where_non_saturating_does_not() {
        let device = flex().autodiff();
        for logit in [-6.0f32, -4.0, -2.0, 0.0] {
            let grad = |kind| {
                let l = Tensor::<2>::from_data(TensorData::new(vec![logit], [1, 1]), &device)
                    .require_grad();
                let grads = generator_loss(kind, l.clone()).backward();
                to_vec(l.grad(&grads).unwrap())[0].abs() as f64
            };
            let (mm, ns) = (grad(LossKind::Minimax), grad(LossKind::NonSaturating));
            let d = sig(logit as f64);
            close(mm, d); // d/dl log(1 − σ(l)) = −σ(l) = −D
            close(ns, 1.0 - d); // d/dl −log σ(l) = −(1 − σ(l)) = −(1 − D)
            // Per sample, the non-saturating gradient is (1 − D)/D times the saturating one.
            assert!(
                (ns / mm - (1.0 - d) / d).abs() < 1e-3 * (1.0 - d) / d,
                "l = {logit}"
            );
        }
    }

    #[test]
    fn penalties_match_hand_computed_values() {
        let g = Tensor::<2>::from_data(
            TensorData::new(vec![3.0f32, 4.0, 0.0, 0.5], [2, 2]),
            &flex(),
        );
        close(
            scalar(interpolate_penalty(g.clone())),
            ((5.0f64 - 1.0).powi(2) + (0.5f64 - 1.0).powi(2)) / 2.0,
        );
        close(scalar(zero_centred_penalty(g)), 0.5 * (25.0 + 0.25) / 2.0);
        let p = to_vec(probability(LossKind::Lsgan, logits(&[-0.2, 0.4, 1.7])));
        assert_eq!(p, vec![0.0, 0.4, 1.0]);
    }
}
