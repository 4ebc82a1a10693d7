//! The core's layers hold: `lib.rs` declares its modules bottom-up (each layer's `mod.rs` its
//! own, bottom-up too), and no module refers to one declared after it, so no import cycle
//! can form. Test code (`#[cfg(test)]` modules) may reach anywhere.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src");

/// The source without comments, string literals and `#[cfg(test)]` items.
fn code_of(text: &str) -> String {
    let mut out = String::new();
    let mut skip_depth: Option<usize> = None;
    let mut depth = 0usize;
    let mut pending_test = false;
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let trimmed = code.trim();
        if skip_depth.is_none() && trimmed.starts_with("#[cfg(test)]") {
            pending_test = true;
            continue;
        }
        // Strings: drop their contents (a message may name a module).
        let mut clean = String::new();
        let mut in_str = false;
        let mut prev = ' ';
        for c in code.chars() {
            if c == '"' && prev != '\\' {
                in_str = !in_str;
            } else if !in_str {
                clean.push(c);
            }
            prev = c;
        }
        let clean = clean.replace("'{'", "").replace("'}'", "");
        let opens = clean.matches('{').count();
        let closes = clean.matches('}').count();
        if pending_test && skip_depth.is_none() {
            // The item after the attribute: skipped to its end (a block, or one line).
            if opens > closes {
                skip_depth = Some(depth);
            }
            pending_test = false;
            depth = (depth + opens).saturating_sub(closes);
            continue;
        }
        depth = (depth + opens).saturating_sub(closes);
        if let Some(d) = skip_depth {
            if depth <= d {
                skip_depth = None;
            }
            continue;
        }
        out.push_str(&clean);
        out.push('\n');
    }
    out
}

/// The modules a `mod.rs`/`lib.rs` declares, in order.
fn declared(text: &str) -> Vec<String> {
    code_of(text)
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            let rest = l
                .strip_prefix("pub mod ")
                .or_else(|| l.strip_prefix("pub(crate) mod "))
                .or_else(|| l.strip_prefix("mod "))?;
            rest.strip_suffix(';').map(|n| n.trim().to_string())
        })
        .collect()
}

/// Every module of the crate by path (`spec::config`), with its file, in declaration order.
fn modules() -> Vec<(String, PathBuf)> {
    fn walk(dir: &Path, file: &Path, prefix: &str, out: &mut Vec<(String, PathBuf)>) {
        let text = std::fs::read_to_string(file).unwrap();
        for name in declared(&text) {
            let path = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}::{name}")
            };
            let flat = dir.join(format!("{name}.rs"));
            let nested = dir.join(&name).join("mod.rs");
            if flat.exists() {
                out.push((path, flat));
            } else if nested.exists() {
                out.push((path.clone(), nested.clone()));
                walk(&dir.join(&name), &nested, &path, out);
            } else {
                panic!(
                    "module {path}: neither {} nor {}",
                    flat.display(),
                    nested.display()
                );
            }
        }
    }
    let mut out = Vec::new();
    walk(Path::new(SRC), &Path::new(SRC).join("lib.rs"), "", &mut out);
    out
}

/// The `crate::…` paths a piece of code names (`use crate::{a::b, c}` included).
fn crate_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if rest.starts_with('{') {
            let mut depth = 0;
            let mut end = 0;
            for (j, c) in rest.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = j;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let inner = &rest[1..end];
            // Top-level items of the group (nested groups keep their head).
            let mut d = 0;
            let mut item = String::new();
            for c in inner.chars().chain([',']) {
                match c {
                    '{' => d += 1,
                    '}' => d -= 1,
                    ',' if d == 0 => {
                        let head: String = item
                            .trim()
                            .split(['{', ' '])
                            .next()
                            .unwrap_or("")
                            .trim_end_matches("::")
                            .to_string();
                        if !head.is_empty() {
                            out.push(head);
                        }
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                item.push(c);
            }
        } else {
            let path: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            out.push(path.trim_end_matches(':').to_string());
        }
    }
    out
}

