//! The memory and work budget: every field can be in range while their product is not
//! (16 generators of 8 layers of 4096 units pass every range and would abort a browser tab).
//! Before anything is allocated, the config's parameters, optimizer state, activations and
//! multiply-adds per iteration are estimated from the architecture alone and held against a
//! budget that fits a browser tab.

use serde_json::{Value, json};

use crate::spec::config::{Config, ExperimentKind, IMAGE_SIDE, ModelKind, OptimizerKind};

/// Estimated memory a run may take: 1 GiB. A wasm32 page can address 4 GiB, but browsers
/// give a tab far less in practice, and the page also holds the wasm code and the UI.
pub const MEMORY_BYTES: u64 = 1 << 30;
/// The largest checkpoint a config within the budget can write: its weights and optimizer
/// state fit in [`MEMORY_BYTES`], its header (the config, drawn points included) in 8 MiB, the
/// records' own tables in a few more. A larger file is refused before it is read.
pub const CHECKPOINT_BYTES: u64 = MEMORY_BYTES + (16 << 20);
/// Multiply-adds per iteration: 20 G, about ten seconds per iteration on one laptop core.
pub const WORK_MACS: u64 = 20_000_000_000;

/// Samples evaluated by a snapshot (the fixed evaluation set): enough to draw the plane
/// densely, fewer for high-dimensional data, fewest for images (whose players cost the most per
/// sample; the grids show 64).
pub fn eval_size(data_dim: usize) -> usize {
    match data_dim {
        0..=2 => 512,
        3..=783 => 256,
        _ => 128,
    }
}

/// Per-sample figures of one network.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct NetCost {
    pub params: u64,
    /// Floats a forward pass produces per sample (kept for the backward pass).
    pub activations: u64,
    /// Multiply-adds of a forward pass per sample.
    pub macs: u64,
}

fn mlp(input: u64, hidden: u64, layers: u64, output: u64) -> NetCost {
    let mut sizes = vec![input];
    sizes.extend(std::iter::repeat_n(hidden, layers as usize));
    sizes.push(output);
    let mut c = NetCost::default();
    for w in sizes.windows(2) {
        c.params += w[0] * w[1] + w[1];
        c.macs += w[0] * w[1];
        c.activations += 2 * w[1];
    }
    c
}

/// G's cost (one generator) and D's.
pub fn players(config: &Config) -> (NetCost, NetCost) {
    let m = &config.model;
    let dim = config.data_dim() as u64;
    let z = config.code_dim() as u64;
    // D's outputs: its logit, and with `conditional` one logit per digit.
    let outs = 1 + if config.is_conditional() {
        config.classes() as u64
    } else {
        0
    };
    match m.kind {
        ModelKind::Mlp => (
            mlp(z, m.g_hidden as u64, m.g_layers as u64, dim),
            mlp(dim, m.d_hidden as u64, m.d_layers as u64, outs),
        ),
        ModelKind::Dcgan => {
            let s = (IMAGE_SIDE / 4) as u64; // 7
            let (gc, dc) = (m.g_channels as u64, m.d_channels as u64);
            let bn = if m.batch_norm { 1 } else { 0 };
            let half = gc / 2;
            let g = NetCost {
                params: z * s * s * gc
                    + s * s * gc
                    + gc * half * 16
                    + half
                    + half * 16
                    + 1
                    + bn * 2 * (gc + half),
                activations: 2 * (s * s * gc + 4 * s * s * half + 16 * s * s),
                macs: z * s * s * gc + s * s * gc * half * 16 + 4 * s * s * half * 16,
            };
            // D's batch norm is a GAN's only (a VAE's encoder has none).
            let dbn = u64::from(m.d_batch_norm && config.experiment == ExperimentKind::Gan);
            let d = NetCost {
                params: 16 * dc
                    + dc
                    + dc * 2 * dc * 16
                    + 2 * dc
                    + s * s * 2 * dc * outs
                    + outs
                    + dbn * 2 * 2 * dc,
                activations: 2 * (4 * s * s * dc + s * s * 2 * dc) + outs,
                macs: 4 * s * s * dc * 16 + s * s * 2 * dc * dc * 16 + s * s * 2 * dc * outs,
            };
            (g, d)
        }
    }
}

/// A VAE's encoder (D's convolutions, whose last dense layer gives a mean and a log-variance
/// for each latent coordinate instead of one logit) and its decoder (G).
pub fn vae_parts(config: &Config) -> (NetCost, NetCost) {
    let (g, d) = players(config);
    let z2 = 2 * config.model.latent_dim as u64;
    // The input of D's last dense layer: its second convolution's map (MLP: its last hidden
    // layer).
    let flat = match config.model.kind {
        ModelKind::Dcgan => {
            ((IMAGE_SIDE / 4) * (IMAGE_SIDE / 4) * 2 * config.model.d_channels) as u64
        }
        ModelKind::Mlp => config.model.d_hidden as u64,
    };
    let encoder = NetCost {
        params: d.params - (flat + 1) + z2 * (flat + 1),
        activations: d.activations + 2 * z2,
        macs: d.macs - flat + z2 * flat,
    };
    (encoder, g)
}

/// What a config is estimated to need.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Trainable parameters of all generators and of D.
    pub params_g: u64,
    pub params_d: u64,
    /// Bytes of weights, gradients and optimizer state.
    pub state_bytes: u64,
    /// Bytes of activations kept for backward passes, and of the snapshot's evaluation.
    pub activation_bytes: u64,
    /// Multiply-adds of one round (k D steps; per G step, its unrolled steps and the step).
    pub macs: u64,
}

impl Estimate {
    pub fn memory_bytes(&self) -> u64 {
        self.state_bytes + self.activation_bytes
    }
}

