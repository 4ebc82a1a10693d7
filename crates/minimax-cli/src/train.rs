//! `minimax train`: every config field is a flag of the same name (`lr_d` is `--lr-d`).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use minimax_core::{
    Backend, Snapshot, SnapshotOptions, TrainConfig, Trainer, backend::init_device,
};
use serde_json::{Map, Value};

#[derive(Args, Debug)]
pub struct TrainArgs {
    /// A JSON config file to start from (flags override its fields).
    #[arg(long)]
    config: Option<PathBuf>,
    /// ring | grid | spiral | moons | line | gaussian | points
    #[arg(long)]
    dataset: Option<String>,
    /// The points of the `points` dataset: "x,y;x,y;…"
    #[arg(long)]
    points: Option<String>,
    /// Data dimension (gaussian only)
    #[arg(long)]
    data_dim: Option<usize>,
    /// minimax | non-saturating | lsgan | hinge | wgan-gp
    #[arg(long)]
    loss: Option<String>,
    #[arg(long)]
    latent_dim: Option<usize>,
    /// gaussian | uniform
    #[arg(long)]
    latent: Option<String>,
    #[arg(long)]
    g_hidden: Option<usize>,
    #[arg(long)]
    g_layers: Option<usize>,
    #[arg(long)]
    d_hidden: Option<usize>,
    #[arg(long)]
    d_layers: Option<usize>,
    /// relu | leaky-relu | tanh
    #[arg(long)]
    activation: Option<String>,
    #[arg(long)]
    batch_size: Option<usize>,
    /// k: discriminator steps per generator step
    #[arg(long, short = 'k')]
    d_steps: Option<usize>,
    /// adam | sgd | rmsprop, for both players
    #[arg(long)]
    optimizer: Option<String>,
    #[arg(long)]
    optimizer_d: Option<String>,
    #[arg(long)]
    optimizer_g: Option<String>,
    /// Learning rate of both players
    #[arg(long)]
    lr: Option<f64>,
    #[arg(long)]
    lr_d: Option<f64>,
    #[arg(long)]
    lr_g: Option<f64>,
    /// Adam's β₁
    #[arg(long)]
    beta1: Option<f64>,
    /// Remedy: K unrolled discriminator steps
    #[arg(long)]
    unrolled: Option<usize>,
    /// Remedy: gradient penalty λ on D
    #[arg(long)]
    gp: Option<f64>,
    /// Remedy: N generators sharing one discriminator
    #[arg(long)]
    generators: Option<usize>,
    #[arg(long)]
    seed: Option<u64>,
    #[arg(long)]
    hist_bins: Option<usize>,

    /// Iterations to train (each: k D steps and one G step)
    #[arg(long, default_value_t = 3000)]
    iters: u64,
    /// Report every this many iterations (default: 20 reports per run)
    #[arg(long)]
    report_every: Option<u64>,
    /// flex (CPU) | wgpu (GPU)
    #[arg(long, default_value = "flex", value_parser = Backend::parse)]
    backend: Backend,
    /// One JSON object per report on standard output
    #[arg(long)]
    json: bool,
    /// Include the data plane (points, heat-maps, arrows) in the JSON reports
    #[arg(long)]
    plane: bool,
    /// Write a checkpoint here at the end
    #[arg(long)]
    save: Option<PathBuf>,
    /// Continue from this checkpoint (it carries its own config)
    #[arg(long)]
    load: Option<PathBuf>,
}

impl TrainArgs {
    /// The config fields given as flags, as JSON.
    fn overrides(&self) -> Result<Map<String, Value>, String> {
        let mut m = Map::new();
        let mut put = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                m.insert(k.to_string(), v);
            }
        };
        let s = |v: &Option<String>| v.clone().map(Value::from);
        let u = |v: &Option<usize>| v.map(Value::from);
        let f = |v: &Option<f64>| v.map(Value::from);
        put("dataset", s(&self.dataset));
        put("data_dim", u(&self.data_dim));
        put("loss", s(&self.loss));
        put("latent_dim", u(&self.latent_dim));
        put("latent", s(&self.latent));
        put("g_hidden", u(&self.g_hidden));
        put("g_layers", u(&self.g_layers));
        put("d_hidden", u(&self.d_hidden));
        put("d_layers", u(&self.d_layers));
        put("activation", s(&self.activation));
        put("batch_size", u(&self.batch_size));
        put("d_steps", u(&self.d_steps));
        put("optimizer_d", s(&self.optimizer));
        put("optimizer_g", s(&self.optimizer));
        put("optimizer_d", s(&self.optimizer_d));
        put("optimizer_g", s(&self.optimizer_g));
        put("lr_d", f(&self.lr));
        put("lr_g", f(&self.lr));
        put("lr_d", f(&self.lr_d));
        put("lr_g", f(&self.lr_g));
        put("beta1", f(&self.beta1));
        put("unrolled", u(&self.unrolled));
        put("gp", f(&self.gp));
        put("generators", u(&self.generators));
        put("seed", self.seed.map(Value::from));
        put("hist_bins", u(&self.hist_bins));
        if let Some(text) = &self.points {
            m.insert("points".into(), Value::from(parse_points(text)?));
        }
        Ok(m)
    }

    fn build_config(&self) -> Result<TrainConfig, String> {
        let mut base = match &self.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                serde_json::from_str::<Map<String, Value>>(&text)
                    .map_err(|e| format!("{} is not a JSON object: {e}", path.display()))?
            }
            None => Map::new(),
        };
        base.extend(self.overrides()?);
        TrainConfig::from_json(&Value::Object(base).to_string()).map_err(|e| e.to_string())
    }
}

