//! The run's configuration, **declared once**: each option is one line of [`options!`] below,
//! giving its place in the structs (grouped as the lecture groups them: the data, the two
//! players, the game's objective, the optimisers), its type and default, its flat name (the CLI's
//! `--lr-d`, the URL's `?lr_d=`, the page's form), its range, when it applies, whether a running
//! game takes it live, and its help (the struct field's doc, `--help`, the README's table, the
//! page's tooltips). The structs, their `Default` and [`FIELDS`] are all generated from it; the
//! nested JSON, validation and the machine-readable schema are derived from [`FIELDS`] in
//! `schema.rs`.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// An enum of named values, its names (the JSON's, the CLI's, the form's) listed once: the
/// enum, its serde names and `NAMES`/`ALL` come from one list.
macro_rules! named {
    ($(#[$meta:meta])* pub enum $E:ident { $($(#[$vmeta:meta])* $V:ident = $name:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        pub enum $E {
            $($(#[$vmeta])* #[serde(rename = $name)] $V,)+
        }
        impl $E {
            /// Every value, in the order of the schema.
            pub const ALL: &'static [$E] = &[$($E::$V),+];
            /// Every value's name, in the same order.
            pub const NAMES: &'static [&'static str] = &[$($name),+];
            /// This value's name.
            pub fn name(self) -> &'static str {
                match self { $($E::$V => $name,)+ }
            }
        }
    };
}

named! {
    /// What a run trains: a GAN, or the digit classifier that judges GANs' samples (the evaluation
    /// of the lecture's last part). Each is an [`Experiment`](crate::Experiment).
    pub enum ExperimentKind {
        Gan = "gan",
        /// A variational autoencoder on the digits, with the DCGAN's players as decoder (G) and
        /// encoder (D's convolutions): the GAN's rival of the lecture's last part.
        Vae = "vae",
        /// A small convnet learning the digits' labels (images only).
        Classifier = "classifier",
    }
}

named! {
    /// Which data distribution `p_data` the generator has to learn (each 2-D one is written
    /// once, in `data/dataset.rs`).
    pub enum DatasetKind {
        /// Eight gaussians on a circle of radius 2, std 0.02: the classic mode-collapse test.
        Ring = "ring",
        /// A 5×5 grid of gaussians, std 0.05.
        Grid = "grid",
        /// A two-armed spiral.
        Spiral = "spiral",
        /// scikit-learn's two interleaving half circles.
        Moons = "moons",
        /// A segment with a little noise across it.
        Line = "line",
        /// One gaussian (any dimension, see `data_dim`): the easiest game, where D → 1/2.
        Gaussian = "gaussian",
        /// A user-given point set (e.g. drawn by hand), sampled uniformly with a little jitter.
        Points = "points",
        /// 10 000 real 28×28 handwritten digits (MNIST), pixels scaled to [−1, 1].
        Mnist = "mnist",
    }
}

impl DatasetKind {
    /// Whether samples are images (and the players must map to and from pixels).
    pub fn is_image(self) -> bool {
        self == DatasetKind::Mnist
    }
}

named! {
    /// The players' architecture.
    pub enum ModelKind {
        /// Multilayer perceptrons, for any data.
        Mlp = "mlp",
        /// A small DCGAN (Radford et al. 2016) for 28×28 images: transposed convolutions in G,
        /// strided convolutions in D.
        Dcgan = "dcgan",
    }
}

named! {
    /// The game's value function, written out in `loss.rs`.
    pub enum LossKind {
        /// The lecture's minimax game: G minimises log(1 − D(G(z))), which saturates.
        Minimax = "minimax",
        /// G maximises log D(G(z)) instead (Goodfellow et al. 2014, §3).
        NonSaturating = "non-saturating",
        /// Least squares (Mao et al. 2017) with targets 0 (fake) and 1 (real).
        Lsgan = "lsgan",
        /// Hinge loss (Lim & Ye 2017; Miyato et al. 2018).
        Hinge = "hinge",
        /// Wasserstein loss with gradient penalty (Gulrajani et al. 2017).
        WganGp = "wgan-gp",
    }
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

named! {
    /// The MLPs' activation.
    pub enum Activation {
        Relu = "relu",
        LeakyRelu = "leaky-relu",
        Tanh = "tanh",
    }
}

named! {
    /// The distribution of the latent code z.
    pub enum LatentKind {
        /// z ~ N(0, I)
        Gaussian = "gaussian",
        /// z ~ U(−1, 1)^d
        Uniform = "uniform",
    }
}

named! {
    /// How the convolutional players' weights start.
    pub enum InitKind {
        /// U(−1/√fan_in, 1/√fan_in), weights and biases (PyTorch's default)
        Uniform = "uniform",
        /// N(0, 0.02) weights, zero biases (the DCGAN paper's)
        Normal = "normal",
    }
}

named! {
    /// How a player descends its loss.
    pub enum OptimizerKind {
        Adam = "adam",
        Sgd = "sgd",
        Rmsprop = "rmsprop",
    }
}

/// The type and rule of a field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// A whole number in `min..=max`.
    Int {
        min: u64,
        max: u64,
    },
    /// A finite number between `min` and `max`, each bound open or closed.
    Float {
        min: f64,
        min_open: bool,
        max: f64,
        max_open: bool,
    },
    /// One of the names.
    Enum(&'static [&'static str]),
    Bool,
    /// A list of 2-D points: `[[x, y], …]` in JSON, `"x,y;x,y"` as text.
    Points,
}

