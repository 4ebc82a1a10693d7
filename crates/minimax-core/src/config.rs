//! Training configuration: plain data that round-trips through JSON, the CLI flags
//! (`--lr-d` is the field `lr_d`) and, later, the page's URL.

use serde::{Deserialize, Serialize};

use crate::error::ConfigError;

/// Which data distribution `p_data` the generator has to learn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DatasetKind {
    /// Eight gaussians on a circle of radius 2, std 0.02: the classic mode-collapse test.
    Ring,
    /// A 5×5 grid of gaussians, std 0.05.
    Grid,
    /// A two-armed spiral.
    Spiral,
    /// scikit-learn's two interleaving half circles.
    Moons,
    /// A segment with a little noise across it.
    Line,
    /// One gaussian (any dimension, see `data_dim`): the easiest game, where D → 1/2.
    Gaussian,
    /// A user-given point set (e.g. drawn by hand), sampled uniformly with a little jitter.
    Points,
}

/// The game's value function, written out in `loss.rs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LossKind {
    /// The lecture's minimax game: G minimises log(1 − D(G(z))), which saturates.
    Minimax,
    /// G maximises log D(G(z)) instead (Goodfellow et al. 2014, §3).
    NonSaturating,
    /// Least squares (Mao et al. 2017) with targets 0 (fake) and 1 (real).
    Lsgan,
    /// Hinge loss (Lim & Ye 2017; Miyato et al. 2018).
    Hinge,
    /// Wasserstein loss with gradient penalty (Gulrajani et al. 2017).
    WganGp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Activation {
    Relu,
    LeakyRelu,
    Tanh,
}

/// The distribution of the latent code z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LatentKind {
    /// z ~ N(0, I)
    Gaussian,
    /// z ~ U(−1, 1)^d
    Uniform,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OptimizerKind {
    Adam,
    Sgd,
    Rmsprop,
}

/// Everything that defines a run. Same config + same seed + same backend ⇒ same run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrainConfig {
    pub dataset: DatasetKind,
    /// The user's points for `dataset = points`.
    pub points: Vec<[f32; 2]>,
    /// Dimension of the data; only `gaussian` may use other than 2.
    pub data_dim: usize,
    pub loss: LossKind,
    pub latent_dim: usize,
    pub latent: LatentKind,
    pub g_hidden: usize,
    pub g_layers: usize,
    pub d_hidden: usize,
    pub d_layers: usize,
    pub activation: Activation,
    pub batch_size: usize,
    /// k: discriminator steps per generator step.
    pub d_steps: usize,
    pub optimizer_d: OptimizerKind,
    pub optimizer_g: OptimizerKind,
    pub lr_d: f64,
    pub lr_g: f64,
    /// Adam's β₁ (0.5 as in DCGAN); also the momentum of SGD when > 0.
    pub beta1: f64,
    /// Remedy: K unrolled discriminator steps seen by the generator (0 = off).
    pub unrolled: usize,
    /// Remedy: gradient penalty λ on D (0 = off). With `wgan-gp` this is the
    /// interpolate penalty λ·(‖∇D‖−1)² and 0 means the paper's 10; otherwise it is the
    /// zero-centred penalty λ/2·‖∇D(x)‖² on real data (Mescheder et al. 2018, "R1").
    pub gp: f64,
    /// Remedy: this many generators share one discriminator.
    pub generators: usize,
    pub seed: u64,
    /// Bins of the D(x) histograms over [0, 1].
    pub hist_bins: usize,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            dataset: DatasetKind::Ring,
            points: Vec::new(),
            data_dim: 2,
            loss: LossKind::NonSaturating,
            latent_dim: 4,
            latent: LatentKind::Gaussian,
            g_hidden: 64,
            g_layers: 2,
            d_hidden: 64,
            d_layers: 2,
            activation: Activation::Relu,
            batch_size: 128,
            d_steps: 1,
            optimizer_d: OptimizerKind::Adam,
            optimizer_g: OptimizerKind::Adam,
            lr_d: 1e-3,
            lr_g: 1e-3,
            beta1: 0.5,
            unrolled: 0,
            gp: 0.0,
            generators: 1,
            seed: 1,
            hist_bins: 20,
        }
    }
}

/// Default λ of WGAN-GP (Gulrajani et al. 2017).
pub const WGAN_GP_DEFAULT_LAMBDA: f64 = 10.0;

