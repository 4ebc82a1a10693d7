//! The fixed draws of a run that are not its training draws: the evaluation set of its
//! snapshots and the latent codes its samples are scored on, each from the seed with a salt of
//! its own, so that taking a snapshot or an evaluation never changes the run.

use burn::tensor::{Device, Tensor, TensorData};

use crate::rng::RunRng;
use crate::spec::config::{Config, LatentKind};

/// Salt for the RNG of the fixed evaluation set, so that snapshots never draw from the
/// training RNG (taking a snapshot must not change the run).
pub const EVAL_SALT: u64 = 0x6D69_6E69_6D61_7821;
/// Salt for the codes of [`evaluation_codes`] (evaluation by the classifier).
const SAMPLES_SALT: u64 = 0x7363_6f72_6573_2121;

/// Rows `rows` of `n` latent codes drawn from `seed` (salted, so never a run's training draws):
/// the codes evaluations score a generator on, a GAN's G and a VAE's decoder alike,
/// `[rows.len(), latent_dim]`.
pub fn evaluation_codes(
    config: &Config,
    n: usize,
    seed: u64,
    rows: std::ops::Range<usize>,
    device: &Device,
) -> Tensor<2> {
    let latent = config.model.latent_dim;
    let z = sample_latent(config, n, &mut RunRng::new(seed ^ SAMPLES_SALT));
    let (start, end) = (rows.start.min(n), rows.end.min(n).max(rows.start.min(n)));
    Tensor::from_data(
        TensorData::new(
            z[start * latent..end * latent].to_vec(),
            [end - start, latent],
        ),
        device,
    )
}

pub fn sample_latent(config: &Config, n: usize, rng: &mut RunRng) -> Vec<f32> {
    let len = n * config.model.latent_dim;
    match config.model.latent {
        LatentKind::Gaussian => rng.normals(len),
        LatentKind::Uniform => (0..len).map(|_| rng.uniform(-1.0, 1.0)).collect(),
    }
}
