//! The GAN as an [`Experiment`]: its named steps and its checkpoint sections.

use std::collections::BTreeMap;

use burn::module::Module;
use burn::tensor::Device;

use super::Gan;
use crate::error::CheckpointError;
use crate::spec::budget;
use crate::spec::config::Config;
use crate::train::checkpoint::{Header, Section, SectionBounds};
use crate::train::experiment::Experiment;
use crate::train::readback::PendingRecord;
use crate::train::records::{counter, load_module, load_optimizer, section};
use crate::train::snapshot::{PendingSnapshot, SnapshotOptions};

/// Tensors a player may have (an MLP of 8 hidden layers has 18; the DCGAN at most 10).
const MAX_TENSORS: u64 = 32;

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
            if config.optim.ema > 0.0 {
                out.push(SectionBounds::record(
                    format!("generator.{i}.average"),
                    g.params,
                    MAX_TENSORS,
                ));
            }
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

    fn train(&mut self, iterations: u64) {
        Gan::train(self, iterations)
    }

    fn prepare_snapshot(&self, options: SnapshotOptions) -> PendingSnapshot {
        Gan::prepare_snapshot(self, options)
    }

    fn retune(&mut self, config: &Config) -> Result<bool, crate::error::ConfigError> {
        Gan::retune(self, config)
    }

    /// G's samples (the mixture of all generators) for codes drawn from the run's seed.
    fn samples(&self, n: usize, rows: std::ops::Range<usize>) -> Option<burn::tensor::Tensor<2>> {
        Some(self.samples_from_seed(n, self.config.seed, rows))
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
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

    fn pending_sections(&self) -> Vec<PendingRecord> {
        let mut out = vec![
            PendingRecord::module("discriminator".into(), &self.discriminator),
            PendingRecord::optimizer("discriminator.optimizer".into(), &self.d_optim),
        ];
        for (i, (g, o)) in self.generators.iter().zip(&self.g_optims).enumerate() {
            out.push(PendingRecord::module(format!("generator.{i}"), g));
            out.push(PendingRecord::optimizer(
                format!("generator.{i}.optimizer"),
                o,
            ));
            if let Some(average) = &self.average {
                out.push(PendingRecord::module(
                    format!("generator.{i}.average"),
                    &average[i],
                ));
            }
        }
        out
    }

    fn load_sections(
        &mut self,
        header: &Header,
        sections: &[Section<'_>],
    ) -> Result<(), CheckpointError> {
        let bytes = |name: &str| section(sections, name);
        // Loaded weights take the record's parameter ids (burn maps a record by path and keeps
        // its ids), so the optimizer records are checked against the loaded modules.
        self.discriminator = load_module(
            self.discriminator.clone(),
            "discriminator",
            bytes("discriminator")?,
        )?;
        let name = "discriminator.optimizer";
        let device = self.device.clone();
        self.d_optim = load_optimizer(
            &self.discriminator,
            self.config.optim.optimizer_d,
            &self.d_optim,
            name,
            bytes(name)?,
            &device,
        )?;
        for i in 0..self.generators.len() {
            let name = format!("generator.{i}");
            self.generators[i] = load_module(self.generators[i].clone(), &name, bytes(&name)?)?;
            let name = format!("{name}.optimizer");
            self.g_optims[i] = load_optimizer(
                &self.generators[i],
                self.config.optim.optimizer_g,
                &self.g_optims[i],
                &name,
                bytes(&name)?,
                &device,
            )?;
        }
        if let Some(average) = &mut self.average {
            for (i, a) in average.iter_mut().enumerate() {
                let name = format!("generator.{i}.average");
                *a = load_module(a.clone(), &name, bytes(&name)?)?.no_grad();
            }
        }
        self.rng = header.rng.clone();
        self.d_steps_done = counter(header, "d_steps")?;
        self.g_steps_done = counter(header, "g_steps")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Assets, train::checkpoint};
    use burn::module::Module;
    use burn::store::ModuleRecord;
    use burn::tensor::Bytes;

    /// A section's contents in an order of its own: the header as it is; a burn-pack record as
    /// its tensors sorted by name (with dtype, shape, parameter id and data), scalars and
    /// metadata.
    fn canonical(name: &str, payload: &[u8]) -> Vec<u8> {
        if name == "header" {
            return payload.to_vec();
        }
        let r = burn_pack::Reader::from_bytes(Bytes::from_bytes_vec(payload.to_vec())).unwrap();
        let mut out = format!("{:?}{:?}", r.metadata(), r.scalars()).into_bytes();
        let mut tensors: Vec<_> = r
            .into_tensors()
            .unwrap()
            .into_iter()
            .map(|t| t.into_parts().unwrap())
            .collect();
        tensors.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, dtype, shape, id, bytes) in tensors {
            out.extend(format!("{name}{dtype:?}{:?}{id:?}", shape.as_slice()).into_bytes());
            out.extend_from_slice(&bytes);
        }
        out
    }

    /// Burn's own bytes of every section, read synchronously.
    fn burns_own(gan: &Gan) -> Vec<(String, Vec<u8>)> {
        let module = |m: ModuleRecord| m.into_bytes().unwrap().to_vec();
        // (With its states in the order of their names, as the engine writes them.)
        let optim = |o: &burn::optim::ModuleOptimizer| {
            crate::train::readback::in_name_order(o.into_bytes().unwrap())
                .unwrap()
                .to_vec()
        };
        let mut out = vec![
            (
                "discriminator".to_string(),
                module(gan.discriminator.clone().into_record()),
            ),
            ("discriminator.optimizer".to_string(), optim(&gan.d_optim)),
        ];
        for (i, (g, o)) in gan.generators.iter().zip(&gan.g_optims).enumerate() {
            out.push((format!("generator.{i}"), module(g.clone().into_record())));
            out.push((format!("generator.{i}.optimizer"), optim(o)));
        }
        out
    }

    /// The sections read in two phases (as the browser's GPU needs) are burn's own records,
    /// byte for byte, read synchronously or awaited, for every optimizer, both architectures
    /// and batch norm; and a checkpoint written so loads back into the same state.
    #[test]
    fn sections_read_in_two_phases_are_burns_own_records() {
        let assets = Assets {
            mnist: Some(std::sync::Arc::new(crate::data::mnist::Mnist::noise(32, 9))),
        };
        let dcgan = serde_json::json!({"dataset": "mnist", "model": "dcgan", "latent_dim": 8,
            "g_channels": 8, "d_channels": 4, "batch_size": 8});
        for (base, options) in [
            (
                serde_json::json!({}),
                serde_json::json!({"optimizer": "adam"}),
            ),
            (
                serde_json::json!({}),
                serde_json::json!({"optimizer": "sgd", "generators": 2}),
            ),
            (
                serde_json::json!({}),
                serde_json::json!({"optimizer": "rmsprop", "unrolled": 1}),
            ),
            (dcgan.clone(), serde_json::json!({})),
            (
                dcgan,
                serde_json::json!({"batch_norm": false, "optimizer_g": "rmsprop"}),
            ),
        ] {
            let mut flat = base;
            flat.as_object_mut()
                .unwrap()
                .extend(options.as_object().unwrap().clone());
            let config = Config::from_value(&flat).unwrap();
            let mut gan = Gan::new(config, &crate::testing::flex(), &assets).unwrap();
            gan.train(3);
            let own = burns_own(&gan);
            let sync: Vec<_> = gan
                .pending_sections()
                .into_iter()
                .map(|p| p.read_sync().unwrap())
                .collect();
            let awaited: Vec<_> = gan
                .pending_sections()
                .into_iter()
                .map(|p| crate::train::readback::block_on(p.read()).unwrap())
                .collect();
            assert_eq!(sync, own, "{flat}");
            assert_eq!(awaited, own, "{flat}");
            let bytes = checkpoint::save(&gan).unwrap();
            let async_bytes =
                crate::train::readback::block_on(checkpoint::prepare(&gan).unwrap().read())
                    .unwrap();
            assert_eq!(bytes, async_bytes);
            // Loaded and saved again: the same tensors, scalars and metadata (an optimizer lists
            // its states in the order of a hash map, which a new map need not repeat).
            let loaded = crate::launch::load(&bytes, &crate::testing::flex(), &assets).unwrap();
            let again = checkpoint::save(loaded.as_ref()).unwrap();
            let parsed = |b: &[u8]| -> Vec<(String, Vec<u8>)> {
                checkpoint::sections(b)
                    .unwrap()
                    .into_iter()
                    .map(|(name, payload)| (name.to_string(), canonical(name, payload)))
                    .collect()
            };
            assert_eq!(parsed(&again), parsed(&bytes), "{flat}");
        }
    }
}

