//! The digit classifier: the judge of the lecture's evaluation (Inception Score, Fréchet
//! distance, class coverage), trained by the engine itself on the shipped digits, as an
//! [`Experiment`] like the GAN.
//!
//! * Net: x → conv 16 (k4, s2) → leaky ReLU → conv 32 (k4, s2) → leaky ReLU → dense 128 → ReLU
//!   (the *features*, on which the Fréchet distance is measured) → dense 10 (the logits).
//! * Data: the 10 000 digits of the asset, of which every tenth (index ≡ 9 mod 10, about 100
//!   of each digit, as the asset is ordered by digit) is held out: never trained on, used for
//!   the accuracy. Training batches are shifted by up to 2 pixels at random.
//! * Training: cross-entropy, the config's `optimizer_d` and `lr_d` (D is a classifier too:
//!   real or fake; this one tells ten digits apart), `batch_size`, `seed`.

use burn::module::{Module, Param};
use burn::tensor::module::conv2d;
use burn::tensor::{Device, Tensor, activation};

use crate::nets::dcgan::LEAKY_SLOPE;
use crate::nets::dcgan::{conv_options, uniform_param};
use crate::rng::RunRng;
use crate::spec::config::{Config, IMAGE_SIDE};
use crate::train::checkpoint::SectionBounds;

#[cfg(feature = "classifier-training")]
pub use training::Classifier;

/// Classes: the ten digits.
pub use crate::spec::config::CLASSES;

/// Width of the penultimate layer, the features of the Fréchet distance.
pub const FEATURES: usize = 128;
const C1: usize = 16;
const C2: usize = 32;
const S: usize = IMAGE_SIDE / 4;

/// Whether digit `i` of the asset is held out (never trained on).
pub fn held_out(i: usize) -> bool {
    i % 10 == 9
}

#[derive(Module, Debug)]
pub struct DigitNet {
    /// `[16, 1, 4, 4]`, `[16]`
    pub conv1_w: Param<Tensor<4>>,
    pub conv1_b: Param<Tensor<1>>,
    /// `[32, 16, 4, 4]`, `[32]`
    pub conv2_w: Param<Tensor<4>>,
    pub conv2_b: Param<Tensor<1>>,
    /// `[7·7·32, 128]`, `[128]`
    pub dense1_w: Param<Tensor<2>>,
    pub dense1_b: Param<Tensor<1>>,
    /// `[128, 10]`, `[10]`
    pub dense2_w: Param<Tensor<2>>,
    pub dense2_b: Param<Tensor<1>>,
}

impl DigitNet {
    /// U(−1/√fan_in, 1/√fan_in) weights from the run's RNG, as the GAN's players.
    pub fn new(rng: &mut RunRng, device: &Device) -> Self {
        let flat = S * S * C2;
        Self {
            conv1_w: uniform_param([C1, 1, 4, 4], 16, rng, device),
            conv1_b: uniform_param([C1], 16, rng, device),
            conv2_w: uniform_param([C2, C1, 4, 4], C1 * 16, rng, device),
            conv2_b: uniform_param([C2], C1 * 16, rng, device),
            dense1_w: uniform_param([flat, FEATURES], flat, rng, device),
            dense1_b: uniform_param([FEATURES], flat, rng, device),
            dense2_w: uniform_param([FEATURES, CLASSES], FEATURES, rng, device),
            dense2_b: uniform_param([CLASSES], FEATURES, rng, device),
        }
    }

    /// The penultimate layer for images `[n, 784]` with pixels in [−1, 1]: `[n, 128]`.
    pub fn features(&self, x: Tensor<2>) -> Tensor<2> {
        let n = x.dims()[0];
        let x = x.reshape([n, 1, IMAGE_SIDE, IMAGE_SIDE]);
        let h1 = conv2d(
            x,
            self.conv1_w.val(),
            Some(self.conv1_b.val()),
            conv_options(),
        );
        let a1 = activation::leaky_relu(h1, LEAKY_SLOPE);
        let h2 = conv2d(
            a1,
            self.conv2_w.val(),
            Some(self.conv2_b.val()),
            conv_options(),
        );
        let a2 = activation::leaky_relu(h2, LEAKY_SLOPE).reshape([n, S * S * C2]);
        activation::relu(a2.matmul(self.dense1_w.val()) + self.dense1_b.val().unsqueeze())
    }

    /// The logits from the features: `[n, 10]`.
    pub fn logits(&self, features: Tensor<2>) -> Tensor<2> {
        features.matmul(self.dense2_w.val()) + self.dense2_b.val().unsqueeze()
    }
}

