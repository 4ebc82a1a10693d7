//! Errors are values with messages a user can act on. Each also says what it says by a
//! stable code with named parameters ([`Coded`]), for a page to say it in its own language
//! (the Polish page's `engine` strings); English is the error's `Display`.

use thiserror::Error;

/// A message by its code, its parameters and its English text (a rule of the config that a
/// page translates by the code and fills in with the parameters).
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub code: &'static str,
    pub params: Vec<(&'static str, String)>,
    pub text: String,
}

impl Message {
    pub fn new(
        code: &'static str,
        params: &[(&'static str, String)],
        text: impl Into<String>,
    ) -> Self {
        Self {
            code,
            params: params.to_vec(),
            text: text.into(),
        }
    }
}

impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// Every code an error of the engine may carry, with its parameters' names, in the order of
/// [`Coded::params`]. A page that translates the engine's messages has a template for each
/// (`tests/messages.rs` checks the Polish page's).
pub const CODES: &[(&str, &[&str])] = &[
    ("config-parse", &["detail"]),
    ("config-invalid", &["detail"]),
    ("config-out-of-range", &["field", "value", "allowed"]),
    ("config-unknown-option", &["name", "known"]),
    ("config-not-one-of", &["field", "value", "allowed"]),
    (
        "config-applies-only-when",
        &["field", "when", "values", "is"],
    ),
    ("config-points-empty", &[]),
    ("config-points-too-many", &["max"]),
    ("config-point-not-finite", &["point"]),
    ("config-needs-digits", &["experiment", "dataset"]),
    ("config-unrolled-through", &[]),
    ("config-d-batch-norm-penalty", &[]),
    ("config-d-batch-norm-vae", &[]),
    ("config-ema-needs-images", &[]),
    ("config-conditional", &[]),
    ("config-clusters", &[]),
    ("config-vae-players", &["dataset", "model"]),
    ("config-dcgan-needs-images", &["dataset"]),
    (
        "config-generators-exceed-batch",
        &["generators", "batch_size"],
    ),
    (
        "config-too-large-memory",
        &["need", "state", "activations", "budget", "fields"],
    ),
    ("config-too-large-work", &["need", "budget", "fields"]),
    ("checkpoint-foreign", &[]),
    ("checkpoint-truncated", &["expected", "found"]),
    ("checkpoint-corrupt", &[]),
    ("checkpoint-version", &["found", "supported"]),
    ("checkpoint-part", &["part", "message"]),
    ("backend-unavailable", &["backend", "message"]),
    ("train-non-finite", &["what"]),
    ("train-read-back", &["detail"]),
];

/// What an error says, by a stable code (one of [`CODES`]) and its parameters.
pub trait Coded: std::fmt::Display {
    fn code(&self) -> &'static str;
    fn params(&self) -> Vec<(&'static str, String)>;
}

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
    /// A rule of the config, by its code (translated by a page).
    #[error("invalid config: {0}")]
    Rule(Message),
}

impl Coded for ConfigError {
    fn code(&self) -> &'static str {
        match self {
            ConfigError::Parse(_) => "config-parse",
            ConfigError::Invalid(_) => "config-invalid",
            ConfigError::OutOfRange { .. } => "config-out-of-range",
            ConfigError::Rule(m) => m.code,
        }
    }
    fn params(&self) -> Vec<(&'static str, String)> {
        match self {
            ConfigError::Parse(d) | ConfigError::Invalid(d) => vec![("detail", d.clone())],
            ConfigError::OutOfRange {
                field,
                value,
                allowed,
            } => vec![
                ("field", field.to_string()),
                ("value", value.clone()),
                // The range itself, without the English words around an interval.
                (
                    "allowed",
                    allowed.trim_start_matches("a number in ").to_string(),
                ),
            ],
            ConfigError::Rule(m) => m.params.clone(),
        }
    }
}

impl Coded for CheckpointError {
    fn code(&self) -> &'static str {
        match self {
            CheckpointError::Foreign => "checkpoint-foreign",
            CheckpointError::Truncated { .. } => "checkpoint-truncated",
            CheckpointError::Corrupt => "checkpoint-corrupt",
            CheckpointError::Version { .. } => "checkpoint-version",
            CheckpointError::Part { .. } => "checkpoint-part",
            CheckpointError::Config(c) => c.code(),
        }
    }
    fn params(&self) -> Vec<(&'static str, String)> {
        match self {
            CheckpointError::Foreign | CheckpointError::Corrupt => vec![],
            CheckpointError::Truncated { expected, found } => {
                vec![
                    ("expected", expected.to_string()),
                    ("found", found.to_string()),
                ]
            }
            CheckpointError::Version { found, supported } => {
                vec![
                    ("found", found.to_string()),
                    ("supported", supported.to_string()),
                ]
            }
            CheckpointError::Part { part, message } => {
                vec![("part", part.clone()), ("message", message.clone())]
            }
            CheckpointError::Config(c) => c.params(),
        }
    }
}

impl Coded for BackendError {
    fn code(&self) -> &'static str {
        "backend-unavailable"
    }
    fn params(&self) -> Vec<(&'static str, String)> {
        let BackendError::Unavailable { backend, message } = self;
        vec![
            ("backend", backend.to_string()),
            ("message", message.clone()),
        ]
    }
}

impl Coded for TrainError {
    fn code(&self) -> &'static str {
        match self {
            TrainError::NonFinite(_) => "train-non-finite",
            TrainError::ReadBack(_) => "train-read-back",
            TrainError::Config(c) => c.code(),
        }
    }
    fn params(&self) -> Vec<(&'static str, String)> {
        match self {
            TrainError::NonFinite(what) => vec![("what", what.to_string())],
            TrainError::ReadBack(d) => vec![("detail", d.clone())],
            TrainError::Config(c) => c.params(),
        }
    }
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
