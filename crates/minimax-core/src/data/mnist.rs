//! MNIST digits in a compact asset: bytes, not JSON. The core decodes bytes it is handed and
//! never reads files or fetches (`cargo xtask data` writes the asset; the CLI reads it from
//! disk, the page fetches it).
//!
//! Layout (little-endian): `MNISTU8\0` · count u32 · rows u16 · cols u16 · `count` labels (u8,
//! 0–9) · `count·rows·cols` pixels (u8, 0 = background, 255 = ink), row-major · CRC-32 of
//! everything before it (u32).

use std::fmt;

const MAGIC: &[u8; 8] = b"MNISTU8\0";
const HEADER: usize = 8 + 4 + 2 + 2;
/// Side of the images this engine trains on.
pub const SIDE: usize = crate::spec::config::IMAGE_SIDE;
const MAX_COUNT: usize = 100_000;

/// Real digits with their labels.
#[derive(Clone, PartialEq)]
pub struct Mnist {
    labels: Vec<u8>,
    pixels: Vec<u8>,
}

impl fmt::Debug for Mnist {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mnist({} images)", self.labels.len())
    }
}

/// Why an asset could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("the MNIST asset is unusable: {0}")]
pub struct MnistError(String);

impl Mnist {
    /// Builds the set from labels and pixels (as the converter does).
    pub fn new(labels: Vec<u8>, pixels: Vec<u8>) -> Result<Self, MnistError> {
        let n = labels.len();
        if n == 0 || n > MAX_COUNT {
            return Err(MnistError(format!("{n} images (expected 1..={MAX_COUNT})")));
        }
        if pixels.len() != n * SIDE * SIDE {
            return Err(MnistError(format!(
                "{} pixels for {n} images of {SIDE}×{SIDE}",
                pixels.len()
            )));
        }
        if let Some(l) = labels.iter().find(|&&l| l > 9) {
            return Err(MnistError(format!("label {l} is not a digit")));
        }
        Ok(Self { labels, pixels })
    }

    /// The same digits with other labels, one each, any byte: the groups of
    /// [`crate::data::clusters::grouped`], which may number more than ten.
    pub fn relabelled(&self, labels: Vec<u8>) -> Self {
        assert_eq!(labels.len(), self.labels.len(), "one label a digit");
        Self {
            labels,
            pixels: self.pixels.clone(),
        }
    }

    /// `count` images of uniform random pixels (labels 0, 1, …, 9, 0, …), drawn from `seed`: a
    /// stand-in with MNIST's shape for tests, the fuzzer and benchmarks that need no asset.
    pub fn noise(count: usize, seed: u64) -> Self {
        let mut rng = crate::rng::RunRng::new(seed);
        let pixels = (0..count * SIDE * SIDE)
            .map(|_| rng.index(256) as u8)
            .collect();
        let labels = (0..count).map(|i| (i % 10) as u8).collect();
        Self::new(labels, pixels).expect("a valid set")
    }

