//! `cargo xtask dist`: the static site in `dist/`.

use std::path::Path;
use std::process::Command;

use crate::{Result, cargo, root, run};

const WASM_TARGET: &str = "wasm32-unknown-unknown";
const PROFILE: &str = "wasm-release";

fn copy_dir(from: &Path, to: &Path) -> Result {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    for entry in std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        let target = to.join(entry.file_name());
        if entry.file_type().map_err(|e| e.to_string())?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .map_err(|e| format!("{}: {e}", target.display()))?;
        }
    }
    Ok(())
}

pub fn dist() -> Result {
    let root = root();
    run(cargo().args([
        "build",
        "-p",
        "minimax-web",
        "--target",
        WASM_TARGET,
        "--profile",
        PROFILE,
    ]))?;
    let target_dir = std::env::var("CARGO_TARGET_DIR")
        .map(Into::into)
        .unwrap_or_else(|_| root.join("target"));
    let wasm = target_dir
        .join(WASM_TARGET)
        .join(PROFILE)
        .join("minimax_web.wasm");

    let dist = root.join("dist");
    if dist.exists() {
        std::fs::remove_dir_all(&dist).map_err(|e| format!("{}: {e}", dist.display()))?;
    }
    let pkg = dist.join("pkg");
    std::fs::create_dir_all(&pkg).map_err(|e| e.to_string())?;
    // The whole of pkg/ is kept by the checksum of cargo's wasm: a `serve` or `dist` with
    // nothing changed copies it (seconds) instead of running wasm-bindgen and wasm-opt again.
    let names_kept = std::env::var_os("MINIMAX_WASM_NAMES").is_some();
    let optimise = std::env::var_os("MINIMAX_NO_WASM_OPT").is_none();
    let built = std::fs::read(&wasm).map_err(|e| format!("{}: {e}", wasm.display()))?;
    let kept = target_dir.join("pkg-cache").join(format!(
        "{:08x}-{}-{}{}{}",
        crc32fast::hash(&built),
        built.len(),
        WASM_OPT_PASSES.join(""),
        if names_kept { "-names" } else { "" },
        if optimise { "" } else { "-unoptimised" }
    ));
    drop(built);
    if kept.join("minimax_web_bg.wasm").exists() {
        eprintln!("pkg/: unchanged wasm, reusing {}", kept.display());
        copy_dir(&kept, &pkg)?;
    } else {
        bindgen(&wasm, &pkg, &target_dir, names_kept, optimise)?;
        // Written whole or not at all: an interrupted copy must not be reused later.
        let parent = kept.parent().expect("a folder");
        if parent.exists() {
            std::fs::remove_dir_all(parent).map_err(|e| e.to_string())?; // keep only the newest
        }
        let tmp = kept.with_extension("tmp");
        copy_dir(&pkg, &tmp)?;
        std::fs::rename(&tmp, &kept).map_err(|e| e.to_string())?;
    }
    site(&root, &dist)
}

/// wasm-opt's passes: `-Oz` three times. The second pass finds about 10 kB (gzip) more to fold
/// and inline, the third 5 kB (2 926.0 → 2 921.1 kB), each at about 3.5 more minutes of a cold
/// build. A fourth found 1.0 kB (2 900.9 → 2 899.9 kB) and was dropped: its 3.5 minutes kept CI
/// over its 45-minute aim. (`--zero-filled-memory` found nothing more.)
const WASM_OPT_PASSES: &[&str] = &["-Oz", "-Oz", "-Oz"];

