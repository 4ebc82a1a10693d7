//! Helpers shared by the integration tests that need MNIST's digits.

use minimax_core::data::mnist::Mnist;

/// The asset `cargo xtask data` writes (which `cargo xtask test` runs first).
pub fn asset() -> Mnist {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/mnist-10k.bin.gz");
    let gz = std::fs::read(path).unwrap_or_else(|e| {
        panic!("{path}: {e} (run `cargo xtask data`, which `cargo xtask test` does)")
    });
    let mut raw = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut raw).unwrap();
    Mnist::from_bytes(&raw).unwrap()
}
