//! Helpers shared by the integration tests that need MNIST's digits or the shipped files.
//! (Each test crate compiles this module on its own and uses part of it.)

use minimax_core::data::mnist::Mnist;

/// The asset `cargo xtask data` writes (which `cargo xtask test` runs first).
#[allow(dead_code)]
pub fn asset() -> Mnist {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/mnist-10k.bin.gz");
    let gz = std::fs::read(path).unwrap_or_else(|e| {
        panic!("{path}: {e} (run `cargo xtask data`, which `cargo xtask test` does)")
    });
    let mut raw = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut raw).unwrap();
    Mnist::from_bytes(&raw).unwrap()
}

/// The page's preset `name` (the strict-JSON block of `www/presets.js`, the one the CLI embeds)
/// with `seed`: the tests train what the page's preset trains.
#[allow(dead_code)]
pub fn preset(name: &str, seed: u64) -> minimax_core::Config {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../www/presets.js");
    let js = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let block = js
        .split_once("// BEGIN PRESETS")
        .and_then(|(_, rest)| rest.split_once("// END PRESETS"))
        .map(|(block, _)| block)
        .expect("www/presets.js: a BEGIN PRESETS … END PRESETS block");
    let json = &block[block.find('{').expect("an object")..=block.rfind('}').expect("an object")];
    let all: serde_json::Value = serde_json::from_str(json).expect("strict JSON");
    let mut flat = all
        .get(name)
        .filter(|v| v.is_object())
        .cloned()
        .unwrap_or_else(|| panic!("www/presets.js has no preset {name}"));
    flat["seed"] = seed.into();
    minimax_core::Config::from_value(&flat).unwrap_or_else(|e| panic!("preset {name}: {e}"))
}

/// A file the page ships in `pretrained/` (made by `cargo xtask pretrain`).
#[allow(dead_code)]
pub fn shipped(name: &str) -> Vec<u8> {
    let path = format!("{}/../../pretrained/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e} (run `cargo xtask pretrain`)"))
}

/// The iterations `cargo xtask pretrain` trains a shipped checkpoint for: `PRETRAINED` in
/// `www/presets.js`, the page's list (`'NAME': { iters: N }`).
#[allow(dead_code)]
pub fn pretrained_iters(name: &str) -> u64 {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../www/presets.js");
    let js = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let list = &js[js.find("export const PRETRAINED").expect("PRETRAINED")..];
    let key = format!("'{name}': {{ iters: ");
    let at = list
        .find(&key)
        .unwrap_or_else(|| panic!("PRETRAINED has no {name}"))
        + key.len();
    let digits: String = list[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("PRETRAINED: {name}: iters"))
}

/// `f` of each item, in the items' order, computed on as many threads as the machine has cores.
/// A training run is single-threaded (the CPU backend has no thread pool here), so a test of
/// several seeds would otherwise keep one core busy while the others wait for it.
#[allow(dead_code)]
pub fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new(items.iter().map(|_| None).collect());
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(items.len());
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let r = f(item);
                    results.lock().unwrap()[i] = Some(r);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap()
        .into_iter()
        .map(|r| r.expect("every item computed"))
        .collect()
}

/// This machine's wgpu device; None (the test is skipped) only where MINIMAX_SKIP_WGPU is set.
#[cfg(feature = "wgpu")]
#[allow(dead_code)]
pub fn wgpu_device() -> Option<burn::tensor::Device> {
    use minimax_core::backend::{Backend, init_device};
    match init_device(Backend::Wgpu) {
        Ok(d) => Some(d),
        Err(e) if std::env::var_os("MINIMAX_SKIP_WGPU").is_some() => {
            eprintln!("skipped (MINIMAX_SKIP_WGPU is set): {e}");
            None
        }
        Err(e) => panic!(
            "{e}; install Mesa's Vulkan drivers (cargo xtask setup) or set MINIMAX_SKIP_WGPU=1"
        ),
    }
}