#[cfg(test)]
mod crafted {
    use super::*;
    use crate::Assets;
    use crate::train::records::{check_optimizer, params};
    use burn::tensor::Bytes;

    /// `bytes` (an optimizer record) rewritten: each tensor's name through `rename`, each
    /// scalar's value through `rescalar`.
    fn rewrite(
        bytes: &[u8],
        rename: impl Fn(&str) -> String,
        rescalar: impl Fn(&str, burn_pack::Scalar) -> burn_pack::Scalar,
    ) -> Vec<u8> {
        let r = burn_pack::Reader::from_bytes(Bytes::from_bytes_vec(bytes.to_vec())).unwrap();
        let metadata = r.metadata().clone();
        let scalars = r.scalars().clone();
        let tensors = r
            .into_tensors()
            .unwrap()
            .into_iter()
            .map(|t| {
                let (name, dtype, shape, id, data) = t.into_parts().unwrap();
                burn_pack::Tensor::new(rename(&name), dtype, shape, id, data)
            })
            .collect();
        let mut w = burn_pack::Writer::new(tensors);
        for (k, v) in &metadata {
            w = w.with_metadata(k, v);
        }
        for (k, v) in scalars {
            w = w.with_scalar(&k, rescalar(&k, v));
        }
        w.into_bytes().unwrap().to_vec()
    }

