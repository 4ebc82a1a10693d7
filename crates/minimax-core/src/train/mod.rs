//! The training pieces the experiments share: asynchronous read-back (`readback`), what work
//! asks of the device (`counters`), checkpoint
//! records checked before burn loads them (`records`), the optimizers (`optim`), the fixed
//! latent codes of snapshots and evaluations (`codes`), snapshots (`snapshot`), the
//! `Experiment` trait (`experiment`) and the checkpoint format (`checkpoint`).

pub mod readback;
pub mod counters;
pub mod records;
pub mod optim;
pub mod codes;
pub mod snapshot;
pub mod experiment;
pub mod checkpoint;

use burn::tensor::{Gradients, Tensor};

/// `loss.backward()`, with the operations queued on the loss's device handed off first. With
/// burn 0.22's kernel fusion (wgpu, feature `fusion`), a forward pass and its backward pass
/// queued together were fused into kernels that computed wrong gradients, different from run
/// to run (G's weight gradients 130–210 % of their size off on lavapipe; `tests/fusion_cases.rs`); flushing the queue
/// between them gives the right ones. The flush is compiled with fusion only: without it
/// there is nothing to work around, and on unfused wgpu a flush would submit the commands
/// queued so far early, once more per step.
pub fn backward(loss: &Tensor<1>) -> Gradients {
    // A flush only fails where the device has already failed, and the backward pass then
    // reports it.
    #[cfg(feature = "fusion")]
    let _ = loss.device().flush();
    loss.backward()
}
