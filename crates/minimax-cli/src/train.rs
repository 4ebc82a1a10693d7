//! `minimax train`: every config option is a flag made from the core's schema (the field
//! `lr_d` is `--lr-d`), so a new option needs no code here.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Arg, ArgAction, ArgMatches, Command};
use indicatif::{ProgressBar, ProgressStyle};
use minimax_core::burn::module::Module;
use minimax_core::data::mnist::Mnist;
use minimax_core::experiments::classifier::Classifier;
use minimax_core::experiments::evaluation::Evaluator;
use minimax_core::spec::config::ExperimentKind;
use minimax_core::spec::schema::{ALIASES, FIELDS, Kind, allowed};
use minimax_core::train::snapshot::Images;
use minimax_core::{
    Assets, Backend, Config, Experiment, Snapshot, SnapshotOptions, backend::init_device,
    train::checkpoint,
};
use serde_json::{Map, Value};

/// The flag of a config field: `lr_d` → `lr-d`.
pub fn flag(name: &str) -> String {
    name.replace('_', "-")
}

/// The `train` subcommand: the schema's options, then the run's own flags.
pub fn command() -> Command {
    let mut cmd = Command::new("train")
        .about("Train a GAN and report its metrics")
        .allow_negative_numbers(true);
    for f in FIELDS.iter() {
        let value_name = match f.kind {
            Kind::Int { .. } => "N",
            Kind::Float { .. } => "X",
            Kind::Enum(_) => "NAME",
            Kind::Bool => "BOOL",
            Kind::Points => "POINTS",
        };
        let mut help = format!("{} [{}]", f.help, allowed(f));
        if let Some(w) = f.when {
            help += &format!(" (when {} is {})", w.field, w.values.join(" or "));
        }
        let mut arg = Arg::new(f.name)
            .long(flag(f.name))
            .value_name(value_name)
            .help(help)
            .help_heading("Config (see `minimax schema`)");
        if f.kind == Kind::Bool {
            arg = arg.num_args(0..=1).default_missing_value("true");
        }
        if f.name == "d_steps" {
            arg = arg.short('k');
        }
        cmd = cmd.arg(arg);
    }
    for (name, _, help) in ALIASES {
        cmd = cmd.arg(
            Arg::new(*name)
                .long(*name)
                .value_name("VALUE")
                .help(*help)
                .help_heading("Config (see `minimax schema`)"),
        );
    }
    cmd.arg(Arg::new("preset").long("preset").value_name("NAME").help(
        "Start from one of the page's presets (www/presets.js: the options the page's preset trains); --lesson, --config and flags go over it",
    ))
    .arg(Arg::new("lesson").long("lesson").value_name("ID[/VARIANT]").help(
        "Start from a lesson's config (see `minimax lessons`); --config and flags go over it",
    ))
    .arg(Arg::new("config").long("config").value_name("FILE").help(
        "A JSON config (nested or flat) to start from; flags override its fields",
    ))
    .arg(
        Arg::new("iters")
            .long("iters")
            .value_parser(clap::value_parser!(u64))
            .help("Iterations to train (G steps; each round: k D steps, then g_steps G steps) [default: with --lesson, the iterations its card speaks of; else 3000]"),
    )
    .arg(
        Arg::new("report-every")
            .long("report-every")
            .value_parser(clap::value_parser!(u64).range(1..))
            .help("Report every this many iterations (default: 20 reports per run)"),
    )
    .arg(
        Arg::new("backend")
            .long("backend")
            .default_value("flex")
            .value_parser(Backend::parse)
            .help("flex (CPU) | wgpu (GPU)"),
    )
    .arg(Arg::new("json").long("json").action(ArgAction::SetTrue).help("One JSON object per report"))
    .arg(
        Arg::new("plane")
            .long("plane")
            .action(ArgAction::SetTrue)
            .help("Include the data plane (points, heat-maps, arrows) in the JSON reports"),
    )
    .arg(Arg::new("save").long("save").value_name("FILE").help("Write a checkpoint here at the end"))
    .arg(
        Arg::new("load")
            .long("load")
            .value_name("FILE")
            .help("Continue from this checkpoint (it carries its own config)"),
    )
    .arg(Arg::new("mnist").long("mnist").value_name("FILE").help(
        "The MNIST asset (default: $MINIMAX_MNIST, else assets/mnist-10k.bin.gz, written by `cargo xtask data`)",
    ))
    .arg(Arg::new("samples").long("samples").value_name("FILE.png").help(
        "Image data: write the final grid of samples (8×8, a conditional G's 10 rows of 8, row r asked for digit r; 28×28 pixels each, no border) as a PNG",
    ))
    .arg(Arg::new("eval").long("eval").value_name("FILE").help(
        "Image data: score G's samples at each report with this evaluator file (`is`, `fid`, `sharpness`, `eval_n`, `classes`, a conditional G's `conditional_accuracy` in the report; made by --evaluator)",
    ))
    .arg(
        Arg::new("eval-samples")
            .long("eval-samples")
            .value_parser(clap::value_parser!(u64).range(129..=100_000))
            .default_value("1000")
            .help("Samples each score is computed from (more than the 128 features; scores depend on n: compare at one n, the real digits' are at 1000)"),
    )
    .arg(Arg::new("evaluator").long("evaluator").value_name("FILE").help(
        "experiment classifier: at the end, write the evaluator file (the trained net and the real digits' feature statistics)",
    ))
}