fn parse_points(text: &str) -> Result<Vec<Vec<f32>>, String> {
    text.split(';')
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            let xy: Vec<f32> = p
                .split(',')
                .map(|v| {
                    v.trim()
                        .parse::<f32>()
                        .map_err(|_| format!("--points: '{p}' is not a pair of numbers x,y"))
                })
                .collect::<Result<_, _>>()?;
            if xy.len() != 2 {
                return Err(format!("--points: '{p}' is not a pair of numbers x,y"));
            }
            Ok(xy)
        })
        .collect()
}

/// One line of the non-JSON report.
fn summary(s: &Snapshot) -> String {
    let mut line = format!(
        "iter {:>6}  Loss_D {:.4}  Loss_G {:.4}  D(x) {:.3}  D(G(z)) {:.3}  |∇G| {:.3}  |∇D| {:.3}",
        s.iter, s.d_loss, s.g_loss, s.d_real, s.d_fake, s.grad_g, s.grad_d
    );
    if let (Some(m), Some(t), Some(hq)) = (s.modes, s.modes_total, s.hq) {
        line += &format!("  modes {m}/{t}  hq {:.0}%", hq * 100.0);
    }
    if let Some(jsd) = s.jsd {
        line += &format!("  JSD {jsd:.3}");
    }
    line
}

pub fn run(args: TrainArgs) -> Result<(), String> {
    let device = init_device(args.backend).map_err(|e| e.to_string())?;
    let mut trainer = match &args.load {
        Some(path) => {
            if !args.overrides()?.is_empty() || args.config.is_some() {
                return Err(
                    "--load continues a checkpoint with its own config; drop the config flags"
                        .into(),
                );
            }
            let bytes =
                std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            Trainer::from_checkpoint(&bytes, &device)
                .map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => Trainer::new(args.build_config()?, &device).map_err(|e| e.to_string())?,
    };
    let every = args.report_every.unwrap_or((args.iters / 20).max(1)).max(1);
    let options = SnapshotOptions {
        plane: args.plane,
        ..Default::default()
    };
    let bar = (!args.json && std::io::stderr().is_terminal()).then(|| {
        let bar = ProgressBar::new(args.iters);
        bar.set_style(
            ProgressStyle::with_template(
                "{bar:30} {pos}/{len} iterations, {per_sec}, eta {eta}  {msg}",
            )
            .expect("valid template"),
        );
        bar
    });
    let mut stdout = std::io::stdout().lock();
    let mut report = |trainer: &Trainer| -> Result<(), String> {
        let snapshot = trainer.snapshot(options).map_err(|e| e.to_string())?;
        if args.json {
            writeln!(
                stdout,
                "{}",
                serde_json::to_string(&snapshot).expect("snapshot serialises")
            )
            .map_err(|e| e.to_string())?;
        } else if let Some(bar) = &bar {
            bar.set_message(format!(
                "D(x) {:.3}  D(G(z)) {:.3}",
                snapshot.d_real, snapshot.d_fake
            ));
            bar.println(summary(&snapshot));
        } else {
            writeln!(stdout, "{}", summary(&snapshot)).map_err(|e| e.to_string())?;
        }
        Ok(())
    };
    report(&trainer)?;
    let start = trainer.iteration();
    for i in 1..=args.iters {
        trainer.step();
        if let Some(bar) = &bar {
            bar.set_position(i);
        }
        if i % every == 0 || i == args.iters {
            report(&trainer)?;
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if let Some(path) = &args.save {
        let bytes = trainer.to_checkpoint().map_err(|e| e.to_string())?;
        std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        if !args.json {
            eprintln!(
                "saved iterations {start}..{} to {}",
                trainer.iteration(),
                path.display()
            );
        }
    }
    Ok(())
}
