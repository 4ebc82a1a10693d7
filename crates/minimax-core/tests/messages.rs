//! The engine's messages by code: every error a user can cause carries one of `CODES` with the
//! parameters listed there, its English text says the same, and the Polish page has a
//! template for every code with exactly those parameters (`www/i18n/pl.js`, `engine`).

use std::collections::BTreeSet;

use minimax_core::error::{CODES, Coded, Message};
use minimax_core::train::checkpoint;
use minimax_core::{BackendError, CheckpointError, Config, ConfigError, TrainError};

fn config_error(json: &str) -> ConfigError {
    Config::from_json(json).expect_err(json)
}

/// One error per code, each made the way a user makes it where that is possible.
fn one_of_each() -> Vec<Box<dyn Coded>> {
    let mut all: Vec<Box<dyn Coded>> = [
        "{not json",
        r#"{"lr_d": 50}"#,
        r#"{"no_such_option": 1}"#,
        r#"{"dataset": "moon"}"#,
        r#"{"dataset": "ring", "data_dim": 3}"#,
        r#"{"dataset": "points", "points": []}"#,
        r#"{"experiment": "classifier", "dataset": "ring"}"#,
        r#"{"unrolled": 5, "unrolled_through": true, "gp": 1}"#,
        r#"{"dataset": "mnist", "model": "dcgan", "d_batch_norm": true, "gp": 1}"#,
        r#"{"experiment": "vae", "dataset": "mnist", "model": "dcgan", "d_batch_norm": true}"#,
        r#"{"dataset": "ring", "ema": 0.9}"#,
        r#"{"dataset": "ring", "conditional": true}"#,
        r#"{"dataset": "mnist", "conditional": true, "clusters": true}"#,
        r#"{"experiment": "vae", "dataset": "ring"}"#,
        r#"{"model": "dcgan", "dataset": "ring"}"#,
        r#"{"generators": 8, "batch_size": 4}"#,
        r#"{"g_hidden": 4096, "d_hidden": 4096, "g_layers": 8, "d_layers": 8, "batch_size": 1}"#,
        r#"{"model": "dcgan", "dataset": "mnist", "g_channels": 512, "d_channels": 512, "batch_size": 1024}"#,
    ]
    .iter()
    .map(|j| Box::new(config_error(j)) as Box<dyn Coded>)
    .collect();
    let mut points = Config::default();
    points.data.kind = minimax_core::spec::config::DatasetKind::Points;
    points.data.points = vec![[0.0, 0.0]; 100_001];
    all.push(Box::new(points.validate().unwrap_err()));
    points.data.points = vec![[f32::NAN, 0.0]];
    all.push(Box::new(points.validate().unwrap_err()));
    all.push(Box::new(
        checkpoint::header(b"not a checkpoint at all").unwrap_err(),
    ));
    for e in [
        CheckpointError::Truncated {
            expected: 10,
            found: 5,
        },
        CheckpointError::Corrupt,
        CheckpointError::Version {
            found: 9,
            supported: 2,
        },
        CheckpointError::Part {
            part: "g".into(),
            message: "bad".into(),
        },
    ] {
        all.push(Box::new(e));
    }
    all.push(Box::new(ConfigError::Invalid("a rule".into())));
    all.push(Box::new(BackendError::Unavailable {
        backend: "wgpu",
        message: "no adapter".into(),
    }));
    all.push(Box::new(TrainError::NonFinite("D's loss")));
    all.push(Box::new(TrainError::ReadBack("lost".into())));
    all
}

#[test]
fn every_code_is_listed_with_its_parameters_and_every_listed_code_is_made() {
    let mut made = BTreeSet::new();
    for e in one_of_each() {
        let (code, params) = (e.code(), e.params());
        let listed = CODES
            .iter()
            .find(|(c, _)| *c == code)
            .unwrap_or_else(|| panic!("{code} is not in CODES ({e})"));
        let names: Vec<&str> = params.iter().map(|(k, _)| *k).collect();
        assert_eq!(names, listed.1, "{code}: its parameters ({e})");
        // The English text carries every parameter's value.
        let text = e.to_string();
        for (k, v) in &params {
            assert!(
                text.contains(v.as_str()),
                "{code}: {k} = {v} is not in '{text}'"
            );
        }
        made.insert(code);
    }
    let listed: BTreeSet<&str> = CODES.iter().map(|(c, _)| *c).collect();
    assert_eq!(made, listed, "every code, made once");
}

#[test]
fn a_rule_s_message_is_its_english_text() {
    let m = Message::new(
        "config-points-empty",
        &[],
        "the points dataset needs at least one point",
    );
    assert_eq!(
        ConfigError::Rule(m).to_string(),
        "invalid config: the points dataset needs at least one point"
    );
}

/// The `engine` templates of a language file: code → template.
fn templates(lang: &str) -> Vec<(String, String)> {
    let path = format!("{}/../../www/i18n/{lang}.js", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text
        .find("export const engine = {")
        .expect("pl.js exports engine");
    let body = &text[start..text[start..].find("\n};").unwrap() + start];
    body.lines()
        .filter_map(|l| {
            let l = l.trim();
            let rest = l.strip_prefix('\'')?;
            let (code, rest) = rest.split_once("': '")?;
            Some((
                code.to_string(),
                rest.trim_end_matches(',')
                    .trim_end_matches('\'')
                    .to_string(),
            ))
        })
        .collect()
}

#[test]
fn the_polish_page_has_a_template_for_every_code_with_exactly_its_parameters() {
    let pl = templates("pl");
    for (code, params) in CODES {
        let (_, template) = pl
            .iter()
            .find(|(c, _)| c == code)
            .unwrap_or_else(|| panic!("pl.js: no template for {code}"));
        let used: BTreeSet<&str> = template
            .split('{')
            .skip(1)
            .filter_map(|p| p.split_once('}').map(|(n, _)| n))
            .collect();
        let want: BTreeSet<&str> = params.iter().copied().collect();
        assert_eq!(used, want, "pl.js {code}: '{template}'");
    }
    assert_eq!(
        pl.len(),
        CODES.len(),
        "pl.js: a template for a code the engine does not have"
    );
}
