//! Checkpoint sections shared by the experiments: a module's record loaded only if every
//! shape matches, and an optimizer's record checked against its module before burn loads it
//! (burn loads one on trust).
//!
//! Both kinds are read first as the file gives them, before burn sees them: every tensor must
//! be f32 (the models' only dtype: burn would cast another, or take a quantized one with almost
//! no data), carry a parameter id of its own (two tensors under one id would share one
//! gradient), and hold finite values (a NaN weight would come back at every rollback). Step
//! counters are bounded, so that no counter wraps and Adam's bias correction stays a number.

use burn::module::{Module, ModuleVisitor, Param};
use burn::store::ModuleRecord;
use burn::tensor::{Bytes, DType, Tensor};

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::CheckpointError;
use crate::rng::RunRng;
use crate::spec::config::Config;
use crate::spec::config::OptimizerKind;

pub(crate) fn part(name: &str) -> impl Fn(burn::store::RecordError) -> CheckpointError + '_ {
    move |e| refused(name)(e.to_string())
}

/// An error of checkpoint part `name` with a message.
fn refused(name: &str) -> impl Fn(String) -> CheckpointError + '_ {
    move |message| CheckpointError::Part {
        part: name.to_string(),
        message,
    }
}

/// The ids and shapes of a module's parameters, in visiting order.
pub(crate) struct Shapes(Vec<(u64, Vec<usize>)>);

impl ModuleVisitor for Shapes {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        self.0.push((param.id.val(), param.dims().to_vec()));
    }
}

pub(crate) fn params<M: Module>(m: &M) -> Vec<(u64, Vec<usize>)> {
    let mut v = Shapes(Vec::new());
    m.visit(&mut v);
    v.0
}

pub(crate) fn shapes<M: Module>(m: &M) -> Vec<Vec<usize>> {
    params(m).into_iter().map(|(_, s)| s).collect()
}

/// The run's state besides weights: config, step counters by name, RNG.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub config: Config,
    pub counters: BTreeMap<String, u64>,
    pub rng: RunRng,
}

/// One named part of a checkpoint, borrowed from its bytes (a loader copies each section once,
/// into the buffer burn reads).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Section<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
}

/// What a section must be: its name and the byte sizes its payload may take.
#[derive(Debug, Clone, PartialEq)]
pub struct SectionBounds {
    pub name: String,
    pub min: u64,
    pub max: u64,
}

impl SectionBounds {
    /// A burn record of `floats` f32 values in `tensors` tensors: the data plus its metadata
    /// (names, shapes), which is a few hundred bytes per tensor at most.
    pub fn record(name: String, floats: u64, tensors: u64) -> Self {
        Self {
            name,
            min: 4 * floats,
            max: 4 * floats + 4096 + 512 * tensors,
        }
    }
}

/// The most steps a counter may record: far beyond any run (a thousand years at 30 000 steps
/// a second), far below where a u64 wraps.
pub const MAX_STEPS: u64 = 1_000_000_000_000_000;
/// The most steps Adam's own counter (`time`) may record: burn raises β to its power as an
/// i32 (`time as i32`), which a larger count would wrap to a negative power.
pub const MAX_ADAM_TIME: u64 = i32::MAX as u64;

/// The bytes of a checkpoint section, shared: the checks and burn's loader read the same copy.
fn shared(bytes: &[u8]) -> Bytes {
    Bytes::from_bytes_vec(bytes.to_vec()).shared()
}

