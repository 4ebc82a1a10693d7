//! Build tasks, run as `cargo xtask <task>` (see `.cargo/config.toml`).
//!
//! * `setup` — install what the tests need on a Debian machine (idempotent).
//! * `test`  — `setup`, then every test.
//! * `bench` — the benchmarks, printed as tables.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup(),
        Some("test") => setup().and_then(|_| test()),
        Some("bench") => bench(&args[1..]),
        _ => {
            eprintln!("usage: cargo xtask <setup|test|bench>");
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

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

fn run(cmd: &mut Command) -> Result {
    eprintln!("$ {cmd:?}");
    let status = cmd.status().map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{cmd:?} failed with {status}")) }
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

/// Debian packages the tests need, with a file that shows each is installed.
const APT_PACKAGES: &[(&str, &str)] = &[
    // Mesa's lavapipe: a CPU Vulkan driver, so the wgpu backend's tests run without a GPU.
    ("mesa-vulkan-drivers", "/usr/share/vulkan/icd.d/lvp_icd.x86_64.json"),
];

fn setup() -> Result {
    let missing: Vec<&str> =
        APT_PACKAGES.iter().filter(|(_, marker)| !Path::new(marker).exists()).map(|(p, _)| *p).collect();
    if missing.is_empty() {
        return Ok(());
    }
    if !is_root() {
        return Err(format!("please install the Debian packages {} (or run as root)", missing.join(" ")));
    }
    run(Command::new("apt-get").arg("update").arg("-q"))?;
    run(Command::new("apt-get").args(["install", "-y", "-q", "--no-install-recommends"]).args(&missing).env("DEBIAN_FRONTEND", "noninteractive"))
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0")).unwrap_or(false)
}

fn test() -> Result {
    run(cargo().args(["test", "--workspace", "--release"]))
}

fn bench(args: &[String]) -> Result {
    run(cargo().args(["run", "--release", "-p", "minimax-cli", "--", "bench"]).args(args))
}