    /// Optimizer records that burn would load and then fail on at the next step are refused
    /// on load: a state filed under another parameter's id, a rank that is not its parameter's.
    #[test]
    fn crafted_optimizer_records_are_refused_at_load() {
        for optimizer in ["adam", "sgd"] {
            let config = Config::from_value(&serde_json::json!({"optimizer": optimizer})).unwrap();
            let mut gan = Gan::new(config, &crate::testing::flex(), &Assets::default()).unwrap();
            gan.train(2);
            let d = gan.d_optim.into_bytes().unwrap().to_vec();
            let ids: Vec<String> = params(&gan.discriminator)
                .iter()
                .map(|(id, _)| id.to_string())
                .collect();
            let check = |b: &[u8]| {
                let b = Bytes::from_bytes_vec(b.to_vec());
                check_optimizer(&gan.discriminator, gan.config.optim.optimizer_d, "d", &b)
            };
            assert!(check(&d).is_ok(), "{optimizer}: the genuine record");
            let (a, b) = (ids[0].clone(), ids[1].clone());
            // The states of two parameters exchange names; each keeps its own id and shape.
            let swap = |n: &str| match n.split_once('.') {
                Some((id, rest)) if id == a => format!("{b}.{rest}"),
                Some((id, rest)) if id == b => format!("{a}.{rest}"),
                _ => n.to_string(),
            };
            let swapped = rewrite(&d, swap, |_, v| v);
            if optimizer == "adam" {
                assert!(
                    check(&swapped).is_err(),
                    "a state under another parameter's id"
                );
            }
            let rank = rewrite(
                &d,
                |n| n.to_string(),
                |k, v| {
                    if k.ends_with(".__rank") {
                        burn_pack::Scalar::from(3u64)
                    } else {
                        v
                    }
                },
            );
            let err = check(&rank).unwrap_err().to_string();
            assert!(err.contains("rank"), "{optimizer}: {err}");
        }
    }
}
