//! Embeds the page's lessons (www/lessons/*.json, in the order of index.json) and presets (the
//! JSON block of www/presets.js) so that `minimax lessons`, `minimax train --lesson ID` and
//! `minimax train --preset NAME` use the very files the page does.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../www/lessons");
    println!("cargo:rerun-if-changed={}", dir.display());
    let index = dir.join("index.json");
    let text = std::fs::read_to_string(&index).expect("www/lessons/index.json");
    // The index is a JSON array of IDs; a lesson ID is [a-z0-9-]+, so a plain scan reads it.
    let ids: Vec<String> = text
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    let mut code = String::from("pub static LESSONS: &[(&str, &str)] = &[\n");
    for id in &ids {
        assert!(
            !id.is_empty()
                && id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "www/lessons/index.json: bad lesson ID {id:?}"
        );
        let path = dir.join(format!("{id}.json"));
        println!("cargo:rerun-if-changed={}", path.display());
        assert!(
            path.exists(),
            "www/lessons/index.json lists {id}, but {} is missing",
            path.display()
        );
        // The text itself, not an include_str! of it: with incremental builds, rustc may keep
        // an included file's old text after it changed (a lesson edited, the CLI stale).
        let text = std::fs::read_to_string(&path).expect("a lesson file");
        writeln!(code, "    ({id:?}, {text:?}),").unwrap();
    }
    code.push_str("];\n");
    let presets = dir.join("../presets.js");
    println!("cargo:rerun-if-changed={}", presets.display());
    let js = std::fs::read_to_string(&presets).expect("www/presets.js");
    let block = js
        .split_once("// BEGIN PRESETS\n")
        .and_then(|(_, rest)| rest.split_once("// END PRESETS"))
        .map(|(block, _)| block.trim())
        .expect("www/presets.js: no BEGIN PRESETS … END PRESETS block");
    let json = block
        .strip_prefix("export const PRESETS =")
        .and_then(|b| b.strip_suffix(';'))
        .expect("www/presets.js: the block is `export const PRESETS = {…};`");
    let out = std::env::var("OUT_DIR").unwrap();
    let out = Path::new(&out);
    std::fs::write(out.join("lessons.rs"), code).unwrap();
    std::fs::write(
        out.join("presets.rs"),
        format!("static PRESETS_JSON: &str = {:?};\n", json.trim()),
    )
    .unwrap();
}
