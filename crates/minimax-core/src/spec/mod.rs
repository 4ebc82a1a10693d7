//! The spec: what a run is, before anything is built. `config` the options, declared once
//! (structs, defaults, names, ranges, help, live or not), `scalars` the catalogue of what a
//! snapshot reports, `budget` what a config will cost (memory, work), `schema` parsing and
//! validation (the budget included) and the machine-readable description.

pub mod config;
pub mod scalars;
pub mod budget;
pub mod schema;