/// "Only when `field` is one of `values`."
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct When {
    pub field: &'static str,
    pub values: &'static [&'static str],
}

/// One option of the config, as [`options!`] declares it.
#[derive(Clone, Copy)]
pub struct Field {
    /// The flat name: JSON key in flat configs, CLI flag (`_` → `-`), URL parameter, form name.
    pub name: &'static str,
    /// Where it sits in the nested JSON: `["optim", "lr_d"]`, or `["seed"]` at the top.
    pub path: &'static [&'static str],
    pub kind: Kind,
    pub when: Option<When>,
    /// A running game takes a change of it as it is, keeping its weights (the page's live
    /// changes: the value function, the alternation, the optimizers, the remedies that act on
    /// the steps); a change of any other option (data, players, seed) is a new run.
    pub live: bool,
    /// One line for `--help`, the README's table and the page's tooltips.
    pub help: &'static str,
    get: fn(&Config) -> Value,
    set: fn(&mut Config, Value) -> Result<(), String>,
}

impl Field {
    pub fn get(&self, config: &Config) -> Value {
        (self.get)(config)
    }

    /// Sets the field from its JSON value (already checked against its kind).
    pub(crate) fn set(&self, config: &mut Config, value: Value) -> Result<(), String> {
        (self.set)(config, value)
    }

    /// The value of this field in the default config.
    pub fn default_value(&self) -> Value {
        self.get(&Config::default())
    }

    /// Whether this field applies to `config`: its `when` holds, and the field that `when`
    /// names applies itself (`g_hidden` needs `model = mlp`, and `model` needs a GAN).
    pub fn applies(&self, config: &Config) -> bool {
        self.unmet(config).is_none()
    }

    /// The first condition on the way up that does not hold, if any.
    pub fn unmet(&self, config: &Config) -> Option<When> {
        let w = self.when?;
        let tag_field = field(w.field).expect("a when names a field");
        if let Some(up) = tag_field.unmet(config) {
            return Some(up);
        }
        let tag = match tag_field.get(config) {
            Value::Bool(b) => Value::String(b.to_string()),
            other => other,
        };
        (!w.values.iter().any(|v| tag.as_str() == Some(v))).then_some(w)
    }
}

/// Declares a struct of options: each line `field: Type = default, "flat_name", kind, when,
/// live | fixed, "help";` gives the struct's field (documented by its help), its default and
/// its [`Field`] row; `at (section)` places the struct under `Config::section` (and its fields
/// under that key of the nested JSON), `at ()` at the top; `holds { … }` lists the sections a struct holds.
macro_rules! options {
    (
        $(#[$meta:meta])*
        pub struct $S:ident at $place:tt {
            $($f:ident: $T:ty = $default:expr, $name:literal, $kind:expr, $when:expr, $live:ident, $help:literal;)+
        }
        $(holds { $($sf:ident: $ST:ident),+ })?
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $S {
            $(#[doc = $help] pub $f: $T,)+
            $($(pub $sf: $ST,)+)?
        }

        impl Default for $S {
            fn default() -> Self {
                Self {
                    $($f: $default,)+
                    $($($sf: $ST::default(),)+)?
                }
            }
        }

        impl $S {
            /// This struct's options, in the order of the README's table and the page's form.
            const ROWS: &'static [Field] = &[$(Field {
                name: $name,
                path: options!(@path $place $f),
                kind: $kind,
                when: $when,
                live: options!(@live $live),
                help: $help,
                get: |c| serde_json::to_value(&options!(@at c $place $f)).expect("a field serialises"),
                set: |c, v| {
                    options!(@at c $place $f) = serde_json::from_value(v).map_err(|e| e.to_string())?;
                    Ok(())
                },
            },)+];
        }
    };
    (@path () $f:ident) => { &[stringify!($f)] };
    (@path ($s:ident) $f:ident) => { &[stringify!($s), stringify!($f)] };
    (@at $c:ident () $f:ident) => { $c.$f };
    (@at $c:ident ($s:ident) $f:ident) => { $c.$s.$f };
    (@live live) => { true };
    (@live fixed) => { false };
}

