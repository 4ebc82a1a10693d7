//! Errors are values with messages a user can act on.

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq)]
pub enum ConfigError {
    #[error("invalid config: {0}")]
    Parse(String),
    #[error("invalid config: {field} = {value} is out of range (allowed: {allowed})")]
    OutOfRange {
        field: &'static str,
        value: String,
        allowed: String,
    },
    #[error("invalid config: {0}")]
    Invalid(String),
}

#[derive(Debug, Error, Clone, PartialEq)]
pub enum CheckpointError {
    #[error("not a Minimax checkpoint (the file does not start with the Minimax signature)")]
    Foreign,
    #[error("the checkpoint is truncated (expected {expected} bytes, found {found})")]
    Truncated { expected: u64, found: u64 },
    #[error("the checkpoint is corrupt (its checksum does not match its contents)")]
    Corrupt,
    #[error(
        "checkpoint format version {found} is not supported (this build reads version {supported})"
    )]
    Version { found: u32, supported: u32 },
    #[error("the checkpoint's {part} could not be read: {message}")]
    Part { part: String, message: String },
    #[error("the checkpoint's config is invalid: {0}")]
    Config(#[from] ConfigError),
}

#[derive(Debug, Error, Clone, PartialEq)]
pub enum BackendError {
    #[error("the {backend} backend is not available: {message}")]
    Unavailable {
        backend: &'static str,
        message: String,
    },
}

#[derive(Debug, Error, Clone, PartialEq)]
pub enum TrainError {
    #[error("training diverged: {0} is not a finite number (try a smaller learning rate)")]
    NonFinite(&'static str),
    #[error("the snapshot could not be read back from the device: {0}")]
    ReadBack(String),
    #[error(transparent)]
    Config(#[from] ConfigError),
}
