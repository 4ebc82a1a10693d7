//! The variational autoencoder of the lecture's comparison (Kingma & Welling 2014): the GAN's
//! rival on the same digits, with the same players and the same budget.
//!
//! * **Decoder** p(x|z) = N(x; G(z), σ²I): the DCGAN's generator G (its mean, in [−1, 1]), one
//!   shared σ for all 784 pixels.
//! * **Encoder** q(z|x) = N(μ(x), diag exp(v(x))): the DCGAN's discriminator convolutions with
//!   2 × latent outputs (μ and the log-variance v) instead of one logit.
//! * **Prior** p(z) = N(0, I), as the GAN's codes.
//! * **ELBO**(x) = E_q log p(x|z) − KL(q(z|x) ‖ p(z)), per image, in nats: the expectation by one
//!   reparametrised draw z = μ + exp(v/2) ⊙ ε per image and step, the KL in closed form,
//!   ½ Σ (μ² + eᵛ − v − 1).
//! * **σ** is the config's `vae_sigma` (1 by default: half the pixels' range), or with 0 its
//!   maximum-likelihood value at every step,
//!   the batch's mean squared error per pixel (the "optimal σ-VAE" of Rybkin et al. 2021; the
//!   gradient is the one at that σ held fixed: at the optimum, σ's own gradient is zero). σ
//!   weighs reconstruction against the KL term: a small one gives sharp reconstructions and
//!   a posterior far from the prior (a KL of about 170 nats with 64 latent dimensions after
//!   3 000 steps of the page's preset, against 21 with σ = 1; measured with the CLI), whose prior
//!   samples fall between the codes the encoder uses and are not digits; a larger one keeps
//!   the codes near the prior, and prior samples are digits, blurred.
//!
//! The decoder's batch norm (the DCGAN's G has it by default) normalises by the batch, in
//! training as when sampling, as the GAN's G does: a decoded image depends a little on the
//! other codes of its batch, so p(x|z) is per image given its batch. Samples are decoded in
//! the evaluations' chunks of 250, as the GAN's.
//!
//! Pixels are a continuous density here, so the ELBO (a log-density bound, per image of 784
//! dimensions) is positive once σ is small; it is compared with itself over training, not
//! with a probability. Samples shown and scored are the decoder's means G(z), z ~ N(0, I), as
//! VAE samples usually are (adding the pixel noise σ would make them noisier, not sharper).

use std::collections::BTreeMap;

use burn::module::Module;
use burn::optim::{GradientsParams, ModuleOptimizer};

use crate::nets::model::{Discriminator, DiscriminatorNet, Generator};
use burn::tensor::{Device, Tensor, TensorData};

use crate::data::dataset::Dataset;
use crate::data::mnist::to_u8;
use crate::error::{CheckpointError, ConfigError, TrainError};
use crate::nets::dcgan::DcganDiscriminator;
use crate::rng::{ParamNumbering, RunRng};
use crate::spec::budget::{self, eval_size};
use crate::spec::config::{
    Config, DatasetKind, ExperimentKind, IMAGE_SIDE, LatentKind, ModelKind, field,
};
use crate::train::checkpoint::{Header, Section, SectionBounds};
use crate::train::experiment::{Assets, Experiment};
use crate::train::readback::PendingRecord;
use crate::train::records::{counter, load_module, load_optimizer, section};
use crate::train::snapshot::{
    Images, Packer, PendingSnapshot, Snapshot, SnapshotOptions, image_bytes,
};

/// Log-variances are kept in [−LOG_VAR_BOUND, LOG_VAR_BOUND]: exp stays finite early on.
const LOG_VAR_BOUND: f64 = 10.0;
/// The smallest σ² (an exact reconstruction would make the density infinite).
const MIN_VARIANCE: f64 = 1e-6;
const PIXELS: usize = IMAGE_SIDE * IMAGE_SIDE;
/// Tensors a checkpoint section may hold (encoder 6, decoder at most 10).
const MAX_TENSORS: u64 = 32;

/// The encoder and the decoder: the GAN's own player types (a D whose dense layer has
/// 2 × latent outputs, and a G), so the page's download carries no second copy of their
/// training code. Each has its optimizer; Adam's state is per parameter, so two optimizers
/// with one learning rate are one optimizer over both.
#[derive(Clone, Debug)]
pub struct VaeNet {
    pub encoder: Discriminator,
    pub decoder: Generator,
    pub latent: usize,
}

