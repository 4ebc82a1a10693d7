//! Checkpoints, format version 2: named sections, checked before anything is allocated.
//!
//! Layout (little-endian): `MINIMAX\0` · format version u32 · total length u64 · CRC-32 of the
//! body u32 · body: sections, each a name (u16 length, UTF-8) and a payload (u64 length,
//! bytes). The first section is `header` (JSON: the nested config, the step counters, the RNG
//! state); the experiment names the others (the GAN: `discriminator`,
//! `discriminator.optimizer`, `generator.0`, `generator.0.optimizer`, …), whose payloads are
//! burn records (burnpack).
//!
//! Loading checks, in order and before building anything: signature, version, length,
//! checksum, the section table, the header (config validated, budget included; RNG state
//! valid), then every section's name and size against what the config implies. Only then is
//! an experiment built and its records loaded, and each loaded tensor's shape compared with the
//! fresh one's. Every failure is an error value; the running session is never touched.

use crate::error::CheckpointError;
use crate::train::experiment::Experiment;
pub use crate::train::records::{Header, Section, SectionBounds};

const MAGIC: &[u8; 8] = b"MINIMAX\0";
/// The checkpoint format version this build writes and reads.
pub const FORMAT_VERSION: u32 = 2;
const PREAMBLE: usize = 8 + 4 + 8 + 4;
const MAX_NAME: usize = 64;
const MAX_SECTIONS: usize = 64;
const HEADER: &str = "header";
/// Bytes a header may take (a config with 100 000 drawn points is about 2.5 MB of JSON).
const MAX_HEADER: u64 = 8 << 20;

/// A checkpoint whose tensors are still on the device: [`read`](Self::read) it (async, as the
/// browser's GPU needs) or, natively, [`read_sync`](Self::read_sync).
pub struct PendingCheckpoint {
    header: Vec<u8>,
    sections: Vec<crate::train::readback::PendingRecord>,
}

/// Gathers the whole state of a run for reading; nothing is read here.
pub fn prepare(experiment: &dyn Experiment) -> Result<PendingCheckpoint, CheckpointError> {
    let header = serde_json::to_vec(&experiment.header()).map_err(|e| CheckpointError::Part {
        part: HEADER.into(),
        message: e.to_string(),
    })?;
    Ok(PendingCheckpoint {
        header,
        sections: experiment.pending_sections(),
    })
}

impl PendingCheckpoint {
    /// The checkpoint's bytes, once the device has answered.
    pub async fn read(self) -> Result<Vec<u8>, CheckpointError> {
        let mut sections = vec![(HEADER.to_string(), self.header)];
        for s in self.sections {
            sections.push(s.read().await?);
        }
        Ok(encode_owned(&sections))
    }

    /// The checkpoint's bytes, read synchronously (native only).
    #[cfg(not(target_family = "wasm"))]
    pub fn read_sync(self) -> Result<Vec<u8>, CheckpointError> {
        let mut sections = vec![(HEADER.to_string(), self.header)];
        for s in self.sections {
            sections.push(s.read_sync()?);
        }
        Ok(encode_owned(&sections))
    }
}

fn encode_owned(sections: &[(String, Vec<u8>)]) -> Vec<u8> {
    let table: Vec<(&str, &[u8])> = sections
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    encode(&table)
}

/// The whole state of a run as bytes (native: reads synchronously).
#[cfg(not(target_family = "wasm"))]
pub fn save(experiment: &dyn Experiment) -> Result<Vec<u8>, CheckpointError> {
    prepare(experiment)?.read_sync()
}

/// Checkpoint bytes of these (name, payload) sections: preamble, length and checksum included.
pub fn encode(sections: &[(&str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, payload) in sections {
        body.extend_from_slice(&(name.len() as u16).to_le_bytes());
        body.extend_from_slice(name.as_bytes());
        body.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        body.extend_from_slice(payload);
    }
    let mut out = Vec::with_capacity(PREAMBLE + body.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&((PREAMBLE + body.len()) as u64).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
    out.extend_from_slice(&body);
    out
}

/// The next `n` bytes of `rest`, which moves past them.
fn take<'a>(rest: &mut &'a [u8], n: u64, what: &str) -> Result<&'a [u8], CheckpointError> {
    if (rest.len() as u64) < n {
        return Err(corrupt(format!("{what} runs past the end of the file")));
    }
    let (head, tail) = rest.split_at(n as usize);
    *rest = tail;
    Ok(head)
}

