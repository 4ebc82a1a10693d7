//! The run's configuration: plain Rust structs, grouped as the lecture groups them (the data,
//! the two players, the game's objective, the optimisers), and one list of field descriptors,
//! [`FIELDS`](crate::spec::schema::FIELDS), from which everything else is derived: nested JSON, the
//! flat names used by CLI flags, URL parameters and the page's form, validation, and the
//! machine-readable schema. See `schema.rs`.

use serde::{Deserialize, Serialize};

/// What a run trains: a GAN, or the digit classifier that judges GANs' samples (the evaluation
/// of the lecture's last part). Each is an [`Experiment`](crate::Experiment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExperimentKind {
    Gan,
    /// A variational autoencoder on the digits, with the DCGAN's players as decoder (G) and
    /// encoder (D's convolutions): the GAN's rival of the lecture's last part.
    Vae,
    /// A small convnet learning the digits' labels (images only).
    Classifier,
}

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
    /// 10 000 real 28×28 handwritten digits (MNIST), pixels scaled to [−1, 1].
    Mnist,
}

impl DatasetKind {
    /// Whether samples are images (and the players must map to and from pixels).
    pub fn is_image(self) -> bool {
        self == DatasetKind::Mnist
    }
}

/// The players' architecture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModelKind {
    /// Multilayer perceptrons, for any data.
    Mlp,
    /// A small DCGAN (Radford et al. 2016) for 28×28 images: transposed convolutions in G,
    /// strided convolutions in D.
    Dcgan,
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

impl LossKind {
    /// D is trained as a probability (σ of its logit for the log-losses, a score toward 0 and
    /// 1 for LSGAN): D/(1 − D) is then a density ratio at the optimum. A hinge or Wasserstein
    /// critic is not.
    pub fn d_is_probability(self) -> bool {
        matches!(
            self,
            LossKind::Minimax | LossKind::NonSaturating | LossKind::Lsgan
        )
    }

    /// D is trained on the lecture's value V(D, G) = E log D(x) + E log(1 − D(G(z))), whose
    /// maximum over D is −log 4 + 2·JSD(p_data ‖ p_g): V(D, G) and the bound it gives on the
    /// JSD mean something for this loss.
    pub fn plays_the_value(self) -> bool {
        matches!(self, LossKind::Minimax | LossKind::NonSaturating)
    }
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

/// p_data.
#[derive(Debug, Clone, PartialEq)]
pub struct DataConfig {
    pub kind: DatasetKind,
    /// Dimension of `gaussian` data (every other 2-D set is 2, MNIST 784).
    pub dim: usize,
    /// The user's points for `points`.
    pub points: Vec<[f32; 2]>,
}

/// G and D.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelConfig {
    pub kind: ModelKind,
    pub latent_dim: usize,
    pub latent: LatentKind,
    /// MLP: hidden units and hidden layers of G and D, and their activation.
    pub g_hidden: usize,
    pub g_layers: usize,
    pub d_hidden: usize,
    pub d_layers: usize,
    pub activation: Activation,
    /// DCGAN: channels of G's first feature map (7×7), halved by its first transposed
    /// convolution; channels of D's first convolution, doubled by its second.
    pub g_channels: usize,
    pub d_channels: usize,
    /// DCGAN: batch normalisation after G's hidden layers (DCGAN's; D has none, so that its
    /// input gradient and the gradient penalties stay per sample).
    pub batch_norm: bool,
}

/// The game: its value function, the alternation, the remedies for mode collapse.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectiveConfig {
    pub loss: LossKind,
    /// k: discriminator steps per generator step.
    pub d_steps: usize,
    /// G steps per iteration, after the k D steps: more than k gives G the inner loop
    /// (max over D of min over G, "maximin"), where G jumps to D's current argmax.
    pub g_steps: usize,
    /// G's steps are skipped (its weights stay), so D alone learns: toward D* of this p_g.
    pub freeze_g: bool,
    /// Remedy: K unrolled discriminator steps seen by the generator (0 = off).
    pub unrolled: usize,
    /// With `unrolled`: G's gradient flows back through D's K steps (Metz et al. 2017: plain
    /// gradient steps of size `unrolled_lr`, an MLP D, no penalty); off, first order: G plays
    /// against a copy of D advanced K steps by its own optimizer, held constant.
    pub unrolled_through: bool,
    /// The size of the unrolled gradient steps with `unrolled_through`.
    pub unrolled_lr: f64,
    /// Remedy: gradient penalty λ on D (0 = off). With `wgan-gp` this is the
    /// interpolate penalty λ·(‖∇D‖−1)² and 0 means the paper's 10; otherwise it is the
    /// zero-centred penalty λ/2·‖∇D(x)‖² on real data (Mescheder et al. 2018, "R1").
    pub gp: f64,
    /// Remedy: this many generators share one discriminator.
    pub generators: usize,
    /// A VAE's decoder σ (pixels in [−1, 1]); 0: its maximum-likelihood value at each batch.
    pub vae_sigma: f64,
}

/// How each player descends its loss.
#[derive(Debug, Clone, PartialEq)]
pub struct OptimConfig {
    pub batch_size: usize,
    pub optimizer_d: OptimizerKind,
    pub optimizer_g: OptimizerKind,
    pub lr_d: f64,
    pub lr_g: f64,
    /// Adam's β₁ (0.5 as in DCGAN).
    pub beta1: f64,
}

