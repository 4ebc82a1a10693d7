//! A fuzzer for what users hand the engine: checkpoints and configs. It starts from real
//! checkpoints of small runs (MLP and DCGAN, one and two generators) and mutates them: bit
//! flips, truncations, section lengths edited with the checksum recomputed, header fields set
//! out of range (config, counters, an even RNG state), payload bytes changed behind a valid
//! checksum, sections renamed, dropped or repeated. Configs get values of the wrong type, out
//! of range, or huge. Every case must end in an error value or a usable run (which then
//! trains a step and takes a snapshot); a panic counts as a crash, a case that runs past the
//! time limit as a hang. Native only (it catches panics, which the page's wasm cannot).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use minimax_core::burn::tensor::Device;
use serde_json::{Value, json};

use minimax_core::data::mnist::Mnist;
use minimax_core::rng::RunRng;
use minimax_core::spec::config::Config;
use minimax_core::train::checkpoint;
use minimax_core::train::snapshot::SnapshotOptions;
use minimax_core::{Assets, launch};

/// How a fuzzing run ended.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub cases: u64,
    /// Ended in an error value.
    pub refused: u64,
    /// Loaded, trained a step and took a snapshot.
    pub accepted: u64,
    /// Panicked.
    pub crashed: u64,
    /// The first few crashes: which mutation, and the panic's message.
    pub crashes: Vec<String>,
    /// Hostile files (crate::hostile) that loaded: each one a hole in the loader.
    pub hostile_accepted: Vec<String>,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} cases: {} refused, {} accepted, {} crashed, 0 hung, {} hostile files accepted",
            self.cases,
            self.refused,
            self.accepted,
            self.crashed,
            self.hostile_accepted.len()
        )?;
        for h in &self.hostile_accepted {
            write!(f, "\n  hostile file accepted: {h}")?;
        }
        for c in &self.crashes {
            write!(f, "\n  crash: {c}")?;
        }
        Ok(())
    }
}

fn tiny_mnist() -> Arc<Mnist> {
    Arc::new(Mnist::noise(8, 99))
}

/// Real checkpoints of small runs, a step into training (so optimizer state exists).
fn seeds(device: &Device, assets: &Assets) -> Vec<Vec<u8>> {
    [
        json!({"g_hidden": 8, "d_hidden": 8, "batch_size": 16}),
        json!({"dataset": "gaussian", "data_dim": 3, "generators": 2, "g_hidden": 4, "d_hidden": 4,
               "g_layers": 1, "batch_size": 8, "optimizer_d": "rmsprop", "optimizer_g": "sgd"}),
        json!({"dataset": "mnist", "model": "dcgan", "latent_dim": 4, "g_channels": 4,
               "d_channels": 2, "batch_size": 4, "batch_norm": true}),
    ]
    .into_iter()
    .map(|c| {
        let config = Config::from_value(&c).expect("a valid seed config");
        let mut e = launch::build(config, device, assets).expect("a valid seed run");
        e.train(1);
        checkpoint::save(e.as_ref()).expect("a seed checkpoint")
    })
    .collect()
}

/// Recomputes the total length and the checksum after an edit of the body.
fn reseal(bytes: &mut [u8]) {
    if bytes.len() >= 24 {
        let total = bytes.len() as u64;
        bytes[12..20].copy_from_slice(&total.to_le_bytes());
        let crc = crc32fast::hash(&bytes[24..]);
        bytes[20..24].copy_from_slice(&crc.to_le_bytes());
    }
}

/// (name, payload) sections of a well-formed checkpoint; `join` encodes them again.
fn split(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    checkpoint::sections(bytes)
        .map(|t| {
            t.into_iter()
                .map(|(n, p)| (n.to_string(), p.to_vec()))
                .collect()
        })
        .unwrap_or_default()
}

fn join(sections: &[(String, Vec<u8>)]) -> Vec<u8> {
    let table: Vec<(&str, &[u8])> = sections
        .iter()
        .map(|(n, p)| (n.as_str(), p.as_slice()))
        .collect();
    checkpoint::encode(&table)
}

/// A value that some field might choke on.
fn wild_value(rng: &mut RunRng) -> Value {
    match rng.index(12) {
        0 => json!(0),
        1 => json!(-1),
        2 => json!(u64::MAX),
        3 => json!(1e308),
        4 => json!(4096),
        5 => json!("NaN"),
        6 => json!(""),
        7 => json!([[1e30, -1e30]]),
        8 => json!(null),
        9 => json!({"kind": "mnist"}),
        10 => json!(16),
        _ => json!(rng.uniform(-10.0, 10.0)),
    }
}