impl TrainConfig {
    /// Parses a config from JSON; missing fields take their defaults, unknown ones are an error.
    pub fn from_json(text: &str) -> Result<Self, ConfigError> {
        let config: Self =
            serde_json::from_str(text).map_err(|e| ConfigError::Parse(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a config always serialises")
    }

    /// The λ of the gradient penalty actually applied (0 = none).
    pub fn gradient_penalty(&self) -> f64 {
        if self.loss == LossKind::WganGp && self.gp == 0.0 {
            WGAN_GP_DEFAULT_LAMBDA
        } else {
            self.gp
        }
    }

    /// Checks every field; the message names the field and the allowed range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        fn range(name: &'static str, v: usize, lo: usize, hi: usize) -> Result<(), ConfigError> {
            if v < lo || v > hi {
                return Err(ConfigError::OutOfRange {
                    field: name,
                    value: v.to_string(),
                    allowed: format!("{lo}..={hi}"),
                });
            }
            Ok(())
        }
        fn positive(name: &'static str, v: f64, hi: f64) -> Result<(), ConfigError> {
            if !(v.is_finite() && v > 0.0 && v <= hi) {
                return Err(ConfigError::OutOfRange {
                    field: name,
                    value: v.to_string(),
                    allowed: format!("a number in (0, {hi}]"),
                });
            }
            Ok(())
        }
        range("data_dim", self.data_dim, 1, 4096)?;
        if self.dataset != DatasetKind::Gaussian && self.data_dim != 2 {
            return Err(ConfigError::Invalid(format!(
                "data_dim must be 2 for the {:?} dataset (only gaussian takes another dimension)",
                self.dataset
            )));
        }
        if self.dataset == DatasetKind::Points {
            if self.points.is_empty() {
                return Err(ConfigError::Invalid(
                    "the points dataset needs at least one point".into(),
                ));
            }
            if self.points.len() > 100_000 {
                return Err(ConfigError::Invalid(
                    "the points dataset takes at most 100000 points".into(),
                ));
            }
            if let Some(p) = self
                .points
                .iter()
                .find(|p| !(p[0].is_finite() && p[1].is_finite()))
            {
                return Err(ConfigError::Invalid(format!(
                    "point {p:?} is not a finite number pair"
                )));
            }
        }
        range("latent_dim", self.latent_dim, 1, 1024)?;
        range("g_hidden", self.g_hidden, 1, 4096)?;
        range("d_hidden", self.d_hidden, 1, 4096)?;
        range("g_layers", self.g_layers, 1, 8)?;
        range("d_layers", self.d_layers, 1, 8)?;
        range("batch_size", self.batch_size, 1, 8192)?;
        range("d_steps", self.d_steps, 1, 100)?;
        range("unrolled", self.unrolled, 0, 50)?;
        range("generators", self.generators, 1, 16)?;
        range("hist_bins", self.hist_bins, 2, 200)?;
        if self.generators > self.batch_size {
            return Err(ConfigError::Invalid(format!(
                "generators ({}) must not exceed batch_size ({}): each generator needs samples in every batch",
                self.generators, self.batch_size
            )));
        }
        positive("lr_d", self.lr_d, 10.0)?;
        positive("lr_g", self.lr_g, 10.0)?;
        if !(self.beta1.is_finite() && (0.0..1.0).contains(&self.beta1)) {
            return Err(ConfigError::OutOfRange {
                field: "beta1",
                value: self.beta1.to_string(),
                allowed: "[0, 1)".into(),
            });
        }
        if !(self.gp.is_finite() && (0.0..=1000.0).contains(&self.gp)) {
            return Err(ConfigError::OutOfRange {
                field: "gp",
                value: self.gp.to_string(),
                allowed: "[0, 1000]".into(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip_and_defaults() {
        let c = TrainConfig {
            loss: LossKind::WganGp,
            unrolled: 5,
            ..Default::default()
        };
        assert_eq!(TrainConfig::from_json(&c.to_json()).unwrap(), c);
        let partial = TrainConfig::from_json(r#"{"dataset":"grid","lr_g":0.0002}"#).unwrap();
        assert_eq!(partial.dataset, DatasetKind::Grid);
        assert_eq!(partial.lr_g, 0.0002);
        assert_eq!(partial.batch_size, TrainConfig::default().batch_size);
    }

    #[test]
    fn rejects_bad_configs_with_a_message_naming_the_field() {
        let err = TrainConfig::from_json(r#"{"lr_d": -1}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("lr_d"), "{err}");
        let err = TrainConfig::from_json(r#"{"learning_rate": 1}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("learning_rate"), "{err}");
        let err = TrainConfig::from_json(r#"{"dataset": "torus"}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("torus"), "{err}");
        assert!(TrainConfig::from_json(r#"{"dataset": "points"}"#).is_err());
        assert!(TrainConfig::from_json(r#"{"dataset": "ring", "data_dim": 3}"#).is_err());
        assert!(TrainConfig::from_json(r#"{"generators": 9, "batch_size": 8}"#).is_err());
        assert!(TrainConfig::from_json("{").is_err());
    }

    #[test]
    fn wgan_gp_defaults_its_penalty() {
        let c = TrainConfig {
            loss: LossKind::WganGp,
            ..Default::default()
        };
        assert_eq!(c.gradient_penalty(), WGAN_GP_DEFAULT_LAMBDA);
        assert_eq!(TrainConfig::default().gradient_penalty(), 0.0);
    }
}
