//! # minimax-core
//!
//! The GAN engine of Minimax: datasets, models, losses, the alternating trainer, metrics and
//! checkpoints. **It never touches the browser** (no wasm-bindgen, no web-sys); the wasm
//! crate and the native CLI both drive it one step at a time and read small [`Snapshot`]s.

pub mod backend;
pub mod checkpoint;
pub mod config;
pub mod dataset;
pub mod error;
pub mod loss;
pub mod metrics;
pub mod model;
pub mod rng;
pub mod snapshot;
pub mod trainer;

#[cfg(test)]
mod testing;

pub use backend::Backend;
/// The burn this engine is built on, for the crates that drive it.
pub use burn;
pub use config::TrainConfig;
pub use error::{BackendError, CheckpointError, ConfigError, TrainError};
pub use snapshot::{Plane, Snapshot, SnapshotOptions};
pub use trainer::Trainer;
