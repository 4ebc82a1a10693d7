//! Checkpoints: config + weights + optimizer state + step counts + RNG state, to bytes and
//! back. Weights and optimizer states use burn's own record format (burnpack).
//!
//! Layout (little-endian):
//! `MINIMAX\0` · format version u32 · total length u64 · CRC-32 of the sections u32 ·
//! sections, each a u64 length and its bytes: header JSON, D, D's optimizer, then for each
//! generator its weights and its optimizer.
//!
//! Loading builds a new [`Trainer`]; the running one is never touched, so a bad file
//! costs the user nothing.

use burn::module::Module;
use burn::store::ModuleRecord;
use burn::tensor::{Bytes, Device};
use serde::{Deserialize, Serialize};

use crate::config::TrainConfig;
use crate::error::CheckpointError;
use crate::rng::RunRng;
use crate::trainer::Trainer;

const MAGIC: &[u8; 8] = b"MINIMAX\0";
/// The checkpoint format version this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;
const PREAMBLE: usize = 8 + 4 + 8 + 4;

#[derive(Serialize, Deserialize)]
struct Header {
    config: TrainConfig,
    d_steps_done: u64,
    g_steps_done: u64,
    rng: RunRng,
}

fn part_error(part: &'static str) -> impl Fn(burn::store::RecordError) -> CheckpointError {
    move |e| CheckpointError::Part {
        part,
        message: e.to_string(),
    }
}

impl Trainer {
    /// The whole state of the run as bytes.
    pub fn to_checkpoint(&self) -> Result<Vec<u8>, CheckpointError> {
        let header = Header {
            config: self.config.clone(),
            d_steps_done: self.d_steps_done,
            g_steps_done: self.g_steps_done,
            rng: self.rng.clone(),
        };
        let mut sections: Vec<Vec<u8>> =
            vec![serde_json::to_vec(&header).expect("header serialises")];
        sections.push(
            self.discriminator
                .clone()
                .into_record()
                .into_bytes()
                .map_err(part_error("discriminator"))?
                .to_vec(),
        );
        sections.push(
            self.d_optim
                .into_bytes()
                .map_err(part_error("discriminator optimizer"))?
                .to_vec(),
        );
        for (g, optim) in self.generators.iter().zip(&self.g_optims) {
            sections.push(
                g.clone()
                    .into_record()
                    .into_bytes()
                    .map_err(part_error("generator"))?
                    .to_vec(),
            );
            sections.push(
                optim
                    .into_bytes()
                    .map_err(part_error("generator optimizer"))?
                    .to_vec(),
            );
        }
        let mut body = Vec::new();
        for s in &sections {
            body.extend_from_slice(&(s.len() as u64).to_le_bytes());
            body.extend_from_slice(s);
        }
        let mut out = Vec::with_capacity(PREAMBLE + body.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&((PREAMBLE + body.len()) as u64).to_le_bytes());
        out.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
        out.extend_from_slice(&body);
        Ok(out)
    }

    /// A new trainer on `device` restored from checkpoint bytes.
    pub fn from_checkpoint(bytes: &[u8], device: &Device) -> Result<Trainer, CheckpointError> {
        if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
            return Err(CheckpointError::Foreign);
        }
        if bytes.len() < PREAMBLE {
            return Err(CheckpointError::Truncated {
                expected: PREAMBLE,
                found: bytes.len(),
            });
        }
        let u32_at = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().unwrap());
        let version = u32_at(8);
        if version != FORMAT_VERSION {
            return Err(CheckpointError::Version {
                found: version,
                supported: FORMAT_VERSION,
            });
        }
        let total = u64::from_le_bytes(bytes[12..20].try_into().unwrap()) as usize;
        if bytes.len() < total {
            return Err(CheckpointError::Truncated {
                expected: total,
                found: bytes.len(),
            });
        }
        let body = &bytes[PREAMBLE..];
        if bytes.len() != total || crc32fast::hash(body) != u32_at(20) {
            return Err(CheckpointError::Corrupt);
        }
        let mut sections = Vec::new();
        let mut rest = body;
        while !rest.is_empty() {
            if rest.len() < 8 {
                return Err(CheckpointError::Corrupt);
            }
            let len = u64::from_le_bytes(rest[..8].try_into().unwrap()) as usize;
            if rest.len() - 8 < len {
                return Err(CheckpointError::Corrupt);
            }
            sections.push(&rest[8..8 + len]);
            rest = &rest[8 + len..];
        }
        let header: Header = serde_json::from_slice(
            sections.first().ok_or(CheckpointError::Corrupt)?,
        )
        .map_err(|e| CheckpointError::Part {
            part: "header",
            message: e.to_string(),
        })?;
        header.config.validate()?;
        if sections.len() != 3 + 2 * header.config.generators {
            return Err(CheckpointError::Part {
                part: "sections",
                message: format!(
                    "{} sections for {} generators",
                    sections.len(),
                    header.config.generators
                ),
            });
        }
        let mut trainer = Trainer::new(header.config, device)?;
        let record = |part: &'static str, s: &[u8]| {
            ModuleRecord::from_bytes(Bytes::from_bytes_vec(s.to_vec())).map_err(part_error(part))
        };
        trainer.discriminator = trainer
            .discriminator
            .clone()
            .try_load_record(record("discriminator", sections[1])?)
            .map_err(part_error("discriminator"))?;
        trainer.d_optim = trainer
            .d_optim
            .clone()
            .from_bytes(Bytes::from_bytes_vec(sections[2].to_vec()))
            .map_err(part_error("discriminator optimizer"))?;
        for i in 0..trainer.generators.len() {
            trainer.generators[i] = trainer.generators[i]
                .clone()
                .try_load_record(record("generator", sections[3 + 2 * i])?)
                .map_err(part_error("generator"))?;
            trainer.g_optims[i] = trainer.g_optims[i]
                .clone()
                .from_bytes(Bytes::from_bytes_vec(sections[4 + 2 * i].to_vec()))
                .map_err(part_error("generator optimizer"))?;
        }
        trainer.rng = header.rng;
        trainer.d_steps_done = header.d_steps_done;
        trainer.g_steps_done = header.g_steps_done;
        Ok(trainer)
    }
}
