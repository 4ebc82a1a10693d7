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

/// A file the page ships in `pretrained/` (made by `cargo xtask pretrain`).
#[allow(dead_code)]
pub fn shipped(name: &str) -> Vec<u8> {
    let path = format!("{}/../../pretrained/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e} (run `cargo xtask pretrain`)"))
}
