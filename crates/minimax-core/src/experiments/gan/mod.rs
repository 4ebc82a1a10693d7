//! The GAN experiment: alternating training of the minimax game, k discriminator steps per
//! generator step, with MLP or DCGAN players.
//!
//! The two updates are separate functions so the page can walk through the game by hand,
//! one D step or one G step at a time. Training steps never read tensors back; metrics are
//! produced only when a snapshot is asked for (see `snapshot.rs`).

use burn::module::Module;
use burn::optim::{GradientsParams, ModuleOptimizer};

use crate::train::backward;
use crate::train::codes::{EVAL_SALT, evaluation_codes, sample_latent, sample_z, with_digits};
use crate::train::optim::optimizer;
use crate::train::snapshot::Images;
use burn::tensor::{Device, Tensor, TensorData};

use crate::data::dataset::Dataset;
use crate::error::ConfigError;
use crate::nets::loss;
use crate::nets::model::{Discriminator, Generator};
use crate::rng::RunRng;
use crate::spec::budget::eval_size;
use crate::spec::config::{Config, LossKind};
use crate::train::experiment::Assets;

mod sections;
mod snapshot;
mod unrolled;

/// The state of a GAN run: both players, their optimizers, the RNG and the step counters.
pub struct Gan {
    pub(crate) config: Config,
    pub(crate) dataset: Dataset,
    pub(crate) device: Device,
    pub(crate) generators: Vec<Generator>,
    pub(crate) discriminator: Discriminator,
    pub(crate) g_optims: Vec<ModuleOptimizer>,
    pub(crate) d_optim: ModuleOptimizer,
    pub(crate) rng: RunRng,
    pub(crate) d_steps_done: u64,
    pub(crate) g_steps_done: u64,
    /// Fixed latent codes and real samples, drawn once from the seed, for snapshots
    /// (DCGAN's `fixed_noise`): the same z can be watched as G evolves.
    pub(crate) fixed_noise: Vec<f32>,
    pub(crate) fixed_real: Vec<f32>,
    /// With `ema` > 0: the moving average of each generator's weights, which G's samples
    /// (pictures and scores) come from.
    pub(crate) average: Option<Vec<Generator>>,
    /// With `clusters`: each group's share of the digits. G is asked for the groups in these
    /// proportions, in training (the group of a digit drawn at random) and when its samples
    /// are scored, so that its samples can match the data's mix of groups.
    pub(crate) group_shares: Option<Vec<f64>>,
}

/// Each parameter of a module, flat, by its id.
struct Collect(std::collections::HashMap<u64, Tensor<1>>);

impl burn::module::ModuleVisitor for Collect {
    fn visit_float<const D: usize>(&mut self, param: &burn::module::Param<Tensor<D>>) {
        let t = param.val().detach();
        let n = t.shape().num_elements();
        self.0.insert(param.id.val(), t.reshape([n]));
    }
}

/// Moves each parameter of the average toward the same parameter (same id) of G:
/// a ← decay·a + (1 − decay)·g.
struct Blend(std::collections::HashMap<u64, Tensor<1>>, f64);

impl burn::module::ModuleMapper for Blend {
    fn map_float<const D: usize>(
        &mut self,
        param: burn::module::Param<Tensor<D>>,
    ) -> burn::module::Param<Tensor<D>> {
        let g = self
            .0
            .remove(&param.id.val())
            .expect("the average has G's parameter ids");
        let decay = self.1;
        param.map(|a| {
            let dims = a.dims();
            (a * decay + g.reshape(dims) * (1.0 - decay)).detach()
        })
    }
}

/// The average's decay at iteration `t`: the configured one, lower early on (at most
/// (1 + t)/(10 + t)), so that the first iterations' weights do not linger in it.
fn ema_decay(decay: f64, t: u64) -> f64 {
    let t = t as f64;
    decay.min((1.0 + t) / (10.0 + t))
}

/// Copies of the generators that record no gradients (an average starts as G itself).
fn untracked(generators: &[Generator]) -> Vec<Generator> {
    generators.iter().map(|g| g.clone().no_grad()).collect()
}

