//! # minimax-core
//!
//! The engine of Minimax: the config schema, datasets (2-D sets and MNIST digits), players
//! (MLP, DCGAN), losses, experiments (the GAN, the VAE, the digit classifier), metrics, snapshots and checkpoints. **It never
//! touches the browser** (no wasm-bindgen, no web-sys) and never reads files or fetches; the
//! wasm crate and the native CLI both drive it one step at a time and read small [`Snapshot`]s.

pub mod backend;
pub mod budget;
pub mod checkpoint;
pub mod classifier;
pub mod config;
pub mod dataset;
pub mod dcgan;
pub mod error;
pub mod evaluation;
pub mod experiment;
#[cfg(not(target_family = "wasm"))]
pub mod fuzz;
pub mod gan;
#[cfg(not(target_family = "wasm"))]
pub mod hostile;
pub mod loss;
pub mod metrics;
pub mod mnist;
pub mod model;
pub mod readback;
pub(crate) mod records;
pub mod rng;
pub mod schema;
pub mod snapshot;
pub mod vae;

#[cfg(test)]
mod testing;

pub use backend::Backend;
/// The burn this engine is built on, for the crates that drive it.
pub use burn;
pub use config::Config;
pub use error::{BackendError, CheckpointError, ConfigError, TrainError};
pub use experiment::{Assets, Experiment};
pub use gan::Gan;
pub use snapshot::{Plane, Snapshot, SnapshotOptions};