/// wasm-bindgen's JS glue and the optimised wasm in `pkg`.
fn bindgen(wasm: &Path, pkg: &Path, target_dir: &Path, names_kept: bool, optimise: bool) -> Result {
    let root = root();
    eprintln!("wasm-bindgen {}", wasm.display());
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(wasm)
        .web(true)
        .map_err(|e| e.to_string())?
        .typescript(false)
        .generate(pkg)
        .map_err(|e| format!("wasm-bindgen: {e}"))?;

    let bg = pkg.join("minimax_web_bg.wasm");
    let raw = std::fs::metadata(&bg).map_err(|e| e.to_string())?.len();
    // wasm-opt takes minutes; its output is kept by the checksum of its input, so a build
    // that changed nothing the wasm depends on reuses it.
    let input = std::fs::read(&bg).map_err(|e| e.to_string())?;
    let cached = target_dir.join("wasm-opt-cache").join(format!(
        "{:08x}-{}-{}{}.wasm",
        crc32fast::hash(&input),
        input.len(),
        WASM_OPT_PASSES.join(""),
        if names_kept { "-names" } else { "" }
    ));
    if optimise && cached.exists() {
        eprintln!("wasm-opt: unchanged input, reusing {}", cached.display());
        std::fs::copy(&cached, &bg).map_err(|e| e.to_string())?;
    } else if optimise {
        // MINIMAX_WASM_NAMES=1 keeps the function names, for profiling (`perf` with Chromium's
        // `--js-flags=--perf-basic-prof`, or a DevTools profile), at about 3.5 MB more wasm.
        let names = if names_kept { "-g" } else { "--strip-debug" };
        // binaryen from npm: Debian's (version 108) predates the externref table of today's
        // wasm-bindgen and corrupts it.
        run(Command::new(root.join("node_modules/.bin/wasm-opt"))
            .args(WASM_OPT_PASSES)
            .args([
                names,
                "--strip-producers",
                "--enable-simd",
                "--enable-bulk-memory",
                "--enable-nontrapping-float-to-int",
                "--enable-sign-ext",
            ])
            .args([
                "--enable-mutable-globals",
                "--enable-reference-types",
                "--enable-multivalue",
            ])
            .arg(&bg)
            .arg("-o")
            .arg(&bg))?;
        // Written whole or not at all: an interrupted copy must not be reused later.
        let dir = cached.parent().expect("a folder");
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(|e| e.to_string())?; // keep only the newest
        }
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        let tmp = cached.with_extension("tmp");
        std::fs::copy(&bg, &tmp).map_err(|e| e.to_string())?;
        std::fs::rename(&tmp, &cached).map_err(|e| e.to_string())?;
    }
    let optimised = std::fs::metadata(&bg).map_err(|e| e.to_string())?.len();
    eprintln!(
        "pkg/: wasm {:.1} MB raw, {:.1} MB after wasm-opt",
        raw as f64 / 1e6,
        optimised as f64 / 1e6
    );
    Ok(())
}

