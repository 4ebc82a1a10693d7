//! The fixed draws of a run that are not its training draws: the evaluation set of its
//! snapshots and the latent codes its samples are scored on, each from the seed with a salt of
//! its own, so that taking a snapshot or an evaluation never changes the run.

use burn::tensor::{Device, Tensor, TensorData};

use crate::rng::RunRng;
use crate::spec::config::{CLASSES, Config, LatentKind};

/// Salt for the RNG of the fixed evaluation set, so that snapshots never draw from the
/// training RNG (taking a snapshot must not change the run).
pub const EVAL_SALT: u64 = 0x6D69_6E69_6D61_7821;
/// Salt for the codes of [`evaluation_codes`] (evaluation by the classifier).
const SAMPLES_SALT: u64 = 0x7363_6f72_6573_2121;

/// Rows `rows` of `n` latent codes drawn from `seed` (salted, so never a run's training draws):
/// the codes evaluations score a generator on, a GAN's G and a VAE's decoder alike,
/// `[rows.len(), code_dim]`. A conditional G is asked for digit [`asked_digit`]`(i)` in row i,
/// so every digit is asked for equally often; one on groups of the data (`clusters`) for each
/// group in proportion to its share of the data, `shares` ([`by_shares`]).
pub fn evaluation_codes(
    config: &Config,
    n: usize,
    seed: u64,
    rows: std::ops::Range<usize>,
    shares: Option<&[f64]>,
    device: &Device,
) -> Tensor<2> {
    let latent = config.code_dim();
    let z = sample_z(config, n, &mut RunRng::new(seed ^ SAMPLES_SALT));
    let z = with_digits(config, z, |i| match shares {
        Some(s) => by_shares(s, spread(i)),
        None => asked_digit(i),
    });
    let (start, end) = (rows.start.min(n), rows.end.min(n).max(rows.start.min(n)));
    Tensor::from_data(
        TensorData::new(
            z[start * latent..end * latent].to_vec(),
            [end - start, latent],
        ),
        device,
    )
}

/// The digit a conditional G is asked for in row `i` of the evaluation codes.
pub fn asked_digit(i: usize) -> usize {
    i % CLASSES
}

/// Row `i`'s point in [0, 1) of the sequence {½ + i·(√5 − 1)/2}: any run of consecutive rows
/// spreads its points evenly over [0, 1), so that [`by_shares`] gives every chunk of rows
/// (G's batch norm normalises over the chunk it is given) the same mix of classes as the whole.
pub fn spread(i: usize) -> f64 {
    (0.5 + i as f64 * 0.618_033_988_749_894_9).fract()
}

/// The class whose stretch of the cumulative shares (`shares`, summing to 1) holds `u` in
/// [0, 1): with `u` spread evenly, class k comes in the proportion shares[k].
pub fn by_shares(shares: &[f64], u: f64) -> usize {
    let mut cumulative = 0.0;
    for (k, s) in shares.iter().enumerate() {
        cumulative += s;
        if u < cumulative {
            return k;
        }
    }
    shares.len() - 1
}

/// Sets the label part of a conditional code (its last `classes` values) to `digit`'s one-hot.
pub fn set_digit(code: &mut [f32], classes: usize, digit: usize) {
    let labels = code.len() - classes;
    for (k, v) in code[labels..].iter_mut().enumerate() {
        *v = if k == digit { 1.0 } else { 0.0 };
    }
}

/// `n` latent codes z from the latent distribution, `[n, latent_dim]` (no labels).
pub fn sample_z(config: &Config, n: usize, rng: &mut RunRng) -> Vec<f32> {
    let len = n * config.model.latent_dim;
    match config.model.latent {
        LatentKind::Gaussian => rng.normals(len),
        LatentKind::Uniform => (0..len).map(|_| rng.uniform(-1.0, 1.0)).collect(),
    }
}

/// G's codes from latent codes z (`[n, latent_dim]`): z itself, or for a conditional G each z
/// followed by the one-hot label of digit `digit(i)` for row i, `[n, code_dim]`.
pub fn with_digits(
    config: &Config,
    z: Vec<f32>,
    mut digit: impl FnMut(usize) -> usize,
) -> Vec<f32> {
    if !config.is_conditional() {
        return z;
    }
    let (latent, classes) = (config.model.latent_dim, config.classes());
    let mut codes = Vec::with_capacity(z.len() / latent * config.code_dim());
    for (i, row) in z.chunks(latent).enumerate() {
        codes.extend_from_slice(row);
        let start = codes.len();
        codes.resize(start + classes, 0.0);
        codes[start + digit(i).min(classes - 1)] = 1.0;
    }
    codes
}

/// `n` codes for G, `[n, code_dim]`: z from the latent distribution and, for a conditional G,
/// a digit drawn uniformly for each, one-hot after z (drawn after all the z's, so that the z's
/// are those an unconditional run of the seed draws).
pub fn sample_latent(config: &Config, n: usize, rng: &mut RunRng) -> Vec<f32> {
    let z = sample_z(config, n, rng);
    if !config.is_conditional() {
        return z;
    }
    let digits: Vec<usize> = (0..n).map(|_| rng.index(config.classes())).collect();
    with_digits(config, z, |i| digits[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_by_shares_follow_the_shares_in_every_chunk() {
        let shares = [0.5, 0.3, 0.0, 0.2];
        let at = |u: f64| by_shares(&shares, u);
        assert_eq!(
            [at(0.0), at(0.49), at(0.5), at(0.79), at(0.8), at(0.99)],
            [0, 0, 1, 1, 3, 3]
        );
        let shares = [0.137, 0.2, 0.05, 0.613];
        // The whole, and each chunk of rows an evaluation generates at once.
        for (start, n) in [
            (0, 1000),
            (0, 250),
            (250, 250),
            (500, 250),
            (750, 250),
            (0, 64),
        ] {
            let mut counts = [0usize; 4];
            for i in start..start + n {
                counts[by_shares(&shares, spread(i))] += 1;
            }
            for (c, s) in counts.iter().zip(shares) {
                assert!(
                    (*c as f64 - s * n as f64).abs() <= 3.0,
                    "rows {start}+{n}: {counts:?}"
                );
            }
        }
    }
}
