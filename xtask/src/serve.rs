//! `cargo xtask serve`: a small static file server for `dist/` on the loopback interface.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};

use crate::{Result, root};

fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" | "webmanifest" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        _ => "application/octet-stream",
    }
}

fn respond(mut stream: TcpStream, dir: &Path) -> std::io::Result<()> {
    let mut line = String::new();
    BufReader::new(&stream).read_line(&mut line)?;
    let raw = line.split_whitespace().nth(1).unwrap_or("/");
    let path = raw.split(['?', '#']).next().unwrap_or("/");
    let rel = PathBuf::from(path.trim_start_matches('/'));
    let safe = rel.components().all(|c| matches!(c, Component::Normal(_)));
    let mut file = dir.join(&rel);
    if file.is_dir() {
        file = file.join("index.html");
    }
    match (safe, std::fs::read(&file)) {
        (true, Ok(body)) => {
            write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n",
                mime(&file),
                body.len()
            )?;
            stream.write_all(&body)
        }
        _ => stream.write_all(
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found",
        ),
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
    let dir = root().join("dist");
    let listener = TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| format!("cannot listen on port {port}: {e}"))?;
    println!("Minimax is served at http://127.0.0.1:{port}/  (Ctrl-C stops)");
    for stream in listener.incoming().flatten() {
        let dir = dir.clone();
        std::thread::spawn(move || respond(stream, &dir));
    }
    Ok(())
}
