//! Choosing the compute backend at run time: burn's pure-Rust CPU backend `flex`, or its
//! wgpu backend (WebGPU in the browser, Vulkan/Metal/DX12 natively).

use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use crate::error::BackendError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Backend {
    Flex,
    Wgpu,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Flex => "flex",
            Backend::Wgpu => "wgpu",
        }
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            "flex" | "cpu" => Ok(Backend::Flex),
            "wgpu" | "webgpu" | "gpu" => Ok(Backend::Wgpu),
            other => Err(format!("unknown backend '{other}' (expected flex or wgpu)")),
        }
    }
}

/// The device for `backend` (native, synchronous). The wgpu runtime can be initialised only
/// once per process, so its device is cached.
#[cfg(not(target_family = "wasm"))]
pub fn init_device(backend: Backend) -> Result<Device, BackendError> {
    match backend {
        Backend::Flex => Ok(Device::flex()),
        Backend::Wgpu => wgpu_device(),
    }
}

#[cfg(all(not(target_family = "wasm"), feature = "wgpu"))]
fn wgpu_device() -> Result<Device, BackendError> {
    static DEVICE: std::sync::OnceLock<Result<Device, BackendError>> = std::sync::OnceLock::new();
    DEVICE
        .get_or_init(|| {
            // Initialisation may panic inside the driver stack rather than return an error.
            std::panic::catch_unwind(|| Device::wgpu_options().init())
                .map_err(|_| BackendError::Unavailable {
                    backend: "wgpu",
                    message: "the GPU driver panicked during initialisation".into(),
                })?
                .map_err(|e| BackendError::Unavailable {
                    backend: "wgpu",
                    message: e.to_string(),
                })
        })
        .clone()
}

#[cfg(all(not(target_family = "wasm"), not(feature = "wgpu")))]
fn wgpu_device() -> Result<Device, BackendError> {
    Err(BackendError::Unavailable {
        backend: "wgpu",
        message: "this build was made without the wgpu feature".into(),
    })
}

/// The device for `backend`, initialised asynchronously (required in the browser).
#[cfg(feature = "wgpu")]
pub async fn init_device_async(backend: Backend) -> Result<Device, BackendError> {
    match backend {
        Backend::Flex => Ok(Device::flex()),
        Backend::Wgpu => {
            Device::wgpu_options()
                .init_async()
                .await
                .map_err(|e| BackendError::Unavailable {
                    backend: "wgpu",
                    message: e.to_string(),
                })
        }
    }
}
