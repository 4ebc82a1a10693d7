//! The `minimax` binary end to end: JSON reports, checkpoints and clear errors.

use minimax_core::train::snapshot::Snapshot;
use std::collections::BTreeSet;
use std::process::{Command, Output};

fn minimax(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_minimax"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

fn temp_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("minimax-cli-test-{}-{name}", std::process::id()))
}

#[test]
fn json_reports_carry_the_shared_schema() {
    let out = minimax(&[
        "train",
        "--dataset",
        "ring",
        "--loss",
        "non-saturating",
        "--iters",
        "40",
        "--report-every",
        "20",
        "--seed",
        "1",
        "--backend",
        "flex",
        "--json",
        "--g-hidden",
        "16",
        "--d-hidden",
        "16",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&out);
    assert_eq!(
        lines
            .iter()
            .map(|l| l["iter"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        vec![0, 20, 40]
    );
    // Exactly the documented fields, in any order: counters, scalars, histograms.
    let keys: BTreeSet<&str> = lines[2]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let expected: BTreeSet<&str> = Snapshot::SCALARS_2D_MODES
        .iter()
        .copied()
        .chain(["iter", "d_steps", "histograms"])
        .collect();
    assert_eq!(keys, expected, "the snapshot's fields");
    assert_eq!(lines[2]["histograms"]["real"].as_array().unwrap().len(), 20);
    assert!(lines[2].get("plane").is_none());
}

#[test]
fn save_then_load_continues_the_count() {
    let path = temp_path("run.ckpt");
    let path_s = path.to_str().unwrap();
    let out = minimax(&[
        "train",
        "--iters",
        "10",
        "--json",
        "--save",
        path_s,
        "--g-hidden",
        "8",
        "--d-hidden",
        "8",
        "--generators",
        "2",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = minimax(&["train", "--iters", "5", "--json", "--load", path_s]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&out);
    assert_eq!(lines.first().unwrap()["iter"], 10);
    assert_eq!(lines.last().unwrap()["iter"], 15);
    let out = minimax(&["train", "--iters", "5", "--load", path_s, "--lr", "0.1"]);
    assert!(!out.status.success());
    std::fs::remove_file(path).ok();
}

/// Checkpoints crafted from a real one, each broken inside a record or a counter, are refused
/// by `train --load` with a message naming the fault (the list and the messages: `minimax
/// hostile`, from the core's crate::hostile).
#[test]
fn hostile_checkpoints_are_refused_by_name() {
    let genuine = temp_path("genuine.ckpt");
    let folder = temp_path("hostile");
    let out = minimax(&["train", "--iters", "3", "--save", genuine.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = minimax(&[
        "hostile",
        genuine.to_str().unwrap(),
        folder.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(listed.lines().count(), 8, "{listed}");
    for line in listed.lines() {
        let (file, refusal) = line.split_once('\t').unwrap();
        let out = minimax(&["train", "--iters", "1", "--load", file]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{file} loaded");
        assert!(stderr.contains(refusal), "{file}: {stderr}");
    }
    std::fs::remove_dir_all(folder).ok();
    std::fs::remove_file(genuine).ok();
}

/// The fuzzer (`minimax fuzz`): mutated checkpoints and configs end in an error or a usable run,
/// never a crash or a hang, and no hostile file loads (the long run: `cargo xtask fuzz`).
#[test]
fn fuzzed_checkpoints_and_configs_never_crash_or_hang() {
    let cases = std::env::var("MINIMAX_FUZZ_CASES").unwrap_or_else(|_| "3000".into());
    let out = minimax(&["fuzz", "--cases", &cases]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let count = |what: &str| -> u64 {
        let head = report.split(&format!(" {what}")).next().unwrap();
        head.rsplit(' ')
            .next()
            .unwrap()
            .trim_start_matches(':')
            .parse()
            .unwrap()
    };
    assert_eq!(count("crashed"), 0, "{report}");
    assert_eq!(count("hostile files accepted"), 0, "{report}");
    assert!(
        count("refused") > cases.parse::<u64>().unwrap() / 2,
        "{report}"
    );
    assert!(count("accepted,") > 0, "no mutation survived: {report}");
}

#[test]
fn bad_input_gets_a_clear_message_and_a_non_zero_exit() {
    let cases: &[(&[&str], &str)] = &[
        (&["train", "--dataset", "torus"], "torus"),
        (&["train", "--lr-d", "-1"], "lr_d"),
        (&["train", "--backend", "tpu"], "tpu"),
        (
            &["train", "--dataset", "points", "--points", "1,2;3"],
            "points",
        ),
        (&["train", "--dataset", "points"], "at least one point"),
        (&["train", "--learning-rate", "1"], "--learning-rate"),
        (
            &["train", "--load", "/nonexistent/minimax.ckpt"],
            "cannot read",
        ),
    ];
    for (args, needle) in cases {
        let out = minimax(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
    let foreign = temp_path("foreign.ckpt");
    std::fs::write(&foreign, b"PK\x03\x04 this is a zip file").unwrap();
    let out = minimax(&["train", "--load", foreign.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a Minimax checkpoint"));
    std::fs::remove_file(foreign).ok();
}

#[test]
fn hand_drawn_points_train() {
    let out = minimax(&[
        "train",
        "--dataset",
        "points",
        "--points",
        "0,0; 1,1; -1,1",
        "--iters",
        "5",
        "--json",
        "--plane",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&out);
    let plane = &lines.last().unwrap()["plane"];
    assert_eq!(plane["d_grid"].as_array().unwrap().len(), 48 * 48);
    assert!(
        lines.last().unwrap().get("modes").is_none(),
        "modes only exist for ring and grid"
    );
}

/// The README's tables of options and of scalars are the ones the core's declarations write
/// (`cargo xtask readme`), and `minimax schema --markdown` prints them.
#[test]
fn the_readme_tables_are_written_from_the_declarations() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    for (name, table) in [
        ("options", minimax_core::spec::schema::markdown()),
        ("scalars", minimax_core::spec::scalars::markdown()),
    ] {
        let block = format!("<!-- {name} -->\n{table}<!-- /{name} -->");
        assert!(
            readme.contains(&block),
            "README's table of {name} is not the declarations' (run `cargo xtask readme`)"
        );
        let printed = minimax(&["schema", "--markdown", name]).stdout;
        assert_eq!(String::from_utf8(printed).unwrap(), table);
    }
}

/// The README's option table and the CLI's flags come from the schema: a field missing from
/// either, or a row the schema does not know, fails here.
#[test]
fn the_readme_table_and_the_flags_match_the_schema() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let help = String::from_utf8(minimax(&["train", "--help"]).stdout).unwrap();
    let mut rows = std::collections::BTreeSet::new();
    for line in readme.lines().filter(|l| l.starts_with("| `--")) {
        let cell = line.split('|').nth(1).unwrap();
        for flag in cell.split('`').filter(|s| s.starts_with("--")) {
            rows.insert(
                flag.trim_start_matches("--")
                    .split(' ')
                    .next()
                    .unwrap()
                    .to_string(),
            );
        }
    }
    let schema = minimax_core::spec::schema::describe();
    let mut fields = std::collections::BTreeSet::new();
    for f in schema["fields"].as_array().unwrap() {
        let flag = f["name"].as_str().unwrap().replace('_', "-");
        assert!(
            help.contains(&format!("--{flag} ")),
            "--{flag} is missing from `train --help`"
        );
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| `--{flag}`")))
            .unwrap_or_else(|| panic!("README's option table has no row for --{flag}"));
        let allowed = f["allowed"].as_str().unwrap();
        assert!(
            row.contains(allowed),
            "README's row for --{flag} does not say `{allowed}`: {row}"
        );
        let default = f["default"].to_string().trim_matches('"').to_string();
        assert!(
            row.contains(&format!("({default})")),
            "README's row for --{flag} does not give the default ({default}): {row}"
        );
        fields.insert(flag);
    }
    for a in schema["aliases"].as_array().unwrap() {
        fields.insert(a["name"].as_str().unwrap().to_string());
    }
    let extra: Vec<_> = rows.difference(&fields).collect();
    assert!(
        extra.is_empty(),
        "README's option table lists flags the schema does not have: {extra:?}"
    );
}

fn mnist_asset() -> Option<std::path::PathBuf> {
    let p = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../assets/mnist-10k.bin.gz"
    ))
    .to_path_buf();
    p.exists().then_some(p)
}

#[test]
fn mnist_trains_headless_and_writes_the_sample_grid_as_png() {
    let Some(asset) = mnist_asset() else {
        panic!("assets/mnist-10k.bin.gz is missing: run `cargo xtask data`");
    };
    let png_path = temp_path("samples.png");
    let ckpt = temp_path("mnist.ckpt");
    let out = minimax(&[
        "train",
        "--dataset",
        "mnist",
        "--model",
        "dcgan",
        "--latent-dim",
        "16",
        "--g-channels",
        "8",
        "--d-channels",
        "4",
        "--batch-size",
        "8",
        "--iters",
        "3",
        "--json",
        "--mnist",
        asset.to_str().unwrap(),
        "--samples",
        png_path.to_str().unwrap(),
        "--save",
        ckpt.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let last = json_lines(&out).pop().unwrap();
    assert_eq!(last["images"]["side"], 28);
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&png_path).unwrap(),
    ));
    let reader = decoder.read_info().unwrap();
    let info = reader.info();
    assert_eq!((info.width, info.height), (224, 224));
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    // The checkpoint loads again (with the asset found the same way).
    let out = minimax(&[
        "train",
        "--iters",
        "1",
        "--json",
        "--load",
        ckpt.to_str().unwrap(),
        "--mnist",
        asset.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        minimax(&[
            "train",
            "--dataset",
            "ring",
            "--samples",
            png_path.to_str().unwrap(),
            "--iters",
            "1"
        ])
        .status
        .code()
            == Some(1)
    );
    std::fs::remove_file(png_path).ok();
    std::fs::remove_file(ckpt).ok();
}

/// A config file is completed by the flags before it is checked: on its own this one is
/// refused (a DCGAN needs image data), with `--dataset mnist` it is valid.
#[test]
fn flags_complete_a_config_file_before_it_is_checked() {
    let path = temp_path("dcgan.json");
    std::fs::write(&path, r#"{"model": {"kind": "dcgan", "g_channels": 8, "d_channels": 4}, "optim": {"batch_size": 8}}"#).unwrap();
    let file = path.to_str().unwrap();
    let alone = minimax(&["train", "--config", file, "--iters", "1"]);
    assert!(!alone.status.success());
    assert!(String::from_utf8_lossy(&alone.stderr).contains("mnist"));
    let Some(asset) = mnist_asset() else {
        panic!("assets/mnist-10k.bin.gz is missing: run `cargo xtask data`");
    };
    let out = minimax(&[
        "train",
        "--config",
        file,
        "--dataset",
        "mnist",
        "--iters",
        "1",
        "--json",
        "--mnist",
        asset.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_file(path).ok();
}

/// The trained checkpoints the page ships (`cargo xtask pretrain`) load with this engine, go on
/// from their iteration, and hold a GAN in play: neither player has won (D is near neither 0
/// nor 1 on real or generated digits); the VAE's ELBO is a trained one's.
#[test]
fn the_shipped_pretrained_checkpoints_load_and_train_on() {
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../pretrained"));
    let asset = mnist_asset().expect("assets/mnist-10k.bin.gz: run `cargo xtask data`");
    let mut found = 0;
    for entry in std::fs::read_dir(dir).expect("pretrained/ is in the repository") {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("ckpt") {
            continue;
        }
        found += 1;
        let out = minimax(&[
            "train",
            "--iters",
            "2",
            "--report-every",
            "1",
            "--json",
            "--load",
            path.to_str().unwrap(),
            "--mnist",
            asset.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let lines = json_lines(&out);
        let first = &lines[0];
        let iter = first["iter"].as_u64().unwrap();
        assert!(
            iter >= 1000,
            "{}: trained for {iter} iterations",
            path.display()
        );
        assert_eq!(lines.last().unwrap()["iter"].as_u64(), Some(iter + 2));
        let last = lines.last().unwrap();
        if let Some(elbo) = last["elbo"].as_f64() {
            // A VAE: its ELBO where training left it (an untrained one is below −1 100).
            assert!(elbo > -900.0, "{}: ELBO {elbo}", path.display());
            continue;
        }
        for key in ["d_real", "d_fake"] {
            let d = last[key].as_f64().unwrap();
            assert!((0.1..0.9).contains(&d), "{}: {key} = {d}", path.display());
        }
    }
    assert!(found > 0, "no checkpoint in pretrained/");
}

/// `train --lesson` runs the iterations its card speaks of (vanishing-gradients: 400), unless
/// `--iters` says otherwise.
#[test]
fn a_lesson_trains_its_own_budget() {
    let last_iter = |args: &[&str]| {
        let out = minimax(args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        json_lines(&out).last().unwrap()["iter"].as_u64().unwrap()
    };
    let lesson = ["train", "--lesson", "vanishing-gradients", "--json"];
    assert_eq!(last_iter(&lesson), 400);
    assert_eq!(last_iter(&[&lesson[..], &["--iters", "30"]].concat()), 30);
}

/// `train --preset NAME` trains the page's preset (read here from www/presets.js itself):
/// its checkpoint's config is the preset's, a flag goes over it, and an unknown name is refused
/// with the names there are.
#[test]
fn a_preset_trains_the_page_s_options() {
    let js = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../www/presets.js"))
        .unwrap();
    let start = js.find("export const PRESETS =").unwrap() + "export const PRESETS =".len();
    let end = start + js[start..].find("};").unwrap() + 1;
    let presets: serde_json::Value = serde_json::from_str(&js[start..end]).unwrap();
    let path = temp_path("preset.ckpt");
    let saved = |args: &[&str]| {
        let out = minimax(
            &[
                &["train", "--iters", "2", "--save", path.to_str().unwrap()],
                args,
            ]
            .concat(),
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let bytes = std::fs::read(&path).unwrap();
        minimax_core::train::checkpoint::header(&bytes)
            .unwrap()
            .config
    };
    let flat = |v: &serde_json::Value| v.as_object().unwrap().clone();
    let generators =
        minimax_core::Config::from_flat(&flat(&presets["generators"]), &|_| true).unwrap();
    assert_eq!(saved(&["--preset", "generators"]), generators);
    let mut faster = flat(&presets["collapse"]);
    faster.insert("lr_g".into(), serde_json::json!(0.001));
    let faster = minimax_core::Config::from_flat(&faster, &|_| true).unwrap();
    assert_eq!(saved(&["--preset", "collapse", "--lr-g", "0.001"]), faster);
    // The preset's options that do not apply to a flag's choice are dropped, not refused.
    let mlp = saved(&["--preset", "mnist-dcgan", "--model", "mlp"]);
    assert_eq!(mlp.model.kind, minimax_core::spec::config::ModelKind::Mlp);
    assert!(!mlp.model.d_batch_norm && mlp.optim.lr_g == 2e-3);
    std::fs::remove_file(&path).ok();
    let out = minimax(&["train", "--preset", "no-such", "--iters", "1"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no-such") && err.contains("mnist-dcgan"),
        "{err}"
    );
}
