//! `cargo xtask pretrain [--check] [NAME…]`: what the page ships trained (`pretrained/`): the digit
//! classifier that scores GANs' samples (the evaluator file), and checkpoints from which a
//! lecture can start with a GAN that has already learned (the digits' presets, and the
//! mode-collapse lesson's unrolled GAN part-way). Each GAN is made by the CLI from its
//! preset in `www/presets.js` (the page's own list, read with node), with the preset's seed and
//! the iterations named in `PRETRAINED`. `--check` trains everything again into `target/` and
//! says whether the files are the same, byte for byte. Names after the options make only those
//! files (`cargo xtask pretrain mnist-dcgan mnist-vae`; `digits.eval` for the evaluator).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{Result, root, run};

/// A preset with a trained checkpoint: its name, iterations and flat config as JSON text.
pub struct Pretrained {
    pub name: String,
    pub iters: u64,
    pub config: String,
}

/// The page's list, read from `www/presets.js` by node (the page is its single source).
pub fn list() -> Result<Vec<Pretrained>> {
    let script = "const { PRESETS, PRETRAINED } = await import('./www/presets.js'); \
        for (const [name, { iters }] of Object.entries(PRETRAINED)) \
        console.log([name, iters, JSON.stringify(PRESETS[name])].join('\\t'));";
    let out = Command::new("node")
        .args(["--input-type=module", "-e", script])
        .current_dir(root())
        .output()
        .map_err(|e| format!("node: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "reading www/presets.js: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| {
            let mut parts = line.splitn(3, '\t');
            let (Some(name), Some(iters), Some(config)) =
                (parts.next(), parts.next(), parts.next())
            else {
                return Err(format!("www/presets.js: cannot read `{line}`"));
            };
            let iters = iters
                .parse()
                .map_err(|_| format!("www/presets.js: {name}: iters `{iters}`"))?;
            if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                return Err(format!("www/presets.js: a preset named `{name}`"));
            }
            Ok(Pretrained {
                name: name.into(),
                iters,
                config: config.into(),
            })
        })
        .collect()
}

/// Where the shipped checkpoint of a preset lives.
pub fn path(name: &str) -> PathBuf {
    root().join("pretrained").join(format!("{name}.ckpt"))
}

/// The evaluator file: the digit classifier (trained by the CLI with these options) and the
/// real digits' feature statistics, which IS and FID are computed with.
pub const EVALUATOR: &str = "digits.eval";
const CLASSIFIER: &[&str] = &[
    "--experiment",
    "classifier",
    "--dataset",
    "mnist",
    "--batch-size",
    "128",
    "--lr-d",
    "0.0005",
    "--beta1",
    "0.9",
    "--seed",
    "1",
    "--iters",
    "3000",
    "--report-every",
    "500",
];

pub fn pretrain(args: &[String]) -> Result {
    if let Some(option) = args.iter().find(|a| a.starts_with("--") && *a != "--check") {
        return Err(format!(
            "pretrain: unknown option `{option}` (usage: cargo xtask pretrain [--check] [NAME…])"
        ));
    }
    let check = args.iter().any(|a| a == "--check");
    let names: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with("--"))
        .map(String::as_str)
        .collect();
    let wanted = |name: &str| names.is_empty() || names.contains(&name);
    let list = list()?;
    if let Some(unknown) = names
        .iter()
        .find(|n| **n != EVALUATOR && !list.iter().any(|p| p.name == **n))
    {
        return Err(format!(
            "pretrain: no preset `{unknown}` in PRETRAINED (www/presets.js), nor `{EVALUATOR}`"
        ));
    }
    let minimax = crate::build_minimax()?;
    let out_dir = if check {
        root().join("target/pretrained-check")
    } else {
        root().join("pretrained")
    };
    std::fs::create_dir_all(&out_dir).map_err(|e| e.to_string())?;
    let mut differ = Vec::new();
    let evaluator = out_dir.join(EVALUATOR);
    if wanted(EVALUATOR) {
        run(Command::new(&minimax)
            .arg("train")
            .args(CLASSIFIER)
            .arg("--mnist")
            .arg(crate::data::asset_path())
            .arg("--evaluator")
            .arg(&evaluator))?;
        if check {
            compare(&evaluator, EVALUATOR, &mut differ)?;
        }
    }
    for p in list.into_iter().filter(|p| wanted(&p.name)) {
        let config = out_dir.join(format!("{}.json", p.name));
        std::fs::write(&config, &p.config).map_err(|e| e.to_string())?;
        let ckpt = out_dir.join(format!("{}.ckpt", p.name));
        let mut train = Command::new(&minimax);
        train
            .arg("train")
            .arg("--config")
            .arg(&config)
            .args(["--iters", &p.iters.to_string(), "--report-every", "500"])
            .arg("--mnist")
            .arg(crate::data::asset_path())
            .arg("--save")
            .arg(&ckpt);
        // Digits get a picture of their samples (2-D data has none to write).
        if p.config.contains(r#""dataset":"mnist""#) {
            train
                .arg("--samples")
                .arg(out_dir.join(format!("{}.png", p.name)));
        }
        run(&mut train)?;
        std::fs::remove_file(&config).map_err(|e| e.to_string())?;
        if check {
            compare(&ckpt, &format!("{}.ckpt", p.name), &mut differ)?;
        }
    }
    if differ.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} made again differ from the shipped files (run `cargo xtask pretrain` and commit)",
            differ.join(", ")
        ))
    }
}

/// Whether `made` has the same bytes as `pretrained/<file>`; says which, and adds `file` to
/// `differ` where not.
fn compare(made: &Path, file: &str, differ: &mut Vec<String>) -> Result {
    let same = read(made)? == read(&root().join("pretrained").join(file))?;
    eprintln!(
        "{file}: {}",
        if same {
            "the same bytes as pretrained/"
        } else {
            "DIFFERS from pretrained/"
        }
    );
    if !same {
        differ.push(file.to_string());
    }
    Ok(())
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_preset_the_page_lists_as_pretrained_has_its_file() {
        let list = super::list().unwrap();
        assert!(!list.is_empty());
        for p in list {
            assert!(
                super::path(&p.name).exists(),
                "pretrained/{}.ckpt: run `cargo xtask pretrain`",
                p.name
            );
            assert!(p.iters > 0 && p.config.starts_with('{'), "{}", p.config);
        }
    }
}
