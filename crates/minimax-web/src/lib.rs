//! The browser's face of the engine — the only crate that touches wasm-bindgen, web-sys and
//! js-sys. `www/worker.js` owns an [`Engine`] inside a Web Worker, steps it, and posts the
//! plain snapshots it reads to the page.

use std::cell::RefCell;

use burn::tensor::Device;
use minimax_core::backend::{Backend, init_device_async};
use minimax_core::snapshot::PendingSnapshot;
use minimax_core::{SnapshotOptions, TrainConfig, Trainer};
use wasm_bindgen::prelude::*;

use minimax_core::burn;

thread_local! {
    /// The wgpu runtime can be initialised once per worker; later engines reuse its device.
    static WGPU_DEVICE: RefCell<Option<Device>> = const { RefCell::new(None) };
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

async fn device(backend: Backend) -> Result<Device, JsError> {
    if backend == Backend::Wgpu
        && let Some(d) = WGPU_DEVICE.with(|d| d.borrow().clone())
    {
        return Ok(d);
    }
    let device = init_device_async(backend).await.map_err(js_error)?;
    if backend == Backend::Wgpu {
        WGPU_DEVICE.with(|d| *d.borrow_mut() = Some(device.clone()));
    }
    Ok(device)
}

/// A config from a plain JS object: missing fields take their defaults, unknown ones and
/// out-of-range values are errors naming the field.
fn config_from_js(value: JsValue) -> Result<TrainConfig, JsError> {
    let config: TrainConfig = serde_wasm_bindgen::from_value(value)
        .map_err(|e| js_error(format!("invalid config: {e}")))?;
    config.validate().map_err(js_error)?;
    Ok(config)
}

/// A training session on one backend.
#[wasm_bindgen]
pub struct Engine {
    trainer: Trainer,
    backend: Backend,
}

#[wasm_bindgen]
impl Engine {
    /// A new session. `config` is a plain object with the CLI's option names
    /// (`{lr_d: 0.001, …}`); `backend` is `"wgpu"` or `"flex"`. Fails with a readable message if
    /// WebGPU cannot start or the config is invalid.
    pub async fn create(config: JsValue, backend: String) -> Result<Engine, JsError> {
        let backend = Backend::parse(&backend).map_err(|e| JsError::new(&e))?;
        let config = config_from_js(config)?;
        let device = device(backend).await?;
        let trainer = Trainer::new(config, &device).map_err(js_error)?;
        Ok(Engine { trainer, backend })
    }

    /// Starts over with a new config on the same backend. On error the session is unchanged.
    pub fn configure(&mut self, config: JsValue) -> Result<(), JsError> {
        let config = config_from_js(config)?;
        self.trainer = Trainer::new(config, self.trainer.device()).map_err(js_error)?;
        Ok(())
    }

    pub fn backend(&self) -> String {
        self.backend.name().into()
    }

    pub fn config(&self) -> String {
        self.trainer.config().to_json()
    }

    pub fn iteration(&self) -> f64 {
        self.trainer.iteration() as f64
    }

    /// One discriminator step.
    #[wasm_bindgen(js_name = stepD)]
    pub fn step_d(&mut self) {
        self.trainer.discriminator_step();
    }

    /// One generator step.
    #[wasm_bindgen(js_name = stepG)]
    pub fn step_g(&mut self) {
        self.trainer.generator_step();
    }

    /// `n` full iterations (k D steps and one G step each). Queues GPU work; reads nothing back.
    pub fn train(&mut self, n: u32) {
        self.trainer.train(n as u64);
    }

    /// Queues a snapshot's device work; read it with [`read_snapshot`].
    pub fn prepare(&self, plane: bool, resolution: u32) -> Pending {
        Pending(self.trainer.prepare_snapshot(SnapshotOptions {
            plane,
            resolution: resolution as usize,
        }))
    }

    pub fn checkpoint(&self) -> Result<Vec<u8>, JsError> {
        self.trainer.to_checkpoint().map_err(js_error)
    }

    /// Replaces the session with a checkpoint's. On error the session is unchanged.
    pub fn restore(&mut self, bytes: &[u8]) -> Result<(), JsError> {
        self.trainer = Trainer::from_checkpoint(bytes, self.trainer.device()).map_err(js_error)?;
        Ok(())
    }
}

/// A snapshot whose numbers are still on the device.
#[wasm_bindgen]
pub struct Pending(PendingSnapshot);

/// Reads a snapshot back (async: the GPU answers when it is done) as JSON with the CLI's
/// field names. JSON crosses into JS as one string, which `JSON.parse` turns into a plain
/// object far faster than building it value by value.
#[wasm_bindgen(js_name = readSnapshot)]
pub async fn read_snapshot(pending: Pending) -> Result<String, JsError> {
    let snapshot = pending.0.read_async().await.map_err(js_error)?;
    serde_json::to_string(&snapshot).map_err(js_error)
}