impl Gan {
    /// A fresh run on `device` (the autodiff flag is added here).
    pub fn new(config: Config, device: &Device, assets: &Assets) -> Result<Self, ConfigError> {
        config.validate()?;
        let device = device.clone().autodiff();
        // With `clusters`, the digits' labels are replaced by the groups k-means finds.
        let digits = match &assets.mnist {
            Some(m) if config.model.clusters => Some(crate::data::clusters::grouped_shared(
                m,
                config.classes(),
                config.seed,
            )),
            other => other.clone(),
        };
        let dataset = Dataset::new(&config, digits)?;
        let group_shares = config
            .model
            .clusters
            .then(|| dataset.label_shares(config.classes()))
            .flatten();
        let mut rng = RunRng::new(config.seed);
        let mut ids = crate::rng::ParamNumbering::new(config.seed);
        let discriminator = ids.number(Discriminator::new(&config, &mut rng, &device));
        let generators: Vec<Generator> = (0..config.objective.generators)
            .map(|_| ids.number(Generator::new(&config, &mut rng, &device)))
            .collect();
        let average = (config.optim.ema > 0.0).then(|| untracked(&generators));
        let mut eval_rng = RunRng::new(config.seed ^ EVAL_SALT);
        let n = eval_size(config.data_dim());
        // A conditional G's fixed codes ask for the digits in the grid's order (no draws: the
        // real samples after them are those of the unconditional run of the seed).
        let z = sample_z(&config, n, &mut eval_rng);
        let classes = config.classes();
        let fixed_noise = with_digits(&config, z, |i| fixed_class(i, classes));
        let fixed_real = dataset.sample(n, &mut eval_rng);
        Ok(Self {
            g_optims: (0..config.objective.generators)
                .map(|_| optimizer(config.optim.optimizer_g, config.optim.beta1))
                .collect(),
            d_optim: optimizer(config.optim.optimizer_d, config.optim.beta1),
            config,
            dataset,
            device,
            generators,
            discriminator,
            rng,
            d_steps_done: 0,
            g_steps_done: 0,
            average,
            fixed_noise,
            fixed_real,
            group_shares,
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn dataset(&self) -> &Dataset {
        &self.dataset
    }

    pub fn device(&self) -> &Device {
        &self.device
    }

    /// Completed iterations, i.e. generator steps.
    pub fn iteration(&self) -> u64 {
        self.g_steps_done
    }

    pub fn discriminator_steps(&self) -> u64 {
        self.d_steps_done
    }

    /// One round of the alternating game: k = `d_steps` D steps, then `g_steps` G steps
    /// (each of which counts as an iteration).
    pub fn step(&mut self) {
        for _ in 0..self.config.objective.d_steps {
            self.discriminator_step();
        }
        for _ in 0..self.config.objective.g_steps {
            self.generator_step();
        }
    }

    /// Takes `config` as the running game's own, keeping the weights, when it differs from
    /// the current one only in options that a running game takes (see [`crate::spec::config::Field::live`]);
    /// an optimizer whose kind or β₁ changes starts with a fresh state. Returns false (and
    /// changes nothing) for any other difference.
    pub fn retune(&mut self, config: &Config) -> Result<bool, ConfigError> {
        if !crate::spec::schema::only_live_changes(&self.config, config) {
            return Ok(false);
        }
        config.validate()?;
        let (old, new) = (&self.config.optim, &config.optim);
        if old.optimizer_d != new.optimizer_d || old.beta1 != new.beta1 {
            self.d_optim = optimizer(new.optimizer_d, new.beta1);
        }
        if old.optimizer_g != new.optimizer_g || old.beta1 != new.beta1 {
            for o in &mut self.g_optims {
                *o = optimizer(new.optimizer_g, new.beta1);
            }
        }
        self.config = config.clone();
        Ok(true)
    }

    /// Takes a snapshot, reading back synchronously (native only).
    #[cfg(not(target_family = "wasm"))]
    pub fn snapshot(
        &self,
        options: crate::SnapshotOptions,
    ) -> Result<crate::Snapshot, crate::TrainError> {
        self.prepare_snapshot(options).read()
    }

    /// Runs rounds until `iterations` more iterations are done (with `g_steps` > 1 the last
    /// round may go up to `g_steps` − 1 past them).
    pub fn train(&mut self, iterations: u64) {
        let target = self.g_steps_done + iterations;
        while self.g_steps_done < target {
            self.step();
        }
    }

    /// (1) Update D: maximise E_x log D(x) + E_z log(1 − D(G(z))) — or the configured
    /// loss — by one optimizer step on a fresh real batch and a fresh fake batch.
    pub fn discriminator_step(&mut self) {
        let d = self.discriminator.clone();
        let (batches, optim) = self.split();
        self.discriminator = discriminator_update(batches, d, optim);
        self.d_steps_done += 1;
    }

    /// (2) Update G: minimise E_z log(1 − D(G(z))) (minimax), or maximise E_z log D(G(z))
    /// (non-saturating), … With `unrolled = K`, G's loss is taken against D after K further
    /// D steps on a copy of D and its optimizer, which are then thrown away (Metz et al. 2017;
    /// first-order: the gradient does not flow back through the K updates).
    /// With `freeze_g` the step is skipped (and still counted, so that iterations go on).
    pub fn generator_step(&mut self) {
        if self.config.objective.freeze_g {
            self.g_steps_done += 1;
            return;
        }
        let objective = &self.config.objective;
        let g_loss = if objective.unrolled > 0 && objective.unrolled_through {
            self.unrolled_generator_loss()
        } else {
            let d_seen = self.discriminator_seen_by_g();
            let z = self.split().0.latent_batch();
            let asked = asked_labels(&self.config, &z);
            let fake = generate(&self.config, &self.generators, z);
            let (logits, classes) = d_seen.forward_with_classes(fake);
            let adversarial = loss::generator_loss(self.config.objective.loss, logits);
            // A conditional G is also rewarded when D reads the class it was asked for, by
            // `class_weight` (1: the ACGAN's).
            match (classes, asked) {
                (Some(classes), Some(asked)) => {
                    adversarial
                        + loss::class_loss(classes, asked) * self.config.objective.class_weight
                }
                _ => adversarial,
            }
        };
        let mut grads = backward(&g_loss);
        let lr = self.config.optim.lr_g;
        for (g, optim) in self.generators.iter_mut().zip(&mut self.g_optims) {
            let g_grads = GradientsParams::from_module(&mut grads, &*g);
            *g = optim.step(lr, g.clone(), g_grads);
        }
        if let Some(average) = &mut self.average {
            let decay = ema_decay(self.config.optim.ema, self.g_steps_done);
            for (a, g) in average.iter_mut().zip(&self.generators) {
                let mut weights = Collect(Default::default());
                g.visit(&mut weights);
                *a = a.clone().map(&mut Blend(weights.0, decay));
            }
        }
        self.g_steps_done += 1;
    }

    /// The D that G's step plays against: the current one, or with unrolling the one `unrolled`
    /// updates ahead. Either way a constant there: gradients flow through it to G's samples,
    /// but its own weight gradients, a third of its backward pass, are not computed.
    fn discriminator_seen_by_g(&mut self) -> Discriminator {
        let d = if self.config.objective.unrolled > 0 {
            let mut d = self.discriminator.clone();
            let mut optim = self.d_optim.clone();
            for _ in 0..self.config.objective.unrolled {
                d = discriminator_update(self.split().0, d, &mut optim);
            }
            d
        } else {
            self.discriminator.clone()
        };
        d.no_grad()
    }

    /// G's loss against D after `unrolled` gradient steps, differentiable through them (see
    /// `unrolled.rs`); the batches are drawn in the order the first-order version draws them.
    fn unrolled_generator_loss(&mut self) -> Tensor<1> {
        let crate::nets::model::DiscriminatorNet::Mlp(d) = &self.discriminator.net else {
            unreachable!("the config requires an MLP D for unrolled_through")
        };
        let d = d.clone();
        let (kind, lr) = (
            self.config.objective.loss,
            self.config.objective.unrolled_lr,
        );
        let mut batches = Vec::with_capacity(self.config.objective.unrolled);
        for _ in 0..self.config.objective.unrolled {
            let mut b = self.split().0;
            let real = b.real_batch();
            let z = b.latent_batch();
            batches.push((real, generate(&self.config, &self.generators, z)));
        }
        let z = self.split().0.latent_batch();
        let fake = generate(&self.config, &self.generators, z);
        unrolled::generator_loss(&d, kind, lr, batches, fake)
    }

    /// D's optimizer and, borrowed apart from it, everything a D update reads.
    fn split(&mut self) -> (Batches<'_>, &mut ModuleOptimizer) {
        let batches = Batches {
            config: &self.config,
            dataset: &self.dataset,
            device: &self.device,
            generators: &self.generators,
            rng: &mut self.rng,
        };
        (batches, &mut self.d_optim)
    }

    /// G's samples for the fixed latent codes, `[n, data_dim]`, still on the device.
    pub fn fixed_samples(&self) -> Tensor<2> {
        let latent = self.config.code_dim();
        let n = self.fixed_noise.len() / latent;
        let z = Tensor::from_data(
            TensorData::new(self.fixed_noise.clone(), [n, latent]),
            &self.device,
        );
        generate(&self.config, self.sampling_generators(), z).detach()
    }

    /// Rows `rows` of `n` samples of G for latent codes drawn from `seed` (salted, so never the
    /// training draws): the same codes at every call, whatever the run has drawn,
    /// `[rows.len(), data_dim]`. (With batch norm, G normalises by the statistics of the rows
    /// asked for together.)
    pub fn samples_from_seed(
        &self,
        n: usize,
        seed: u64,
        rows: std::ops::Range<usize>,
    ) -> Tensor<2> {
        let shares = self.group_shares.as_deref();
        let z = evaluation_codes(&self.config, n, seed, rows, shares, &self.device);
        let frozen = untracked(self.sampling_generators());
        generate(&self.config, &frozen, z).detach()
    }

    /// The generators samples are drawn from: the moving average of G's weights with `ema`,
    /// else G itself.
    pub(crate) fn sampling_generators(&self) -> &[Generator] {
        self.average.as_deref().unwrap_or(&self.generators)
    }

    /// The number of trainable parameters of (all generators, the discriminator).
    pub fn parameter_counts(&self) -> (usize, usize) {
        (
            self.generators.iter().map(|g| g.num_params()).sum(),
            self.discriminator.num_params(),
        )
    }
}

/// What one D update reads: the data, the generators and the run's RNG.
struct Batches<'a> {
    config: &'a Config,
    dataset: &'a Dataset,
    device: &'a Device,
    generators: &'a [Generator],
    rng: &'a mut RunRng,
}

impl Batches<'_> {
    fn real_batch(&mut self) -> Tensor<2> {
        let n = self.config.optim.batch_size;
        let x = self.dataset.sample(n, self.rng);
        Tensor::from_data(TensorData::new(x, [n, self.config.data_dim()]), self.device)
    }

    /// A real batch and its classes (digits or groups), one-hot `[n, classes]` (data with
    /// labels only).
    fn labelled_batch(&mut self) -> (Tensor<2>, Tensor<2>) {
        let (n, classes) = (self.config.optim.batch_size, self.config.classes());
        let (x, labels) = self
            .dataset
            .sample_labelled(n, self.rng)
            .expect("the config asks for digits with conditional");
        let mut one_hot = vec![0.0f32; n * classes];
        for (row, &l) in labels.iter().enumerate() {
            one_hot[row * classes + l as usize] = 1.0;
        }
        (
            Tensor::from_data(TensorData::new(x, [n, self.config.data_dim()]), self.device),
            Tensor::from_data(TensorData::new(one_hot, [n, classes]), self.device),
        )
    }

    fn latent_batch(&mut self) -> Tensor<2> {
        let n = self.config.optim.batch_size;
        let z = if self.config.model.clusters {
            // The groups asked for in the data's proportions: those of digits drawn at random.
            let z = sample_z(self.config, n, self.rng);
            let groups = self
                .dataset
                .sample_labels(n, self.rng)
                .expect("clusters needs digits");
            with_digits(self.config, z, |i| groups[i] as usize)
        } else {
            sample_latent(self.config, n, self.rng)
        };
        Tensor::from_data(TensorData::new(z, [n, self.config.code_dim()]), self.device)
    }
}

/// The class (digit or group) a conditional G's fixed code i asks for, of `classes`: the grid's
/// 80 places in `classes` runs of equal length in reading order (ten digits: row r, digit r;
/// twenty groups: two a row), then i mod `classes`, so that the snapshot's codes ask for every
/// class about equally often.
pub(crate) fn fixed_class(i: usize, classes: usize) -> usize {
    let grid = Images::grid_len(true);
    if i < grid {
        i * classes / grid
    } else {
        i % classes
    }
}

/// The classes a conditional G is asked for in a batch of codes: their one-hot labels,
/// `[n, classes]` (`None` unconditional).
pub(crate) fn asked_labels(config: &Config, z: &Tensor<2>) -> Option<Tensor<2>> {
    config.is_conditional().then(|| {
        let [n, code] = z.dims();
        z.clone().slice([0..n, code - config.classes()..code])
    })
}

/// One optimizer step of `d` on fresh batches: the body of the D step, reused by unrolling.
fn discriminator_update(
    mut b: Batches<'_>,
    d: Discriminator,
    optim: &mut ModuleOptimizer,
) -> Discriminator {
    let config = b.config;
    if config.is_conditional() {
        return conditional_discriminator_update(b, d, optim);
    }
    let real = b.real_batch();
    let z = b.latent_batch();
    // G is a constant in D's step: untracked, its forward pass records nothing for a backward
    // pass that never comes (5 % of an iteration natively).
    let frozen = untracked(b.generators);
    let fake = generate(config, &frozen, z);
    let lambda = config.gradient_penalty();
    let kind = config.objective.loss;
    let d_loss = if lambda == 0.0 {
        loss::discriminator_loss(kind, d.forward(real), d.forward(fake))
    } else if kind == LossKind::WganGp {
        let n = config.optim.batch_size;
        let eps: Vec<f32> = (0..n).map(|_| b.rng.uniform(0.0, 1.0)).collect();
        let eps = Tensor::<2>::from_data(TensorData::new(eps, [n, 1]), b.device);
        let interpolates = real.clone() * eps.clone() + fake.clone() * (eps.neg() + 1.0);
        let (_, grad) = d.forward_with_input_gradient(interpolates);
        loss::discriminator_loss(kind, d.forward(real), d.forward(fake))
            + loss::interpolate_penalty(grad) * lambda
    } else {
        let (real_logits, grad) = d.forward_with_input_gradient(real);
        loss::discriminator_loss(kind, real_logits, d.forward(fake))
            + loss::zero_centred_penalty(grad) * lambda
    };
    let mut grads = backward(&d_loss);
    let d_grads = GradientsParams::from_module(&mut grads, &d);
    optim.step(config.optim.lr_d, d, d_grads)
}

/// A conditional D's step (an ACGAN's, Odena et al. 2017): the game's loss, plus the
/// cross-entropy of D's reading of each image's digit, the real digits' labels and the digits G
/// was asked for (no gradient penalty or unrolling: the config refuses them).
fn conditional_discriminator_update(
    mut b: Batches<'_>,
    d: Discriminator,
    optim: &mut ModuleOptimizer,
) -> Discriminator {
    let config = b.config;
    let (real, real_labels) = b.labelled_batch();
    let z = b.latent_batch();
    let asked = asked_labels(config, &z).expect("a conditional config");
    let frozen = untracked(b.generators);
    let fake = generate(config, &frozen, z);
    let (real_logits, real_classes) = d.forward_with_classes(real);
    let (fake_logits, fake_classes) = d.forward_with_classes(fake);
    let (real_classes, fake_classes) = (
        real_classes.expect("a conditional D"),
        fake_classes.expect("a conditional D"),
    );
    let d_loss = loss::discriminator_loss(config.objective.loss, real_logits, fake_logits)
        + loss::class_loss(real_classes, real_labels)
        + loss::class_loss(fake_classes, asked);
    let mut grads = backward(&d_loss);
    let d_grads = GradientsParams::from_module(&mut grads, &d);
    optim.step(config.optim.lr_d, d, d_grads)
}

/// G(z) for a batch of codes, as D sees it; with several generators, each takes a contiguous
/// share of the rows, so the batch is a sample of the mixture p_g = (1/N) Σ p_gᵢ. With
/// `discrete` the samples are rounded to its multiples: a step function of G's weights, whose
/// gradient is zero wherever it is defined (why G's gradient cannot pass through a sampled
/// token).
pub(crate) fn generate(config: &Config, generators: &[Generator], z: Tensor<2>) -> Tensor<2> {
    rounded(config, continuous(generators, z))
}

/// Samples as D sees them: with `discrete`, rounded to its multiples.
pub(crate) fn rounded(config: &Config, x: Tensor<2>) -> Tensor<2> {
    let step = config.objective.discrete;
    if step > 0.0 {
        (x / step).round() * step
    } else {
        x
    }
}

fn continuous(generators: &[Generator], z: Tensor<2>) -> Tensor<2> {
    if generators.len() == 1 {
        return generators[0].forward(z);
    }
    let [n, latent] = z.dims();
    let parts = generators
        .iter()
        .zip(generator_shares(n, generators.len()))
        .map(|(g, rows)| g.forward(z.clone().slice([rows, 0..latent])))
        .collect();
    Tensor::cat(parts, 0)
}

/// Rows `[start, end)` of a batch of `n` that each of `k` generators produces.
pub(crate) fn generator_shares(n: usize, k: usize) -> Vec<std::ops::Range<usize>> {
    (0..k).map(|i| (i * n / k)..((i + 1) * n / k)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::config::OptimizerKind;

    /// The D of G's step is a constant: G's gradient through it is the one through a tracked
    /// D, bit for bit, and D gets none.
    #[test]
    fn g_step_takes_d_as_a_constant() {
        let mut t = Gan::new(
            Config::default(),
            &crate::testing::flex(),
            &Assets::default(),
        )
        .unwrap();
        let z = t.split().0.latent_batch();
        let seen = t.discriminator_seen_by_g();
        let g = &t.generators[0];
        let through = |d: &Discriminator| {
            let fake = generate(&t.config, &t.generators, z.clone());
            let mut grads =
                loss::generator_loss(t.config.objective.loss, d.forward(fake)).backward();
            let g_grads = GradientsParams::from_module(&mut grads, g);
            let d_grads = GradientsParams::from_module(&mut grads, d);
            let crate::nets::model::GeneratorNet::Mlp(net) = &g.net else {
                unreachable!("the default model is an MLP")
            };
            let weight = g_grads.get::<2>(net.layers[0].weight.id).unwrap();
            (crate::testing::to_vec(weight), g_grads.len(), d_grads.len())
        };
        let tracked = through(&t.discriminator);
        let constant = through(&seen);
        assert_eq!(tracked.1, constant.1);
        assert_eq!(tracked.0, constant.0);
        assert!(tracked.2 > 0);
        assert_eq!(constant.2, 0);
    }

    /// A live change keeps the players and their optimizers' state (a run retuned to what it
    /// was goes on exactly as its twin); a change of anything else is refused. `freeze_g`
    /// leaves G as it is while D learns; `g_steps` counts each G step as an iteration.
    #[test]
    fn live_changes_keep_the_weights_and_freeze_g_keeps_g() {
        let new = || {
            let mut t = Gan::new(
                Config::default(),
                &crate::testing::flex(),
                &Assets::default(),
            )
            .unwrap();
            t.train(3);
            t
        };
        let samples = |t: &Gan| crate::testing::to_vec(t.fixed_samples());
        let (mut t, mut twin) = (new(), new());
        let mut same = t.config.clone();
        same.hist_bins = 7;
        assert!(t.retune(&same).unwrap());
        t.train(2);
        twin.train(2);
        assert_eq!(
            samples(&t),
            samples(&twin),
            "weights and optimizer state kept"
        );
        let before = samples(&t);
        let mut live = t.config.clone();
        live.optim.lr_g = 1e-2;
        live.objective.loss = LossKind::Minimax;
        live.objective.freeze_g = true;
        live.objective.g_steps = 3;
        live.optim.optimizer_g = OptimizerKind::Sgd;
        assert!(t.retune(&live).unwrap());
        assert_eq!(samples(&t), before, "a live change keeps G");
        let d_before = crate::testing::to_vec(t.discriminator.forward(t.fixed_samples()));
        t.step();
        assert_eq!(
            t.iteration(),
            8,
            "5 before, then three G steps, each an iteration"
        );
        assert_eq!(samples(&t), before, "a frozen G does not move");
        let d_after = crate::testing::to_vec(t.discriminator.forward(t.fixed_samples()));
        assert_ne!(d_before, d_after, "D learns while G is frozen");
        let mut other = t.config.clone();
        other.model.g_hidden = 32;
        assert!(!t.retune(&other).unwrap());
        assert_eq!(t.config, live, "a refused change changes nothing");
        let mut bad = live.clone();
        bad.optim.lr_d = -1.0;
        assert!(t.retune(&bad).is_err());
    }

    /// Every loss and every remedy applies to the DCGAN as to the MLPs: a few steps of each
    /// stay finite, and the gradient penalties (through D's explicit input gradient, written
    /// with transposed convolutions) change D's update.
    #[test]
    fn every_loss_and_remedy_runs_with_the_dcgan() {
        let assets = Assets {
            mnist: Some(std::sync::Arc::new(crate::data::mnist::Mnist::noise(32, 4))),
        };
        let run = |options: serde_json::Value| {
            let mut flat = serde_json::json!({"dataset": "mnist", "model": "dcgan", "latent_dim": 8,
                "g_channels": 8, "d_channels": 4, "batch_size": 8});
            flat.as_object_mut()
                .unwrap()
                .extend(options.as_object().unwrap().clone());
            let config = Config::from_value(&flat).unwrap();
            let mut gan = Gan::new(config, &crate::testing::flex(), &assets).unwrap();
            gan.train(3);
            let s = gan.snapshot(crate::SnapshotOptions::default()).unwrap();
            assert!(
                s.get("d_loss").is_finite() && s.get("g_loss").is_finite(),
                "{flat}"
            );
            assert!(s.images.is_some());
            s
        };
        for loss in ["minimax", "non-saturating", "lsgan", "hinge", "wgan-gp"] {
            run(serde_json::json!({"loss": loss}));
        }
        run(serde_json::json!({"unrolled": 2, "generators": 2, "d_steps": 2, "batch_norm": false}));
        let plain = run(serde_json::json!({}));
        let penalised = run(serde_json::json!({"gp": 10.0}));
        assert_ne!(plain.get("d_loss"), penalised.get("d_loss"));
    }

    /// G's weights, flat, in the order the module visits them.
    fn weights(g: &Generator) -> Vec<f32> {
        let mut c = Collect(Default::default());
        g.visit(&mut c);
        let mut ids: Vec<u64> = c.0.keys().copied().collect();
        ids.sort();
        ids.iter()
            .flat_map(|id| crate::testing::to_vec(c.0[id].clone()))
            .collect()
    }

    /// With `ema`, the average is the exponential moving average of G's weights, computed
    /// here again in plain arithmetic from G's weights after each step (decay
    /// min(ema, (1 + t)/(10 + t)) at step t); the pictures and scores come from it, the game
    /// (D's figures) from G; without `ema` there is no average and samples are G's.
    #[test]
    fn the_average_of_g_is_the_moving_average_of_its_weights() {
        let config = |ema: f64| {
            Config::from_value(&serde_json::json!({"dataset": "mnist", "latent_dim": 4,
                "g_hidden": 8, "d_hidden": 8, "batch_size": 8, "ema": ema, "seed": 4}))
            .unwrap()
        };
        let assets = Assets {
            mnist: Some(std::sync::Arc::new(crate::data::mnist::Mnist::noise(32, 4))),
        };
        let mut gan = Gan::new(config(0.9), &crate::testing::flex(), &assets).unwrap();
        let mut expected = weights(&gan.generators[0]);
        assert_eq!(weights(&gan.average.as_ref().unwrap()[0]), expected);
        for t in 0..30u64 {
            gan.step();
            let decay = 0.9f64.min((1.0 + t as f64) / (10.0 + t as f64));
            for (e, g) in expected.iter_mut().zip(weights(&gan.generators[0])) {
                *e = (decay * *e as f64 + (1.0 - decay) * g as f64) as f32;
            }
        }
        let average = weights(&gan.average.as_ref().unwrap()[0]);
        let g_now = weights(&gan.generators[0]);
        let mut moved = 0f32;
        for ((a, e), g) in average.iter().zip(&expected).zip(&g_now) {
            assert!((a - e).abs() <= 1e-5 * (1.0 + e.abs()), "{a} vs {e}");
            moved = moved.max((a - g).abs());
        }
        assert!(moved > 1e-4, "the average lags G");
        let from_average = crate::testing::to_vec(generate(
            &gan.config,
            gan.average.as_ref().unwrap(),
            Tensor::from_data(
                TensorData::new(gan.fixed_noise.clone(), [gan.fixed_noise.len() / 4, 4]),
                &gan.device,
            ),
        ));
        assert_eq!(crate::testing::to_vec(gan.fixed_samples()), from_average);
        let plain = Gan::new(config(0.0), &crate::testing::flex(), &assets).unwrap();
        assert!(plain.average.is_none());
    }

    /// A conditional GAN: G's codes are z then a one-hot digit (the z's those of the
    /// unconditional run of the seed), D has one logit and ten digit logits (`forward` is the
    /// first), both players' losses gain the cross-entropy of D's reading against the digit
    /// (computed here again by hand), and the snapshot's grid asks for digit r in row r, or for
    /// one digit in every row, from the same z.
    #[test]
    fn a_conditional_gan_asks_g_for_a_digit_and_d_names_it() {
        let assets = Assets {
            mnist: Some(std::sync::Arc::new(crate::data::mnist::Mnist::noise(40, 3))),
        };
        let config = |conditional: bool| {
            Config::from_value(&serde_json::json!({"dataset": "mnist", "model": "dcgan",
                "latent_dim": 6, "g_channels": 8, "d_channels": 4, "batch_size": 8,
                "conditional": conditional, "seed": 7}))
            .unwrap()
        };
        let (c, plain) = (config(true), config(false));
        assert_eq!((c.code_dim(), plain.code_dim()), (16, 6));
        let codes = sample_latent(&c, 20, &mut RunRng::new(3));
        let z = sample_latent(&plain, 20, &mut RunRng::new(3));
        for (code, z) in codes.chunks(16).zip(z.chunks(6)) {
            assert_eq!(&code[..6], z);
            assert_eq!(code[6..].iter().filter(|&&v| v == 1.0).count(), 1);
            assert_eq!(code[6..].iter().sum::<f32>(), 1.0);
        }
        let mut gan = Gan::new(c.clone(), &crate::testing::flex(), &assets).unwrap();
        let x = gan.fixed_samples();
        let (logit, classes) = gan.discriminator.forward_with_classes(x.clone());
        let classes = classes.expect("a conditional D has digit logits");
        assert_eq!(
            (logit.dims(), classes.dims()),
            ([x.dims()[0], 1], [x.dims()[0], 10])
        );
        assert_eq!(
            crate::testing::to_vec(gan.discriminator.forward(x.clone())),
            crate::testing::to_vec(logit)
        );
        // The cross-entropy by hand: −log softmax at the label.
        let logits = crate::testing::to_vec(classes.clone());
        let z = Tensor::<2>::from_data(
            TensorData::new(gan.fixed_noise.clone(), [x.dims()[0], 16]),
            &gan.device,
        );
        let asked = asked_labels(&gan.config, &z).unwrap();
        let one_hot = crate::testing::to_vec(asked.clone());
        let mut by_hand = 0.0f64;
        for (row, label) in logits.chunks(10).zip(one_hot.chunks(10)) {
            let max = row.iter().cloned().fold(f32::MIN, f32::max) as f64;
            let log_sum = max
                + row
                    .iter()
                    .map(|&v| (v as f64 - max).exp())
                    .sum::<f64>()
                    .ln();
            let k = label.iter().position(|&v| v == 1.0).unwrap();
            by_hand += log_sum - row[k] as f64;
        }
        by_hand /= (logits.len() / 10) as f64;
        let ours = crate::testing::to_vec(loss::class_loss(classes, asked))[0] as f64;
        assert!(
            (ours - by_hand).abs() < 1e-5 * by_hand.abs().max(1.0),
            "{ours} vs {by_hand}"
        );
        // The grid's codes ask for digit (i / 8) mod 10, the codes after it for i mod 10; their
        // z's, and the real samples drawn after them, are the unconditional run's.
        for (i, code) in gan.fixed_noise.chunks(16).enumerate() {
            let k = code[6..].iter().position(|&v| v == 1.0).unwrap();
            assert_eq!(k, if i < 80 { (i / 8) % 10 } else { i % 10 }, "code {i}");
        }
        let twin = Gan::new(plain.clone(), &crate::testing::flex(), &assets).unwrap();
        assert_eq!(gan.fixed_real, twin.fixed_real);
        for (code, z) in gan.fixed_noise.chunks(16).zip(twin.fixed_noise.chunks(6)) {
            assert_eq!(&code[..6], z);
        }
        gan.train(3);
        let all = gan.snapshot(crate::SnapshotOptions::default()).unwrap();
        assert!(all.get("d_loss").is_finite() && all.get("g_loss").is_finite());
        let images = all.images.unwrap();
        assert_eq!(images.fake.len(), 80 * 784);
        assert_eq!(images.digit, None);
        let threes = gan
            .snapshot(crate::SnapshotOptions {
                digit: Some(3),
                ..Default::default()
            })
            .unwrap()
            .images
            .unwrap();
        assert_eq!(threes.digit, Some(3));
        assert_eq!(threes.fake.len(), 80 * 784);
        assert_ne!(threes.fake, images.fake);
        // Row 3 asked for a 3 already: normalised by the statistics of all the fixed codes, as
        // in the plain grid, its images are the plain grid's (to a rounding of the pixels).
        let row3 = 3 * 8 * 784..4 * 8 * 784;
        let off = threes.fake[row3.clone()]
            .iter()
            .zip(&images.fake[row3])
            .map(|(a, b)| a.abs_diff(*b))
            .max()
            .unwrap();
        assert!(off <= 1, "row 3 differs by {off} grey levels");
        // An unconditional G ignores the digit: its grid is 8×8.
        let mut g = Gan::new(plain, &crate::testing::flex(), &assets).unwrap();
        g.train(1);
        let s = g
            .snapshot(crate::SnapshotOptions {
                digit: Some(3),
                ..Default::default()
            })
            .unwrap();
        let images = s.images.unwrap();
        assert_eq!((images.fake.len(), images.digit), (64 * 784, None));
    }

    /// A GAN on more groups than digits (`clusters` with `groups` 20): G's code is z and a
    /// one-hot group of 20, D names 20 groups, the groups' shares are those of the grouped
    /// digits, and the grid's 80 codes ask for the groups in runs of 4 (two a row).
    #[test]
    fn a_gan_on_twenty_groups_asks_for_each_of_them() {
        let assets = Assets {
            mnist: Some(std::sync::Arc::new(crate::data::mnist::Mnist::noise(60, 3))),
        };
        let config = Config::from_value(&serde_json::json!({"dataset": "mnist", "model": "dcgan",
            "latent_dim": 6, "g_channels": 8, "d_channels": 4, "batch_size": 8,
            "clusters": true, "groups": 20, "seed": 7}))
        .unwrap();
        assert_eq!((config.classes(), config.code_dim()), (20, 26));
        let mut gan = Gan::new(config, &crate::testing::flex(), &assets).unwrap();
        let labels = gan.dataset.sample_labels(500, &mut RunRng::new(1)).unwrap();
        assert!(labels.iter().all(|&g| g < 20));
        let shares = gan.group_shares.clone().expect("clusters has shares");
        assert_eq!(shares.len(), 20);
        assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        assert!(shares.iter().all(|&s| s > 0.0), "an empty group {shares:?}");
        let x = gan.fixed_samples();
        let (_, classes) = gan.discriminator.forward_with_classes(x.clone());
        assert_eq!(classes.unwrap().dims(), [x.dims()[0], 20]);
        for (i, code) in gan.fixed_noise.chunks(26).enumerate() {
            let k = code[6..].iter().position(|&v| v == 1.0).unwrap();
            assert_eq!(k, if i < 80 { i / 4 } else { i % 20 }, "code {i}");
        }
        gan.train(2);
        let s = gan.snapshot(crate::SnapshotOptions::default()).unwrap();
        assert_eq!(s.images.unwrap().fake.len(), 80 * 784);
        // Ten groups, as before: row r asks for group r.
        assert_eq!(
            (0..80).map(|i| fixed_class(i, 10)).collect::<Vec<_>>(),
            (0..80).map(|i| i / 8).collect::<Vec<_>>()
        );
    }

    #[test]
    fn generator_shares_cover_the_batch() {
        let shares = generator_shares(10, 3);
        assert_eq!(shares, vec![0..3, 3..6, 6..10]);
        assert_eq!(generator_shares(5, 1), vec![0..5]);
    }
}
