//! The page's lessons (www/lessons/, embedded at build time): `minimax lessons` lists them,
//! `minimax train --lesson ID[/variant]` starts from the configuration the page trains.

use serde_json::{Map, Value};

include!(concat!(env!("OUT_DIR"), "/lessons.rs"));

fn parse(id: &str, text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| format!("lesson {id}: invalid JSON: {e}"))
}

/// Every lesson and variant, `ID` and `ID/variant`, with its English title.
pub fn list() -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for (id, text) in LESSONS {
        let lesson = parse(id, text)?;
        let title = |v: &Value| v["text"]["en"]["title"].as_str().map(str::to_string);
        let main = title(&lesson).ok_or_else(|| format!("lesson {id}: no English title"))?;
        out.push((id.to_string(), main.clone()));
        if let Some(variants) = lesson["variants"].as_object() {
            for (name, v) in variants {
                out.push((
                    format!("{id}/{name}"),
                    title(v).unwrap_or_else(|| main.clone()),
                ));
            }
        }
    }
    Ok(out)
}

/// A lesson, or one of its variants, as the CLI trains it.
pub struct Lesson {
    /// The flat config: the lesson's, the variant's over it.
    pub config: Map<String, Value>,
    /// The iterations its card speaks of (`iters`: the variant's, else the lesson's), if any.
    pub iters: Option<u64>,
}

/// The lesson of `spec` (`ID` or `ID/variant`).
pub fn lesson(spec: &str) -> Result<Lesson, String> {
    let (id, variant) = match spec.split_once('/') {
        Some((id, v)) => (id, Some(v)),
        None => (spec, None),
    };
    let known = || {
        LESSONS
            .iter()
            .map(|(id, _)| *id)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (_, text) = LESSONS
        .iter()
        .find(|(name, _)| *name == id)
        .ok_or_else(|| {
            format!(
                "there is no lesson '{id}' (lessons: {}; see `minimax lessons`)",
                known()
            )
        })?;
    let lesson = parse(id, text)?;
    let mut config = lesson["config"]
        .as_object()
        .cloned()
        .ok_or_else(|| format!("lesson {id}: no config"))?;
    let budget = |v: &Value| -> Result<Option<u64>, String> {
        match v.get("iters") {
            None => Ok(None),
            Some(n) => n.as_u64().filter(|&n| n > 0).map(Some).ok_or_else(|| {
                format!("lesson {spec}: iters = {n} is not a positive whole number")
            }),
        }
    };
    let mut iters = budget(&lesson)?;
    if let Some(name) = variant {
        let v = lesson["variants"].get(name).ok_or_else(|| {
            let names: Vec<&String> = lesson["variants"]
                .as_object()
                .map(|m| m.keys().collect())
                .unwrap_or_default();
            format!("the lesson {id} has no variant '{name}' (its variants: {names:?})")
        })?;
        if let Some(c) = v["config"].as_object() {
            config.extend(c.clone());
        }
        iters = budget(v)?.or(iters);
    }
    Ok(Lesson { config, iters })
}

/// The flat config of `spec` (`ID` or `ID/variant`): the lesson's, the variant's over it.
pub fn config(spec: &str) -> Result<Map<String, Value>, String> {
    lesson(spec).map(|l| l.config)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every lesson and variant names a config the engine takes, and has its text in every
    /// language of the page, the same parts in each.
    /// A variant's iterations go over its lesson's; a lesson without any has none.
    #[test]
    fn a_variant_s_budget_goes_over_its_lesson_s() {
        assert_eq!(lesson("mode-collapse").unwrap().iters, Some(8000));
        assert_eq!(
            lesson("mode-collapse/generators").unwrap().iters,
            Some(8000)
        );
        assert_eq!(lesson("mode-collapse/gp").unwrap().iters, Some(30000));
        assert_eq!(lesson("jsd").unwrap().iters, None);
    }

    #[test]
    fn every_lesson_is_a_valid_config_with_text_in_both_languages() {
        let all = list().unwrap();
        assert!(all.len() >= 8);
        for (spec, _) in &all {
            let flat = config(spec).unwrap();
            lesson(spec).unwrap_or_else(|e| panic!("{e}"));
            minimax_core::Config::from_flat(&flat, &|_| true)
                .unwrap_or_else(|e| panic!("lesson {spec}: {e}"));
        }
        for (id, text) in LESSONS {
            let lesson = parse(id, text).unwrap();
            let mut texts = vec![&lesson["text"]];
            if let Some(v) = lesson["variants"].as_object() {
                texts.extend(v.values().map(|v| &v["text"]));
            }
            for t in texts {
                let keys = |l: &str| {
                    let mut k: Vec<String> = t[l]
                        .as_object()
                        .unwrap_or_else(|| panic!("{id}: no {l} text"))
                        .keys()
                        .cloned()
                        .collect();
                    k.sort();
                    k
                };
                assert_eq!(
                    keys("en"),
                    keys("pl"),
                    "lesson {id}: English and Polish differ in parts"
                );
            }
        }
        assert!(
            config("no-such-lesson")
                .unwrap_err()
                .contains("equilibrium")
        );
        assert!(
            config("mode-collapse/nope")
                .unwrap_err()
                .contains("generators")
        );
    }
}