fn mutate_header(header: &mut Value, rng: &mut RunRng) -> &'static str {
    match rng.index(5) {
        0 => {
            let state = ["0", "2", "340282366920938463463374607431768211456", "-1"][rng.index(4)];
            header["rng"] = json!({ "state": state });
            "rng state"
        }
        1 => {
            let name = ["d_steps", "g_steps", "other"][rng.index(3)];
            header["counters"][name] = wild_value(rng);
            "counters"
        }
        _ => {
            let fields = &minimax_core::spec::schema::FIELDS[..];
            let f = &fields[rng.index(fields.len())];
            let mut flat = serde_json::Map::new();
            if let Ok(c) = serde_json::from_value::<Config>(header["config"].clone()) {
                flat = c.to_flat();
            }
            flat.insert(f.name.into(), wild_value(rng));
            if rng.index(3) == 0 {
                // Several at once, to find products over the budget.
                for g in [
                    "g_hidden",
                    "generators",
                    "g_layers",
                    "batch_size",
                    "g_channels",
                ] {
                    if rng.index(2) == 0 {
                        flat.insert(g.into(), wild_value(rng));
                    }
                }
            }
            header["config"] = Value::Object(flat);
            "config"
        }
    }
}

/// One mutation of a seed checkpoint, and its name.
fn mutate(seed: &[u8], rng: &mut RunRng) -> (Vec<u8>, String) {
    let mut b = seed.to_vec();
    let n = b.len();
    let kind = rng.index(9);
    let what = match kind {
        0 => {
            for _ in 0..1 + rng.index(8) {
                let i = rng.index(n);
                b[i] ^= 1 << rng.index(8);
            }
            "bit flips".to_string()
        }
        1 => {
            b.truncate(rng.index(n));
            "truncation".to_string()
        }
        2 => {
            // A section's length field edited, the checksum recomputed.
            let mut offsets = Vec::new();
            let mut i = 24;
            while i + 2 <= n {
                let name_len = u16::from_le_bytes([b[i], b[i + 1]]) as usize;
                let at = i + 2 + name_len;
                if at + 8 > n {
                    break;
                }
                offsets.push(at);
                let len = u64::from_le_bytes(b[at..at + 8].try_into().unwrap()) as usize;
                i = at + 8 + len;
            }
            if let Some(&at) = offsets.get(rng.index(offsets.len().max(1))) {
                let old = u64::from_le_bytes(b[at..at + 8].try_into().unwrap());
                let new = match rng.index(4) {
                    0 => old.wrapping_add(1 + rng.index(64) as u64),
                    1 => old.saturating_sub(1 + rng.index(64) as u64),
                    2 => u64::MAX - rng.index(16) as u64,
                    _ => rng.index(1 << 20) as u64,
                };
                b[at..at + 8].copy_from_slice(&new.to_le_bytes());
            }
            reseal(&mut b);
            "section length (resealed)".to_string()
        }
        3 => {
            let mut sections = split(seed);
            let what = if let Some((_, h)) = sections.first_mut() {
                let mut header: Value = serde_json::from_slice(h).unwrap_or(Value::Null);
                let what = mutate_header(&mut header, rng);
                *h = serde_json::to_vec(&header).unwrap();
                what
            } else {
                "none"
            };
            b = join(&sections);
            format!("header {what} (resealed)")
        }
        4 => {
            // Payload bytes changed behind a valid checksum: burn's record parser sees them.
            let mut sections = split(seed);
            if sections.len() > 1 {
                let k = 1 + rng.index(sections.len() - 1);
                let p = &mut sections[k].1;
                if !p.is_empty() {
                    for _ in 0..1 + rng.index(16) {
                        let i = rng.index(p.len().min(512).max(1)).min(p.len() - 1);
                        // Mostly the record's metadata at the start, sometimes anywhere.
                        let i = if rng.index(4) == 0 {
                            rng.index(p.len())
                        } else {
                            i
                        };
                        p[i] = rng.index(256) as u8;
                    }
                    if rng.index(4) == 0 {
                        p.truncate(rng.index(p.len()));
                    }
                }
            }
            b = join(&sections);
            "section payload (resealed)".to_string()
        }
        5 => {
            let mut sections = split(seed);
            if sections.len() > 1 {
                let k = rng.index(sections.len());
                match rng.index(4) {
                    0 => {
                        sections.remove(k);
                    }
                    1 => {
                        let s = sections[k].clone();
                        sections.push(s);
                    }
                    2 => {
                        sections[k].0 =
                            ["generator.7", "", "héader", "discriminator"][rng.index(4)].into()
                    }
                    _ => {
                        let j = rng.index(sections.len());
                        sections.swap(k, j)
                    }
                }
            }
            b = join(&sections);
            "section table (resealed)".to_string()
        }
        6 => {
            // Preamble fields: version, total length.
            if n >= 24 {
                match rng.index(3) {
                    0 => b[8..12].copy_from_slice(&(rng.index(5) as u32).to_le_bytes()),
                    1 => b[12..20].copy_from_slice(&(rng.index(2 * n) as u64).to_le_bytes()),
                    _ => b[12..20].copy_from_slice(&u64::MAX.to_le_bytes()),
                }
            }
            "preamble".to_string()
        }
        7 => {
            // A well-formed file with one fault inside a record or a counter (crate::hostile).
            let hostile =
                crate::hostile::Hostile::ALL[rng.index(crate::hostile::Hostile::ALL.len())];
            match hostile.craft(seed) {
                Ok(crafted) => {
                    b = crafted;
                    format!("hostile {}", hostile.name())
                }
                // (A seed without what it breaks: Adam's counter where D uses RMSprop.)
                Err(_) => "unchanged".to_string(),
            }
        }
        _ => {
            // Random bytes after a valid signature.
            let len = rng.index(600);
            b.truncate(8.min(n));
            b.extend((0..len).map(|_| rng.index(256) as u8));
            if rng.index(2) == 0 {
                reseal(&mut b);
            }
            "random body".to_string()
        }
    };
    (b, what)
}