/// What one batch gives, per image (each `[n]`): the squared reconstruction error summed
/// over the pixels, and KL(q(z|x) ‖ p(z)).
pub struct Terms {
    pub squared_error: Tensor<1>,
    pub kl: Tensor<1>,
}

impl VaeNet {
    /// Fresh weights, drawn from `rng` as the DCGAN's players are (the encoder first).
    pub fn new(config: &Config, rng: &mut RunRng, device: &Device) -> Self {
        let m = &config.model;
        Self {
            encoder: Discriminator {
                net: DiscriminatorNet::Dcgan(DcganDiscriminator::with_outputs(
                    m.d_channels,
                    2 * m.latent_dim,
                    m.init,
                    rng,
                    device,
                )),
                classes: 0,
            },
            decoder: Generator::new(config, rng, device),
            latent: m.latent_dim,
        }
    }

    /// Without autodiff.
    pub fn no_grad(self) -> Self {
        Self {
            encoder: self.encoder.no_grad(),
            decoder: self.decoder.no_grad(),
            latent: self.latent,
        }
    }

    pub fn num_params(&self) -> usize {
        self.encoder.num_params() + self.decoder.num_params()
    }

    /// q(z|x)'s mean and log-variance, each `[n, latent]`.
    pub fn encode(&self, x: Tensor<2>) -> (Tensor<2>, Tensor<2>) {
        let n = x.dims()[0];
        let out = self.encoder.forward(x);
        let mean = out.clone().slice([0..n, 0..self.latent]);
        let log_var = out
            .slice([0..n, self.latent..2 * self.latent])
            .clamp(-LOG_VAR_BOUND, LOG_VAR_BOUND);
        (mean, log_var)
    }

    /// The decoder's mean G(z), `[n, 784]`.
    pub fn decode(&self, z: Tensor<2>) -> Tensor<2> {
        self.decoder.forward(z)
    }

    /// The ELBO's parts for images `x` `[n, 784]` and standard normal draws `eps`
    /// `[n, latent]` (the reparametrisation z = μ + exp(v/2) ⊙ ε).
    pub fn terms(&self, x: Tensor<2>, eps: Tensor<2>) -> Terms {
        let n = x.dims()[0];
        let (mean, log_var) = self.encode(x.clone());
        let z = mean.clone() + (log_var.clone() * 0.5).exp() * eps;
        let squared_error = (x - self.decode(z)).square().sum_dim(1).reshape([n]);
        let kl =
            ((mean.square() + log_var.clone().exp() - log_var - 1.0).sum_dim(1) * 0.5).reshape([n]);
        Terms { squared_error, kl }
    }
}

/// σ² at its maximum-likelihood value for these squared errors (per image, summed over the
/// pixels): their mean per pixel, at least [`MIN_VARIANCE`].
pub fn optimal_variance(squared_errors: &[f32]) -> f64 {
    let total: f64 = squared_errors.iter().map(|&s| s as f64).sum();
    (total / (squared_errors.len() * PIXELS).max(1) as f64).max(MIN_VARIANCE)
}

/// −log N(x; x̂, σ²I) of one image from its squared error summed over the 784 pixels.
pub fn gaussian_nll(squared_error: f64, variance: f64) -> f64 {
    squared_error / (2.0 * variance)
        + PIXELS as f64 / 2.0 * (2.0 * std::f64::consts::PI * variance).ln()
}

/// The sections of a VAE's checkpoint, with their sizes (known from the config alone).
pub fn section_bounds(config: &Config) -> Vec<SectionBounds> {
    let (encoder, decoder) = parameters(config);
    let optim = |name: &str, params: u64| SectionBounds {
        name: name.into(),
        min: 0,
        max: 8 * params + 4096 + 1024 * MAX_TENSORS,
    };
    vec![
        SectionBounds::record("encoder".into(), encoder, MAX_TENSORS),
        optim("encoder.optimizer", encoder),
        SectionBounds::record("decoder".into(), decoder, MAX_TENSORS),
        optim("decoder.optimizer", decoder),
    ]
}

/// Trainable parameters of (the encoder: D's convolutions with a dense layer of 2 × latent
/// outputs, the decoder: G).
pub fn parameters(config: &Config) -> (u64, u64) {
    let (encoder, decoder) = budget::vae_parts(config);
    (encoder.params, decoder.params)
}

