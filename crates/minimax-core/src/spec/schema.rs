//! The config schema: what is made of the options declared in `config.rs` ([`FIELDS`]) — the
//! nested and flat JSON (CLI flags `--lr-d`, URL parameters `?lr_d=`, the page's form
//! controls), the range checks and the rules between fields, the budget's check, the
//! machine-readable description ([`describe`]) and the README's table ([`markdown`]).
//!
//! A field belongs to a section (`data`, `model`, `objective`, `optim`, or the top level) and
//! may apply only to some variants of a tag (`data_dim` only when `dataset` is `gaussian`,
//! `g_channels` only when `model` is `dcgan`). Given explicitly where it does not apply, a
//! field is an error unless it holds its default (so old flat configs, which wrote every field,
//! keep loading); inherited from a previous config, it is dropped.

use serde_json::{Map, Value, json};

use serde::{Deserialize, Serialize};

use crate::error::{ConfigError, Message};
use crate::spec::budget;
use crate::spec::config::{Config, DatasetKind, ExperimentKind, IMAGE_SIDE, LossKind, ModelKind};
pub use crate::spec::config::{FIELDS, Field, Kind, MAX_SEED, When, field};

/// Whether `b` differs from `a` only in live options ([`Field::live`]).
pub fn only_live_changes(a: &Config, b: &Config) -> bool {
    FIELDS.iter().all(|f| f.live || f.get(a) == f.get(b))
}

/// Shorthands that set several fields (a field given by its own name wins).
pub static ALIASES: &[(&str, &[&str], &str)] = &[
    ("lr", &["lr_d", "lr_g"], "learning rate of both players"),
    (
        "optimizer",
        &["optimizer_d", "optimizer_g"],
        "optimizer of both players",
    ),
];

const SECTIONS: &[&str] = &["data", "model", "objective", "optim"];

/// The kebab-case name of an enum value (`DatasetKind::Mnist` → `mnist`).
pub fn name_of<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(s)) => s,
        other => format!("{other:?}"),
    }
}

fn unknown(name: &str) -> ConfigError {
    let known: Vec<&str> = FIELDS
        .iter()
        .map(|f| f.name)
        .chain(ALIASES.iter().map(|a| a.0))
        .collect();
    let known = known.join(", ");
    rule(
        "config-unknown-option",
        &[("name", name.into()), ("known", known.clone())],
        format!("unknown option '{name}' (options: {known})"),
    )
}

/// A rule of the config broken, by its code and parameters (translated by a page) and in
/// English.
fn rule(code: &'static str, params: &[(&'static str, String)], text: String) -> ConfigError {
    ConfigError::Rule(Message::new(code, params, text))
}

/// A value given as JSON or as text (a CLI flag, a URL parameter), made the field's JSON type.
fn normalise(f: &Field, v: &Value) -> Result<Value, ConfigError> {
    let bad = |what: &str| ConfigError::Parse(format!("{} = {v} is not {what}", f.name));
    let text = v.as_str().map(str::trim);
    match f.kind {
        Kind::Int { .. } => {
            if let Some(n) = v.as_u64() {
                return Ok(n.into());
            }
            if let Some(n) = text.and_then(|t| t.parse::<u64>().ok()) {
                return Ok(n.into());
            }
            let negative = v.as_i64().is_some_and(|n| n < 0)
                || text.is_some_and(|t| t.parse::<i64>().is_ok_and(|n| n < 0));
            if negative {
                return Err(out_of_range(f, v.to_string()));
            }
            Err(bad("a whole number"))
        }
        Kind::Float { .. } => {
            let x = v
                .as_f64()
                .or_else(|| text.and_then(|t| t.parse::<f64>().ok()));
            match x {
                Some(x) if x.is_finite() => Ok(json!(x)),
                Some(x) => Err(out_of_range(f, x.to_string())),
                None => Err(bad("a number")),
            }
        }
        Kind::Enum(values) => {
            let s = v.as_str().ok_or_else(|| bad("a name"))?;
            if values.contains(&s) {
                Ok(Value::String(s.into()))
            } else {
                let allowed = values.join(", ");
                Err(rule(
                    "config-not-one-of",
                    &[
                        ("field", f.name.into()),
                        ("value", s.into()),
                        ("allowed", allowed.clone()),
                    ],
                    format!("{} = '{s}' is not one of {allowed}", f.name),
                ))
            }
        }
        Kind::Bool => match (v, text) {
            (Value::Bool(b), _) => Ok(Value::Bool(*b)),
            (_, Some("true" | "1" | "yes" | "on")) => Ok(Value::Bool(true)),
            (_, Some("false" | "0" | "no" | "off")) => Ok(Value::Bool(false)),
            _ => Err(bad("true or false")),
        },
        Kind::Points => match (v, text) {
            (Value::Array(_), _) => Ok(v.clone()),
            (_, Some(t)) => parse_points(t)
                .map(|p| json!(p))
                .map_err(|m| ConfigError::Parse(format!("points: {m}"))),
            _ => Err(bad("a list of points")),
        },
    }
}