/// KaTeX for the lessons' formulas, fetched with the first lesson: its minified script made an
/// ES module (it sets `self.katex`), its style sheet with the WOFF2 fonts only (every browser
/// with WebAssembly reads WOFF2; the WOFF and TrueType copies would never be fetched).
fn katex(root: &Path, to: &Path) -> Result {
    let from = root.join("node_modules/katex/dist");
    let read = |name: &str| {
        std::fs::read_to_string(from.join(name))
            .map_err(|e| format!("{}: {e} (run `npm ci`)", from.join(name).display()))
    };
    let script = read("katex.min.js")?;
    if !script.contains("e.katex=t()") {
        return Err("katex.min.js: not the expected script that sets `katex`".into());
    }
    std::fs::create_dir_all(to.join("fonts")).map_err(|e| e.to_string())?;
    std::fs::write(
        to.join("katex.js"),
        format!("{script}\nexport default self.katex;\n"),
    )
    .map_err(|e| e.to_string())?;
    let css = read("katex.min.css")?;
    let mut out = String::new();
    for (i, part) in css.split(",url(fonts/").enumerate() {
        let rest = part
            .split_once(r#".woff) format("woff")"#)
            .or_else(|| part.split_once(r#".ttf) format("truetype")"#));
        match (i, rest) {
            (0, _) => out.push_str(part),
            (_, Some((_, rest))) => out.push_str(rest),
            (_, None) => {
                out.push_str(",url(fonts/");
                out.push_str(part);
            }
        }
    }
    let fonts: Vec<&str> = out
        .split("url(fonts/")
        .skip(1)
        .map(|p| p.split(')').next().unwrap_or(""))
        .collect();
    if fonts.is_empty() || fonts.iter().any(|f| !f.ends_with(".woff2")) {
        return Err(format!("katex.min.css: unexpected fonts {fonts:?}"));
    }
    for f in &fonts {
        std::fs::copy(from.join("fonts").join(f), to.join("fonts").join(f))
            .map_err(|e| format!("KaTeX font {f}: {e}"))?;
    }
    std::fs::write(to.join("katex.min.css"), out).map_err(|e| e.to_string())
}

/// The page, its scripts and styles, uPlot and MNIST's digits beside `pkg/`.
fn site(root: &Path, dist: &Path) -> Result {
    for page in ["index.html", "embed.html", "manifest.webmanifest"] {
        std::fs::copy(root.join(page), dist.join(page)).map_err(|e| format!("{page}: {e}"))?;
    }
    // Both pages run under one Content Security Policy, the one servers send as a header.
    if page_csp(&root.join("embed.html"))? != page_csp(&root.join("index.html"))? {
        return Err("embed.html's Content-Security-Policy differs from index.html's".into());
    }
    let icons = dist.join("icons");
    std::fs::create_dir_all(&icons).map_err(|e| e.to_string())?;
    crate::icons::write(&icons)?;
    copy_dir(&root.join("www"), &dist.join("www"))?;
    let vendor = dist.join("www/vendor");
    std::fs::create_dir_all(&vendor).map_err(|e| e.to_string())?;
    // uPlot ships its minified build as a script that sets `var uPlot`; one appended line
    // makes it the ES module the page imports (22 kB gzip instead of the plain module's 42).
    let uplot = root.join("node_modules/uplot/dist/uPlot.iife.min.js");
    let script = std::fs::read_to_string(&uplot)
        .map_err(|e| format!("{}: {e} (run `npm ci`)", uplot.display()))?;
    if !script.contains("var uPlot=function()") {
        return Err(format!(
            "{}: not the expected `var uPlot=` script",
            uplot.display()
        ));
    }
    std::fs::write(
        vendor.join("uPlot.esm.js"),
        format!("{script}\nexport default uPlot;\n"),
    )
    .map_err(|e| e.to_string())?;
    std::fs::copy(
        root.join("node_modules/uplot/dist/uPlot.min.css"),
        vendor.join("uPlot.min.css"),
    )
    .map_err(|e| format!("uPlot.min.css: {e} (run `npm ci`)"))?;
    katex(root, &vendor.join("katex"))?;
    // MNIST's digits, fetched by the page only when an image preset opens.
    let data = dist.join("data");
    std::fs::create_dir_all(&data).map_err(|e| e.to_string())?;
    std::fs::copy(crate::data::asset_path(), data.join("mnist-10k.bin.gz"))
        .map_err(|e| format!("the MNIST asset: {e} (run `cargo xtask data`)"))?;
    // The trained checkpoints, fetched only when a lecture starts from one.
    let pretrained = dist.join("pretrained");
    std::fs::create_dir_all(&pretrained).map_err(|e| e.to_string())?;
    let evaluator = crate::root()
        .join("pretrained")
        .join(crate::pretrain::EVALUATOR);
    std::fs::copy(&evaluator, pretrained.join(crate::pretrain::EVALUATOR))
        .map_err(|e| format!("{}: {e} (run `cargo xtask pretrain`)", evaluator.display()))?;
    for p in crate::pretrain::list()? {
        let from = crate::pretrain::path(&p.name);
        std::fs::copy(&from, pretrained.join(format!("{}.ckpt", p.name))).map_err(|e| {
            format!(
                "{}: {e} (www/presets.js lists it in PRETRAINED: run `cargo xtask pretrain`)",
                from.display()
            )
        })?;
    }
    // The page's JavaScript minified (the download stays under 3 MB gzip).
    run(Command::new("node")
        .arg(root.join("xtask/js/minify.mjs"))
        .arg(dist)
        .current_dir(root))?;
    // Last, when every file is in place: the service worker and its precache list.
    run(Command::new("node")
        .arg(root.join("xtask/js/service-worker.mjs"))
        .arg(dist)
        .current_dir(root))?;
    Ok(())
}

/// The Content Security Policy of a page's meta tag (`index.html`'s is the one source).
pub fn page_csp(page: &Path) -> Result<String> {
    let html = std::fs::read_to_string(page).map_err(|e| format!("{}: {e}", page.display()))?;
    let key = "http-equiv=\"Content-Security-Policy\" content=\"";
    let start = html
        .find(key)
        .ok_or("index.html has no Content-Security-Policy")?
        + key.len();
    let end = html[start..]
        .find('"')
        .ok_or("unterminated Content-Security-Policy")?;
    Ok(html[start..start + end].to_string())
}