#[test]
fn no_module_refers_to_one_declared_after_it() {
    let modules = modules();
    let rank: BTreeMap<&str, usize> = modules
        .iter()
        .enumerate()
        .map(|(i, (m, _))| (m.as_str(), i))
        .collect();
    let mut wrong = Vec::new();
    for (i, (module, file)) in modules.iter().enumerate() {
        let code = code_of(&std::fs::read_to_string(file).unwrap());
        for path in crate_paths(&code) {
            // The longest declared module the path names (items re-exported at the
            // root, such as `crate::Config`, name no module and are left to the compiler).
            let segments: Vec<&str> = path.split("::").collect();
            let target = (1..=segments.len())
                .rev()
                .map(|n| segments[..n].join("::"))
                .find(|p| rank.contains_key(p.as_str()));
            let Some(target) = target else { continue };
            let j = rank[target.as_str()];
            // A module may use its own children (and its ancestors, declared before it).
            let own = target.starts_with(&format!("{module}::")) || target == *module;
            if j > i && !own {
                wrong.push(format!("{module} refers to {target} (crate::{path})"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "modules referring upward (lib.rs and each mod.rs declare them bottom-up):\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_parser_sees_grouped_and_plain_paths_and_skips_tests_and_comments() {
    let code = code_of(
        "use crate::{spec::config::{Config, X}, data};\n\
         // crate::hidden\n\
         let s = \"crate::in_a_string\";\n\
         fn f() { crate::nets::model::mlp(); }\n\
         #[cfg(test)]\n\
         mod tests {\n    use crate::launch;\n}\n\
         use crate::train::checkpoint;\n",
    );
    assert_eq!(
        crate_paths(&code),
        [
            "spec::config",
            "data",
            "nets::model::mlp",
            "train::checkpoint"
        ]
    );
}

/// ARCHITECTURE.md's code map of the core names only files and folders that exist, its
/// layers in the order `lib.rs` declares them; and the core depends on no browser crate.
#[test]
fn the_architecture_document_maps_the_tree() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../ARCHITECTURE.md"
    ))
    .unwrap();
    let start = doc
        .find("### `crates/minimax-core`")
        .expect("a core section");
    let end = start + doc[start..].find("\n### ").expect("a section after it");
    let map = &doc[start..end];
    let mut files = Vec::new();
    for (k, piece) in map.split('`').enumerate() {
        if k % 2 == 1 && (piece.ends_with(".rs") || piece.ends_with('/')) && !piece.contains(' ') {
            files.push(piece.to_string());
        }
    }
    assert!(files.len() > 20, "{files:?}");
    let all: Vec<String> = walk(Path::new(SRC))
        .into_iter()
        .chain(walk(&Path::new(SRC).join("../tests")))
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    for f in &files {
        let found = all.iter().any(|p| {
            p.ends_with(&format!("/{f}")) || p.contains(&format!("/{}", f.trim_end_matches('/')))
        });
        assert!(
            found,
            "ARCHITECTURE.md names `{f}`, which the core does not have"
        );
    }
    // The layers, as numbered there, in lib.rs's order.
    let layers = [
        "spec/",
        "data/",
        "nets/",
        "train/",
        "experiments/",
        "launch.rs",
    ];
    let at: Vec<usize> = layers
        .iter()
        .map(|l| {
            map.find(&format!("**`{l}`**"))
                .unwrap_or_else(|| panic!("layer {l} unnamed"))
        })
        .collect();
    assert!(
        at.windows(2).all(|w| w[0] < w[1]),
        "layers out of order: {at:?}"
    );
    let declared: Vec<String> = modules()
        .into_iter()
        .map(|(m, _)| m)
        .filter(|m| !m.contains("::"))
        .collect();
    let named: Vec<String> = layers
        .iter()
        .map(|l| l.trim_end_matches('/').trim_end_matches(".rs").to_string())
        .collect();
    let order: Vec<&String> = declared.iter().filter(|m| named.contains(m)).collect();
    assert_eq!(order, named.iter().collect::<Vec<_>>());
    let manifest =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")).unwrap();
    for browser in ["wasm-bindgen", "web-sys", "js-sys"] {
        assert!(!manifest.contains(browser), "the core depends on {browser}");
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            out.push(p.join(""));
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