    /// Decodes the asset.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, MnistError> {
        if bytes.len() < HEADER + 4 || &bytes[..8] != MAGIC {
            return Err(MnistError("not an MNIST asset (wrong signature)".into()));
        }
        let (body, crc) = bytes.split_at(bytes.len() - 4);
        if crc32fast::hash(body).to_le_bytes() != crc {
            return Err(MnistError(
                "its checksum does not match (a damaged download?)".into(),
            ));
        }
        let count = u32::from_le_bytes(body[8..12].try_into().expect("4 bytes")) as usize;
        let rows = u16::from_le_bytes(body[12..14].try_into().expect("2 bytes")) as usize;
        let cols = u16::from_le_bytes(body[14..16].try_into().expect("2 bytes")) as usize;
        if (rows, cols) != (SIDE, SIDE) {
            return Err(MnistError(format!(
                "images of {rows}×{cols}, expected {SIDE}×{SIDE}"
            )));
        }
        let expected = count
            .checked_mul(1 + SIDE * SIDE)
            .and_then(|n| n.checked_add(HEADER))
            .ok_or_else(|| MnistError("impossible image count".into()))?;
        if body.len() != expected {
            return Err(MnistError(format!(
                "{} bytes for {count} images, expected {expected}",
                body.len()
            )));
        }
        let (labels, pixels) = body[HEADER..].split_at(count);
        Self::new(labels.to_vec(), pixels.to_vec())
    }

    /// Encodes the asset.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER + self.labels.len() + self.pixels.len() + 4);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(self.labels.len() as u32).to_le_bytes());
        out.extend_from_slice(&(SIDE as u16).to_le_bytes());
        out.extend_from_slice(&(SIDE as u16).to_le_bytes());
        out.extend_from_slice(&self.labels);
        out.extend_from_slice(&self.pixels);
        let crc = crc32fast::hash(&out);
        out.extend_from_slice(&crc.to_le_bytes());
        out
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    pub fn labels(&self) -> &[u8] {
        &self.labels
    }

    /// Every image's pixels, 0–255, one after another.
    pub fn pixels(&self) -> &[u8] {
        &self.pixels
    }

    /// Image `i`'s pixels, 0–255.
    pub fn image(&self, i: usize) -> &[u8] {
        &self.pixels[i * SIDE * SIDE..(i + 1) * SIDE * SIDE]
    }

    /// Image `i` as the players see it: pixels scaled to [−1, 1], appended to `out`.
    pub fn push_scaled(&self, i: usize, out: &mut Vec<f32>) {
        out.extend(self.image(i).iter().map(|&p| p as f32 / 127.5 - 1.0));
    }

    /// The digit nearest to `image` (pixels in [−1, 1], as the players draw them) in pixel
    /// space, and their Euclidean distance on pixels in [0, 1]: whether a generator copies its
    /// training set shows as a distance near 0 (a real digit's own is 0; a real digit's nearest
    /// other one lies at a median 4.8, nine in ten beyond 2.2: `tests/evaluation.rs`).
    pub fn nearest(&self, image: &[f32]) -> (usize, f64) {
        let query: Vec<f32> = image.iter().map(|&v| (v + 1.0) / 2.0).collect();
        let mut best = (0, f32::INFINITY);
        for i in 0..self.len() {
            let mut d2 = 0f32;
            for (&p, &q) in self.image(i).iter().zip(&query) {
                let d = p as f32 / 255.0 - q;
                d2 += d * d;
                if d2 >= best.1 {
                    break;
                }
            }
            if d2 < best.1 {
                best = (i, d2);
            }
        }
        (best.0, (best.1 as f64).sqrt())
    }

    /// How many images of each digit.
    pub fn label_counts(&self) -> [usize; 10] {
        let mut c = [0; 10];
        for &l in &self.labels {
            c[l as usize] += 1;
        }
        c
    }
}

/// Pixels in [−1, 1] back to 0–255.
pub fn to_u8(x: f32) -> u8 {
    ((x.clamp(-1.0, 1.0) + 1.0) * 127.5).round() as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Mnist {
        Mnist::new(vec![3, 7], (0..2 * 784).map(|i| (i % 256) as u8).collect()).unwrap()
    }

    #[test]
    fn round_trips_and_refuses_damage() {
        let m = tiny();
        let bytes = m.to_bytes();
        assert_eq!(Mnist::from_bytes(&bytes).unwrap(), m);
        for i in [0, 9, 13, 20, bytes.len() - 1] {
            let mut b = bytes.clone();
            b[i] ^= 1;
            assert!(Mnist::from_bytes(&b).is_err());
        }
        assert!(Mnist::from_bytes(&bytes[..bytes.len() - 5]).is_err());
        assert!(Mnist::new(vec![10], vec![0; 784]).is_err());
        assert_eq!(m.label_counts()[3], 1);
        let mut v = Vec::new();
        m.push_scaled(0, &mut v);
        assert_eq!((v[0], v[255]), (-1.0, 1.0));
        assert_eq!(to_u8(v[200]), 200);
    }
}