/// The sections of a classifier's checkpoint, with their sizes (known without training code).
pub fn section_bounds(_config: &Config) -> Vec<SectionBounds> {
    let params = (C1 * 16
        + C1
        + C2 * C1 * 16
        + C2
        + S * S * C2 * FEATURES
        + FEATURES
        + FEATURES * CLASSES
        + CLASSES) as u64;
    vec![
        SectionBounds::record("classifier".into(), params, 8),
        SectionBounds {
            name: "classifier.optimizer".into(),
            min: 0,
            max: 8 * params + 4096 + 1024 * 8,
        },
    ]
}

/// Training the classifier (the CLI's; the page's build leaves it out).
#[cfg(feature = "classifier-training")]
mod training {
    use std::collections::BTreeMap;
    use std::sync::Arc;

    use burn::module::Module;
    use burn::optim::{GradientsParams, ModuleOptimizer};
    use burn::tensor::{Device, Tensor, TensorData, activation};

    use super::{CLASSES, DigitNet, argmax, held_out};
    use crate::data::mnist::Mnist;
    use crate::error::{CheckpointError, ConfigError};
    use crate::rng::{ParamNumbering, RunRng};
    use crate::spec::config::{Config, IMAGE_SIDE};
    use crate::train::checkpoint::{Header, Section};
    use crate::train::experiment::{Assets, Experiment};
    use crate::train::readback::PendingRecord;
    use crate::train::records::{counter, load_module, load_optimizer, section};
    use crate::train::snapshot::{Packer, PendingSnapshot, Snapshot, SnapshotOptions};

    /// The largest shift of a training image, in pixels.
    const MAX_SHIFT: i32 = 2;

    /// Mean cross-entropy of `logits` `[n, 10]` against one-hot `labels` `[n, 10]` (a product,
    /// not a gather: no integer tensors, and fewer kernels in the page's download).
    fn cross_entropy(logits: Tensor<2>, labels: Tensor<2>) -> Tensor<1> {
        let [n, _] = logits.dims();
        let log_p = activation::log_softmax(logits, 1);
        (log_p * labels).sum().neg() / n as f64
    }

    /// One-hot rows of `labels`.
    fn one_hot(labels: &[u8], device: &Device) -> Tensor<2> {
        let mut v = vec![0f32; labels.len() * CLASSES];
        for (i, &l) in labels.iter().enumerate() {
            v[i * CLASSES + l as usize] = 1.0;
        }
        Tensor::from_data(TensorData::new(v, [labels.len(), CLASSES]), device)
    }

    /// A run training the classifier.
    pub struct Classifier {
        config: Config,
        device: Device,
        net: DigitNet,
        optim: ModuleOptimizer,
        rng: RunRng,
        steps: u64,
        digits: Arc<Mnist>,
        /// Indices of the training digits.
        train: Vec<usize>,
    }

    impl Classifier {
        pub fn new(config: Config, device: &Device, assets: &Assets) -> Result<Self, ConfigError> {
            config.validate()?;
            let digits = assets.mnist.clone().ok_or_else(|| {
                ConfigError::Invalid(
                    "the classifier needs the MNIST digits (none were given)".into(),
                )
            })?;
            let device = device.clone().autodiff();
            let mut rng = RunRng::new(config.seed);
            let net = ParamNumbering::new(config.seed).number(DigitNet::new(&mut rng, &device));
            let train = (0..digits.len()).filter(|&i| !held_out(i)).collect();
            Ok(Self {
                optim: crate::train::optim::optimizer(config.optim.optimizer_d, config.optim.beta1),
                config,
                device,
                net,
                rng,
                steps: 0,
                digits,
                train,
            })
        }

        /// The trained net, without autodiff, on `device`.
        pub fn net(&self) -> DigitNet {
            self.net.clone().no_grad()
        }