/// One tensor of a record as the file gives it: f32 and finite (`non_negative`: and ≥ 0, for a
/// running mean of squares, whose square root a step takes).
fn check_values(
    tensor: &burn_pack::Tensor,
    non_negative: bool,
    bad: &impl Fn(String) -> CheckpointError,
) -> Result<(), CheckpointError> {
    let name = &tensor.name;
    if tensor.dtype != DType::F32 {
        return Err(bad(format!(
            "tensor {name} is {:?}; this model's tensors are F32",
            tensor.dtype
        )));
    }
    let expected = 4 * tensor.shape.as_slice().iter().product::<usize>();
    let data = tensor.to_bytes().map_err(|e| bad(e.to_string()))?;
    if data.len() != expected {
        return Err(bad(format!(
            "tensor {name} has {} bytes for its shape's {expected}",
            data.len()
        )));
    }
    for (i, b) in data.chunks_exact(4).enumerate() {
        let v = f32::from_le_bytes(b.try_into().expect("4 bytes"));
        if !v.is_finite() {
            return Err(bad(format!(
                "tensor {name} holds {v} at index {i} (its values must be finite)"
            )));
        }
        if non_negative && v < 0.0 {
            return Err(bad(format!(
                "tensor {name} holds {v} at index {i} (a mean of squares is never negative)"
            )));
        }
    }
    Ok(())
}

/// A module's record as the file gives it: f32, finite, each tensor with a parameter id of
/// its own.
fn check_module(name: &str, bytes: &Bytes) -> Result<(), CheckpointError> {
    let bad = refused(name);
    let reader = burn_pack::Reader::from_bytes(bytes.clone()).map_err(|e| bad(e.to_string()))?;
    let mut ids = std::collections::BTreeMap::new();
    for tensor in reader.into_tensors().map_err(|e| bad(e.to_string()))? {
        let id = tensor
            .param_id
            .ok_or_else(|| bad(format!("tensor {} carries no parameter id", tensor.name)))?;
        if let Some(other) = ids.insert(id, tensor.name.clone()) {
            return Err(bad(format!(
                "tensors {other} and {} carry the same parameter id {id}",
                tensor.name
            )));
        }
        check_values(&tensor, false, &bad)?;
    }
    Ok(())
}

/// The state tensors each optimizer keeps per parameter, as named in its record (Adam without
/// AMSGrad, RMSprop neither centred nor with momentum, SGD without momentum: Minimax's).
pub(crate) fn state_leaves(kind: OptimizerKind) -> &'static [&'static str] {
    match kind {
        OptimizerKind::Adam => &["momentum.moment_1", "momentum.moment_2"],
        OptimizerKind::Rmsprop => &["square_avg.square_avg", "centered.avg"],
        OptimizerKind::Sgd => &[],
    }
}

/// Burn loads an optimizer record on trust (a tensor without a parameter id panics, a moment
/// of another shape fails at the next step). So the record is read first: every tensor must
/// belong to one of `module`'s parameters and have its shape.
pub(crate) fn check_optimizer<M: Module>(
    module: &M,
    kind: OptimizerKind,
    name: &str,
    bytes: &Bytes,
) -> Result<(), CheckpointError> {
    let bad = refused(name);
    let expected = params(module);
    let reader = burn_pack::Reader::from_bytes(bytes.clone()).map_err(|e| bad(e.to_string()))?;
    // Burn groups a state by the id its name starts with and rebuilds it with the rank its
    // `<id>.__rank` scalar gives: each must be a parameter of this model, of that rank.
    for (key, value) in reader.scalars() {
        // Adam's step counter, `<id>.momentum.time`: bounded (see MAX_ADAM_TIME).
        if key.ends_with(".time") {
            let time = u64::try_from(*value).map_err(|_| bad(format!("{key} is not a count")))?;
            if time > MAX_ADAM_TIME {
                return Err(bad(format!(
                    "{key} is {time}, above the most a run takes ({MAX_ADAM_TIME})"
                )));
            }
            continue;
        }
        let Some(prefix) = key.strip_suffix(".__rank") else {
            continue;
        };
        let rank = u64::try_from(*value).map_err(|_| bad(format!("{key} is not a count")))?;
        let (_, want) = expected
            .iter()
            .find(|(p, _)| p.to_string() == prefix)
            .ok_or_else(|| bad(format!("{key} names a parameter this model does not have")))?;
        if rank != want.len() as u64 {
            return Err(bad(format!(
                "{key} is {rank}, its parameter has rank {}",
                want.len()
            )));
        }
    }
    for tensor in reader.into_tensors().map_err(|e| bad(e.to_string()))? {
        // Second moments (Adam's, RMSprop's mean of squares) go under a square root.
        let squares = ["momentum.moment_2", "square_avg.square_avg"]
            .iter()
            .any(|leaf| tensor.name.ends_with(leaf));
        check_values(&tensor, squares, &bad)?;
        let burn_pack::Tensor {
            name: tensor_name,
            shape,
            param_id: id,
            ..
        } = tensor;
        let id = id.ok_or_else(|| bad(format!("tensor {tensor_name} belongs to no parameter")))?;
        // Named "<parameter id>.<state>", the id its own: a state this optimizer does not keep
        // is refused (it would load, and fail later, when the state is read back).
        let (prefix, leaf) = tensor_name.split_once('.').unwrap_or(("", ""));
        if prefix != id.to_string() {
            return Err(bad(format!(
                "tensor {tensor_name} carries the id {id} of another parameter"
            )));
        }
        if !state_leaves(kind).contains(&leaf) {
            return Err(bad(format!("tensor {tensor_name} is no state of {kind:?}")));
        }
        let (_, want) = expected.iter().find(|(p, _)| *p == id).ok_or_else(|| {
            bad(format!(
                "tensor {tensor_name} belongs to a parameter this model does not have"
            ))
        })?;
        if shape.as_slice() != want.as_slice() {
            return Err(bad(format!(
                "tensor {tensor_name} has shape {:?}, its parameter {want:?}",
                shape.as_slice()
            )));
        }
    }
    Ok(())
}

