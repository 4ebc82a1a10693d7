//! The one place that builds an experiment: from a config ([`build`]) or from checkpoint bytes
//! ([`load`]), and the sections a checkpoint of a config must have ([`section_bounds`]). It
//! sits above the experiments, which know nothing of each other.

use burn::tensor::Device;

use crate::error::{CheckpointError, ConfigError};
use crate::experiments::gan::Gan;
use crate::spec::config::{Config, ExperimentKind};
use crate::train::checkpoint::{self, Section, SectionBounds};
use crate::train::experiment::{Assets, Experiment};

/// Builds the experiment a config describes.
pub fn build(
    config: Config,
    device: &Device,
    assets: &Assets,
) -> Result<Box<dyn Experiment>, ConfigError> {
    Ok(match config.experiment {
        ExperimentKind::Gan => Box::new(Gan::new(config, device, assets)?),
        ExperimentKind::Vae => Box::new(crate::experiments::vae::Vae::new(config, device, assets)?),
        #[cfg(feature = "classifier-training")]
        ExperimentKind::Classifier => Box::new(crate::experiments::classifier::Classifier::new(
            config, device, assets,
        )?),
        #[cfg(not(feature = "classifier-training"))]
        ExperimentKind::Classifier => {
            return Err(ConfigError::Invalid(
                "this build does not train the classifier (the CLI does: `minimax train --experiment classifier`)".into(),
            ));
        }
    })
}

/// The sections a checkpoint of this config must have, with the byte sizes each may take,
/// known from the config alone (checked before anything is allocated).
pub fn section_bounds(config: &Config) -> Vec<SectionBounds> {
    match config.experiment {
        ExperimentKind::Gan => Gan::section_bounds(config),
        ExperimentKind::Vae => crate::experiments::vae::section_bounds(config),
        ExperimentKind::Classifier => crate::experiments::classifier::section_bounds(config),
    }
}

/// A new experiment on `device` restored from checkpoint bytes.
pub fn load(
    bytes: &[u8],
    device: &Device,
    assets: &Assets,
) -> Result<Box<dyn Experiment>, CheckpointError> {
    let table = checkpoint::sections(bytes)?;
    let header = checkpoint::read_header(&table)?;
    let expected = section_bounds(&header.config);
    let found: Vec<&str> = table[1..].iter().map(|(n, _)| *n).collect();
    let wanted: Vec<&str> = expected.iter().map(|b| b.name.as_str()).collect();
    if found != wanted {
        return Err(checkpoint::corrupt(format!(
            "sections {found:?}, but this config needs {wanted:?}"
        )));
    }
    for ((name, payload), bounds) in table[1..].iter().zip(&expected) {
        let n = payload.len() as u64;
        if n < bounds.min || n > bounds.max {
            return Err(CheckpointError::Part {
                part: name.to_string(),
                message: format!(
                    "{n} bytes, but this config needs {}..={} bytes",
                    bounds.min, bounds.max
                ),
            });
        }
    }
    let mut experiment = build(header.config.clone(), device, assets)?;
    let sections: Vec<Section> = table[1..]
        .iter()
        .map(|&(name, bytes)| Section { name, bytes })
        .collect();
    experiment.load_sections(&header, &sections)?;
    Ok(experiment)
}
