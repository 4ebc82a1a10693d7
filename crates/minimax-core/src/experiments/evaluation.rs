//! Judging generated digits by a classifier's eyes: a GAN has no likelihood, so its samples are
//! scored by what the digit classifier ([`crate::experiments::classifier`]) makes of them.
//!
//! * **Inception Score** (Salimans et al. 2016, with our classifier in Inception's place):
//!   IS = exp(E_x KL(p(y|x) ‖ p(y))), p(y) the mean of p(y|x) over the samples. Between 1 (every
//!   sample the same uncertain mixture, or all one digit) and 10 (each sample one sure digit,
//!   all ten equally often).
//! * **Fréchet distance** (Heusel et al. 2017, "FID", on our classifier's 128 penultimate
//!   features): ‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2(Σ₁^½ Σ₂ Σ₁^½)^½) between Gaussians fitted to the
//!   features of the samples and of the 10 000 real digits (those statistics are computed once
//!   and shipped in the evaluator file). 0 for identical statistics.
//! * **Classes**: how many samples the classifier puts in each digit; a generator that has
//!   collapsed onto a few digits leaves the others empty.
//! * **Sharpness**: how steeply the strokes' edges rise — the gradient's magnitude where each
//!   image crosses half-intensity, averaged over the crossings of an image, then over the
//!   images ([`edge_sharpness`]): a blurred stroke rises slowly, a crisp one in a pixel. It does
//!   not use the classifier, and pixel noise does not raise it (the variance of the
//!   Laplacian, the measure it replaced, counted noise as edges: [`laplacian_variance`] stays
//!   for that comparison). A step from one pixel to the next scores 1/2, about as steep as
//!   central differences see; isolated bright pixels count as edges too (a lone one: 1/4).
//!
//! Both scores are biased by the number of samples n: IS estimates p(y) from the same n
//! samples (a few samples look more diverse than they are… or less: the bias is small for
//! n ≥ 1000), and the Fréchet distance of two finite samples of one distribution is not 0 but
//! grows as n shrinks (the sample covariance's noise adds to the trace term, roughly in
//! proportion to d/n). Scores are therefore always given with n, and compared only at one n:
//! the real digits' own scores at that n are the ceiling (IS) and floor (Fréchet distance).

use std::collections::BTreeMap;

use burn::tensor::{Device, Tensor, TensorData, activation};
use serde::{Deserialize, Serialize};

use crate::data::mnist::Mnist;
use crate::error::CheckpointError;
use crate::experiments::classifier::{CLASSES, DigitNet, FEATURES, held_out};
use crate::rng::RunRng;
use crate::spec::config::IMAGE_SIDE;
use crate::train::checkpoint;
use crate::train::codes::asked_digit;
use crate::train::records::load_module;

/// Samples generated and classified at a time: memory stays small, and a page can train between
/// chunks. (A generator with batch norm normalises by each chunk's statistics, so the chunk
/// size is part of what a score means: the CLI and the page both use this one.)
pub const SAMPLE_CHUNK: usize = 250;
const CHUNK: usize = SAMPLE_CHUNK;
/// Samples a score is computed from, unless asked otherwise: enough for a Fréchet distance
/// on 128 features (its covariance needs n > 128) with a modest bias.
pub const DEFAULT_SAMPLES: usize = 1000;

/// The scores of a set of images.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    /// Images scored.
    pub n: usize,
    pub is: f64,
    pub fid: f64,
    /// Images the classifier put in each digit.
    pub classes: Vec<u32>,
    /// The images' mean edge sharpness (see [`sharpness`]).
    pub sharpness: f64,
    /// A conditional G's: the share of its samples the classifier puts in the digit asked for
    /// (row i of the evaluation codes asks for digit i mod 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditional_accuracy: Option<f64>,
}

