//! The page's presets (the JSON block of www/presets.js, embedded at build time):
//! `minimax train --preset NAME` starts from the very options the page's preset trains.

use serde_json::{Map, Value};

include!(concat!(env!("OUT_DIR"), "/presets.rs"));

fn all() -> Result<Map<String, Value>, String> {
    match serde_json::from_str(PRESETS_JSON) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err("www/presets.js: PRESETS is not an object".into()),
        Err(e) => Err(format!("www/presets.js: PRESETS is not strict JSON: {e}")),
    }
}

/// The flat config of the preset `name`.
pub fn config(name: &str) -> Result<Map<String, Value>, String> {
    let all = all()?;
    match all.get(name) {
        Some(Value::Object(c)) => Ok(c.clone()),
        Some(_) => Err(format!("www/presets.js: preset {name} is not an object")),
        None => Err(format!(
            "there is no preset '{name}' (presets: {})",
            all.keys().cloned().collect::<Vec<_>>().join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every preset is a config the engine takes; an unknown name lists the known ones.
    #[test]
    fn every_preset_is_a_valid_config() {
        let names: Vec<String> = all().unwrap().keys().cloned().collect();
        assert!(names.contains(&"mnist-dcgan".to_string()) && names.len() >= 10);
        for name in &names {
            let flat = config(name).unwrap();
            minimax_core::Config::from_flat(&flat, &|_| true)
                .unwrap_or_else(|e| panic!("preset {name}: {e}"));
        }
        let err = config("nope").unwrap_err();
        assert!(err.contains("mnist-vae"), "{err}");
    }
}