/// The config fields given as flags, as flat JSON strings (the schema parses them).
fn overrides(m: &ArgMatches) -> Map<String, Value> {
    let names = FIELDS
        .iter()
        .map(|f| f.name)
        .chain(ALIASES.iter().map(|a| a.0));
    names
        .filter_map(|name| {
            m.get_one::<String>(name)
                .map(|v| (name.to_string(), Value::from(v.clone())))
        })
        .collect()
}

/// The config file's options, not yet checked (a flag may complete or correct them), then the
/// flags over them, checked once as a whole. A preset's or a lesson's options are inherited: one
/// that does not apply to what the file and flags choose (the DCGAN's `init` under
/// `--model mlp`) is dropped, where the same option given by the file or a flag is an error.
fn build_config(m: &ArgMatches) -> Result<Config, String> {
    let mut flat = match m.get_one::<String>("config") {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
            let value: Value =
                serde_json::from_str(&text).map_err(|e| format!("{path}: invalid config: {e}"))?;
            minimax_core::spec::schema::flat_names(&value).map_err(|e| format!("{path}: {e}"))?
        }
        None => Map::new(),
    };
    let mut explicit: std::collections::BTreeSet<String> = flat.keys().cloned().collect();
    if let Some(spec) = m.get_one::<String>("lesson") {
        let mut lesson = crate::lessons::config(spec)?;
        minimax_core::spec::schema::overlay(&mut lesson, &flat);
        flat = lesson;
    }
    if let Some(name) = m.get_one::<String>("preset") {
        let mut preset = crate::presets::config(name)?;
        minimax_core::spec::schema::overlay(&mut preset, &flat);
        flat = preset;
    }
    let flags = overrides(m);
    minimax_core::spec::schema::overlay(&mut flat, &flags);
    explicit.extend(flags.keys().cloned());
    Config::from_flat(&flat, &|name| explicit.contains(name)).map_err(|e| e.to_string())
}

/// Where the MNIST asset is looked for.
fn mnist_paths(m: &ArgMatches) -> Vec<PathBuf> {
    if let Some(p) = m.get_one::<String>("mnist") {
        return vec![p.into()];
    }
    let mut v = Vec::new();
    if let Some(p) = std::env::var_os("MINIMAX_MNIST") {
        v.push(p.into());
    }
    v.push("assets/mnist-10k.bin.gz".into());
    v.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/mnist-10k.bin.gz"));
    v
}