/// The variance of the 4-neighbour Laplacian of one 28×28 image (pixels in [−1, 1], measured
/// as [0, 1]) over its inner 26×26 pixels.
pub fn laplacian_variance(image: &[f32]) -> f64 {
    let side = IMAGE_SIDE;
    let p = |r: usize, c: usize| (image[r * side + c] as f64 + 1.0) / 2.0;
    let (mut sum, mut sum2) = (0.0, 0.0);
    for r in 1..side - 1 {
        for c in 1..side - 1 {
            let l = 4.0 * p(r, c) - p(r - 1, c) - p(r + 1, c) - p(r, c - 1) - p(r, c + 1);
            sum += l;
            sum2 += l * l;
        }
    }
    let m = ((side - 2) * (side - 2)) as f64;
    (sum2 / m - (sum / m).powi(2)).max(0.0)
}

/// The level that marks a stroke's edge: half way from paper (0) to ink (1).
pub const EDGE_LEVEL: f64 = 0.5;

/// The edge sharpness of one 28×28 image (pixels in [−1, 1], measured as [0, 1]): the mean
/// steepness of its strokes' edges, in intensity per pixel — the gradient's magnitude where the
/// image crosses the level [`EDGE_LEVEL`]. Each pair of neighbouring pixels (across or down)
/// on opposite sides of the level marks one crossing; the gradient there is the central
/// differences' magnitude of the two pixels, interpolated linearly to the crossing. A linear
/// edge rising from 0 to 1 over w pixels (its 10–90 % width 0.8·w) scores 1/w; an image that
/// never reaches the level has no edges and scores 0.
///
/// Unlike the Laplacian's variance ([`laplacian_variance`]), pixel noise barely moves it: noise
/// of σ = 0.1 on paper or ink never reaches the level, and on an edge it adds to the gradient
/// only in quadrature (`tests`: real digits with such noise score within a few per cent of the
/// originals, blurred ones far lower).
pub fn edge_sharpness(image: &[f32]) -> f64 {
    let side = IMAGE_SIDE;
    let p = |r: usize, c: usize| (image[r * side + c] as f64 + 1.0) / 2.0;
    // Central differences (one-sided on the border), and their magnitude.
    let gradient = |r: usize, c: usize| {
        let (c0, c1) = (c.saturating_sub(1), (c + 1).min(side - 1));
        let (r0, r1) = (r.saturating_sub(1), (r + 1).min(side - 1));
        let gx = (p(r, c1) - p(r, c0)) / (c1 - c0) as f64;
        let gy = (p(r1, c) - p(r0, c)) / (r1 - r0) as f64;
        gx.hypot(gy)
    };
    let (mut sum, mut crossings) = (0.0, 0usize);
    for r in 0..side {
        for c in 0..side {
            let a = p(r, c);
            for (rr, cc) in [(r, c + 1), (r + 1, c)] {
                if rr >= side || cc >= side {
                    continue;
                }
                let b = p(rr, cc);
                if (a >= EDGE_LEVEL) == (b >= EDGE_LEVEL) {
                    continue;
                }
                let t = (EDGE_LEVEL - a) / (b - a);
                sum += (1.0 - t) * gradient(r, c) + t * gradient(rr, cc);
                crossings += 1;
            }
        }
    }
    if crossings == 0 {
        0.0
    } else {
        sum / crossings as f64
    }
}

/// Sharpness of a set of images (`n × 784`, pixels in [−1, 1]): the mean of their
/// [`edge_sharpness`]es (so the mean over chunks, weighted by their sizes, is the whole set's);
/// NaN for none.
pub fn sharpness(images: &[f32]) -> f64 {
    let pixels = IMAGE_SIDE * IMAGE_SIDE;
    let n = images.len() / pixels;
    if n == 0 {
        return f64::NAN;
    }
    images.chunks_exact(pixels).map(edge_sharpness).sum::<f64>() / n as f64
}

/// IS = exp(mean over samples of KL(p(y|x) ‖ p(y))), from `n` rows of `k` probabilities.
pub fn inception_score(probabilities: &[f32], k: usize) -> f64 {
    let n = probabilities.len() / k;
    if n == 0 {
        return f64::NAN;
    }
    let mut marginal = vec![0f64; k];
    for row in probabilities.chunks(k) {
        for (m, &p) in marginal.iter_mut().zip(row) {
            *m += p as f64 / n as f64;
        }
    }
    let mut kl = 0f64;
    for row in probabilities.chunks(k) {
        for (&p, &m) in row.iter().zip(&marginal) {
            let p = p as f64;
            if p > 0.0 {
                kl += p * (p.ln() - m.ln());
            }
        }
    }
    (kl / n as f64).exp()
}