/// `"x,y;x,y;…"` as points.
pub fn parse_points(text: &str) -> Result<Vec<[f32; 2]>, String> {
    text.split(';')
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            let xy: Vec<f32> = p
                .split(',')
                .map(|v| v.trim().parse::<f32>())
                .collect::<Result<_, _>>()
                .map_err(|_| format!("'{p}' is not a pair of numbers x,y"))?;
            match xy[..] {
                [x, y] => Ok([x, y]),
                _ => Err(format!("'{p}' is not a pair of numbers x,y")),
            }
        })
        .collect()
}

fn out_of_range(f: &Field, value: String) -> ConfigError {
    ConfigError::OutOfRange {
        field: f.name,
        value,
        allowed: allowed(f),
    }
}

/// The rule of a field, as the messages and the README write it.
pub fn allowed(f: &Field) -> String {
    match f.kind {
        Kind::Int { min, max } => format!("{min}..={max}"),
        Kind::Float {
            min,
            min_open,
            max,
            max_open,
        } => format!(
            "a number in {}{min}, {max}{}",
            if min_open { "(" } else { "[" },
            if max_open { ")" } else { "]" }
        ),
        Kind::Enum(values) => values.join(", "),
        Kind::Bool => "true, false".into(),
        Kind::Points => "x,y;x,y;…".into(),
    }
}

/// Checks every field that applies against its rule (the per-field half of validation).
pub(crate) fn check_ranges(config: &Config) -> Result<(), ConfigError> {
    for f in FIELDS.iter().filter(|f| f.applies(config)) {
        let v = f.get(config);
        let ok = match f.kind {
            Kind::Int { min, max } => v.as_u64().is_some_and(|n| (min..=max).contains(&n)),
            Kind::Float {
                min,
                min_open,
                max,
                max_open,
            } => v.as_f64().is_some_and(|x| {
                x.is_finite()
                    && if min_open { x > min } else { x >= min }
                    && if max_open { x < max } else { x <= max }
            }),
            Kind::Enum(_) | Kind::Bool | Kind::Points => true,
        };
        if !ok {
            return Err(out_of_range(f, v.to_string()));
        }
    }
    Ok(())
}

/// A JSON config, nested or flat, as flat names, not yet checked (so options can be laid over
/// it before it is validated as a whole).
pub fn flat_names(value: &Value) -> Result<Map<String, Value>, ConfigError> {
    let obj = value
        .as_object()
        .ok_or_else(|| ConfigError::Parse(format!("a config is a JSON object, not {value}")))?;
    let nested = obj
        .keys()
        .any(|k| SECTIONS.contains(&k.as_str()) && k != "model")
        || obj.get("model").is_some_and(Value::is_object);
    if nested {
        flatten(obj)
    } else {
        Ok(obj.clone())
    }
}

