//! The optimizers of Minimax's players, wrapped so that a checkpoint can gather their state
//! without a synchronous read (see [`crate::train::readback`]).

use burn::optim::{AdamConfig, ModuleOptimizer, RmsPropConfig, SgdConfig};

use crate::spec::config::OptimizerKind;
use crate::train::readback::Tap;

pub fn optimizer(kind: OptimizerKind, beta1: f64) -> ModuleOptimizer {
    match kind {
        OptimizerKind::Adam => Tap(AdamConfig::new().with_beta_1(beta1 as f32).build()).into(),
        OptimizerKind::Sgd => Tap(SgdConfig::new().build()).into(),
        OptimizerKind::Rmsprop => Tap(RmsPropConfig::new().with_momentum(0.0).build()).into(),
    }
}
