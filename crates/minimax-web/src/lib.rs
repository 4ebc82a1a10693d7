//! The browser's face of the engine — the only crate that touches wasm-bindgen, web-sys and
//! js-sys. `www/worker.js` owns an [`Engine`] inside a Web Worker, steps it, and posts the
//! plain snapshots it reads to the page.

use std::cell::RefCell;
use std::sync::Arc;

use burn::tensor::Device;
use minimax_core::backend::{Backend, init_device_async};
use minimax_core::data::mnist::Mnist;
use minimax_core::experiments::evaluation::Evaluator;
use minimax_core::spec::config::{CLASSES, ExperimentKind};
use minimax_core::train::snapshot::PendingSnapshot;
use minimax_core::{Assets, Config, Experiment, SnapshotOptions, launch, train::checkpoint};
use wasm_bindgen::prelude::*;

use minimax_core::burn;

thread_local! {
    /// The wgpu runtime can be initialised once per worker; later engines reuse its device.
    static WGPU_DEVICE: RefCell<Option<Device>> = const { RefCell::new(None) };
    /// Data handed in by the worker (the core never fetches): MNIST's digits, once loaded.
    static ASSETS: RefCell<Assets> = RefCell::new(Assets::default());
    /// The digit classifier and the real digits' statistics, once loaded (image runs).
    static EVALUATOR: RefCell<Option<Arc<Evaluator>>> = const { RefCell::new(None) };
}

/// Routes Rust panics to the worker's `minimaxPanic(message)` so the page can show them,
/// instead of a silently dead worker.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        web_sys::console::error_1(&message.clone().into());
        let global = js_sys::global();
        if let Ok(f) = js_sys::Reflect::get(&global, &"minimaxPanic".into())
            && let Some(f) = f.dyn_ref::<js_sys::Function>()
        {
            let _ = f.call1(&JsValue::NULL, &message.into());
        }
    }));
}