/// Lays `overrides` (flat names) over `flat`: a shorthand (`lr`) replaces the fields it sets.
pub fn overlay(flat: &mut Map<String, Value>, overrides: &Map<String, Value>) {
    for (k, v) in overrides {
        if let Some((_, targets, _)) = ALIASES.iter().find(|(a, _, _)| a == k) {
            for t in *targets {
                flat.remove(*t);
            }
        }
        flat.insert(k.clone(), v.clone());
    }
}

impl Config {
    /// A config from JSON: nested (`{"optim": {"lr_d": …}}`) or flat (`{"lr_d": …}`).
    pub fn from_value(value: &Value) -> Result<Self, ConfigError> {
        Self::from_flat(&flat_names(value)?, &|_| true)
    }

    /// A config from flat names. `explicit(name)` says whether the caller gave that field
    /// (an error where it does not apply) or inherited it (then dropped where it does not).
    pub fn from_flat(
        flat: &Map<String, Value>,
        explicit: &dyn Fn(&str) -> bool,
    ) -> Result<Self, ConfigError> {
        let config = Self::build(flat, explicit)?;
        config.validate()?;
        Ok(config)
    }

    /// A config from flat names, every field inherited, without validation (for estimates).
    pub(crate) fn from_flat_unchecked(flat: &Map<String, Value>) -> Option<Self> {
        Self::build(flat, &|_| false).ok()
    }