/// A VAE run: the net, its optimizers, the data, the RNG and the step counter.
pub struct Vae {
    config: Config,
    device: Device,
    net: VaeNet,
    encoder_optim: ModuleOptimizer,
    decoder_optim: ModuleOptimizer,
    rng: RunRng,
    steps: u64,
    dataset: Dataset,
    /// The fixed evaluation batch (as the GAN's: the same seed gives the same digits and
    /// codes): real digits, the draws ε for their ELBO, codes for the sample grid.
    fixed_real: Vec<f32>,
    fixed_eps: Vec<f32>,
    fixed_noise: Vec<f32>,
}

/// What a VAE beside a GAN takes from the GAN's config: everything that makes the comparison
/// fair (the same players' size, batch, seed, hence the same budget per iteration).
pub const BESIDE_SHARED: &[&str] = &[
    "latent_dim",
    "g_channels",
    "d_channels",
    "batch_norm",
    "batch_size",
    "seed",
];

/// Why no VAE can run beside a GAN as its like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BesideRefusal {
    /// The GAN does not learn the digits.
    NeedsDigits,
    /// The GAN's players are not the DCGAN, or its codes not gaussian.
    NeedsDcgan,
    /// The GAN is given the digits' labels (`conditional`); the VAE is not. (A GAN on groups it
    /// found without labels, `clusters`, can run beside one: neither uses the labels.)
    NeedsUnconditional,
}

impl BesideRefusal {
    /// Why no VAE runs beside the GAN of `gan`, or `None` if one can.
    pub fn of(gan: &Config) -> Option<Self> {
        if gan.experiment != ExperimentKind::Gan || gan.data.kind != DatasetKind::Mnist {
            Some(Self::NeedsDigits)
        } else if gan.model.kind != ModelKind::Dcgan || gan.model.latent != LatentKind::Gaussian {
            Some(Self::NeedsDcgan)
        } else if gan.asks_for_digits() {
            Some(Self::NeedsUnconditional)
        } else {
            None
        }
    }

    /// Its name, for a page to say it in its language (`needs-digits`, `needs-dcgan`,
    /// `needs-unconditional`).
    pub fn key(self) -> &'static str {
        match self {
            Self::NeedsDigits => "needs-digits",
            Self::NeedsDcgan => "needs-dcgan",
            Self::NeedsUnconditional => "needs-unconditional",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Self::NeedsDigits => "a VAE runs beside a GAN on the MNIST digits (dataset = mnist)",
            Self::NeedsDcgan => {
                "a VAE runs beside a DCGAN with gaussian codes (model = dcgan, latent = gaussian): \
                 its decoder is G, its encoder D's convolutions, its prior N(0, I)"
            }
            Self::NeedsUnconditional => {
                "a VAE runs beside an unconditional GAN: this G is given the digit to draw \
                 (conditional), the VAE is not, and the comparison would not be fair"
            }
        }
    }
}

/// The config of a VAE trained beside the GAN of `gan` as its like: `vae` (the VAE's own
/// recipe: its optimiser, σ) with the GAN's shared options ([`BESIDE_SHARED`]). Refused, with
/// the reason ([`BesideRefusal`]), unless the GAN is a DCGAN on the digits with gaussian codes.
pub fn beside(gan: &Config, vae: &Config) -> Result<Config, ConfigError> {
    if let Some(refusal) = BesideRefusal::of(gan) {
        return Err(ConfigError::Invalid(refusal.message().into()));
    }
    let mut shared = serde_json::Map::new();
    for name in BESIDE_SHARED {
        let f = field(name).expect("a shared option is a field");
        shared.insert((*name).into(), f.get(gan));
    }
    let out = vae.with_overrides(&shared)?;
    if out.experiment != ExperimentKind::Vae {
        return Err(ConfigError::Invalid(
            "the VAE's own config is not a VAE's".into(),
        ));
    }
    Ok(out)
}

