//! Checkpoints read back asynchronously. In the browser a WebGPU tensor can only be read with
//! an `await` (a synchronous read fails there), while burn writes module and optimizer records
//! with synchronous reads. So a checkpoint is taken in two phases, as a snapshot is:
//! [`PendingRecord`]s gather the device tensors of each section into one transaction; reading
//! them resolves on the GPU's time; then the same bytes as the synchronous path are written
//! from the data read (the tests compare both, byte for byte, on every backend).
//!
//! Modules are written as burn's `ModuleRecord` writes them (burn-pack tensors named by module
//! path, with their parameter ids, in visiting order, each in its saved form). Optimizers hold
//! their state privately, so each optimizer is wrapped in [`Tap`]: in a collecting pass its
//! state registers its tensors instead of reading them; after the read, a replaying pass
//! rebuilds each state on the CPU from the data read and lets burn write the record as usual.

use std::cell::RefCell;
use std::collections::HashMap;

use burn::module::{Module, ModuleVisitor, Param};
use burn::optim::{
    Adam, AdamState, LearningRate, ModuleOptimizer, Optimizer, RmsProp, RmsPropState, Sgd, SgdState,
};
use burn::optim::{RecordState, StateSink, StateSource};
use burn::tensor::{Device, Tensor, TensorData, Transaction};

use crate::error::CheckpointError;

fn failed(part: &str, message: impl std::fmt::Display) -> CheckpointError {
    CheckpointError::Part {
        part: part.to_string(),
        message: message.to_string(),
    }
}

// ---- Modules --------------------------------------------------------------------------------

/// A module's parameters, registered for one read: (path, parameter id) in visiting order.
struct Gather {
    path: Vec<String>,
    names: Vec<(String, u64)>,
    tx: Option<Transaction>,
}

impl ModuleVisitor for Gather {
    fn enter_module(&mut self, name: &str, _container_type: &str) {
        self.path.push(name.to_string());
    }

    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.path.pop();
    }

    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        self.names.push((self.path.join("."), param.id.val()));
        let tx = self.tx.take().expect("a transaction");
        self.tx = Some(tx.register(param.transform_for_save().val()));
    }
}

/// A checkpoint section whose tensors are still on the device.
pub struct PendingRecord {
    name: String,
    tx: Transaction,
    kind: Kind,
}

enum Kind {
    /// A module: (path, parameter id) of each tensor, in the order registered.
    Module(Vec<(String, u64)>),
    /// An optimizer (a clone: its tensors are shared, not copied) and its tensors' names.
    Optimizer(ModuleOptimizer, Vec<String>),
}

impl PendingRecord {
    /// Section `name` holds `module`'s weights.
    pub fn module<M: Module>(name: String, module: &M) -> Self {
        let mut g = Gather {
            path: Vec::new(),
            names: Vec::new(),
            tx: Some(Transaction::default()),
        };
        module.visit(&mut g);
        PendingRecord {
            name,
            tx: g.tx.expect("a transaction"),
            kind: Kind::Module(g.names),
        }
    }

    /// Section `name` holds an optimizer's state (one built from [`Tap`]).
    pub fn optimizer(name: String, optimizer: &ModuleOptimizer) -> Self {
        let guard = Mode::set(Mode::Collect {
            tx: Some(Transaction::default()),
            names: Vec::new(),
        });
        // Walks every parameter's state; a tapped state registers its tensors and reads nothing.
        let _ = optimizer.to_record();
        let Mode::Collect { tx, names } = guard.take() else {
            unreachable!("the mode set above")
        };
        PendingRecord {
            name,
            tx: tx.expect("a transaction"),
            kind: Kind::Optimizer(optimizer.clone(), names),
        }
    }

    /// Reads the tensors (awaiting the device) and writes the section: (name, bytes).
    pub async fn read(self) -> Result<(String, Vec<u8>), CheckpointError> {
        super::counters::read_back();
        let data = self
            .tx
            .execute_async()
            .await
            .map_err(|e| failed(&self.name, format!("{e:?}")))?;
        write(self.name, self.kind, data)
    }

    /// The same, reading synchronously (native only: a browser's GPU cannot).
    #[cfg(not(target_family = "wasm"))]
    pub fn read_sync(self) -> Result<(String, Vec<u8>), CheckpointError> {
        super::counters::read_back();
        let data = self
            .tx
            .try_execute()
            .map_err(|e| failed(&self.name, format!("{e:?}")))?;
        write(self.name, self.kind, data)
    }
}