const fn int(min: u64, max: u64) -> Kind {
    Kind::Int { min, max }
}
const fn closed(min: f64, max: f64) -> Kind {
    Kind::Float {
        min,
        min_open: false,
        max,
        max_open: false,
    }
}
const POSITIVE: Kind = Kind::Float {
    min: 0.0,
    min_open: true,
    max: 10.0,
    max_open: false,
};
const fn when(field: &'static str, values: &'static [&'static str]) -> Option<When> {
    Some(When { field, values })
}
/// The fields of the game: a classifier and a VAE have none of them.
const GAN: Option<When> = when("experiment", &["gan"]);
const VAE: Option<When> = when("experiment", &["vae"]);
/// The fields of a generative model: the GAN's players, the VAE's encoder and decoder.
const GENERATIVE: Option<When> = when("experiment", &["gan", "vae"]);
/// The fields of a model trained as a classifier: the GAN's D, the digit classifier.
const DISCRIMINATIVE: Option<When> = when("experiment", &["gan", "classifier"]);
const MLP: Option<When> = when("model", &["mlp"]);
const DCGAN: Option<When> = when("model", &["dcgan"]);
const ANY: Option<When> = None;

/// The largest seed a browser's numbers hold exactly (2⁵³ − 1).
pub const MAX_SEED: u64 = (1 << 53) - 1;

options! {
    /// Everything that defines a run. Same config + same seed + same backend ⇒ same run.
    ///
    /// JSON: nested by section (`{"data": {"kind": "ring"}, "optim": {"lr_d": 0.001}, …}`), or
    /// flat by the fields' names (`{"dataset": "ring", "lr_d": 0.001}`), the form of the CLI's
    /// flags, the page's URL and configs written before the sections existed.
    pub struct Config at () {
        experiment: ExperimentKind = ExperimentKind::Gan, "experiment", Kind::Enum(ExperimentKind::NAMES), ANY, fixed,
            "what is trained: gan (G against D); vae (a variational autoencoder with the DCGAN's players as decoder and encoder: images only); classifier (a convnet learning the digits' labels, the judge of samples: images only)";
        seed: u64 = 1, "seed", int(0, MAX_SEED), ANY, fixed,
            "same seed + same backend ⇒ same run";
        hist_bins: usize = 20, "hist_bins", int(2, 200), GAN, live,
            "bins of the D(x) histograms over [0, 1]";
    }
    holds { data: DataConfig, model: ModelConfig, objective: ObjectiveConfig, optim: OptimConfig }
}

options! {
    /// p_data.
    pub struct DataConfig at (data) {
        kind: DatasetKind = DatasetKind::Ring, "dataset", Kind::Enum(DatasetKind::NAMES), ANY, fixed,
            "p_data: ring (8 gaussians, r = 2, σ = 0.02), grid (5×5, σ = 0.05), spiral, moons, line, gaussian, points (yours), mnist (10 000 real digits)";
        dim: usize = 2, "data_dim", int(1, 4096), when("dataset", &["gaussian"]), fixed,
            "dimension of the gaussian data";
        points: Vec<[f32; 2]> = Vec::new(), "points", Kind::Points, when("dataset", &["points"]), fixed,
            "the points of the points dataset: \"x,y;x,y;…\", any N ≥ 1";
    }
}

options! {
    /// G and D.
    pub struct ModelConfig at (model) {
        kind: ModelKind = ModelKind::Mlp, "model", Kind::Enum(ModelKind::NAMES), GENERATIVE, fixed,
            "the players: mlp (any data) or dcgan (convolutions, images only; a VAE's decoder is G, its encoder D's convolutions)";
        latent_dim: usize = 4, "latent_dim", int(1, 1024), GENERATIVE, fixed,
            "size of the latent code z";
        latent: LatentKind = LatentKind::Gaussian, "latent", Kind::Enum(LatentKind::NAMES), GAN, fixed,
            "distribution of z: N(0, I) or U(−1, 1)";
        g_hidden: usize = 64, "g_hidden", int(1, 4096), MLP, fixed,
            "G's hidden units per layer";
        g_layers: usize = 2, "g_layers", int(1, 8), MLP, fixed,
            "G's hidden layers";
        d_hidden: usize = 64, "d_hidden", int(1, 4096), MLP, fixed,
            "D's hidden units per layer";
        d_layers: usize = 2, "d_layers", int(1, 8), MLP, fixed,
            "D's hidden layers";
        activation: Activation = Activation::Relu, "activation", Kind::Enum(Activation::NAMES), MLP, fixed,
            "the MLPs' activation";
        g_channels: usize = 64, "g_channels", int(2, 512), DCGAN, fixed,
            "channels of G's 7×7 feature map (halved at 14×14)";
        d_channels: usize = 32, "d_channels", int(1, 512), DCGAN, fixed,
            "channels of D's 14×14 feature map (doubled at 7×7)";
        batch_norm: bool = true, "batch_norm", Kind::Bool, DCGAN, fixed,
            "batch normalisation in G's hidden layers";
        init: InitKind = InitKind::Uniform, "init", Kind::Enum(InitKind::NAMES), DCGAN, fixed,
            "the convolutional players' first weights: uniform, U(±1/√fan_in) as PyTorch's layers start (weights and biases); normal, N(0, 0.02) and zero biases as the DCGAN paper's";
        d_batch_norm: bool = false, "d_batch_norm", Kind::Bool, DCGAN, fixed,
            "batch normalisation in D's second convolution, as the DCGAN paper has it (D of a batch then, not of each sample alone: no gradient penalty with it)";
        conditional: bool = false, "conditional", Kind::Bool, GAN, fixed,
            "pick a digit: G is given the digit to draw (a one-hot label beside z) and D also names each image's digit; both add the cross-entropy of D's reading to the game, so G gains when D reads the digit asked for (an auxiliary-classifier GAN, Odena et al. 2017; the losses shown are the game's alone); digits only, no unrolling or gradient penalty";
        clusters: bool = false, "clusters", Kind::Bool, GAN, fixed,
            "groups without labels: k-means sorts the training digits into groups (`groups` of them) by their shapes (each digit made upright first), and the game runs as with conditional but on those groups (G is given a group, D names each image's group); no label is used, so the model of the digits stays unconditional; G is asked for each group in proportion to the digits in it (a self-conditioned GAN, after Liu et al. 2020); digits only, not with conditional";
        groups: usize = 10, "groups", int(2, 40), when("clusters", &["true"]), fixed,
            "how many groups clusters sorts the digits into: more groups than digits make each group purer (a digit written two ways gets two groups), so that G is asked for one shape at a time";
    }
}

options! {
    /// The game: its value function, the alternation, the remedies for mode collapse.
    pub struct ObjectiveConfig at (objective) {
        loss: LossKind = LossKind::NonSaturating, "loss", Kind::Enum(LossKind::NAMES), GAN, live,
            "the value function: minimax (saturating), non-saturating, lsgan, hinge, wgan-gp";
        class_weight: f64 = 1.0, "class_weight", closed(0.0, 10.0), when("dataset", &["mnist"]), live,
            "with conditional or clusters: the weight of G's class term, the cross-entropy of D's reading of the class G was asked for (1: the ACGAN's); below 1, G is pushed less toward the class's most typical images and keeps more variety within it (D's own class terms keep weight 1)";
        d_steps: usize = 1, "d_steps", int(1, 100), GAN, live,
            "k: discriminator steps per generator step";
        g_steps: usize = 1, "g_steps", int(1, 100), GAN, live,
            "generator steps after the k D steps (an iteration counts each); more than k: maximin, G plays the inner loop";
        freeze_g: bool = false, "freeze_g", Kind::Bool, GAN, live,
            "G stands still (its steps are skipped): D alone learns, toward D* = p_data/(p_data + p_g)";
        discrete: f64 = 0.0, "discrete", closed(0.0, 10.0), GAN, live,
            "G's samples rounded to multiples of this step before D sees them, as tokens would be: the gradient through the rounding is zero almost everywhere, so G gets none (0: off)";
        unrolled: usize = 0, "unrolled", int(0, 50), GAN, live,
            "remedy: G's loss is taken against a copy of D advanced K steps (first order: the gradient does not flow back through those steps)";
        unrolled_through: bool = false, "unrolled_through", Kind::Bool, GAN, live,
            "with unrolled: G's gradient flows back through D's K unrolled steps, so G anticipates D's answer (the unrolled GAN of Metz et al. 2017: gradient steps of size unrolled_lr; MLP D, no penalty)";
        unrolled_lr: f64 = 0.01, "unrolled_lr", POSITIVE, GAN, live,
            "the size of the unrolled gradient steps with unrolled_through";
        gp: f64 = 0.0, "gp", closed(0.0, 1000.0), GAN, live,
            "remedy: gradient penalty λ on D (WGAN-GP's with wgan-gp, λ = 10 if 0; else R1 on real data)";
        generators: usize = 1, "generators", int(1, 16), GAN, fixed,
            "remedy: N generators share one D";
        vae_sigma: f64 = 1.0, "vae_sigma", closed(0.0, 10.0), VAE, fixed,
            "the VAE decoder's σ (pixels in [−1, 1]): larger weighs the KL term more (blurrier samples that are digits); 0: its maximum-likelihood value at each batch (sharp reconstructions; samples from the prior fall between the codes in use and are not digits)";
    }
}

options! {
    /// How each player descends its loss.
    pub struct OptimConfig at (optim) {
        batch_size: usize = 128, "batch_size", int(1, 8192), ANY, fixed,
            "samples per batch (a GAN's: real and fake each)";
        optimizer_d: OptimizerKind = OptimizerKind::Adam, "optimizer_d", Kind::Enum(OptimizerKind::NAMES), DISCRIMINATIVE, live,
            "D's optimizer (a classifier's, in a classifier run)";
        optimizer_g: OptimizerKind = OptimizerKind::Adam, "optimizer_g", Kind::Enum(OptimizerKind::NAMES), GENERATIVE, live,
            "G's optimizer (a VAE's, for encoder and decoder)";
        lr_d: f64 = 1e-3, "lr_d", POSITIVE, DISCRIMINATIVE, live,
            "D's learning rate (a classifier's, in a classifier run)";
        lr_g: f64 = 1e-3, "lr_g", POSITIVE, GENERATIVE, live,
            "G's learning rate (a VAE's)";
        ema: f64 = 0.0, "ema", Kind::Float { min: 0.0, min_open: false, max: 1.0, max_open: true }, GAN, fixed,
            "G's samples (its pictures, scores and Evaluate) from an exponential moving average of G's weights with this decay per iteration (0: off; early on at most (1 + t)/(10 + t) after t iterations): steadier than G itself, which still plays the game; digits only";
        beta1: f64 = 0.5, "beta1", Kind::Float { min: 0.0, min_open: false, max: 1.0, max_open: true }, ANY, live,
            "Adam's β₁";
    }
}

/// Every option, in the order of the README's table and the page's form: what is trained, the
/// sections in the lecture's order, then the run's own options.
pub static FIELDS: LazyLock<Vec<Field>> = LazyLock::new(|| {
    let (first, run) = Config::ROWS.split_at(1);
    [
        first,
        DataConfig::ROWS,
        ModelConfig::ROWS,
        ObjectiveConfig::ROWS,
        OptimConfig::ROWS,
        run,
    ]
    .concat()
});

/// The field with this flat name.
pub fn field(name: &str) -> Option<&'static Field> {
    FIELDS.iter().find(|f| f.name == name)
}