/// Reads the MNIST asset (gzip-compressed or not).
pub fn read_mnist(path: &Path) -> Result<Mnist, String> {
    let raw = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let bytes = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&raw[..]), &mut out)
            .map_err(|e| format!("{}: not a valid gzip file: {e}", path.display()))?;
        out
    } else {
        raw
    };
    Mnist::from_bytes(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

fn load_assets(m: &ArgMatches, config: &Config) -> Result<Assets, String> {
    if !config.data.kind.is_image() {
        return Ok(Assets::default());
    }
    let paths = mnist_paths(m);
    let path = paths.iter().find(|p| p.exists()).ok_or_else(|| {
        format!(
            "dataset mnist: no MNIST asset at {} (run `cargo xtask data`, or pass --mnist FILE)",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(" or ")
        )
    })?;
    Ok(Assets {
        mnist: Some(Arc::new(read_mnist(path)?)),
    })
}

/// One line of the non-JSON report, in the DCGAN example's words.
fn summary(s: &Snapshot) -> String {
    if let Some(accuracy) = s.scalars.get("accuracy") {
        return format!(
            "step {:>6}  loss {:.4}  held-out accuracy {:.2}% of {}",
            s.iter,
            s.get("loss"),
            accuracy * 100.0,
            s.get("held_out")
        );
    }
    let mut line = if let Some(elbo) = s.scalars.get("elbo") {
        format!(
            "step {:>6}  ELBO {elbo:.1}  E log p(x|z) {:.1}  KL {:.2}  σ {:.4}",
            s.iter,
            s.get("reconstruction"),
            s.get("kl"),
            s.get("sigma")
        )
    } else {
        format!(
            "iter {:>6}  Loss_D {:.4}  Loss_G {:.4}  D(x) {:.3}  D(G(z)) {:.3}  |∇G| {:.3}  |∇D| {:.3}",
            s.iter,
            s.get("d_loss"),
            s.get("g_loss"),
            s.get("d_real"),
            s.get("d_fake"),
            s.get("grad_g"),
            s.get("grad_d")
        )
    };
    if s.scalars.contains_key("modes") {
        line += &format!(
            "  modes {}/{}  hq {:.0}%",
            s.get("modes"),
            s.get("modes_total"),
            s.get("hq") * 100.0
        );
    }
    if let Some(jsd) = s.scalars.get("jsd") {
        line += &format!("  JSD {jsd:.3}");
    }
    if let Some(is) = s.scalars.get("is") {
        let present = s
            .histograms
            .get("classes")
            .map_or(0, |c| c.iter().filter(|&&k| k > 0).count());
        line += &format!(
            "  IS {is:.2}  FID {:.1}  sharpness {:.4}  digits {present}/10 (n = {})",
            s.get("fid"),
            s.get("sharpness"),
            s.get("eval_n")
        );
    }
    line
}

/// Reads a checkpoint file, unless it is larger than any checkpoint a config within the budget
/// writes (then it is not read at all).
pub fn read_checkpoint(path: &str) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let cannot = |e: std::io::Error| format!("cannot read {path}: {e}");
    let max = minimax_core::spec::budget::CHECKPOINT_BYTES;
    let too_large = |size: String| {
        format!(
            "{path}: {size} bytes, larger than any checkpoint Minimax writes (at most {max}); not read"
        )
    };
    let file = std::fs::File::open(path).map_err(cannot)?;
    let size = file.metadata().map_err(cannot)?.len();
    if size > max {
        return Err(too_large(size.to_string()));
    }
    // (Read no further than the bound: a file may grow meanwhile, or be a pipe of no size.)
    let mut bytes = Vec::new();
    file.take(max + 1).read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.len() as u64 > max {
        return Err(too_large(format!("more than {max}")));
    }
    Ok(bytes)
}

/// Reads an evaluator file (`--eval`).
fn read_evaluator(path: &str) -> Result<Evaluator, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    Evaluator::from_bytes(&bytes, &minimax_core::burn::tensor::Device::flex())
        .map_err(|e| format!("{path}: {e}"))
}

/// The classifier's scores of the experiment's samples, added to its snapshot.
fn add_scores(
    snapshot: &mut Snapshot,
    trainer: &dyn Experiment,
    evaluator: &Evaluator,
    n: usize,
) -> Result<(), String> {
    let scores = evaluator
        .score_experiment(trainer, n)
        .ok_or("--eval: this experiment makes no samples")??;
    let (scalars, classes) = Evaluator::into_snapshot_parts(&scores);
    snapshot.scalars.extend(scalars);
    snapshot.histograms.insert("classes".into(), classes);
    Ok(())
}

