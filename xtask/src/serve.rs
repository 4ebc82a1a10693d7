//! `cargo xtask serve`: `dist/` over HTTP on the loopback interface, with tiny_http doing the
//! HTTP. Only GET and HEAD of plain files under `dist/`; a path is checked before anything on
//! disk is touched; requests are handled by a fixed set of threads; every answer carries
//! `nosniff` and the page's Content Security Policy (read from `index.html`, its one source).

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use tiny_http::{Header, Method, Request, Response, Server};

use crate::dist::page_csp;
use crate::{Result, root};

/// Threads answering requests: at most this many are served at once, the rest wait.
const WORKERS: usize = 4;
/// The longest request target accepted.
const MAX_URL: usize = 2048;
fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "gz" => "application/gzip",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// `target` (the request's path, percent-encoded) as a path relative to `dist/`, or None if it
/// could leave it: only plain names, no `..`, no root, no backslash, no NUL.
fn relative(target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    let text = String::from_utf8(decoded).ok()?;
    if text.contains(['\\', '\0']) {
        return None;
    }
    let rel = PathBuf::from(text.trim_start_matches('/'));
    rel.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then_some(rel)
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a valid header")
}

/// The headers every answer carries.
fn common<R: std::io::Read>(r: Response<R>, csp: &str) -> Response<R> {
    r.with_header(header("X-Content-Type-Options", "nosniff"))
        .with_header(header("Content-Security-Policy", csp))
        .with_header(header("Cache-Control", "no-cache"))
        // <minimax-gan> can be embedded from another origin: its modules, wasm and data are
        // then fetched with CORS.
        .with_header(header("Access-Control-Allow-Origin", "*"))
}

fn answer(request: Request, dir: &Path, csp: &str) -> std::io::Result<()> {
    let refuse = |request: Request, code: u16, text: &str| {
        request.respond(common(
            Response::from_string(text).with_status_code(code),
            csp,
        ))
    };
    if !matches!(request.method(), Method::Get | Method::Head) {
        return refuse(request, 405, "only GET and HEAD");
    }
    if request.url().len() > MAX_URL {
        return refuse(request, 414, "request target too long");
    }
    if request.body_length().unwrap_or(0) > 0 {
        return refuse(request, 413, "no body expected");
    }
    let Some(rel) = relative(request.url()) else {
        return refuse(request, 400, "bad path");
    };
    let mut file = dir.join(&rel);
    if file.is_dir() {
        file = file.join("index.html");
    }
    // A link inside dist/ must not lead outside it either.
    let inside = file
        .canonicalize()
        .map(|f| f.starts_with(dir) && f.is_file())
        .unwrap_or(false);
    if !inside {
        return refuse(request, 404, "not found");
    }
    match std::fs::File::open(&file) {
        Ok(f) => request.respond(
            common(Response::from_file(f), csp).with_header(header("Content-Type", mime(&file))),
        ),
        Err(_) => refuse(request, 404, "not found"),
    }
}

pub fn serve(args: &[String]) -> Result {
    let mut port = 8000u16;
    let mut build = true;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--port" => {
                port = it
                    .next()
                    .and_then(|p| p.parse().ok())
                    .ok_or("--port needs a number")?
            }
            "--no-build" => build = false,
            other => {
                return Err(format!(
                    "unknown option {other} (expected --port N, --no-build)"
                ));
            }
        }
    }
    if build {
        crate::dist::dist()?;
    }
    let dir = root()
        .join("dist")
        .canonicalize()
        .map_err(|e| format!("dist/: {e}"))?;
    let csp = Arc::new(page_csp(&dir.join("index.html"))?);
    let server = Arc::new(
        Server::http(("127.0.0.1", port))
            .map_err(|e| format!("cannot listen on port {port}: {e}"))?,
    );
    println!("Minimax is served at http://127.0.0.1:{port}/  (Ctrl-C stops)");
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let (server, dir, csp) = (server.clone(), dir.clone(), csp.clone());
            std::thread::spawn(move || {
                while let Ok(request) = server.recv() {
                    let _ = answer(request, &dir, &csp);
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::relative;
    use std::path::PathBuf;

    #[test]
    fn paths_that_could_leave_dist_are_refused_before_any_file_is_read() {
        assert_eq!(
            relative("/www/main.js?x=1"),
            Some(PathBuf::from("www/main.js"))
        );
        assert_eq!(relative("/"), Some(PathBuf::from("")));
        assert_eq!(relative("/a%20b.js"), Some(PathBuf::from("a b.js")));
        // Leading slashes are dropped: "//etc/passwd" is dist/etc/passwd, which does not exist.
        assert_eq!(relative("//etc/passwd"), Some(PathBuf::from("etc/passwd")));
        for bad in [
            "/../etc/passwd",
            "/www/../../x",
            "/%2e%2e/x",
            "/..%2fx",
            "/a\\..\\b",
            "/%00",
            "/%zz",
            "/%e2%28",
        ] {
            assert_eq!(relative(bad), None, "{bad}");
        }
    }
}