fn js_error(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

/// An error of the engine as a JS `Error` whose message is the English text and which carries
/// its stable `code` and its `params` (an object of strings), for the page to say it in its
/// own language (`www/i18n.js` `engineMessage`).
fn coded(e: impl minimax_core::error::Coded) -> JsValue {
    let error = js_sys::Error::new(&e.to_string());
    let params = js_sys::Object::new();
    for (k, v) in e.params() {
        let _ = js_sys::Reflect::set(&params, &k.into(), &v.into());
    }
    let _ = js_sys::Reflect::set(&error, &"code".into(), &e.code().into());
    let _ = js_sys::Reflect::set(&error, &"params".into(), &params);
    error.into()
}

async fn device(backend: Backend) -> Result<Device, JsValue> {
    if backend == Backend::Wgpu
        && let Some(d) = WGPU_DEVICE.with(|d| d.borrow().clone())
    {
        return Ok(d);
    }
    let device = init_device_async(backend).await.map_err(coded)?;
    if backend == Backend::Wgpu {
        WGPU_DEVICE.with(|d| *d.borrow_mut() = Some(device.clone()));
    }
    Ok(device)
}

fn assets() -> Assets {
    ASSETS.with(|a| a.borrow().clone())
}

/// The config schema as JSON: every option's name, type, rule, default, help and condition.
/// The page builds its form and reads its URL with it.
#[wasm_bindgen]
pub fn schema() -> String {
    minimax_core::spec::schema::describe().to_string()
}

/// `config` (JSON, flat or nested) with `overrides` (a flat JSON object) over it, as
/// `Engine::configure` applies the form's changes (shorthands such as `lr` set `lr_d` and
/// `lr_g`), as flat JSON; fails with the option's error. The worker makes a preset with a URL's
/// options in one engine, so that a GAN on groups runs k-means once, for the seed it trains.
#[wasm_bindgen(js_name = withOptions)]
pub fn with_options(config: &str, overrides: &str) -> Result<String, JsValue> {
    let config = overridden(&Config::from_json(config).map_err(coded)?, overrides)?;
    Ok(serde_json::Value::Object(config.to_flat()).to_string())
}

/// `config` with `overrides` (a flat JSON object) over it, refused if it is the classifier's:
/// the one merge of `withOptions` and `Engine::configure`.
fn overridden(config: &Config, overrides: &str) -> Result<Config, JsValue> {
    let value: serde_json::Value =
        serde_json::from_str(overrides).map_err(|e| js_error(format!("invalid config: {e}")))?;
    let map = value
        .as_object()
        .ok_or_else(|| js_error("invalid config: not a JSON object"))?;
    let config = config.with_overrides(map).map_err(coded)?;
    not_the_classifier(&config)?;
    Ok(config)
}

/// Whether making an engine of `config` (flat JSON) first runs k-means: a GAN on groups of
/// digits (`clusters`) whose groups the core has not kept yet (it keeps the last ones found). The
/// worker says so while it runs, seconds in wasm. False for a config that does not parse (making
/// the engine says why).
#[wasm_bindgen(js_name = findsGroups)]
pub fn finds_groups(config: &str) -> bool {
    let Ok(config) = Config::from_json(config) else {
        return false;
    };
    config.model.clusters
        && assets().mnist.is_some_and(|digits| {
            !minimax_core::data::clusters::is_kept(&digits, config.classes(), config.seed)
        })
}

/// The config of a VAE beside the GAN of `gan` (JSON), from the VAE's own `vae` (JSON): the
/// GAN's players, batch and seed; refused with the reason if no VAE is the GAN's like.
#[wasm_bindgen(js_name = vaeBeside)]
pub fn vae_beside(gan: &str, vae: &str) -> Result<String, JsValue> {
    let parse = |text: &str| Config::from_json(text).map_err(coded);
    minimax_core::experiments::vae::beside(&parse(gan)?, &parse(vae)?)
        .map(|c| c.to_json())
        .map_err(coded)
}

/// Why no VAE runs beside the GAN of `gan` (JSON), by name (`needs-digits`, `needs-dcgan`, `needs-unconditional`, for
/// the page to say in its language), or `None` if one can.
#[wasm_bindgen(js_name = vaeRefusal)]
pub fn vae_refusal(gan: &str) -> Result<Option<String>, JsError> {
    let gan = Config::from_json(gan).map_err(|e| JsError::new(&e.to_string()))?;
    Ok(minimax_core::experiments::vae::BesideRefusal::of(&gan).map(|r| r.key().to_string()))
}

/// The Dirac GAN's picture for `settings` (JSON: h, k, gamma, start, rounds; missing ones take
/// their defaults): the game's field and its three paths with their eigenvalues, as JSON.
#[wasm_bindgen(js_name = diracPicture)]
pub fn dirac_picture(settings: &str) -> Result<String, JsError> {
    use minimax_core::experiments::dirac;
    let settings = dirac::Settings::from_json(settings).map_err(|e| JsError::new(&e))?;
    let picture = dirac::picture(&settings).map_err(|e| JsError::new(&e))?;
    serde_json::to_string(&picture).map_err(js_error)
}

/// Hands the engine MNIST's digits (the decompressed asset). Fails with a message if the bytes
/// are not a valid asset; the digits loaded before, if any, stay.
#[wasm_bindgen(js_name = loadMnist)]
pub fn load_mnist(bytes: &[u8]) -> Result<u32, JsError> {
    let mnist = Mnist::from_bytes(bytes).map_err(js_error)?;
    let n = mnist.len() as u32;
    ASSETS.with(|a| a.borrow_mut().mnist = Some(Arc::new(mnist)));
    Ok(n)
}

/// Whether MNIST's digits are loaded.
#[wasm_bindgen(js_name = hasMnist)]
pub fn has_mnist() -> bool {
    ASSETS.with(|a| a.borrow().mnist.is_some())
}

/// Hands the engine the evaluator file (`pretrained/digits.eval`: the digit classifier and the
/// real digits' feature statistics). Returns what it says of itself and of the real digits
/// (JSON: accuracy, held_out, count, real_scores). Fails with a message on a bad file; the
/// evaluator loaded before, if any, stays.
#[wasm_bindgen(js_name = loadEvaluator)]
pub fn load_evaluator(bytes: &[u8]) -> Result<String, JsError> {
    let evaluator = Evaluator::from_bytes(bytes, &Device::flex()).map_err(js_error)?;
    let reference = serde_json::to_string(&evaluator.reference).expect("serialises");
    EVALUATOR.with(|e| *e.borrow_mut() = Some(Arc::new(evaluator)));
    Ok(reference)
}

#[wasm_bindgen(js_name = hasEvaluator)]
pub fn has_evaluator() -> bool {
    EVALUATOR.with(|e| e.borrow().is_some())
}

fn evaluator() -> Result<Arc<Evaluator>, JsError> {
    EVALUATOR
        .with(|e| e.borrow().clone())
        .ok_or_else(|| js_error("no evaluator is loaded"))
}

/// The classifier's outputs for a chunk of images (`n × 784` pixels in [−1, 1]), on the CPU:
/// the features (`n × 128`) followed by the class probabilities (`n × 10`). A worker scores
/// the samples chunk by chunk, taking training steps in between.
#[wasm_bindgen]
pub fn classify(pixels: &[f32]) -> Result<Vec<f32>, JsError> {
    let (mut features, probabilities) = evaluator()?.forward(pixels);
    features.extend(probabilities);
    Ok(features)
}

/// The sharpness of a chunk of images (`n × 784` pixels in [−1, 1]): the mean slope of their
/// strokes' edges (see `minimax_core::experiments::evaluation::sharpness`).
#[wasm_bindgen]
pub fn sharpness(pixels: &[f32]) -> f64 {
    minimax_core::experiments::evaluation::sharpness(pixels)
}

/// The scores (JSON: n, is, fid, classes, sharpness, and with `conditional`
/// conditional_accuracy) from the classifier's outputs of all the samples, in the order of the
/// evaluation codes, and their sharpness.
#[wasm_bindgen(js_name = scoreOutputs)]
pub fn score_outputs(
    features: &[f32],
    probabilities: &[f32],
    sharpness: f64,
    conditional: bool,
) -> Result<String, JsError> {
    let scores = evaluator()?.score_outputs(features, probabilities, sharpness, conditional);
    Ok(serde_json::to_string(&scores).expect("serialises"))
}

/// For each image of `pixels` (`n × 784`, in [−1, 1]), the nearest of MNIST's digits in pixel
/// space: `n × (2 + 784)` numbers, its index in the asset, the distance (on pixels in [0, 1])
/// and its pixels (in [−1, 1]). Fails if the digits are not loaded.
#[wasm_bindgen(js_name = nearestDigits)]
pub fn nearest_digits(pixels: &[f32]) -> Result<Vec<f32>, JsError> {
    let mnist = ASSETS
        .with(|a| a.borrow().mnist.clone())
        .ok_or_else(|| js_error("MNIST's digits are not loaded"))?;
    let mut out = Vec::with_capacity(pixels.len() / 784 * (2 + 784));
    for image in pixels.chunks_exact(784) {
        let (i, distance) = mnist.nearest(image);
        out.push(i as f32);
        out.push(distance as f32);
        mnist.push_scaled(i, &mut out);
    }
    Ok(out)
}

/// Samples whose pixels are still on the device.
#[wasm_bindgen]
pub struct PendingSamples(burn::tensor::Tensor<2>);

/// Reads samples back (async: a WebGPU session's tensors can only be read with an await).
#[wasm_bindgen(js_name = readSamples)]
pub async fn read_samples(pending: PendingSamples) -> Result<Vec<f32>, JsError> {
    minimax_core::train::counters::read_back();
    let data = pending
        .0
        .into_data_async()
        .await
        .map_err(|e| js_error(format!("{e:?}")))?;
    data.convert::<f32>()
        .try_into_vec::<f32>()
        .map_err(|e| js_error(format!("{e:?}")))
}

/// The config a checkpoint carries, as flat JSON text, read from its header only (so the
/// worker can load the data it needs before restoring). Fails with the checkpoint's error.
#[wasm_bindgen(js_name = checkpointConfig)]
pub fn checkpoint_config(bytes: &[u8]) -> Result<String, JsValue> {
    let header = checkpoint::header(bytes).map_err(coded)?;
    Ok(serde_json::Value::Object(header.config.to_flat()).to_string())
}

/// The experiment a checkpoint holds, on `device`: refused whole if it is the classifier's or
/// does not load (see `launch::load`).
fn load_checkpoint(bytes: &[u8], device: &Device) -> Result<Box<dyn Experiment>, JsValue> {
    not_the_classifier(&checkpoint::header(bytes).map_err(coded)?.config)?;
    launch::load(bytes, device, &assets()).map_err(coded)
}

/// The page trains GANs and, beside one, a VAE; the classifier (the judge of the evaluation) is
/// trained by the CLI. A config or checkpoint of it is refused with a message saying so.
fn not_the_classifier(config: &Config) -> Result<(), JsError> {
    match config.experiment {
        ExperimentKind::Gan | ExperimentKind::Vae => Ok(()),
        ExperimentKind::Classifier => Err(js_error(
            "experiment = classifier is trained by the CLI (`minimax train --experiment classifier`); this page trains GANs",
        )),
    }
}

/// A training session on one backend.
#[wasm_bindgen]
pub struct Engine {
    experiment: Box<dyn Experiment>,
    backend: Backend,
}

#[wasm_bindgen]
impl Engine {
    /// A new session. `config` is JSON text, flat (the URL's and the form's option names,
    /// `{"lr_d": 0.001, …}`) or nested; `backend` is `"wgpu"` or `"flex"`. Fails with a
    /// readable message if WebGPU cannot start or the config is invalid.
    pub async fn create(config: String, backend: String) -> Result<Engine, JsValue> {
        let backend = Backend::parse(&backend).map_err(|e| JsError::new(&e))?;
        let config = Config::from_json(&config).map_err(coded)?;
        not_the_classifier(&config)?;
        let device = device(backend).await?;
        let experiment = launch::build(config, &device, &assets()).map_err(coded)?;
        Ok(Engine {
            experiment,
            backend,
        })
    }

    /// A session restored from checkpoint bytes (checked whole first), on `backend`: one
    /// experiment is built, from the checkpoint's config, and no other beside it.
    #[wasm_bindgen(js_name = fromCheckpoint)]
    pub async fn from_checkpoint(bytes: Vec<u8>, backend: String) -> Result<Engine, JsValue> {
        let backend = Backend::parse(&backend).map_err(|e| JsError::new(&e))?;
        let device = device(backend).await?;
        let experiment = load_checkpoint(&bytes, &device)?;
        Ok(Engine {
            experiment,
            backend,
        })
    }

    /// Lays `overrides` (flat JSON text) over the current config. With `keep`, the running
    /// game takes a change of live options only (schema `live`) as it is and keeps its
    /// weights (returns true); any other change, or any change without `keep`, starts over
    /// (returns false). On error the session is unchanged.
    pub fn configure(&mut self, overrides: String, keep: bool) -> Result<bool, JsValue> {
        let config = overridden(self.experiment.config(), &overrides)?;
        if keep && self.experiment.retune(&config).map_err(coded)? {
            return Ok(true);
        }
        let device = self.experiment.device().clone();
        self.experiment = launch::build(config, &device, &assets()).map_err(coded)?;
        Ok(false)
    }

    pub fn backend(&self) -> String {
        self.backend.name().into()
    }

    /// The config in use, flat: the fields that apply, by the form's names.
    pub fn config(&self) -> String {
        serde_json::Value::Object(self.experiment.config().to_flat()).to_string()
    }

    pub fn iteration(&self) -> f64 {
        self.experiment.iteration() as f64
    }

    /// The names of the single steps (the GAN: "d", "g").
    #[wasm_bindgen(js_name = stepNames)]
    pub fn step_names(&self) -> Vec<String> {
        self.experiment
            .step_names()
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    /// One single step by name.
    #[wasm_bindgen(js_name = stepNamed)]
    pub fn step_named(&mut self, name: &str) -> Result<(), JsError> {
        self.experiment
            .step_named(name)
            .map_err(|e| JsError::new(&e))
    }

    /// `n` full iterations (k D steps and one G step each). Queues GPU work; reads nothing back.
    pub fn train(&mut self, n: u32) {
        self.experiment.train(n as u64);
    }

    /// Queues a snapshot's device work; read it with [`read_snapshot`].
    /// `digit`: a conditional G's grid asks for this digit in every row (−1: digit r in row r).
    pub fn prepare(&self, plane: bool, resolution: u32, digit: i32) -> Pending {
        Pending(self.experiment.prepare_snapshot(SnapshotOptions {
            plane,
            resolution: resolution as usize,
            digit: usize::try_from(digit).ok().filter(|&d| d < CLASSES),
        }))
    }

    /// Queues rows `start..end` of `n` samples of the model for evaluation (the same codes each
    /// time; generated a chunk at a time, as the CLI does); read them with [`read_samples`].
    #[wasm_bindgen(js_name = prepareSamples)]
    pub fn prepare_samples(&self, n: u32, start: u32, end: u32) -> Result<PendingSamples, JsError> {
        self.experiment
            .samples(n as usize, start as usize..end as usize)
            .map(PendingSamples)
            .ok_or_else(|| js_error("this experiment makes no samples"))
    }

    /// Gathers a checkpoint's tensors; read it with [`read_checkpoint`] (async: a WebGPU
    /// session's tensors can only be read with an await).
    #[wasm_bindgen(js_name = prepareCheckpoint)]
    pub fn prepare_checkpoint(&self) -> Result<PendingCheckpoint, JsError> {
        checkpoint::prepare(self.experiment.as_ref())
            .map(PendingCheckpoint)
            .map_err(js_error)
    }

    /// Replaces the session with a checkpoint's. On error the session is unchanged.
    pub fn restore(&mut self, bytes: &[u8]) -> Result<(), JsValue> {
        let device = self.experiment.device().clone();
        self.experiment = load_checkpoint(bytes, &device)?;
        Ok(())
    }
}

/// A checkpoint whose tensors are still on the device.
#[wasm_bindgen]
pub struct PendingCheckpoint(checkpoint::PendingCheckpoint);

/// Reads a checkpoint back: the same bytes as the CLI's `--save` writes.
#[wasm_bindgen(js_name = readCheckpoint)]
pub async fn read_checkpoint(pending: PendingCheckpoint) -> Result<Vec<u8>, JsError> {
    pending.0.read().await.map_err(js_error)
}

/// A Rust panic, on purpose: the page's tests check that a panic restarts the engine from its
/// last checkpoint with nothing else lost (protocol request `fault`, kind `panic`).
#[wasm_bindgen(js_name = forcePanic)]
pub fn force_panic() {
    panic!("a panic forced by the fault request (a test of recovery)");
}

/// A snapshot whose numbers are still on the device.
#[wasm_bindgen]
pub struct Pending(PendingSnapshot);

/// Reads a snapshot back (async: the GPU answers when it is done) as JSON with the CLI's
/// field names. JSON crosses into JS as one string, which `JSON.parse` turns into a plain
/// object far faster than building it value by value.
#[wasm_bindgen(js_name = readSnapshot)]
pub async fn read_snapshot(pending: Pending) -> Result<String, JsValue> {
    let snapshot = pending.0.read_async().await.map_err(coded)?;
    Ok(serde_json::to_string(&snapshot).map_err(js_error)?)
}
