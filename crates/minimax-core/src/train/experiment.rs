//! Experiments behind one trait: the GAN (with MLP or DCGAN players), the VAE (its rival on
//! the digits) and the digit classifier that judges their samples, each with its own steps, snapshot sections and checkpoint
//! sections; the config's `experiment` picks one.

use std::sync::Arc;

use burn::tensor::Device;

use crate::data::mnist::Mnist;
use crate::error::{CheckpointError, ConfigError};
use crate::spec::config::Config;
use crate::train::records::{Header, Section};
use crate::train::snapshot::{PendingSnapshot, SnapshotOptions};

/// What an experiment needs besides its config: data the caller loaded (the core never reads
/// files or fetches).
#[derive(Debug, Clone, Default)]
pub struct Assets {
    pub mnist: Option<Arc<Mnist>>,
}

/// A training run that can be stepped, watched and saved.
pub trait Experiment {
    fn config(&self) -> &Config;

    fn device(&self) -> &Device;

    /// Completed iterations.
    fn iteration(&self) -> u64;

    /// The single steps a user can take by hand, by name (the GAN: `"d"` and `"g"`).
    fn step_names(&self) -> &'static [&'static str];

    /// Takes the single step of that name.
    fn step_named(&mut self, name: &str) -> Result<(), String>;

    /// One iteration (for the GAN: k D steps, then one G step).
    fn step(&mut self);

    fn train(&mut self, iterations: u64) {
        for _ in 0..iterations {
            self.step();
        }
    }

    /// Takes `config` without starting over, where this experiment can (only the options in
    /// [`crate::spec::config::Field::live`] changed): true if it did, false (nothing changed) if the change
    /// needs a new run.
    fn retune(&mut self, _config: &Config) -> Result<bool, ConfigError> {
        Ok(false)
    }

    /// Queues a snapshot's device work; nothing is read back here.
    fn prepare_snapshot(&self, options: SnapshotOptions) -> PendingSnapshot;

    /// Takes a snapshot, reading back synchronously (native only).
    #[cfg(not(target_family = "wasm"))]
    fn snapshot(&self, options: SnapshotOptions) -> Result<crate::Snapshot, crate::TrainError> {
        self.prepare_snapshot(options).read()
    }

    /// Rows `rows` of `n` samples of the model from codes fixed by the seed (the same ones at
    /// every call), for evaluation, `[rows.len(), data_dim]`; `None` for an experiment that
    /// makes no samples. Evaluations take them in chunks of
    /// `SAMPLE_CHUNK` (the evaluation's).
    fn samples(&self, _n: usize, _rows: std::ops::Range<usize>) -> Option<burn::tensor::Tensor<2>> {
        None
    }

    /// The experiment itself, for what only one kind offers (the classifier's net).
    fn as_any(&self) -> &dyn std::any::Any;

    /// The run's state besides the config: step counters and RNG state.
    fn header(&self) -> Header;

    /// The named sections of a checkpoint (weights, optimizer states), in order, with their
    /// tensors gathered for one read each (see [`crate::train::readback`]).
    fn pending_sections(&self) -> Vec<crate::train::readback::PendingRecord>;

    /// Restores the state written by [`pending_sections`](Self::pending_sections) and
    /// [`header`](Self::header); on error the experiment must be dropped.
    fn load_sections(
        &mut self,
        header: &Header,
        sections: &[Section<'_>],
    ) -> Result<(), CheckpointError>;
}