/// A mutated config as JSON text.
fn mutate_config(rng: &mut RunRng) -> String {
    let fields = &minimax_core::spec::schema::FIELDS[..];
    let mut flat = serde_json::Map::new();
    for _ in 0..1 + rng.index(4) {
        let f = &fields[rng.index(fields.len())];
        flat.insert(f.name.into(), wild_value(rng));
    }
    match rng.index(4) {
        0 => Value::Object(flat).to_string(),
        1 => json!({"data": flat, "optim": {"lr_d": wild_value(rng)}}).to_string(),
        2 => {
            let mut s = Value::Object(flat).to_string();
            s.truncate(rng.index(s.len() + 1));
            s
        }
        _ => json!({"model": wild_value(rng), "seed": wild_value(rng)}).to_string(),
    }
}

/// Runs `cases` cases from `seed`; a case that runs longer than `time_limit` ends the process
/// with a message (a hang cannot be interrupted from within), so a returned report has no hang.
pub fn run(cases: u64, seed: u64, time_limit: Duration) -> Report {
    let device = Device::flex();
    let assets = Assets {
        mnist: Some(tiny_mnist()),
    };
    let seeds = seeds(&device, &assets);
    let mut rng = RunRng::new(seed);
    let mut report = Report::default();

    let started = Arc::new(AtomicU64::new(u64::MAX));
    let done = Arc::new(AtomicBool::new(false));
    let clock = Instant::now();
    let watchdog = {
        let (started, done) = (started.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(50));
                let s = started.load(Ordering::Relaxed);
                if s != u64::MAX
                    && clock.elapsed().as_millis() as u64 > s + time_limit.as_millis() as u64
                {
                    eprintln!("fuzz: a case ran over {time_limit:?}: 1 hung; stopping");
                    std::process::exit(3);
                }
            }
        })
    };
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for case in 0..cases {
        let (what, outcome) = if case % 5 == 4 {
            let text = mutate_config(&mut rng);
            started.store(clock.elapsed().as_millis() as u64, Ordering::Relaxed);
            let r = catch_unwind(|| {
                Config::from_json(&text)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            });
            (format!("config {text}"), r)
        } else {
            let (bytes, what) = mutate(&seeds[rng.index(seeds.len())], &mut rng);
            started.store(clock.elapsed().as_millis() as u64, Ordering::Relaxed);
            let r = catch_unwind(AssertUnwindSafe(|| {
                let mut e = launch::load(&bytes, &device, &assets).map_err(|e| e.to_string())?;
                e.train(1);
                e.prepare_snapshot(SnapshotOptions::default())
                    .read()
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }));
            (what, r)
        };
        started.store(u64::MAX, Ordering::Relaxed);
        report.cases += 1;
        match outcome {
            Ok(Ok(())) => {
                report.accepted += 1;
                if what.starts_with("hostile ") {
                    report.hostile_accepted.push(what);
                }
            }
            Ok(Err(_)) => report.refused += 1,
            Err(panic) => {
                report.crashed += 1;
                if report.crashes.len() < 5 {
                    let message = panic
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    report.crashes.push(format!("{what}: {message}"));
                }
            }
        }
    }
    std::panic::set_hook(hook);
    done.store(true, Ordering::Relaxed);
    let _ = watchdog.join();
    report
}