/// What a config is estimated to need, by the parts of its own experiment.
pub fn estimate(config: &Config) -> Estimate {
    match config.experiment {
        ExperimentKind::Vae => estimate_vae(config),
        // The classifier's net is fixed and small; its config is a GAN's shape.
        ExperimentKind::Gan | ExperimentKind::Classifier => estimate_gan(config),
    }
}

/// Weights and gradients plus the optimizer's moments, in floats per parameter: Adam two,
/// RMSprop one, SGD none.
fn slots(optimizer: OptimizerKind) -> u64 {
    match optimizer {
        OptimizerKind::Adam => 4,
        OptimizerKind::Rmsprop => 3,
        OptimizerKind::Sgd => 2,
    }
}

/// A VAE's step: encoder and decoder forward, then backward through both (about twice the
/// forward's work), on one batch; its snapshot runs both on the evaluation set.
fn estimate_vae(config: &Config) -> Estimate {
    let (encoder, decoder) = vae_parts(config);
    let b = config.optim.batch_size as u64;
    let eval = eval_size(config.data_dim()) as u64;
    Estimate {
        params_g: decoder.params,
        params_d: encoder.params,
        // (Both parts train with G's optimizer.)
        state_bytes: 4 * (decoder.params + encoder.params) * slots(config.optim.optimizer_g),
        activation_bytes: 4 * (b + eval) * (encoder.activations + decoder.activations),
        macs: 3 * b * (encoder.macs + decoder.macs),
    }
}

fn estimate_gan(config: &Config) -> Estimate {
    let (g, d) = players(config);
    let n_g = config.objective.generators as u64;
    let b = config.optim.batch_size as u64;
    let unrolled = config.objective.unrolled as u64;
    let d_copies = if unrolled > 0 { 2 } else { 1 };
    let state = 4
        * (g.params * n_g * slots(config.optim.optimizer_g)
            + d.params * d_copies * slots(config.optim.optimizer_d));
    // The penalties differentiate D's input gradient: about three times D's activations.
    let gp = if config.gradient_penalty() > 0.0 {
        3
    } else {
        1
    };
    let eval = eval_size(config.data_dim()) as u64;
    // Differentiating through the unrolled steps keeps each step's batches for the backward
    // pass, and takes about twice a step's work again.
    let through = if config.objective.unrolled_through {
        unrolled
    } else {
        0
    };
    let activations = 4
        * (b * (g.activations + 2 * d.activations * gp)
            + eval * (g.activations + 2 * d.activations)
            + through * b * (g.activations + 4 * d.activations));
    let d_step = b * g.macs + 3 * 2 * b * d.macs * gp;
    let g_step = 3 * b * g.macs + 2 * b * d.macs;
    Estimate {
        params_g: g.params * n_g,
        params_d: d.params,
        state_bytes: state,
        activation_bytes: activations,
        macs: config.objective.d_steps as u64 * d_step
            + config.objective.g_steps as u64 * ((unrolled + 2 * through) * d_step + g_step),
    }
}

pub fn describe() -> Value {
    json!({"memory_bytes": MEMORY_BYTES, "macs_per_iteration": WORK_MACS,
        "checkpoint_bytes": CHECKPOINT_BYTES})
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_issues_example_is_refused_naming_its_fields() {
        let err = Config::from_value(&json!({"generators": 16, "g_hidden": 4096, "g_layers": 8}))
            .unwrap_err()
            .to_string();
        for f in [
            "generators = 16",
            "g_hidden = 4096",
            "g_layers = 8",
            "1024 MiB",
        ] {
            assert!(err.contains(f), "{err}");
        }
        let err = Config::from_value(
            &json!({"dataset": "mnist", "model": "dcgan", "g_channels": 512, "batch_size": 4096}),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("batch_size = 4096") && err.contains("g_channels = 512"),
            "{err}"
        );
    }

    /// A VAE is budgeted by its own parts: its encoder's dense layer (2 × latent outputs from
    /// D's last feature map) is no GAN's, and here it alone needs about 1.6 GiB with Adam.
    #[test]
    fn a_vae_is_budgeted_by_its_own_parts() {
        let big = json!({"experiment": "vae", "dataset": "mnist", "model": "dcgan",
            "d_channels": 512, "latent_dim": 1024, "batch_size": 4});
        let err = Config::from_value(&big).unwrap_err().to_string();
        assert!(
            err.contains("too large") && err.contains("latent_dim = 1024"),
            "{err}"
        );
        // The same players as a GAN fit: the encoder's layer is what does not.
        let mut gan = big.clone();
        gan["experiment"] = json!("gan");
        Config::from_value(&gan).unwrap();
        // The parts are the built VAE's (crate::experiments::vae's test counts them on a built net).
        let c = Config::from_value(&json!({"experiment": "vae", "dataset": "mnist",
            "model": "dcgan", "d_channels": 8, "latent_dim": 16}))
        .unwrap();
        let (encoder, decoder) = vae_parts(&c);
        let (g, d) = players(&c);
        assert_eq!(decoder, g);
        let flat = 7 * 7 * 16;
        assert_eq!(encoder.params, d.params + 31 * (flat + 1));
        let e = estimate(&c);
        assert_eq!((e.params_d, e.params_g), (encoder.params, decoder.params));
    }

    #[test]
    fn the_presets_fit() {
        for v in [
            json!({}),
            json!({"dataset": "mnist", "model": "dcgan", "latent_dim": 64, "batch_size": 64}),
            json!({"dataset": "mnist", "model": "mlp", "g_hidden": 256, "d_hidden": 256, "batch_size": 64}),
            json!({"generators": 8, "latent_dim": 16}),
        ] {
            Config::from_value(&v).unwrap();
        }
    }
}
