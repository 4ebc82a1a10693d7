//! The training pieces the experiments share: asynchronous read-back (`readback`), checkpoint
//! records checked before burn loads them (`records`), the optimizers (`optim`), the fixed
//! latent codes of snapshots and evaluations (`codes`), snapshots (`snapshot`), the
//! `Experiment` trait (`experiment`) and the checkpoint format (`checkpoint`).

pub mod readback;
pub mod records;
pub mod optim;
pub mod codes;
pub mod snapshot;
pub mod experiment;
pub mod checkpoint;