        /// A training batch: images (shifted at random) and their labels.
        fn batch(&mut self) -> (Tensor<2>, Tensor<2>) {
            let n = self.config.optim.batch_size;
            let side = IMAGE_SIDE as i32;
            let mut x = Vec::with_capacity(n * IMAGE_SIDE * IMAGE_SIDE);
            let mut y = Vec::with_capacity(n);
            for _ in 0..n {
                let i = self.train[self.rng.index(self.train.len())];
                let dx = self.rng.index(2 * MAX_SHIFT as usize + 1) as i32 - MAX_SHIFT;
                let dy = self.rng.index(2 * MAX_SHIFT as usize + 1) as i32 - MAX_SHIFT;
                let image = self.digits.image(i);
                for r in 0..side {
                    for c in 0..side {
                        let (sr, sc) = (r - dy, c - dx);
                        let p = if (0..side).contains(&sr) && (0..side).contains(&sc) {
                            image[(sr * side + sc) as usize]
                        } else {
                            0
                        };
                        x.push(p as f32 / 127.5 - 1.0);
                    }
                }
                y.push(self.digits.labels()[i]);
            }
            (
                Tensor::from_data(
                    TensorData::new(x, [n, IMAGE_SIDE * IMAGE_SIDE]),
                    &self.device,
                ),
                one_hot(&y, &self.device),
            )
        }

        /// One optimizer step on a fresh batch.
        pub fn step(&mut self) {
            let (x, y) = self.batch();
            let loss = cross_entropy(self.net.logits(self.net.features(x)), y);
            let mut grads = crate::train::backward(&loss);
            let grads = GradientsParams::from_module(&mut grads, &self.net);
            self.net = self
                .optim
                .step(self.config.optim.lr_d, self.net.clone(), grads);
            self.steps += 1;
        }

        /// The held-out digits as a batch `[n, 784]` and their labels.
        fn held_out_set(&self) -> (Vec<f32>, Vec<u8>) {
            let mut x = Vec::new();
            let mut y = Vec::new();
            for i in (0..self.digits.len()).filter(|&i| held_out(i)) {
                self.digits.push_scaled(i, &mut x);
                y.push(self.digits.labels()[i]);
            }
            (x, y)
        }
    }

    impl Experiment for Classifier {
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
                "batch" => Classifier::step(self),
                other => {
                    return Err(format!(
                        "the classifier has no step '{other}' (its step: batch)"
                    ));
                }
            }
            Ok(())
        }

        fn step(&mut self) {
            Classifier::step(self)
        }

        /// The held-out digits' loss and accuracy, and a histogram of the classes predicted there.
        fn prepare_snapshot(&self, _options: SnapshotOptions) -> PendingSnapshot {
            let (x, y) = self.held_out_set();
            let n = y.len();
            let net = self.net();
            let x = Tensor::<2>::from_data(
                TensorData::new(x, [n, IMAGE_SIDE * IMAGE_SIDE]),
                &self.device,
            );
            let labels = one_hot(&y, &self.device);
            let logits = net.logits(net.features(x));
            let loss = cross_entropy(logits.clone(), labels);
            let mut packer = Packer::new();
            packer.push("loss", loss);
            packer.push("probabilities", activation::softmax(logits, 1));
            let (iter, steps) = (self.steps, self.steps);
            PendingSnapshot::new(packer, move |u| {
                let loss = u.finite_scalar("loss", "the classifier's loss")?;
                let p = u.get("probabilities")?;
                let mut classes = vec![0u32; CLASSES];
                let mut right = 0usize;
                for (row, &label) in p.chunks(CLASSES).zip(&y) {
                    let k = argmax(row);
                    classes[k] += 1;
                    right += usize::from(k == label as usize);
                }
                Ok(Snapshot {
                    iter,
                    d_steps: steps,
                    scalars: BTreeMap::from([
                        ("loss".to_string(), loss),
                        ("accuracy".to_string(), right as f64 / n as f64),
                        ("held_out".to_string(), n as f64),
                    ]),
                    histograms: BTreeMap::from([("classes".to_string(), classes)]),
                    plane: None,
                    images: None,
                })
            })
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
                PendingRecord::module("classifier".into(), &self.net),
                PendingRecord::optimizer("classifier.optimizer".into(), &self.optim),
            ]
        }

        fn load_sections(
            &mut self,
            header: &Header,
            sections: &[Section<'_>],
        ) -> Result<(), CheckpointError> {
            let bytes = |name: &str| section(sections, name);
            self.net = load_module(self.net.clone(), "classifier", bytes("classifier")?)?;
            let name = "classifier.optimizer";
            let device = self.device.clone();
            self.optim = load_optimizer(
                &self.net,
                self.config.optim.optimizer_d,
                &self.optim,
                name,
                bytes(name)?,
                &device,
            )?;
            self.rng = header.rng.clone();
            self.steps = counter(header, "steps")?;
            Ok(())
        }
    }
}

/// The index of the largest value (the first, on ties).
pub fn argmax(row: &[f32]) -> usize {
    let mut best = 0;
    for (k, &v) in row.iter().enumerate() {
        if v > row[best] {
            best = k;
        }
    }
    best
}