fn write(
    name: String,
    kind: Kind,
    data: Vec<TensorData>,
) -> Result<(String, Vec<u8>), CheckpointError> {
    let bytes = match kind {
        Kind::Module(names) => {
            let tensors = names
                .into_iter()
                .zip(data)
                .map(|((path, id), d)| {
                    let (bytes, shape, dtype) = d.into_parts();
                    burn_pack::Tensor::new(path, dtype, shape, Some(id), bytes)
                })
                .collect();
            burn_pack::Writer::new(tensors)
                .into_bytes()
                .map_err(|e| failed(&name, e))?
        }
        Kind::Optimizer(optimizer, names) => {
            let _guard = Mode::set(Mode::Replay(names.into_iter().zip(data).collect()));
            let bytes = optimizer.into_bytes().map_err(|e| failed(&name, e))?;
            in_name_order(bytes).map_err(|e| failed(&name, e))?
        }
    };
    Ok((name, bytes.to_vec()))
}

/// The same record with its tensors' data laid out in the order of their names. burn writes an
/// optimizer's states in the order of a hash map, which differs from map to map, so the same
/// state would be written as different bytes each time.
pub(crate) fn in_name_order(
    bytes: burn::tensor::Bytes,
) -> Result<burn::tensor::Bytes, burn_pack::Error> {
    let reader = burn_pack::Reader::from_bytes(bytes)?;
    let metadata = reader.metadata().clone();
    let scalars = reader.scalars().clone();
    let mut tensors = reader.into_tensors()?;
    tensors.sort_by(|a, b| a.name.cmp(&b.name));
    let mut writer = burn_pack::Writer::new(tensors);
    for (key, value) in &metadata {
        writer = writer.with_metadata(key, value);
    }
    for (key, value) in scalars {
        writer = writer.with_scalar(&key, value);
    }
    writer.into_bytes()
}

// ---- Optimizers -----------------------------------------------------------------------------

enum Mode {
    /// States write themselves as burn does (synchronous reads).
    Off,
    /// States register their tensors, named as in the record, and write nothing.
    Collect {
        tx: Option<Transaction>,
        names: Vec<String>,
    },
    /// States write themselves from the data read, by name.
    Replay(HashMap<String, TensorData>),
}

thread_local! {
    static MODE: RefCell<Mode> = const { RefCell::new(Mode::Off) };
    static LOAD_DEVICE: RefCell<Option<Device>> = const { RefCell::new(None) };
}

/// Runs `f` (which loads optimizer records) with their states built on `device`. Burn builds
/// them on its default device, which in a browser is WebGPU, perhaps never started in this
/// worker (it panics there), and moves them to the parameters' device at the next step, by a
/// synchronous read that a browser's GPU cannot do.
pub fn loading_onto<R>(device: &Device, f: impl FnOnce() -> R) -> R {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            LOAD_DEVICE.with_borrow_mut(|d| *d = None);
        }
    }
    LOAD_DEVICE.with_borrow_mut(|d| *d = Some(device.clone()));
    let _reset = Reset;
    f()
}

/// Sets the mode until dropped (also on an early return or a panic).
struct ModeGuard;

impl Mode {
    fn set(mode: Mode) -> ModeGuard {
        MODE.with_borrow_mut(|m| *m = mode);
        ModeGuard
    }
}

impl ModeGuard {
    fn take(self) -> Mode {
        MODE.with_borrow_mut(|m| std::mem::replace(m, Mode::Off))
    }
}

impl Drop for ModeGuard {
    fn drop(&mut self) {
        MODE.with_borrow_mut(|m| *m = Mode::Off);
    }
}

/// An optimizer whose state can be read asynchronously; the same steps and records as `O`.
#[derive(Clone)]
pub struct Tap<O>(pub O);

/// A state of `Tap<O>`: `O`'s, written through the mode above.
#[derive(Clone)]
pub struct TapState<S>(pub S);

/// What a state's record holds, without reading it: its tensors (registered for a read, named
/// as in the record below `prefix`) and its scalars.
pub trait Readable {
    fn register(&self, prefix: &str, tx: Transaction, names: &mut Vec<String>) -> Transaction;
    fn scalars(&self, _prefix: &str, _out: &mut StateSink) {}
}

fn join(prefix: &str, leaf: &str) -> String {
    burn::optim::join_path(prefix, leaf)
}

