//! What a piece of work asks of the device, counted: the kernels it launches (the GPU's
//! dispatches, wgpu only) and the times it waits for numbers to come back (read-backs).
//!
//! Launches are counted by cubecl itself, which tells an installed observer of every kernel
//! it issues (fused kernels included, counted as the one kernel each is). Read-backs are the
//! core's own: every place the core reads a tensor's numbers calls [`read_back`] (a test keeps
//! it so: `read_backs_are_all_counted`), and a transaction of several tensors is one.

#[cfg(feature = "wgpu")]
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

static READ_BACKS: AtomicU64 = AtomicU64::new(0);

/// Notes one read of the device's numbers (one tensor, or one transaction of several).
pub fn read_back() {
    READ_BACKS.fetch_add(1, Ordering::Relaxed);
}

/// What [`count`] saw.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Kernels launched on a GPU device. `None` where the build has no GPU backend.
    pub launches: Option<u64>,
    /// Reads of numbers from the device.
    pub read_backs: u64,
}

#[cfg(feature = "wgpu")]
#[derive(Default)]
struct Launches(AtomicU64);

#[cfg(feature = "wgpu")]
impl cubecl_runtime::logging::LaunchObserver for Launches {
    fn launched(&self, _kernel: &'static str) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// Runs `work` and counts what it launched and read back. Process-wide: work on other
/// threads meanwhile is counted too, so benchmarks and tests count one thing at a time.
/// Launches are counted when issued, which the queue may do later than `work` returns (with
/// kernel fusion, at the next flush or read): `work` that ends by waiting for the device
/// (a read-back, a sync) has issued all of its own.
pub fn count<R>(work: impl FnOnce() -> R) -> (R, Counts) {
    let reads_before = READ_BACKS.load(Ordering::Relaxed);
    #[cfg(feature = "wgpu")]
    let (result, launches) = {
        let launches = Arc::new(Launches::default());
        let watching = cubecl_runtime::logging::LaunchObservation::new(launches.clone());
        let result = work();
        drop(watching);
        (result, Some(launches.0.load(Ordering::Relaxed)))
    };
    #[cfg(not(feature = "wgpu"))]
    let (result, launches) = (work(), None::<u64>);
    let read_backs = READ_BACKS.load(Ordering::Relaxed) - reads_before;
    (
        result,
        Counts {
            launches,
            read_backs,
        },
    )
}
