//! The GAN as an [`Experiment`]: its named steps and its checkpoint sections.

use std::collections::BTreeMap;

use burn::module::{Module, ModuleVisitor, Param};
use burn::store::ModuleRecord;
use burn::tensor::{Bytes, Device, Tensor};

use super::Gan;
use crate::budget;
use crate::checkpoint::{Header, Section, SectionBounds};
use crate::config::Config;
use crate::error::CheckpointError;
use crate::experiment::Experiment;
use crate::snapshot::{PendingSnapshot, SnapshotOptions};

/// Tensors a player may have (an MLP of 8 hidden layers has 18; the DCGAN at most 10).
const MAX_TENSORS: u64 = 32;

fn part(name: &str) -> impl Fn(burn::store::RecordError) -> CheckpointError + '_ {
    move |e| CheckpointError::Part {
        part: name.to_string(),
        message: e.to_string(),
    }
}

/// The ids and shapes of a module's parameters, in visiting order.
struct Shapes(Vec<(u64, Vec<usize>)>);

impl ModuleVisitor for Shapes {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        self.0.push((param.id.val(), param.dims().to_vec()));
    }
}

fn params<M: Module>(m: &M) -> Vec<(u64, Vec<usize>)> {
    let mut v = Shapes(Vec::new());
    m.visit(&mut v);
    v.0
}

fn shapes<M: Module>(m: &M) -> Vec<Vec<usize>> {
    params(m).into_iter().map(|(_, s)| s).collect()
}

/// Burn loads an optimizer record on trust (a tensor without a parameter id panics, a moment
/// of another shape fails at the next step). So the record is read first: every tensor must
/// belong to one of `module`'s parameters and have its shape.
fn check_optimizer<M: Module>(module: &M, name: &str, bytes: &[u8]) -> Result<(), CheckpointError> {
    let bad = |message: String| CheckpointError::Part {
        part: name.to_string(),
        message,
    };
    let expected = params(module);
    let reader = burn_pack::Reader::from_bytes(Bytes::from_bytes_vec(bytes.to_vec()))
        .map_err(|e| bad(e.to_string()))?;
    for tensor in reader.into_tensors().map_err(|e| bad(e.to_string()))? {
        let (tensor_name, _, shape, id, _) = tensor.into_parts().map_err(|e| bad(e.to_string()))?;
        let id = id.ok_or_else(|| bad(format!("tensor {tensor_name} belongs to no parameter")))?;
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
fn load_module<M: Module>(fresh: M, name: &str, bytes: &[u8]) -> Result<M, CheckpointError> {
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

impl Gan {
    /// The sections of a checkpoint of `config`, with their sizes.
    pub fn section_bounds(config: &Config) -> Vec<SectionBounds> {
        let (g, d) = budget::players(config);
        // Optimizer state: nothing before the first step, at most two moments per parameter.
        let optim = |name: String, params: u64| SectionBounds {
            name,
            min: 0,
            max: 8 * params + 4096 + 1024 * MAX_TENSORS,
        };
        let mut out = vec![
            SectionBounds::record("discriminator".into(), d.params, MAX_TENSORS),
            optim("discriminator.optimizer".into(), d.params),
        ];
        for i in 0..config.objective.generators {
            out.push(SectionBounds::record(
                format!("generator.{i}"),
                g.params,
                MAX_TENSORS,
            ));
            out.push(optim(format!("generator.{i}.optimizer"), g.params));
        }
        out
    }
}

impl Experiment for Gan {
    fn config(&self) -> &Config {
        &self.config
    }

    fn device(&self) -> &Device {
        &self.device
    }

    fn iteration(&self) -> u64 {
        self.g_steps_done
    }

    fn step_names(&self) -> &'static [&'static str] {
        &["d", "g"]
    }

    fn step_named(&mut self, name: &str) -> Result<(), String> {
        match name {
            "d" => self.discriminator_step(),
            "g" => self.generator_step(),
            other => return Err(format!("the GAN has no step '{other}' (its steps: d, g)")),
        }
        Ok(())
    }

    fn step(&mut self) {
        Gan::step(self)
    }

    fn prepare_snapshot(&self, options: SnapshotOptions) -> PendingSnapshot {
        Gan::prepare_snapshot(self, options)
    }

    fn header(&self) -> Header {
        Header {
            config: self.config.clone(),
            counters: BTreeMap::from([
                ("d_steps".to_string(), self.d_steps_done),
                ("g_steps".to_string(), self.g_steps_done),
            ]),
            rng: self.rng.clone(),
        }
    }

    fn save_sections(&self) -> Result<Vec<Section>, CheckpointError> {
        let record = |name: String, m: ModuleRecord| -> Result<Section, CheckpointError> {
            let bytes = m.into_bytes().map_err(part(&name))?.to_vec();
            Ok(Section { name, bytes })
        };
        let optim =
            |name: String, o: &burn::optim::ModuleOptimizer| -> Result<Section, CheckpointError> {
                let bytes = o.into_bytes().map_err(part(&name))?.to_vec();
                Ok(Section { name, bytes })
            };
        let mut out = vec![
            record(
                "discriminator".into(),
                self.discriminator.clone().into_record(),
            )?,
            optim("discriminator.optimizer".into(), &self.d_optim)?,
        ];
        for (i, (g, o)) in self.generators.iter().zip(&self.g_optims).enumerate() {
            out.push(record(format!("generator.{i}"), g.clone().into_record())?);
            out.push(optim(format!("generator.{i}.optimizer"), o)?);
        }
        Ok(out)
    }

    fn load_sections(
        &mut self,
        header: &Header,
        sections: &[Section],
    ) -> Result<(), CheckpointError> {
        let bytes = |name: &str| {
            sections
                .iter()
                .find(|s| s.name == name)
                .map(|s| s.bytes.as_slice())
                .ok_or_else(|| CheckpointError::Part {
                    part: name.to_string(),
                    message: "missing".into(),
                })
        };
        let counter = |name: &str| {
            header
                .counters
                .get(name)
                .copied()
                .ok_or_else(|| CheckpointError::Part {
                    part: "header".into(),
                    message: format!("no counter '{name}'"),
                })
        };
        // Loaded weights keep the fresh module's parameter ids (burn's record maps by path),
        // so the optimizer records are checked against the loaded modules.
        self.discriminator = load_module(
            self.discriminator.clone(),
            "discriminator",
            bytes("discriminator")?,
        )?;
        let name = "discriminator.optimizer";
        check_optimizer(&self.discriminator, name, bytes(name)?)?;
        self.d_optim = self
            .d_optim
            .clone()
            .from_bytes(Bytes::from_bytes_vec(bytes(name)?.to_vec()))
            .map_err(part(name))?;
        for i in 0..self.generators.len() {
            let name = format!("generator.{i}");
            self.generators[i] = load_module(self.generators[i].clone(), &name, bytes(&name)?)?;
            let name = format!("{name}.optimizer");
            check_optimizer(&self.generators[i], &name, bytes(&name)?)?;
            self.g_optims[i] = self.g_optims[i]
                .clone()
                .from_bytes(Bytes::from_bytes_vec(bytes(&name)?.to_vec()))
                .map_err(part(&name))?;
        }
        self.rng = header.rng.clone();
        self.d_steps_done = counter("d_steps")?;
        self.g_steps_done = counter("g_steps")?;
        Ok(())
    }
}