/// Everything that defines a run. Same config + same seed + same backend ⇒ same run.
///
/// JSON: nested by section (`{"data": {"kind": "ring"}, "optim": {"lr_d": 0.001}, …}`), or
/// flat by the fields' names (`{"dataset": "ring", "lr_d": 0.001}`), the form of the CLI's
/// flags, the page's URL and configs written before the sections existed.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub experiment: ExperimentKind,
    pub data: DataConfig,
    pub model: ModelConfig,
    pub objective: ObjectiveConfig,
    pub optim: OptimConfig,
    pub seed: u64,
    /// Bins of the D(x) histograms over [0, 1].
    pub hist_bins: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            experiment: ExperimentKind::Gan,
            data: DataConfig {
                kind: DatasetKind::Ring,
                dim: 2,
                points: Vec::new(),
            },
            model: ModelConfig {
                kind: ModelKind::Mlp,
                latent_dim: 4,
                latent: LatentKind::Gaussian,
                g_hidden: 64,
                g_layers: 2,
                d_hidden: 64,
                d_layers: 2,
                activation: Activation::Relu,
                g_channels: 64,
                d_channels: 32,
                batch_norm: true,
            },
            objective: ObjectiveConfig {
                loss: LossKind::NonSaturating,
                d_steps: 1,
                g_steps: 1,
                freeze_g: false,
                unrolled: 0,
                unrolled_through: false,
                unrolled_lr: 0.01,
                gp: 0.0,
                generators: 1,
                vae_sigma: 1.0,
            },
            optim: OptimConfig {
                batch_size: 128,
                optimizer_d: OptimizerKind::Adam,
                optimizer_g: OptimizerKind::Adam,
                lr_d: 1e-3,
                lr_g: 1e-3,
                beta1: 0.5,
            },
            seed: 1,
            hist_bins: 20,
        }
    }
}

/// Default λ of WGAN-GP (Gulrajani et al. 2017).
pub const WGAN_GP_DEFAULT_LAMBDA: f64 = 10.0;

/// Side of MNIST's square images.
pub const IMAGE_SIDE: usize = 28;

impl Config {
    /// Dimension of one data sample.
    pub fn data_dim(&self) -> usize {
        match self.data.kind {
            DatasetKind::Gaussian => self.data.dim,
            DatasetKind::Mnist => IMAGE_SIDE * IMAGE_SIDE,
            _ => 2,
        }
    }

    /// The λ of the gradient penalty actually applied (0 = none).
    pub fn gradient_penalty(&self) -> f64 {
        if self.objective.loss == LossKind::WganGp && self.objective.gp == 0.0 {
            WGAN_GP_DEFAULT_LAMBDA
        } else {
            self.objective.gp
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ConfigError;
    use serde_json::json;

    fn flat(v: serde_json::Value) -> Result<Config, ConfigError> {
        Config::from_value(&v)
    }

    #[test]
    fn json_round_trip_nested_and_flat() {
        let mut c = Config::default();
        c.objective.loss = LossKind::WganGp;
        c.objective.unrolled = 5;
        assert_eq!(Config::from_json(&c.to_json()).unwrap(), c);
        let nested: serde_json::Value = serde_json::from_str(&c.to_json()).unwrap();
        assert_eq!(nested["objective"]["loss"], "wgan-gp");
        assert_eq!(nested["data"]["kind"], "ring");
        assert!(
            nested["data"].get("dim").is_none(),
            "dim applies to gaussian only"
        );
        let partial = flat(json!({"dataset": "grid", "lr_g": 0.0002})).unwrap();
        assert_eq!(partial.data.kind, DatasetKind::Grid);
        assert_eq!(partial.optim.lr_g, 0.0002);
        assert_eq!(partial.optim.batch_size, Config::default().optim.batch_size);
        let nested =
            Config::from_json(r#"{"data": {"kind": "grid"}, "optim": {"lr_g": 0.0002}}"#).unwrap();
        assert_eq!(nested, partial);
        // A flat config of the old format, every field written out, still loads.
        let old = r#"{"dataset":"ring","points":[],"data_dim":2,"loss":"non-saturating","latent_dim":4,"latent":"gaussian","g_hidden":64,"g_layers":2,"d_hidden":64,"d_layers":2,"activation":"relu","batch_size":128,"d_steps":1,"optimizer_d":"adam","optimizer_g":"adam","lr_d":0.001,"lr_g":0.001,"beta1":0.5,"unrolled":0,"gp":0.0,"generators":1,"seed":1,"hist_bins":20}"#;
        assert_eq!(Config::from_json(old).unwrap(), Config::default());
    }

    #[test]
    fn rejects_bad_configs_with_a_message_naming_the_field() {
        let err = |v| flat(v).unwrap_err().to_string();
        assert!(err(json!({"lr_d": -1})).contains("lr_d"));
        assert!(err(json!({"learning_rate": 1})).contains("learning_rate"));
        assert!(err(json!({"dataset": "torus"})).contains("torus"));
        assert!(err(json!({"dataset": "points"})).contains("point"));
        assert!(err(json!({"dataset": "ring", "data_dim": 3})).contains("data_dim"));
        assert!(err(json!({"generators": 9, "batch_size": 8})).contains("generators"));
        assert!(err(json!({"model": "dcgan"})).contains("mnist"));
        assert!(
            err(json!({"model": "dcgan", "dataset": "mnist", "g_hidden": 32})).contains("g_hidden")
        );
        assert!(err(json!({"data": {"kind": "ring", "colour": 1}})).contains("colour"));
        assert!(err(json!({"seed": "abc"})).contains("seed"));
        assert!(err(json!({"batch_size": 1.5})).contains("batch_size"));
        assert!(Config::from_json("{").is_err());
    }

    #[test]
    fn wgan_gp_defaults_its_penalty() {
        let mut c = Config::default();
        c.objective.loss = LossKind::WganGp;
        assert_eq!(c.gradient_penalty(), WGAN_GP_DEFAULT_LAMBDA);
        assert_eq!(Config::default().gradient_penalty(), 0.0);
    }
}