/// `fresh` with the record of section `name` loaded, refused unless every shape matches.
pub(crate) fn load_module<M: Module>(
    fresh: M,
    name: &str,
    bytes: &[u8],
) -> Result<M, CheckpointError> {
    let expected = shapes(&fresh);
    let bytes = shared(bytes);
    check_module(name, &bytes)?;
    let record = ModuleRecord::from_bytes(bytes).map_err(part(name))?;
    let loaded = fresh.try_load_record(record).map_err(part(name))?;
    if shapes(&loaded) != expected {
        return Err(CheckpointError::Part {
            part: name.to_string(),
            message: "its tensors have other shapes than this config's".into(),
        });
    }
    Ok(loaded)
}

/// The payload of section `name`, or an error naming it as missing.
pub(crate) fn section<'a>(
    sections: &[Section<'a>],
    name: &str,
) -> Result<&'a [u8], CheckpointError> {
    sections
        .iter()
        .find(|s| s.name == name)
        .map(|s| s.bytes)
        .ok_or_else(|| CheckpointError::Part {
            part: name.to_string(),
            message: "missing".into(),
        })
}

/// The header's step counter `name`, or an error naming it.
pub(crate) fn counter(header: &Header, name: &str) -> Result<u64, CheckpointError> {
    header
        .counters
        .get(name)
        .copied()
        .ok_or_else(|| refused("header")(format!("no counter '{name}'")))
}

/// Every step counter of a header at most [`MAX_STEPS`] (checked as the header is read, before
/// anything is built: a counter at u64::MAX would wrap at the next step).
pub(crate) fn check_counters(header: &Header) -> Result<(), CheckpointError> {
    match header
        .counters
        .iter()
        .find(|(_, steps)| **steps > MAX_STEPS)
    {
        Some((name, steps)) => Err(refused("header")(format!(
            "counter '{name}' is {steps}, above the most a run takes ({MAX_STEPS})"
        ))),
        None => Ok(()),
    }
}

/// `optimizer` with the record `bytes` (section `name`) loaded onto the experiment's `device`,
/// once the record is checked against `module` (its loaded weights).
pub(crate) fn load_optimizer<M: Module>(
    module: &M,
    kind: OptimizerKind,
    optimizer: &burn::optim::ModuleOptimizer,
    name: &str,
    bytes: &[u8],
    device: &burn::tensor::Device,
) -> Result<burn::optim::ModuleOptimizer, CheckpointError> {
    let bytes = shared(bytes);
    check_optimizer(module, kind, name, &bytes)?;
    crate::train::readback::loading_onto(device, || {
        optimizer.clone().from_bytes(bytes).map_err(part(name))
    })
}