pub(crate) fn corrupt(message: impl Into<String>) -> CheckpointError {
    CheckpointError::Part {
        part: "section table".into(),
        message: message.into(),
    }
}

/// The section table of checkpoint bytes (signature, version, length and checksum checked).
pub fn sections(bytes: &[u8]) -> Result<Vec<(&str, &[u8])>, CheckpointError> {
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        return Err(CheckpointError::Foreign);
    }
    if bytes.len() as u64 > crate::spec::budget::CHECKPOINT_BYTES {
        return Err(corrupt(format!(
            "{} bytes, more than any config within the budget writes ({} bytes)",
            bytes.len(),
            crate::spec::budget::CHECKPOINT_BYTES
        )));
    }
    if bytes.len() < PREAMBLE {
        return Err(CheckpointError::Truncated {
            expected: PREAMBLE as u64,
            found: bytes.len() as u64,
        });
    }
    let u32_at = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().expect("4 bytes"));
    let version = u32_at(8);
    if version != FORMAT_VERSION {
        return Err(CheckpointError::Version {
            found: version,
            supported: FORMAT_VERSION,
        });
    }
    let total = u64::from_le_bytes(bytes[12..20].try_into().expect("8 bytes"));
    if (bytes.len() as u64) < total {
        return Err(CheckpointError::Truncated {
            expected: total,
            found: bytes.len() as u64,
        });
    }
    let body = &bytes[PREAMBLE..];
    if bytes.len() as u64 != total || crc32fast::hash(body) != u32_at(20) {
        return Err(CheckpointError::Corrupt);
    }
    let mut out: Vec<(&str, &[u8])> = Vec::new();
    let mut rest = body;
    while !rest.is_empty() {
        if out.len() == MAX_SECTIONS {
            return Err(corrupt(format!("more than {MAX_SECTIONS} sections")));
        }
        let name_len =
            u16::from_le_bytes(take(&mut rest, 2, "a name length")?.try_into().expect("2"));
        if name_len as usize > MAX_NAME {
            return Err(corrupt(format!("a section name of {name_len} bytes")));
        }
        let name = std::str::from_utf8(take(&mut rest, name_len as u64, "a name")?)
            .map_err(|_| corrupt("a section name is not text"))?;
        let len = u64::from_le_bytes(
            take(&mut rest, 8, "a section length")?
                .try_into()
                .expect("8"),
        );
        let payload = take(&mut rest, len, "a section")?;
        if out.iter().any(|(n, _)| *n == name) {
            return Err(corrupt(format!("section '{name}' appears twice")));
        }
        out.push((name, payload));
    }
    Ok(out)
}

/// Reads and checks the header of checkpoint bytes (no allocation beyond the header).
pub fn header(bytes: &[u8]) -> Result<Header, CheckpointError> {
    let table = sections(bytes)?;
    read_header(&table)
}

pub(crate) fn read_header(table: &[(&str, &[u8])]) -> Result<Header, CheckpointError> {
    let (name, payload) = table.first().ok_or_else(|| corrupt("no sections"))?;
    if *name != HEADER {
        return Err(corrupt(format!(
            "the first section is '{name}', not '{HEADER}'"
        )));
    }
    if payload.len() as u64 > MAX_HEADER {
        return Err(corrupt(format!("a header of {} bytes", payload.len())));
    }
    let header: Header = serde_json::from_slice(payload).map_err(|e| CheckpointError::Part {
        part: HEADER.into(),
        message: e.to_string(),
    })?;
    crate::train::records::check_counters(&header)?;
    Ok(header)
}
