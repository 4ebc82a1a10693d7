//! # minimax-core
//!
//! The engine of Minimax. **It never touches the browser** (no wasm-bindgen, no web-sys) and
//! never reads files or fetches; the wasm crate and the native CLI both drive it one step at a
//! time and read small [`Snapshot`]s.
//!
//! Its modules are layers, declared here bottom-up: a module refers only to modules declared
//! before it (and to its own children), so no import cycle can form (`tests/layers.rs`).
//!
//! 1. the base: errors, the run's RNG, the backends;
//! 2. [`spec`]: what a run is (config, budget, schema and validation);
//! 3. [`data`]: MNIST, p_data, metrics of samples;
//! 4. [`nets`]: the players and the losses;
//! 5. [`train`]: read-back, records, optimizers, codes, snapshots, the `Experiment` trait,
//!    checkpoints;
//! 6. [`experiments`]: the GAN, the VAE, the classifier and its evaluation;
//! 7. [`launch`]: an experiment built from a config or a checkpoint.

pub mod error;
pub mod rng;
pub mod backend;
pub mod spec;
pub mod data;
pub mod nets;
pub mod train;
pub mod experiments;
pub mod launch;

#[cfg(test)]
mod testing;

pub use backend::Backend;
/// The burn this engine is built on, for the crates that drive it.
pub use burn;
pub use error::{BackendError, CheckpointError, ConfigError, TrainError};
pub use experiments::gan::Gan;
pub use spec::config::Config;
pub use train::experiment::{Assets, Experiment};
pub use train::snapshot::{Plane, Snapshot, SnapshotOptions};