/// Default λ of WGAN-GP (Gulrajani et al. 2017).
pub const WGAN_GP_DEFAULT_LAMBDA: f64 = 10.0;

/// Side of MNIST's square images.
pub const IMAGE_SIDE: usize = 28;
/// The digits' classes.
pub const CLASSES: usize = 10;

impl Config {
    /// Dimension of one data sample.
    pub fn data_dim(&self) -> usize {
        match self.data.kind {
            DatasetKind::Gaussian => self.data.dim,
            DatasetKind::Mnist => IMAGE_SIDE * IMAGE_SIDE,
            _ => 2,
        }
    }

    /// The length of G's input: the latent code z, and with `conditional` the one-hot label of
    /// the digit asked for after it.
    pub fn code_dim(&self) -> usize {
        self.model.latent_dim
            + if self.is_conditional() {
                self.classes()
            } else {
                0
            }
    }

    /// How many classes a conditional GAN's G is asked for and its D names: the ten digits
    /// (`conditional`) or the groups found without labels (`clusters`, `groups` of them).
    pub fn classes(&self) -> usize {
        if self.model.clusters && !self.model.conditional {
            self.model.groups
        } else {
            CLASSES
        }
    }

    /// A GAN whose G is given a class beside z and whose D names each image's class: the
    /// digit's label (`conditional`) or a group found without labels (`clusters`). The option
    /// applies to GANs only.
    pub fn is_conditional(&self) -> bool {
        self.experiment == ExperimentKind::Gan && (self.model.conditional || self.model.clusters)
    }

    /// A GAN given the digits' labels (`conditional`): G draws the digit asked for.
    pub fn asks_for_digits(&self) -> bool {
        self.experiment == ExperimentKind::Gan && self.model.conditional
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
