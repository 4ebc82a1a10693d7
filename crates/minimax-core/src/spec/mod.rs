//! The spec: what a run is, before anything is built. `config` the options as plain data,
//! `budget` what a config will cost (memory, work), `schema` the one list of options (names,
//! ranges, defaults, help, live or not) with parsing and validation, the budget included.

pub mod config;
pub mod budget;
pub mod schema;