/// The grid of samples as a grayscale PNG, one image pixel per digit pixel, no border: 8 across,
/// 8 rows (a conditional G's 10, row r asked for digit r).
pub fn write_samples(images: &Images, path: &Path) -> Result<(), String> {
    let side = images.side;
    let per_row = 8;
    let count = images.fake.len() / (side * side);
    if count < per_row * per_row {
        return Err(format!("only {count} samples for an 8×8 grid"));
    }
    let rows = count / per_row;
    let width = per_row * side;
    let height = rows * side;
    let mut pixels = vec![0u8; width * height];
    for k in 0..per_row * rows {
        let (gy, gx) = (k / per_row, k % per_row);
        for y in 0..side {
            let src = &images.fake[k * side * side + y * side..][..side];
            let row = (gy * side + y) * width + gx * side;
            pixels[row..row + side].copy_from_slice(src);
        }
    }
    let file =
        std::fs::File::create(path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), width as u32, height as u32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer
        .write_image_data(&pixels)
        .map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())
}

/// The iterations to train: `--iters`, else the lesson's budget (the iterations its card
/// speaks of), else 3 000.
fn iterations(m: &ArgMatches) -> Result<u64, String> {
    if let Some(&n) = m.get_one::<u64>("iters") {
        return Ok(n);
    }
    let budget = match m.get_one::<String>("lesson") {
        Some(spec) => crate::lessons::lesson(spec)?.iters,
        None => None,
    };
    Ok(budget.unwrap_or(DEFAULT_ITERS))
}

/// Iterations a run trains when nothing says how many.
const DEFAULT_ITERS: u64 = 3000;