impl Vae {
    pub fn new(config: Config, device: &Device, assets: &Assets) -> Result<Self, ConfigError> {
        config.validate()?;
        let device = device.clone().autodiff();
        let dataset = Dataset::new(&config, assets.mnist.clone())?;
        let mut rng = RunRng::new(config.seed);
        let net = VaeNet::new(&config, &mut rng, &device);
        let mut ids = ParamNumbering::new(config.seed);
        let net = VaeNet {
            encoder: ids.number(net.encoder),
            decoder: ids.number(net.decoder),
            latent: net.latent,
        };
        let latent = config.model.latent_dim;
        // The GAN's salt: the same seed gives the same evaluation digits and codes.
        let mut eval_rng = RunRng::new(config.seed ^ crate::train::codes::EVAL_SALT);
        let n = eval_size(PIXELS);
        let fixed_noise = eval_rng.normals(n * latent);
        let fixed_real = dataset.sample(n, &mut eval_rng);
        let fixed_eps = eval_rng.normals(n * latent);
        Ok(Self {
            encoder_optim: crate::train::optim::optimizer(
                config.optim.optimizer_g,
                config.optim.beta1,
            ),
            decoder_optim: crate::train::optim::optimizer(
                config.optim.optimizer_g,
                config.optim.beta1,
            ),
            config,
            device,
            net,
            rng,
            steps: 0,
            dataset,
            fixed_real,
            fixed_eps,
            fixed_noise,
        })
    }

    /// The net without autodiff.
    pub fn net(&self) -> VaeNet {
        self.net.clone().no_grad()
    }

    fn tensor(&self, values: Vec<f32>, shape: [usize; 2]) -> Tensor<2> {
        Tensor::from_data(TensorData::new(values, shape), &self.device)
    }

    /// One optimizer step: the negative ELBO of a fresh batch (σ the config's, or its
    /// maximum-likelihood value for that batch, held fixed in the gradient).
    pub fn step(&mut self) {
        let n = self.config.optim.batch_size;
        let latent = self.config.model.latent_dim;
        let x = self.dataset.sample(n, &mut self.rng);
        let eps = self.rng.normals(n * latent);
        let terms = self
            .net
            .terms(self.tensor(x, [n, PIXELS]), self.tensor(eps, [n, latent]));
        // −log p(x|z) up to its constant term (no gradient): σ² fixed, or the batch's mean
        // squared error per pixel, a constant of the graph.
        let sigma = self.config.objective.vae_sigma;
        let nll = if sigma > 0.0 {
            terms.squared_error / (2.0 * sigma * sigma)
        } else {
            let variance = (terms.squared_error.clone().detach().mean() / PIXELS as f64)
                .clamp_min(MIN_VARIANCE);
            terms.squared_error / (variance * 2.0)
        };
        let loss = (nll + terms.kl).mean();
        let mut grads = crate::train::backward(&loss);
        let encoder = GradientsParams::from_module(&mut grads, &self.net.encoder);
        let decoder = GradientsParams::from_module(&mut grads, &self.net.decoder);
        let lr = self.config.optim.lr_g;
        self.net.encoder = self
            .encoder_optim
            .step(lr, self.net.encoder.clone(), encoder);
        self.net.decoder = self
            .decoder_optim
            .step(lr, self.net.decoder.clone(), decoder);
        self.steps += 1;
    }

    /// Rows `rows` of `n` decoder means for codes drawn from `seed` with the GAN's salt: the
    /// same codes a GAN of this latent size is scored on.
    pub fn samples_from_seed(
        &self,
        n: usize,
        seed: u64,
        rows: std::ops::Range<usize>,
    ) -> Tensor<2> {
        let z =
            crate::train::codes::evaluation_codes(&self.config, n, seed, rows, None, &self.device);
        self.net().decode(z).detach()
    }
}

impl Experiment for Vae {
    fn config(&self) -> &Config {
        &self.config
    }

    fn device(&self) -> &Device {
        &self.device
    }

    fn iteration(&self) -> u64 {
        self.steps
    }

