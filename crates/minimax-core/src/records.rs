//! Checkpoint sections shared by the experiments: a module's record loaded only if every
//! shape matches, and an optimizer's record checked against its module before burn loads it
//! (burn loads one on trust).

use burn::module::{Module, ModuleVisitor, Param};
use burn::store::ModuleRecord;
use burn::tensor::{Bytes, Tensor};

use crate::checkpoint::{Header, Section};
use crate::config::OptimizerKind;
use crate::error::CheckpointError;

pub(crate) fn part(name: &str) -> impl Fn(burn::store::RecordError) -> CheckpointError + '_ {
    move |e| CheckpointError::Part {
        part: name.to_string(),
        message: e.to_string(),
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
    bytes: &[u8],
) -> Result<(), CheckpointError> {
    let bad = |message: String| CheckpointError::Part {
        part: name.to_string(),
        message,
    };
    let expected = params(module);
    let reader = burn_pack::Reader::from_bytes(Bytes::from_bytes_vec(bytes.to_vec()))
        .map_err(|e| bad(e.to_string()))?;
    // Burn groups a state by the id its name starts with and rebuilds it with the rank its
    // `<id>.__rank` scalar gives: each must be a parameter of this model, of that rank.
    for (key, value) in reader.scalars() {
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
        let (tensor_name, _, shape, id, _) = tensor.into_parts().map_err(|e| bad(e.to_string()))?;
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
    let record =
        ModuleRecord::from_bytes(Bytes::from_bytes_vec(bytes.to_vec())).map_err(part(name))?;
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
    sections: &'a [Section],
    name: &str,
) -> Result<&'a [u8], CheckpointError> {
    sections
        .iter()
        .find(|s| s.name == name)
        .map(|s| s.bytes.as_slice())
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
        .ok_or_else(|| CheckpointError::Part {
            part: "header".into(),
            message: format!("no counter '{name}'"),
        })
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
    check_optimizer(module, kind, name, bytes)?;
    crate::readback::loading_onto(device, || {
        optimizer
            .clone()
            .from_bytes(Bytes::from_bytes_vec(bytes.to_vec()))
            .map_err(part(name))
    })
}