pub fn run(m: &ArgMatches) -> Result<(), String> {
    let backend = *m.get_one::<Backend>("backend").expect("has a default");
    let iters = iterations(m)?;
    let json = m.get_flag("json");
    let device = init_device(backend).map_err(|e| e.to_string())?;
    let mut trainer = start_run(m, &device)?;
    let samples = m.get_one::<String>("samples").map(PathBuf::from);
    let is_gan = trainer.config().experiment == ExperimentKind::Gan;
    let makes_digits = trainer.config().experiment != ExperimentKind::Classifier
        && trainer.config().data.kind.is_image();
    if samples.is_some() && !makes_digits {
        return Err(
            "--samples writes a GAN's or a VAE's image samples; this run makes none".into(),
        );
    }
    let evaluator = match m.get_one::<String>("eval") {
        Some(_) if !makes_digits => {
            return Err("--eval scores a GAN's or a VAE's digits; this run makes none".into());
        }
        Some(path) => Some(read_evaluator(path)?),
        None => None,
    };
    let eval_n = *m.get_one::<u64>("eval-samples").expect("has a default") as usize;
    if m.get_one::<String>("evaluator").is_some()
        && trainer.config().experiment != ExperimentKind::Classifier
    {
        return Err(
            "--evaluator writes a trained classifier; this run trains no classifier (--experiment classifier)"
                .into(),
        );
    }
    let every = m
        .get_one::<u64>("report-every")
        .copied()
        .unwrap_or((iters / 20).max(1));
    let options = SnapshotOptions {
        plane: m.get_flag("plane"),
        ..Default::default()
    };
    let bar = (!json && std::io::stderr().is_terminal()).then(|| {
        let bar = ProgressBar::new(iters);
        bar.set_style(
            ProgressStyle::with_template(
                "{bar:30} {pos}/{len} iterations, {per_sec}, eta {eta}  {msg}",
            )
            .expect("valid template"),
        );
        bar
    });
    let mut stdout = std::io::stdout().lock();
    let mut report = |trainer: &dyn Experiment| -> Result<Snapshot, String> {
        let mut snapshot = trainer.snapshot(options).map_err(|e| e.to_string())?;
        if let Some(evaluator) = &evaluator {
            add_scores(&mut snapshot, trainer, evaluator, eval_n)?;
        }
        if json {
            writeln!(
                stdout,
                "{}",
                serde_json::to_string(&snapshot).expect("snapshot serialises")
            )
            .map_err(|e| e.to_string())?;
        } else if let Some(bar) = &bar {
            bar.set_message(match snapshot.scalars.get("accuracy") {
                Some(a) => format!("accuracy {:.2}%", a * 100.0),
                None if !is_gan => format!("ELBO {:.1}", snapshot.get("elbo")),
                None => format!(
                    "D(x) {:.3}  D(G(z)) {:.3}",
                    snapshot.get("d_real"),
                    snapshot.get("d_fake")
                ),
            });
            bar.println(summary(&snapshot));
        } else {
            writeln!(stdout, "{}", summary(&snapshot)).map_err(|e| e.to_string())?;
        }
        Ok(snapshot)
    };
    let mut last = report(trainer.as_ref())?;
    let start = trainer.iteration();
    // Rounds until `iters` iterations are done (a GAN's round of `g_steps` G steps counts
    // each of them).
    let mut next_report = every;
    while trainer.iteration() - start < iters {
        trainer.step();
        let i = trainer.iteration() - start;
        if let Some(bar) = &bar {
            bar.set_position(i.min(iters));
        }
        if i >= next_report || i >= iters {
            last = report(trainer.as_ref())?;
            next_report = (i / every + 1) * every;
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if let Some(path) = &samples {
        let images = last
            .images
            .as_ref()
            .ok_or("the last snapshot has no images")?;
        write_samples(images, path)?;
    }
    if let Some(path) = m.get_one::<String>("evaluator") {
        write_evaluator(m, trainer.as_ref(), path)?;
    }
    if let Some(path) = m.get_one::<String>("save") {
        let bytes = checkpoint::save(trainer.as_ref()).map_err(|e| e.to_string())?;
        std::fs::write(path, bytes).map_err(|e| format!("cannot write {path}: {e}"))?;
        if !json {
            eprintln!(
                "saved iterations {start}..{} to {path}",
                trainer.iteration()
            );
        }
    }
    Ok(())
}

/// The run: continued from `--load`'s checkpoint (with its own config), or built from the
/// config the flags make.
fn start_run(
    m: &ArgMatches,
    device: &minimax_core::burn::tensor::Device,
) -> Result<Box<dyn Experiment>, String> {
    Ok(match m.get_one::<String>("load") {
        Some(path) => {
            if !overrides(m).is_empty()
                || m.get_one::<String>("config").is_some()
                || m.get_one::<String>("lesson").is_some()
                || m.get_one::<String>("preset").is_some()
            {
                return Err(
                    "--load continues a checkpoint with its own config; drop the config flags"
                        .into(),
                );
            }
            let bytes = read_checkpoint(path)?;
            let header = checkpoint::header(&bytes).map_err(|e| format!("{path}: {e}"))?;
            let assets = load_assets(m, &header.config)?;
            minimax_core::launch::load(&bytes, device, &assets)
                .map_err(|e| format!("{path}: {e}"))?
        }
        None => {
            let config = build_config(m)?;
            let assets = load_assets(m, &config)?;
            minimax_core::launch::build(config, device, &assets).map_err(|e| e.to_string())?
        }
    })
}

/// `--evaluator`: the trained classifier and the real digits' statistics, written to `path`.
fn write_evaluator(m: &ArgMatches, trainer: &dyn Experiment, path: &str) -> Result<(), String> {
    let classifier = trainer
        .as_any()
        .downcast_ref::<Classifier>()
        .ok_or("--evaluator: this run is no classifier")?;
    let assets = load_assets(m, trainer.config())?;
    let digits = assets
        .mnist
        .as_ref()
        .ok_or("--evaluator needs the MNIST asset")?;
    let device = minimax_core::burn::tensor::Device::flex();
    let net = classifier.net().to_device(&device);
    let evaluator = Evaluator::new(net, digits, &device);
    let bytes = evaluator.to_bytes().map_err(|e| e.to_string())?;
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {path}: {e}"))?;
    let r = &evaluator.reference;
    eprintln!(
        "wrote {path}: held-out accuracy {:.2}% of {}; real digits (n = {}): IS {:.2}, FID {:.2}, sharpness {:.4}",
        r.accuracy * 100.0,
        r.held_out,
        r.real_scores.n,
        r.real_scores.is,
        r.real_scores.fid,
        r.real_scores.sharpness
    );
    Ok(())
}