impl<const D: usize> Readable for AdamState<D> {
    fn register(&self, prefix: &str, mut tx: Transaction, names: &mut Vec<String>) -> Transaction {
        let m = &self.momentum;
        let p = join(prefix, "momentum");
        for (leaf, t) in [
            ("moment_1", Some(&m.moment_1)),
            ("moment_2", Some(&m.moment_2)),
            ("max_moment_2", m.max_moment_2.as_ref()),
        ] {
            if let Some(t) = t {
                names.push(join(&p, leaf));
                tx = tx.register(t.clone());
            }
        }
        tx
    }

    fn scalars(&self, prefix: &str, out: &mut StateSink) {
        out.push_scalar(&join(prefix, "momentum"), "time", self.momentum.time.into());
    }
}

impl<const D: usize> Readable for RmsPropState<D> {
    fn register(&self, prefix: &str, mut tx: Transaction, names: &mut Vec<String>) -> Transaction {
        assert!(
            self.momentum.is_none(),
            "RMSprop with momentum is not used by Minimax"
        );
        names.push(join(&join(prefix, "square_avg"), "square_avg"));
        tx = tx.register(self.square_avg.square_avg.clone());
        let c = join(prefix, "centered");
        if let Some(t) = &self.centered.grad_avg {
            names.push(join(&c, "grad_avg"));
            tx = tx.register(t.clone());
        }
        names.push(join(&c, "avg"));
        tx.register(self.centered.avg.clone())
    }
}

impl<const D: usize> Readable for SgdState<D> {
    fn register(&self, _prefix: &str, tx: Transaction, _names: &mut Vec<String>) -> Transaction {
        assert!(
            self.momentum.is_none(),
            "SGD with momentum is not used by Minimax"
        );
        tx
    }
}

impl<S: RecordState + Readable + Clone> RecordState for TapState<S> {
    fn state_flatten(&self, prefix: &str, out: &mut StateSink) {
        MODE.with_borrow_mut(|mode| match mode {
            Mode::Off => self.0.state_flatten(prefix, out),
            Mode::Collect { tx, names } => {
                *tx = Some(
                    self.0
                        .register(prefix, tx.take().expect("a transaction"), names),
                );
            }
            Mode::Replay(data) => {
                // The state again, on the CPU, from the data read: its record then reads at
                // once, and burn writes it exactly as it would have written the original.
                let mut scalars = StateSink::default();
                self.0.scalars(prefix, &mut scalars);
                let mut names = Vec::new();
                let _ = self.0.register(prefix, Transaction::default(), &mut names);
                let mut source = StateSource::new(scalars.scalars.into_iter().collect());
                for name in names {
                    let d = data
                        .remove(&name)
                        .expect("every tensor of the state was read");
                    source.insert_tensor(name, d);
                }
                let cpu = S::state_unflatten(prefix, &mut source, &Device::flex())
                    .expect("the state rebuilds from its own record");
                cpu.state_flatten(prefix, out);
            }
        })
    }

    fn state_unflatten(prefix: &str, src: &mut StateSource, device: &Device) -> Option<Self> {
        let chosen = LOAD_DEVICE.with_borrow(|d| d.clone());
        S::state_unflatten(prefix, src, chosen.as_ref().unwrap_or(device)).map(TapState)
    }
}

macro_rules! tap {
    ($o:ty, $s:ident) => {
        impl Optimizer for Tap<$o> {
            type State<const D: usize> = TapState<$s<D>>;

            fn step<const D: usize>(
                &self,
                lr: LearningRate,
                tensor: Tensor<D>,
                grad: Tensor<D>,
                state: Option<Self::State<D>>,
            ) -> (Tensor<D>, Option<Self::State<D>>) {
                let (t, s) = self.0.step(lr, tensor, grad, state.map(|s| s.0));
                (t, s.map(TapState))
            }

            fn to_device<const D: usize>(state: Self::State<D>, device: &Device) -> Self::State<D> {
                TapState(<$o as Optimizer>::to_device(state.0, device))
            }
        }
    };
}
tap!(Adam, AdamState);
tap!(Sgd, SgdState);
tap!(RmsProp, RmsPropState);

/// Runs a read-back future to completion on this thread (natively; the browser awaits).
#[cfg(not(target_family = "wasm"))]
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake};
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark()
        }
    }
    let waker = Arc::new(Unpark(std::thread::current())).into();
    let mut cx = Context::from_waker(&waker);
    let mut f = std::pin::pin!(f);
    loop {
        match f.as_mut().poll(&mut cx) {
            Poll::Ready(v) => return v,
            Poll::Pending => std::thread::park(),
        }
    }
}