    fn build(
        flat: &Map<String, Value>,
        explicit: &dyn Fn(&str) -> bool,
    ) -> Result<Self, ConfigError> {
        let mut given: Vec<(&'static Field, Value)> = Vec::new();
        for (name, v) in flat {
            if let Some((_, targets, _)) = ALIASES.iter().find(|(a, _, _)| a == name) {
                for t in *targets {
                    if !flat.contains_key(*t) {
                        given.push((field(t).expect("aliases name fields"), v.clone()));
                    }
                }
                continue;
            }
            let f = field(name).ok_or_else(|| unknown(name))?;
            given.push((f, v.clone()));
        }
        let mut config = Config::default();
        let mut normalised = Vec::with_capacity(given.len());
        for (f, v) in given {
            let v = normalise(f, &v)?;
            f.set(&mut config, v.clone())
                .map_err(|e| ConfigError::Parse(format!("{} = {v}: {e}", f.name)))?;
            normalised.push((f, v));
        }
        for (f, v) in normalised {
            if f.applies(&config) {
                continue;
            }
            let w = f
                .unmet(&config)
                .expect("only conditional fields can fail to apply");
            if explicit(f.name) && v != f.default_value() {
                let tag = field(w.field).expect("a when names a field").get(&config);
                let (values, is) = (
                    w.values.join(" or "),
                    tag.as_str().map_or_else(|| tag.to_string(), str::to_string),
                );
                return Err(rule(
                    "config-applies-only-when",
                    &[
                        ("field", f.name.into()),
                        ("when", w.field.into()),
                        ("values", values.clone()),
                        ("is", is.clone()),
                    ],
                    format!(
                        "{} applies only when {} is {values}, and it is {is}",
                        f.name, w.field
                    ),
                ));
            }
            f.set(&mut config, f.default_value())
                .expect("defaults are valid");
        }
        Ok(config)
    }

    /// This config with `overrides` (flat names) laid over it; fields of this config that do
    /// not apply to the result are dropped, overrides that do not apply are an error.
    pub fn with_overrides(&self, overrides: &Map<String, Value>) -> Result<Self, ConfigError> {
        let mut flat = self.to_flat();
        overlay(&mut flat, overrides);
        Self::from_flat(&flat, &|name| {
            overrides.contains_key(name)
                || ALIASES
                    .iter()
                    .any(|(a, t, _)| overrides.contains_key(*a) && t.contains(&name))
        })
    }

    /// The fields that apply, by flat name.
    pub fn to_flat(&self) -> Map<String, Value> {
        FIELDS
            .iter()
            .filter(|f| f.applies(self))
            .map(|f| (f.name.to_string(), f.get(self)))
            .collect()
    }

    /// The fields that apply, nested by section.
    pub fn to_value(&self) -> Value {
        let mut root = Map::new();
        for f in FIELDS.iter().filter(|f| f.applies(self)) {
            match f.path {
                [key] => {
                    root.insert(key.to_string(), f.get(self));
                }
                [section, key] => {
                    root.entry(section.to_string())
                        .or_insert_with(|| Value::Object(Map::new()))
                        .as_object_mut()
                        .expect("sections are objects")
                        .insert(key.to_string(), f.get(self));
                }
                _ => unreachable!("paths have one or two parts"),
            }
        }
        Value::Object(root)
    }
}

/// Nested JSON to flat names; an unknown key is an error naming its path.
fn flatten(obj: &Map<String, Value>) -> Result<Map<String, Value>, ConfigError> {
    let mut flat = Map::new();
    let by_path = |path: &[&str]| FIELDS.iter().find(|f| f.path == path);
    for (k, v) in obj {
        if SECTIONS.contains(&k.as_str()) {
            let inner = v.as_object().ok_or_else(|| {
                ConfigError::Parse(format!("'{k}' is a section: a JSON object, not {v}"))
            })?;
            for (k2, v2) in inner {
                let f = by_path(&[k, k2])
                    .ok_or_else(|| ConfigError::Parse(format!("unknown field '{k}.{k2}'")))?;
                flat.insert(f.name.into(), v2.clone());
            }
        } else {
            let f = by_path(&[k]).ok_or_else(|| {
                ConfigError::Parse(format!(
                    "unknown field '{k}' (sections: {}; top-level fields: experiment, seed, hist_bins)",
                    SECTIONS.join(", ")
                ))
            })?;
            flat.insert(f.name.into(), v.clone());
        }
    }
    Ok(flat)
}

/// For each loss: whether D is a probability (its ratio view means p_data/p_g) and whether D
/// plays the value V(D, G).
fn losses() -> Value {
    let mut out = Map::new();
    for &kind in LossKind::ALL {
        out.insert(
            kind.name().into(),
            json!({"d_is_probability": kind.d_is_probability(), "plays_the_value": kind.plays_the_value()}),
        );
    }
    Value::Object(out)
}

/// The schema as JSON: for each field its name, path, type, rule, default, help, condition and
/// whether it is live; then the aliases, the budget, what each loss makes of D and the
/// scalars. The page builds its form from it; tests check the CLI and the README against it.
pub fn describe() -> Value {
    let fields: Vec<Value> = FIELDS
        .iter()
        .map(|f| {
            let mut d = json!({
                "name": f.name,
                "path": f.path.join("."),
                "section": if f.path.len() == 2 { f.path[0] } else { "" },
                "default": f.default_value(),
                "help": f.help,
                "allowed": allowed(f),
                "live": f.live,
            });
            let o = d.as_object_mut().expect("an object");
            match f.kind {
                Kind::Int { min, max } => {
                    o.insert("type".into(), "int".into());
                    o.insert("min".into(), min.into());
                    o.insert("max".into(), max.into());
                }
                Kind::Float {
                    min,
                    min_open,
                    max,
                    max_open,
                } => {
                    o.insert("type".into(), "float".into());
                    o.insert("min".into(), json!(min));
                    o.insert("max".into(), json!(max));
                    o.insert("min_open".into(), min_open.into());
                    o.insert("max_open".into(), max_open.into());
                }
                Kind::Enum(values) => {
                    o.insert("type".into(), "enum".into());
                    o.insert("values".into(), json!(values));
                }
                Kind::Bool => {
                    o.insert("type".into(), "bool".into());
                }
                Kind::Points => {
                    o.insert("type".into(), "points".into());
                }
            }
            if let Some(w) = f.when {
                o.insert("when".into(), json!({"field": w.field, "values": w.values}));
            }
            d
        })
        .collect();
    let aliases: Vec<Value> = ALIASES
        .iter()
        .map(|(a, t, h)| json!({"name": a, "sets": t, "help": h}))
        .collect();
    json!({
        "fields": fields,
        "aliases": aliases,
        "budget": budget::describe(),
        // What each loss makes of D, so that the page draws without knowing GAN rules.
        "losses": losses(),
        // Every scalar a snapshot may carry (the page's history columns and labels).
        "scalars": crate::spec::scalars::describe(),
        "image_side": IMAGE_SIDE,
    })
}

/// The README's table of options (generated; a test checks the README holds it): each flag,
/// its help, when it applies, its allowed values and default; then the aliases.
pub fn markdown() -> String {
    let mut out = String::from("| flag | what, allowed values (default) |\n|---|---|\n");
    for f in FIELDS.iter() {
        let flag = f.name.replace('_', "-");
        let short = if f.name == "d_steps" { " (`-k`)" } else { "" };
        let when = f.when.map_or(String::new(), |w| {
            let values: Vec<String> = w.values.iter().map(|v| format!("`{v}`")).collect();
            format!(" — only when `{}` is {}", w.field, values.join(" or "))
        });
        let default = f.default_value().to_string();
        out += &format!(
            "| `--{flag}`{short} | {}{when}: {} ({}) |\n",
            f.help,
            allowed(f),
            default.trim_matches('"')
        );
    }
    for (name, sets, help) in ALIASES {
        let sets: Vec<String> = sets.iter().map(|s| format!("`{s}`")).collect();
        out += &format!("| `--{name}` | {help}: sets {} |\n", sets.join(", "));
    }
    out
}

// ---- Parsing, printing and validation of a config ----------------------------------------

impl Config {
    /// Parses a config from JSON, nested or flat; missing fields take their defaults, unknown
    /// ones are an error.
    pub fn from_json(text: &str) -> Result<Self, ConfigError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ConfigError::Parse(e.to_string()))?;
        Self::from_value(&value)
    }

    /// The config as nested JSON with the fields that apply to it.
    pub fn to_json(&self) -> String {
        self.to_value().to_string()
    }

    /// Checks every field against its rule in the schema, then the rules that tie fields
    /// together, then the memory and work budget; the message names the field and the rule.
    pub fn validate(&self) -> Result<(), ConfigError> {
        crate::spec::schema::check_ranges(self)?;
        let invalid =
            |code, params: &[(&'static str, String)], text: String| Err(rule(code, params, text));
        if self.data.kind == DatasetKind::Points {
            if self.data.points.is_empty() {
                return invalid(
                    "config-points-empty",
                    &[],
                    "the points dataset needs at least one point".into(),
                );
            }
            if self.data.points.len() > 100_000 {
                return invalid(
                    "config-points-too-many",
                    &[("max", "100000".into())],
                    "the points dataset takes at most 100000 points".into(),
                );
            }
            if let Some(p) = self
                .data
                .points
                .iter()
                .find(|p| !(p[0].is_finite() && p[1].is_finite()))
            {
                return invalid(
                    "config-point-not-finite",
                    &[("point", format!("{p:?}"))],
                    format!("point {p:?} is not a finite number pair"),
                );
            }
        }
        if self.experiment == ExperimentKind::Classifier && !self.data.kind.is_image() {
            let dataset = crate::spec::schema::name_of(&self.data.kind);
            return invalid(
                "config-needs-digits",
                &[
                    ("experiment", "classifier".into()),
                    ("dataset", dataset.clone()),
                ],
                format!(
                    "experiment = classifier learns the digits' labels: it needs dataset = mnist, not {dataset}"
                ),
            );
        }
        if self.objective.unrolled_through
            && (self.model.kind != ModelKind::Mlp || self.gradient_penalty() > 0.0)
        {
            return invalid(
                "config-unrolled-through",
                &[],
                "unrolled_through differentiates through D's steps written out for an MLP D without a gradient penalty: it needs model = mlp and gp = 0 (and a loss other than wgan-gp)".into(),
            );
        }
        if self.model.kind == ModelKind::Dcgan
            && self.model.d_batch_norm
            && self.experiment == ExperimentKind::Vae
        {
            return invalid(
                "config-d-batch-norm-vae",
                &[],
                "d_batch_norm is the GAN's D's: a VAE's encoder has no batch norm".into(),
            );
        }
        if self.experiment == ExperimentKind::Gan
            && self.optim.ema > 0.0
            && !self.data.kind.is_image()
        {
            return invalid(
                "config-ema-needs-images",
                &[],
                "ema averages G's weights for its pictures and scores, which only digits have: it needs dataset = mnist".into(),
            );
        }
        if self.asks_for_digits() && self.model.clusters {
            return invalid(
                "config-clusters",
                &[],
                "clusters asks G for groups found without labels in place of the digits' labels: it cannot run with conditional, which gives G the labels".into(),
            );
        }
        if self.is_conditional()
            && (!self.data.kind.is_image()
                || self.objective.unrolled > 0
                || self.gradient_penalty() > 0.0)
        {
            return invalid(
                "config-conditional",
                &[],
                "conditional (or clusters) asks G for a digit (a group) and D for each image's: it needs dataset = mnist, and no unrolled D or gradient penalty (gp, wgan-gp), which are written for a D with one output".into(),
            );
        }
        if self.model.kind == ModelKind::Dcgan
            && self.model.d_batch_norm
            && self.experiment == ExperimentKind::Gan
            && self.gradient_penalty() > 0.0
        {
            return invalid(
                "config-d-batch-norm-penalty",
                &[],
                "d_batch_norm makes D a function of the whole batch, so its gradient with respect to one sample, which a gradient penalty (gp, wgan-gp) takes, is not D's of that sample: use one or the other".into(),
            );
        }
        if self.experiment == ExperimentKind::Vae
            && (!self.data.kind.is_image() || self.model.kind != ModelKind::Dcgan)
        {
            let (dataset, model) = (
                crate::spec::schema::name_of(&self.data.kind),
                crate::spec::schema::name_of(&self.model.kind),
            );
            return invalid(
                "config-vae-players",
                &[("dataset", dataset.clone()), ("model", model.clone())],
                format!(
                    "experiment = vae trains convolutional players on digits: it needs dataset = mnist and model = dcgan, not {dataset} and {model}"
                ),
            );
        }
        if self.model.kind == ModelKind::Dcgan && !self.data.kind.is_image() {
            let dataset = crate::spec::schema::name_of(&self.data.kind);
            return invalid(
                "config-dcgan-needs-images",
                &[("dataset", dataset.clone())],
                format!(
                    "model = dcgan needs image data (dataset = mnist), not dataset = {dataset}"
                ),
            );
        }
        if self.objective.generators > self.optim.batch_size {
            let (g, b) = (self.objective.generators, self.optim.batch_size);
            return invalid(
                "config-generators-exceed-batch",
                &[("generators", g.to_string()), ("batch_size", b.to_string())],
                format!(
                    "generators ({g}) must not exceed batch_size ({b}): each generator needs samples in every batch"
                ),
            );
        }
        check_budget(self)
    }
}

impl Serialize for Config {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_value().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Config {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        Self::from_value(&value).map_err(serde::de::Error::custom)
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.0} MiB", bytes as f64 / (1 << 20) as f64)
}

/// Refuses a config whose estimate is over the budget, naming the fields that drive it.
fn check_budget(config: &Config) -> Result<(), ConfigError> {
    let e = budget::estimate(config);
    let over = |e: &budget::Estimate| {
        (e.memory_bytes() as f64 / budget::MEMORY_BYTES as f64)
            .max(e.macs as f64 / budget::WORK_MACS as f64)
    };
    let load = over(&e);
    if load <= 1.0 {
        return Ok(());
    }
    // Which fields drive it: those whose reset to the default lowers the load the most.
    let mut drivers: Vec<(f64, String)> = FIELDS
        .iter()
        .filter(|f| f.applies(config) && matches!(f.kind, Kind::Int { .. }))
        .filter(|f| f.get(config) != f.default_value() && f.name != "seed")
        .filter_map(|f| {
            let mut flat = config.to_flat();
            flat.insert(f.name.into(), f.default_value());
            let reset = Config::from_flat_unchecked(&flat)?;
            let gain = load - over(&budget::estimate(&reset));
            (gain > 0.0).then(|| (gain, format!("{} = {}", f.name, f.get(config))))
        })
        .collect();
    drivers.sort_by(|a, b| b.0.total_cmp(&a.0));
    let names: Vec<String> = drivers.into_iter().map(|(_, n)| n).collect();
    let fields = names.join(", ");
    let smaller = if fields.is_empty() {
        "the model or the batch"
    } else {
        &fields
    };
    if e.memory_bytes() as f64 / budget::MEMORY_BYTES as f64
        >= e.macs as f64 / budget::WORK_MACS as f64
    {
        let (need, state, activations, cap) = (
            mib(e.memory_bytes()),
            mib(e.state_bytes),
            mib(e.activation_bytes),
            mib(budget::MEMORY_BYTES),
        );
        Err(rule(
            "config-too-large-memory",
            &[
                ("need", need.clone()),
                ("state", state.clone()),
                ("activations", activations.clone()),
                ("budget", cap.clone()),
                ("fields", smaller.to_string()),
            ],
            format!(
                "this config is too large for a browser tab: it needs about {need} of memory (weights and optimizer state {state}, activations {activations}), above the budget of {cap}; make smaller: {smaller}"
            ),
        ))
    } else {
        let (need, cap) = (
            format!("{:.1}", e.macs as f64 / 1e9),
            format!("{:.0}", budget::WORK_MACS as f64 / 1e9),
        );
        Err(rule(
            "config-too-large-work",
            &[
                ("need", need.clone()),
                ("budget", cap.clone()),
                ("fields", smaller.to_string()),
            ],
            format!(
                "this config is too large for a browser tab: it needs about {need} G multiply-adds per round (k D steps and the G steps), above the budget of {cap} G; make smaller: {smaller}"
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page learns what each loss makes of D from the schema: every loss is described, and
    /// D is a probability for the log-losses and LSGAN only, plays V(D, G) for the log-losses.
    #[test]
    fn every_loss_says_what_d_is() {
        let d = describe();
        let field = d["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == "loss")
            .unwrap();
        let values: Vec<&str> = field["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let losses = d["losses"].as_object().unwrap();
        assert_eq!(
            losses
                .keys()
                .map(String::as_str)
                .collect::<std::collections::BTreeSet<_>>(),
            values.iter().copied().collect()
        );
        let probability: Vec<&str> = values
            .iter()
            .copied()
            .filter(|v| losses[*v]["d_is_probability"] == true)
            .collect();
        let valued: Vec<&str> = values
            .iter()
            .copied()
            .filter(|v| losses[*v]["plays_the_value"] == true)
            .collect();
        assert_eq!(probability, ["minimax", "non-saturating", "lsgan"]);
        assert_eq!(valued, ["minimax", "non-saturating"]);
    }

    /// `groups` hangs on a bool (`clusters`): it applies when that is true, and asked for
    /// without it the refusal names the bool's value.
    #[test]
    fn a_field_on_a_bool_applies_when_the_bool_is_true() {
        let digits = r#""dataset": "mnist", "model": "dcgan", "groups": 20"#;
        let c = Config::from_json(&format!(r#"{{{digits}, "clusters": true}}"#)).unwrap();
        assert_eq!((c.model.groups, c.classes()), (20, 20));
        assert!(c.to_flat().contains_key("groups"));
        let plain = Config::from_json(r#"{"dataset": "mnist", "model": "dcgan"}"#).unwrap();
        assert!(!plain.to_flat().contains_key("groups"));
        assert_eq!(plain.classes(), 10);
        let e = Config::from_json(&format!("{{{digits}}}"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("groups applies only when clusters is true, and it is false"),
            "{e}"
        );
    }

    #[test]
    fn every_field_round_trips_its_default_and_names_are_unique() {
        let mut names: Vec<&str> = FIELDS.iter().map(|f| f.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), FIELDS.len());
        for f in FIELDS.iter() {
            let mut c = Config::default();
            f.set(&mut c, f.default_value()).unwrap();
            assert_eq!(c, Config::default(), "{}", f.name);
            if let Some(w) = f.when {
                assert!(
                    field(w.field).is_some(),
                    "{} depends on {}",
                    f.name,
                    w.field
                );
            }
        }
    }

    #[test]
    fn text_values_parse_as_the_field_types() {
        let text = |pairs: &[(&str, &str)]| {
            let m: Map<String, Value> = pairs
                .iter()
                .map(|(k, v)| (k.to_string(), Value::from(*v)))
                .collect();
            Config::from_flat(&m, &|_| true)
        };
        let c = text(&[
            ("dataset", "points"),
            ("points", "0,1; 2,3"),
            ("lr", "2e-4"),
            ("lr_d", "1e-3"),
            ("seed", "7"),
        ])
        .unwrap();
        assert_eq!(c.data.points, vec![[0.0, 1.0], [2.0, 3.0]]);
        assert_eq!((c.optim.lr_d, c.optim.lr_g, c.seed), (1e-3, 2e-4, 7));
        let c = text(&[
            ("dataset", "mnist"),
            ("model", "dcgan"),
            ("batch_norm", "false"),
        ])
        .unwrap();
        assert!(!c.model.batch_norm);
        assert!(
            text(&[("lr_g", "NaN")])
                .unwrap_err()
                .to_string()
                .contains("lr_g")
        );
        assert!(
            text(&[("batch_size", "-3")])
                .unwrap_err()
                .to_string()
                .contains("batch_size")
        );
        assert!(text(&[("points", "1")]).is_err());
    }

    #[test]
    fn overrides_drop_inherited_fields_that_no_longer_apply() {
        let gaussian = Config::from_value(&json!({"dataset": "gaussian", "data_dim": 5})).unwrap();
        let ring = gaussian
            .with_overrides(json!({"dataset": "ring"}).as_object().unwrap())
            .unwrap();
        assert_eq!(ring.data_dim(), 2);
        let err = gaussian
            .with_overrides(
                json!({"dataset": "ring", "data_dim": 5})
                    .as_object()
                    .unwrap(),
            )
            .unwrap_err();
        assert!(err.to_string().contains("data_dim"), "{err}");
        let both = Config::default()
            .with_overrides(json!({"lr": 0.01}).as_object().unwrap())
            .unwrap();
        assert_eq!((both.optim.lr_d, both.optim.lr_g), (0.01, 0.01));
    }

    #[test]
    fn the_description_lists_every_field_with_its_rule() {
        let d = describe();
        let fields = d["fields"].as_array().unwrap();
        assert_eq!(fields.len(), FIELDS.len());
        let lr = fields.iter().find(|f| f["name"] == "lr_d").unwrap();
        assert_eq!(lr["type"], "float");
        assert_eq!(lr["default"], 0.001);
        assert_eq!(lr["min_open"], true);
        let g = fields.iter().find(|f| f["name"] == "g_channels").unwrap();
        assert_eq!(g["when"]["values"], json!(["dcgan"]));
    }
}