    fn step_names(&self) -> &'static [&'static str] {
        &["batch"]
    }

    fn step_named(&mut self, name: &str) -> Result<(), String> {
        match name {
            "batch" => Vae::step(self),
            other => return Err(format!("the VAE has no step '{other}' (its step: batch)")),
        }
        Ok(())
    }

    fn step(&mut self) {
        Vae::step(self)
    }

    /// On the fixed evaluation batch: `elbo`, `reconstruction` (E_q log p(x|z)), `kl` (nats per
    /// image) and `sigma` (the decoder's σ: the config's, or its maximum-likelihood value
    /// there); the sample
    /// grid (decoder means of the fixed codes), the real digits and a latent walk.
    fn prepare_snapshot(&self, _options: SnapshotOptions) -> PendingSnapshot {
        let net = self.net();
        let latent = self.config.model.latent_dim;
        let n = self.fixed_real.len() / PIXELS;
        let terms = net.terms(
            self.tensor(self.fixed_real.clone(), [n, PIXELS]),
            self.tensor(self.fixed_eps.clone(), [n, latent]),
        );
        // The grid's codes with the walk's along (the decoder's batch norm normalises by the
        // batch: as in the GAN's snapshot, the walk rides with the grid's codes).
        let (z0, z1) = (
            &self.fixed_noise[..latent],
            &self.fixed_noise[latent..2 * latent],
        );
        let mut codes = self.fixed_noise.clone();
        for i in 0..Images::WALK {
            let t = i as f32 / (Images::WALK - 1) as f32;
            codes.extend(z0.iter().zip(z1).map(|(a, b)| (1.0 - t) * a + t * b));
        }
        let decoded = net.decode(self.tensor(codes, [n + Images::WALK, latent]));
        let shown = Images::REAL.min(n);
        let mut packer = Packer::new();
        packer.push("squared_error", terms.squared_error);
        packer.push("kl", terms.kl);
        packer.push("grid", decoded.clone().slice([0..shown, 0..PIXELS]));
        packer.push("walk", decoded.slice([n..n + Images::WALK, 0..PIXELS]));
        let real: Vec<u8> = self.fixed_real[..shown * PIXELS]
            .iter()
            .map(|&x| to_u8(x))
            .collect();
        let iter = self.steps;
        let sigma = self.config.objective.vae_sigma;
        PendingSnapshot::new(packer, move |u| {
            let squared = u.get("squared_error")?;
            let kl = u.get("kl")?;
            if squared.iter().chain(kl).any(|v| !v.is_finite()) {
                return Err(TrainError::NonFinite("the VAE's ELBO"));
            }
            let variance = if sigma > 0.0 {
                sigma * sigma
            } else {
                optimal_variance(squared)
            };
            let count = squared.len() as f64;
            let reconstruction = -squared
                .iter()
                .map(|&s| gaussian_nll(s as f64, variance))
                .sum::<f64>()
                / count;
            let kl = kl.iter().map(|&k| k as f64).sum::<f64>() / count;
            let pixels = |v: &[f32]| image_bytes(v, "a decoded image");
            Ok(Snapshot {
                iter,
                d_steps: 0,
                scalars: BTreeMap::from([
                    ("elbo".to_string(), reconstruction - kl),
                    ("reconstruction".to_string(), reconstruction),
                    ("kl".to_string(), kl),
                    ("sigma".to_string(), variance.sqrt()),
                ]),
                histograms: BTreeMap::new(),
                plane: None,
                images: Some(Images {
                    side: IMAGE_SIDE,
                    fake: pixels(u.get("grid")?)?,
                    digit: None,
                    real,
                    walk: pixels(u.get("walk")?)?,
                }),
            })
        })
    }

    fn samples(&self, n: usize, rows: std::ops::Range<usize>) -> Option<Tensor<2>> {
        Some(self.samples_from_seed(n, self.config.seed, rows))
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn header(&self) -> Header {
        Header {
            config: self.config.clone(),
            counters: BTreeMap::from([("steps".to_string(), self.steps)]),
            rng: self.rng.clone(),
        }
    }

    fn pending_sections(&self) -> Vec<PendingRecord> {
        vec![
            PendingRecord::module("encoder".into(), &self.net.encoder),
            PendingRecord::optimizer("encoder.optimizer".into(), &self.encoder_optim),
            PendingRecord::module("decoder".into(), &self.net.decoder),
            PendingRecord::optimizer("decoder.optimizer".into(), &self.decoder_optim),
        ]
    }

    fn load_sections(
        &mut self,
        header: &Header,
        sections: &[Section<'_>],
    ) -> Result<(), CheckpointError> {
        let bytes = |name: &str| section(sections, name);
        let kind = self.config.optim.optimizer_g;
        let device = self.device.clone();
        let encoder = load_module(self.net.encoder.clone(), "encoder", bytes("encoder")?)?;
        let name = "encoder.optimizer";
        self.encoder_optim = load_optimizer(
            &encoder,
            kind,
            &self.encoder_optim,
            name,
            bytes(name)?,
            &device,
        )?;
        let decoder = load_module(self.net.decoder.clone(), "decoder", bytes("decoder")?)?;
        let name = "decoder.optimizer";
        self.decoder_optim = load_optimizer(
            &decoder,
            kind,
            &self.decoder_optim,
            name,
            bytes(name)?,
            &device,
        )?;
        self.net.encoder = encoder;
        self.net.decoder = decoder;
        self.rng = header.rng.clone();
        self.steps = counter(header, "steps")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{flex, to_vec};

    #[test]
    fn a_vae_beside_a_gan_takes_its_players_and_refuses_what_is_not_its_like() {
        let json = |v| Config::from_value(&v).unwrap();
        let gan = json(
            serde_json::json!({"dataset": "mnist", "model": "dcgan", "latent_dim": 64,
            "g_channels": 32, "d_channels": 16, "batch_norm": false, "batch_size": 64, "seed": 5, "lr_g": 2e-4}),
        );
        let vae = json(
            serde_json::json!({"experiment": "vae", "dataset": "mnist", "model": "dcgan",
            "lr_g": 1e-3, "beta1": 0.9, "vae_sigma": 0.5}),
        );
        let b = beside(&gan, &vae).unwrap();
        let m = &b.model;
        assert_eq!(
            (m.latent_dim, m.g_channels, m.d_channels, m.batch_norm),
            (64, 32, 16, false)
        );
        assert_eq!((b.optim.batch_size, b.seed), (64, 5));
        assert_eq!(
            (b.optim.lr_g, b.optim.beta1, b.objective.vae_sigma),
            (1e-3, 0.9, 0.5)
        );
        let refusal = |v| beside(&json(v), &vae).unwrap_err().to_string();
        assert!(refusal(serde_json::json!({"dataset": "ring"})).contains("MNIST"));
        let uniform =
            serde_json::json!({"dataset": "mnist", "model": "dcgan", "latent": "uniform"});
        assert!(refusal(uniform).contains("gaussian"));
    }

    fn config(seed: u64) -> Config {
        Config::from_value(&serde_json::json!({
            "experiment": "vae", "dataset": "mnist", "model": "dcgan", "latent_dim": 3,
            "g_channels": 4, "d_channels": 2, "seed": seed,
        }))
        .unwrap()
    }

    /// Smooth strokes in [−1, 1]: a bright disc on a dark ground, at a place set by `i`.
    fn image(i: usize) -> Vec<f32> {
        let (cr, cc) = (8.0 + (i % 3) as f32 * 5.0, 9.0 + (i % 2) as f32 * 8.0);
        (0..PIXELS)
            .map(|p| {
                let (r, c) = ((p / IMAGE_SIDE) as f32, (p % IMAGE_SIDE) as f32);
                let d2 = (r - cr).powi(2) + (c - cc).powi(2);
                2.0 * (-d2 / 18.0).exp() - 1.0
            })
            .collect()
    }

    #[test]
    fn parameter_count_matches_the_module() {
        let device = flex();
        for bn in [false, true] {
            let mut c = config(1);
            c.model.batch_norm = bn;
            let net = VaeNet::new(&c, &mut RunRng::new(1), &device);
            let (e, d) = parameters(&c);
            assert_eq!((e + d) as usize, net.num_params(), "batch norm {bn}");
            assert_eq!(e as usize, net.encoder.num_params());
        }
    }

    /// The ELBO as the experiment computes it (closed-form KL, σ given) against an independent
    /// Monte Carlo estimate of E_q[log p(x|z) + log p(z) − log q(z|x)] from 4 000 draws per
    /// image, written out with the three densities; and the importance-weighted bound
    /// log (1/K) Σ p(x, z_k)/q(z_k|x) (Burda et al. 2016), which is at least the ELBO: two
    /// seeds, four images each.
    #[test]
    fn elbo_matches_monte_carlo_and_lies_below_the_importance_weighted_bound() {
        let device = flex();
        let draws = 4000;
        let variance = 0.3f64;
        for seed in [2, 3] {
            let c = config(seed);
            let mut rng = RunRng::new(seed);
            let net = VaeNet::new(&c, &mut rng, &device);
            let l = c.model.latent_dim;
            for i in 0..4 {
                let x = Tensor::<2>::from_data(TensorData::new(image(i), [1, PIXELS]), &device);
                let eps = Tensor::<2>::from_data(TensorData::new(rng.normals(l), [1, l]), &device);
                let kl = to_vec(net.terms(x.clone(), eps).kl)[0] as f64;
                let (mean, log_var) = net.encode(x.clone());
                let (mean, log_var) = (to_vec(mean), to_vec(log_var));
                // `draws` fresh codes z = μ + exp(v/2) ⊙ ε from q(z|x), and their decodings.
                let draw = |rng: &mut RunRng| {
                    let eps = rng.normals(draws * l);
                    let z: Vec<f32> = eps
                        .chunks(l)
                        .flat_map(|e| {
                            (0..l)
                                .map(|k| mean[k] + (log_var[k] / 2.0).exp() * e[k])
                                .collect::<Vec<_>>()
                        })
                        .collect();
                    let decoded = to_vec(net.decode(Tensor::from_data(
                        TensorData::new(z.clone(), [draws, l]),
                        &device,
                    )));
                    (z, decoded)
                };
                let (z, decoded) = draw(&mut rng);
                let x = image(i);
                let ln2pi = (2.0 * std::f64::consts::PI).ln();
                let mut log_w = Vec::with_capacity(draws);
                let mut reconstruction = 0.0;
                for d in 0..draws {
                    let se: f64 = decoded[d * PIXELS..(d + 1) * PIXELS]
                        .iter()
                        .zip(&x)
                        .map(|(a, b)| ((a - b) as f64).powi(2))
                        .sum();
                    let log_px =
                        -se / (2.0 * variance) - PIXELS as f64 / 2.0 * (ln2pi + variance.ln());
                    let (mut log_pz, mut log_q) = (0.0, 0.0);
                    for k in 0..l {
                        let zk = z[d * l + k] as f64;
                        let (m, v) = (mean[k] as f64, log_var[k] as f64);
                        log_pz += -0.5 * (ln2pi + zk * zk);
                        log_q += -0.5 * (ln2pi + v + (zk - m).powi(2) / v.exp());
                    }
                    reconstruction += -gaussian_nll(se, variance) / draws as f64;
                    log_w.push(log_px + log_pz - log_q);
                }
                let elbo = reconstruction - kl;
                let mc = log_w.iter().sum::<f64>() / draws as f64;
                let sd =
                    (log_w.iter().map(|w| (w - mc).powi(2)).sum::<f64>() / draws as f64).sqrt();
                let se = sd / (draws as f64).sqrt();
                assert!(
                    (mc - elbo).abs() <= 4.0 * se + 1e-3 * elbo.abs(),
                    "seed {seed}, image {i}: ELBO {elbo} against its Monte Carlo estimate {mc} ± {se}"
                );
                // The importance-weighted bound from draws of its own (on the same draws it
                // would lie above their mean by Jensen's inequality alone, and prove nothing).
                let (z, decoded) = draw(&mut rng);
                let log_w: Vec<f64> = (0..draws)
                    .map(|d| {
                        let se: f64 = decoded[d * PIXELS..(d + 1) * PIXELS]
                            .iter()
                            .zip(&x)
                            .map(|(a, b)| ((a - b) as f64).powi(2))
                            .sum();
                        let mut w = -gaussian_nll(se, variance);
                        for k in 0..l {
                            let zk = z[d * l + k] as f64;
                            let (m, v) = (mean[k] as f64, log_var[k] as f64);
                            w += -0.5 * zk * zk + 0.5 * (v + (zk - m).powi(2) / v.exp());
                        }
                        w
                    })
                    .collect();
                let top = log_w.iter().cloned().fold(f64::MIN, f64::max);
                let iwae =
                    top + (log_w.iter().map(|w| (w - top).exp()).sum::<f64>() / draws as f64).ln();
                assert!(
                    iwae >= elbo - 4.0 * se,
                    "seed {seed}, image {i}: importance-weighted bound {iwae} below the ELBO {elbo}"
                );
            }
        }
    }

    #[test]
    fn optimal_variance_maximises_the_likelihood() {
        let squared = [30.0f32, 50.0, 70.0];
        let v = optimal_variance(&squared);
        assert!((v - 150.0 / (3.0 * PIXELS as f64)).abs() < 1e-12);
        let total = |v: f64| {
            squared
                .iter()
                .map(|&s| gaussian_nll(s as f64, v))
                .sum::<f64>()
        };
        assert!(total(v) < total(v * 1.05) && total(v) < total(v / 1.05));
    }
}