/// Mean and covariance (denominator n − 1) of `n` rows of `d` values.
pub fn moments(rows: &[f32], d: usize) -> (Vec<f64>, Vec<f64>) {
    let n = rows.len() / d;
    let mut mean = vec![0f64; d];
    for row in rows.chunks(d) {
        for (m, &x) in mean.iter_mut().zip(row) {
            *m += x as f64;
        }
    }
    mean.iter_mut().for_each(|m| *m /= n as f64);
    let mut cov = vec![0f64; d * d];
    let mut centred = vec![0f64; d];
    for row in rows.chunks(d) {
        for (c, (&x, &m)) in centred.iter_mut().zip(row.iter().zip(&mean)) {
            *c = x as f64 - m;
        }
        for i in 0..d {
            let ci = centred[i];
            if ci == 0.0 {
                continue;
            }
            for j in i..d {
                cov[i * d + j] += ci * centred[j];
            }
        }
    }
    let denominator = (n.max(2) - 1) as f64;
    for i in 0..d {
        for j in i..d {
            let v = cov[i * d + j] / denominator;
            cov[i * d + j] = v;
            cov[j * d + i] = v;
        }
    }
    (mean, cov)
}

/// Eigenvalues and eigenvectors (the columns of a row-major `d × d` matrix) of a symmetric
/// matrix, by cyclic Jacobi rotations.
pub fn symmetric_eigen(matrix: &[f64], d: usize) -> (Vec<f64>, Vec<f64>) {
    let mut a = matrix.to_vec();
    let mut v = vec![0f64; d * d];
    for i in 0..d {
        v[i * d + i] = 1.0;
    }
    let norm: f64 = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    for _sweep in 0..100 {
        let off: f64 = (0..d)
            .flat_map(|i| (0..d).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * d + j] * a[i * d + j])
            .sum::<f64>()
            .sqrt();
        if off <= 1e-14 * norm.max(f64::MIN_POSITIVE) {
            break;
        }
        for p in 0..d {
            for q in p + 1..d {
                let apq = a[p * d + q];
                if apq.abs() <= f64::MIN_POSITIVE {
                    continue;
                }
                let (app, aqq) = (a[p * d + p], a[q * d + q]);
                let theta = (aqq - app) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..d {
                    let (akp, akq) = (a[k * d + p], a[k * d + q]);
                    a[k * d + p] = c * akp - s * akq;
                    a[k * d + q] = s * akp + c * akq;
                }
                for k in 0..d {
                    let (apk, aqk) = (a[p * d + k], a[q * d + k]);
                    a[p * d + k] = c * apk - s * aqk;
                    a[q * d + k] = s * apk + c * aqk;
                }
                for k in 0..d {
                    let (vkp, vkq) = (v[k * d + p], v[k * d + q]);
                    v[k * d + p] = c * vkp - s * vkq;
                    v[k * d + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    ((0..d).map(|i| a[i * d + i]).collect(), v)
}

/// The square root of a symmetric positive semi-definite matrix (negative eigenvalues, from
/// rounding, taken as 0).
pub fn sqrt_psd(matrix: &[f64], d: usize) -> Vec<f64> {
    let (values, vectors) = symmetric_eigen(matrix, d);
    let roots: Vec<f64> = values.iter().map(|&l| l.max(0.0).sqrt()).collect();
    let mut out = vec![0f64; d * d];
    for i in 0..d {
        for j in 0..d {
            out[i * d + j] = (0..d)
                .map(|k| vectors[i * d + k] * roots[k] * vectors[j * d + k])
                .sum();
        }
    }
    out
}

fn matmul(a: &[f64], b: &[f64], d: usize) -> Vec<f64> {
    let mut out = vec![0f64; d * d];
    for i in 0..d {
        for k in 0..d {
            let aik = a[i * d + k];
            if aik == 0.0 {
                continue;
            }
            for j in 0..d {
                out[i * d + j] += aik * b[k * d + j];
            }
        }
    }
    out
}

/// The Fréchet distance between N(μ₁, Σ₁) and N(μ₂, Σ₂):
/// ‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2 tr (Σ₁^½ Σ₂ Σ₁^½)^½ (the last term through the eigenvalues
/// of the symmetric matrix Σ₁^½ Σ₂ Σ₁^½, which has those of Σ₁Σ₂).
pub fn frechet_distance(mu1: &[f64], cov1: &[f64], mu2: &[f64], cov2: &[f64]) -> f64 {
    frechet_distance_with_root(mu1, cov1, &sqrt_psd(cov1, mu1.len()), mu2, cov2)
}

/// The same, with Σ₁^½ given (the real digits' is computed once, when the evaluator loads).
pub fn frechet_distance_with_root(
    mu1: &[f64],
    cov1: &[f64],
    root1: &[f64],
    mu2: &[f64],
    cov2: &[f64],
) -> f64 {
    let d = mu1.len();
    let mean_term: f64 = mu1.iter().zip(mu2).map(|(a, b)| (a - b) * (a - b)).sum();
    let trace = |m: &[f64]| (0..d).map(|i| m[i * d + i]).sum::<f64>();
    let mut middle = matmul(&matmul(root1, cov2, d), root1, d);
    // Symmetric in exact arithmetic; made so in floating point.
    for i in 0..d {
        for j in i + 1..d {
            let m = 0.5 * (middle[i * d + j] + middle[j * d + i]);
            middle[i * d + j] = m;
            middle[j * d + i] = m;
        }
    }
    let (values, _) = symmetric_eigen(&middle, d);
    let cross: f64 = values.iter().map(|&l| l.max(0.0).sqrt()).sum();
    (mean_term + trace(cov1) + trace(cov2) - 2.0 * cross).max(0.0)
}

/// What the evaluator file says of itself and of the real digits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    /// The classifier's accuracy on the held-out digits (every tenth, never trained on).
    pub accuracy: f64,
    pub held_out: usize,
    /// Real digits the feature statistics were computed from (all of the asset).
    pub count: usize,
    /// The real digits' own scores, from the held-out digits (n = 1 000, never trained on; they
    /// are among the 10 000 of the statistics): the ceiling of IS and the floor of the Fréchet
    /// distance at that n.
    pub real_scores: Scores,
}

/// The classifier with the real digits' feature statistics: scores sets of images.
pub struct Evaluator {
    net: DigitNet,
    device: Device,
    pub reference: Reference,
    mean: Vec<f64>,
    cov: Vec<f64>,
    /// cov^½, computed once.
    root: Vec<f64>,
}

impl Evaluator {
    /// Builds the evaluator from a trained net: the feature statistics of all `digits`, the
    /// accuracy on the held-out ones and the real digits' own scores.
    pub fn new(net: DigitNet, digits: &Mnist, device: &Device) -> Self {
        let mut all = Vec::with_capacity(digits.len() * IMAGE_SIDE * IMAGE_SIDE);
        for i in 0..digits.len() {
            digits.push_scaled(i, &mut all);
        }
        let mut this = Self {
            net,
            device: device.clone(),
            reference: Reference {
                accuracy: 0.0,
                held_out: 0,
                count: digits.len(),
                real_scores: Scores {
                    n: 0,
                    is: 0.0,
                    fid: 0.0,
                    classes: vec![],
                    sharpness: 0.0,
                    conditional_accuracy: None,
                },
            },
            mean: vec![],
            cov: vec![],
            root: vec![],
        };
        let (features, probabilities) = this.forward(&all);
        (this.mean, this.cov) = moments(&features, FEATURES);
        this.root = sqrt_psd(&this.cov, FEATURES);
        let held: Vec<usize> = (0..digits.len()).filter(|&i| held_out(i)).collect();
        let right = held
            .iter()
            .filter(|&&i| {
                crate::experiments::classifier::argmax(
                    &probabilities[i * CLASSES..(i + 1) * CLASSES],
                ) == digits.labels()[i] as usize
            })
            .count();
        this.reference.accuracy = right as f64 / held.len().max(1) as f64;
        this.reference.held_out = held.len();
        // The real digits' own scores: the held-out digits (every tenth: 1 000 of the asset's
        // 10 000, all ten digits in their proportions), which the classifier never trained on.
        let mut real = Vec::with_capacity(held.len() * IMAGE_SIDE * IMAGE_SIDE);
        for &i in &held {
            digits.push_scaled(i, &mut real);
        }
        this.reference.real_scores = this.score(&real, false);
        this
    }

    /// Features `[n, 128]` and class probabilities `[n, 10]` of images (pixels in [−1, 1]).
    pub fn forward(&self, images: &[f32]) -> (Vec<f32>, Vec<f32>) {
        let pixels = IMAGE_SIDE * IMAGE_SIDE;
        let mut features = Vec::with_capacity(images.len() / pixels * FEATURES);
        let mut probabilities = Vec::with_capacity(images.len() / pixels * CLASSES);
        for chunk in images.chunks(CHUNK * pixels) {
            let n = chunk.len() / pixels;
            let x =
                Tensor::<2>::from_data(TensorData::new(chunk.to_vec(), [n, pixels]), &self.device);
            let f = self.net.features(x);
            let p = activation::softmax(self.net.logits(f.clone()), 1);
            features.extend(to_f32(f));
            probabilities.extend(to_f32(p));
        }
        (features, probabilities)
    }

    /// The scores of `n` samples of an experiment, generated [`SAMPLE_CHUNK`] at a time (native:
    /// reads them back synchronously). `None` if it makes no samples.
    #[cfg(not(target_family = "wasm"))]
    pub fn score_experiment(
        &self,
        experiment: &dyn crate::Experiment,
        n: usize,
    ) -> Option<Result<Scores, String>> {
        let mut pixels = Vec::with_capacity(n * IMAGE_SIDE * IMAGE_SIDE);
        for start in (0..n).step_by(SAMPLE_CHUNK) {
            let rows = start..(start + SAMPLE_CHUNK).min(n);
            let chunk = experiment.samples(n, rows)?;
            crate::train::counters::read_back();
            match chunk.into_data().convert::<f32>().try_into_vec::<f32>() {
                Ok(v) => pixels.extend(v),
                Err(e) => return Some(Err(format!("{e:?}"))),
            }
        }
        let conditional = experiment.config().asks_for_digits();
        Some(Ok(self.score(&pixels, conditional)))
    }

    /// The scores of images (pixels in [−1, 1], `n × 784`); `conditional`: image i was asked
    /// to be digit i mod 10 (see [`score_outputs`](Self::score_outputs)).
    pub fn score(&self, images: &[f32], conditional: bool) -> Scores {
        let (features, probabilities) = self.forward(images);
        self.score_outputs(&features, &probabilities, sharpness(images), conditional)
    }

    /// The scores from the classifier's outputs (as [`forward`](Self::forward) gives them) and
    /// the images' [`sharpness`] (computed from the pixels, which the outputs do not hold).
    /// With `conditional`, image i was asked to be digit [`asked_digit`]`(i)`, and the share
    /// the classifier reads as that digit is the conditional accuracy.
    pub fn score_outputs(
        &self,
        features: &[f32],
        probabilities: &[f32],
        sharpness: f64,
        conditional: bool,
    ) -> Scores {
        let n = probabilities.len() / CLASSES;
        let mut classes = vec![0u32; CLASSES];
        let mut as_asked = 0usize;
        for (i, row) in probabilities.chunks(CLASSES).enumerate() {
            let class = crate::experiments::classifier::argmax(row);
            classes[class] += 1;
            as_asked += usize::from(class == asked_digit(i));
        }
        let (mean, cov) = moments(features, FEATURES);
        Scores {
            n,
            is: inception_score(probabilities, CLASSES),
            fid: frechet_distance_with_root(&self.mean, &self.cov, &self.root, &mean, &cov),
            classes,
            sharpness,
            conditional_accuracy: conditional.then(|| as_asked as f64 / n.max(1) as f64),
        }
    }

    /// The evaluator file: sections `evaluator` (JSON: the [`Reference`]), `classifier` (the
    /// net's record) and `statistics` (the real features' mean and covariance, f64). Made by
    /// the CLI (native only).
    #[cfg(not(target_family = "wasm"))]
    pub fn to_bytes(&self) -> Result<Vec<u8>, CheckpointError> {
        let json = serde_json::to_vec(&self.reference).expect("the reference serialises");
        let (_, record) =
            crate::train::readback::PendingRecord::module("classifier".into(), &self.net)
                .read_sync()?;
        let statistics: Vec<u8> = self
            .mean
            .iter()
            .chain(&self.cov)
            .flat_map(|x| x.to_le_bytes())
            .collect();
        Ok(checkpoint::encode(&[
            ("evaluator", &json),
            ("classifier", &record),
            ("statistics", &statistics),
        ]))
    }

    /// Reads an evaluator file (checked whole: checksum, sections, shapes).
    pub fn from_bytes(bytes: &[u8], device: &Device) -> Result<Self, CheckpointError> {
        let table = checkpoint::sections(bytes)?;
        let section = |name: &str| {
            table
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, b)| *b)
                .ok_or_else(|| CheckpointError::Part {
                    part: name.into(),
                    message: "missing (not an evaluator file?)".into(),
                })
        };
        let reference: Reference =
            serde_json::from_slice(section("evaluator")?).map_err(|e| CheckpointError::Part {
                part: "evaluator".into(),
                message: e.to_string(),
            })?;
        let fresh = DigitNet::new(&mut RunRng::new(0), device);
        let net = load_module(fresh, "classifier", section("classifier")?)?;
        let statistics = section("statistics")?;
        let want = (FEATURES + FEATURES * FEATURES) * 8;
        if statistics.len() != want {
            return Err(CheckpointError::Part {
                part: "statistics".into(),
                message: format!("{} bytes, expected {want}", statistics.len()),
            });
        }
        let values: Vec<f64> = statistics
            .chunks(8)
            .map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes")))
            .collect();
        if values.iter().any(|v| !v.is_finite()) {
            return Err(CheckpointError::Part {
                part: "statistics".into(),
                message: "a value that is not a finite number".into(),
            });
        }
        let cov = values[FEATURES..].to_vec();
        Ok(Self {
            net,
            device: device.clone(),
            reference,
            mean: values[..FEATURES].to_vec(),
            root: sqrt_psd(&cov, FEATURES),
            cov,
        })
    }

    /// The scores as snapshot scalars (`is`, `fid`, `sharpness`, `eval_n`, a conditional G's
    /// `conditional_accuracy`) and histogram
    /// (`classes`).
    pub fn into_snapshot_parts(scores: &Scores) -> (BTreeMap<String, f64>, Vec<u32>) {
        let mut scalars = BTreeMap::from([
            ("is".to_string(), scores.is),
            ("fid".to_string(), scores.fid),
            ("sharpness".to_string(), scores.sharpness),
            ("eval_n".to_string(), scores.n as f64),
        ]);
        if let Some(a) = scores.conditional_accuracy {
            scalars.insert("conditional_accuracy".to_string(), a);
        }
        (scalars, scores.classes.clone())
    }
}

fn to_f32<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    crate::train::counters::read_back();
    t.into_data()
        .convert::<f32>()
        .try_into_vec::<f32>()
        .expect("f32 data")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Laplacian's variance on images whose Laplacian is known by hand: a constant and a
    /// ramp (second differences 0: variance 0), a checkerboard of 0 and 1 (±4 everywhere:
    /// variance 16), and a 3×3 box blur of the checkerboard (much smaller).
    #[test]
    fn sharpness_of_images_with_a_known_laplacian() {
        let side = IMAGE_SIDE;
        let image = |f: &dyn Fn(usize, usize) -> f32| -> Vec<f32> {
            (0..side * side)
                .map(|i| f(i / side, i % side) * 2.0 - 1.0)
                .collect()
        };
        let flat = image(&|_, _| 0.3);
        let ramp = image(&|r, c| (r + 2 * c) as f32 / 100.0);
        let board = image(&|r, c| ((r + c) % 2) as f32);
        assert!(laplacian_variance(&flat).abs() < 1e-12);
        assert!(laplacian_variance(&ramp) < 1e-9);
        assert!((laplacian_variance(&board) - 16.0).abs() < 1e-9);
        let blurred: Vec<f32> = (0..side * side)
            .map(|i| {
                let (r, c) = ((i / side) as i32, (i % side) as i32);
                let mut sum = 0.0;
                let mut n = 0.0;
                for dr in -1..=1 {
                    for dc in -1..=1 {
                        let (rr, cc) = (r + dr, c + dc);
                        if (0..side as i32).contains(&rr) && (0..side as i32).contains(&cc) {
                            sum += board[rr as usize * side + cc as usize];
                            n += 1.0;
                        }
                    }
                }
                sum / n
            })
            .collect();
        assert!(laplacian_variance(&blurred) < 16.0 / 20.0);
    }

    /// Edge sharpness on hand-built edges: a straight edge rising from 0 to 1 over w pixels
    /// scores 1/w (w = 2, 4, 7; upright, sideways and at 45°, where the steepest slope is
    /// still 1/w), a step from one pixel to the next 1/2 (central differences span two
    /// pixels); a blank or a flat grey image has no edges (0); the mean over images.
    #[test]
    fn edge_sharpness_of_edges_of_known_width() {
        let side = IMAGE_SIDE as f64;
        let image = |f: &dyn Fn(f64, f64) -> f64| -> Vec<f32> {
            (0..IMAGE_SIDE * IMAGE_SIDE)
                .map(|i| {
                    let (r, c) = ((i / IMAGE_SIDE) as f64, (i % IMAGE_SIDE) as f64);
                    (f(r, c).clamp(0.0, 1.0) * 2.0 - 1.0) as f32
                })
                .collect()
        };
        let mid = side / 2.0;
        for w in [2.0, 4.0, 7.0] {
            let across = image(&|_, c| (c - mid) / w + 0.5);
            let down = image(&|r, _| (r - mid) / w + 0.5);
            // Along the diagonal the intensity changes by 1/w per pixel of distance.
            let diagonal = image(&|r, c| (r + c - side) / (w * 2f64.sqrt()) + 0.5);
            for (what, img) in [("across", across), ("down", down), ("diagonal", diagonal)] {
                let s = edge_sharpness(&img);
                assert!((s - 1.0 / w).abs() < 1e-6, "width {w}, {what}: {s}");
            }
        }
        let step = image(&|_, c| if c >= mid { 1.0 } else { 0.0 });
        assert!((edge_sharpness(&step) - 0.5).abs() < 1e-9);
        assert_eq!(edge_sharpness(&image(&|_, _| 0.0)), 0.0);
        assert_eq!(edge_sharpness(&image(&|_, _| 0.3)), 0.0);
        let two: Vec<f32> = step.iter().chain(&image(&|_, _| 0.0)).copied().collect();
        assert!((sharpness(&two) - 0.25).abs() < 1e-9);
        assert!(sharpness(&[]).is_nan());
    }

    /// A random symmetric positive definite matrix.
    fn spd(d: usize, rng: &mut RunRng) -> Vec<f64> {
        let a: Vec<f64> = (0..d * d).map(|_| rng.normal() as f64).collect();
        let mut m = vec![0f64; d * d];
        for i in 0..d {
            for j in 0..d {
                m[i * d + j] = (0..d).map(|k| a[i * d + k] * a[j * d + k]).sum::<f64>() / d as f64;
            }
            m[i * d + i] += 0.1;
        }
        m
    }

    /// A random rotation (orthonormal columns by Gram–Schmidt).
    fn rotation(d: usize, rng: &mut RunRng) -> Vec<f64> {
        let mut q = vec![0f64; d * d];
        for c in 0..d {
            let mut v: Vec<f64> = (0..d).map(|_| rng.normal() as f64).collect();
            for p in 0..c {
                let dot: f64 = (0..d).map(|i| v[i] * q[i * d + p]).sum();
                (0..d).for_each(|i| v[i] -= dot * q[i * d + p]);
            }
            let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
            (0..d).for_each(|i| q[i * d + c] = v[i] / norm);
        }
        q
    }

    #[test]
    fn inception_score_is_10_for_sure_and_even_digits_and_1_for_one_digit_or_no_opinion() {
        let mut sure = vec![0f32; 100 * 10];
        (0..100).for_each(|i| sure[i * 10 + i % 10] = 1.0);
        assert!((inception_score(&sure, 10) - 10.0).abs() < 1e-9);
        let mut one = vec![0f32; 100 * 10];
        (0..100).for_each(|i| one[i * 10 + 3] = 1.0);
        assert!((inception_score(&one, 10) - 1.0).abs() < 1e-9);
        assert!((inception_score(&vec![0.1f32; 100 * 10], 10) - 1.0).abs() < 1e-6);
        // Five digits, each sure: exp(ln 5).
        let mut five = vec![0f32; 100 * 10];
        (0..100).for_each(|i| five[i * 10 + i % 5] = 1.0);
        assert!((inception_score(&five, 10) - 5.0).abs() < 1e-9);
    }

    /// The square root squares back, on matrices from two seeds.
    #[test]
    fn the_square_root_of_a_covariance_squares_back() {
        for seed in [1, 2] {
            let mut rng = RunRng::new(seed);
            let d = 12;
            let m = spd(d, &mut rng);
            let r = sqrt_psd(&m, d);
            let back = matmul(&r, &r, d);
            let err = m
                .iter()
                .zip(&back)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max);
            assert!(err < 1e-10, "seed {seed}: {err}");
        }
    }

    /// The Fréchet distance: 0 between a Gaussian and itself; for covariances that commute
    /// (diagonal in one rotated basis) the closed form Σ(√a − √b)² + ‖μ₁ − μ₂‖²; symmetric.
    #[test]
    fn the_frechet_distance_matches_its_closed_form_where_there_is_one() {
        for seed in [3, 4] {
            let mut rng = RunRng::new(seed);
            let d = 10;
            let m = spd(d, &mut rng);
            let mu: Vec<f64> = (0..d).map(|_| rng.normal() as f64).collect();
            assert!(frechet_distance(&mu, &m, &mu, &m) < 1e-9);
            let q = rotation(d, &mut rng);
            let a: Vec<f64> = (0..d).map(|_| rng.uniform(0.1, 3.0) as f64).collect();
            let b: Vec<f64> = (0..d).map(|_| rng.uniform(0.1, 3.0) as f64).collect();
            let rotate = |l: &[f64]| {
                let mut out = vec![0f64; d * d];
                for i in 0..d {
                    for j in 0..d {
                        out[i * d + j] = (0..d).map(|k| q[i * d + k] * l[k] * q[j * d + k]).sum();
                    }
                }
                out
            };
            let (s1, s2) = (rotate(&a), rotate(&b));
            let mu2: Vec<f64> = mu.iter().map(|x| x + 0.5).collect();
            let closed: f64 = a
                .iter()
                .zip(&b)
                .map(|(x, y)| (x.sqrt() - y.sqrt()).powi(2))
                .sum::<f64>()
                + 0.25 * d as f64;
            let got = frechet_distance(&mu, &s1, &mu2, &s2);
            assert!(
                (got - closed).abs() < 1e-9 * closed.max(1.0),
                "seed {seed}: {got} vs {closed}"
            );
            let back = frechet_distance(&mu2, &s2, &mu, &s1);
            assert!((got - back).abs() < 1e-9 * closed.max(1.0));
        }
    }

    #[test]
    fn moments_are_the_sample_mean_and_covariance() {
        let rows = [1.0f32, 2.0, 3.0, 6.0, 5.0, 10.0];
        let (mean, cov) = moments(&rows, 2);
        assert_eq!(mean, vec![3.0, 6.0]);
        // x: 1, 3, 5 → var 4; y: 2, 6, 10 → var 16; cov 8.
        assert_eq!(cov, vec![4.0, 8.0, 8.0, 16.0]);
    }
}
