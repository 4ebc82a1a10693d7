//! The one source of randomness of a run: data batches, latent codes and initial weights
//! all come from this seeded generator, so a seed fixes the run on any backend.

use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRng(Pcg64Mcg);

impl RunRng {
    pub fn new(seed: u64) -> Self {
        Self(Pcg64Mcg::seed_from_u64(seed))
    }

    /// A standard normal draw.
    pub fn normal(&mut self) -> f32 {
        self.0.sample::<f32, _>(StandardNormal)
    }

    /// A uniform draw in [lo, hi).
    pub fn uniform(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.0.random::<f32>()
    }

    /// A uniform index in 0..n.
    pub fn index(&mut self, n: usize) -> usize {
        self.0.random_range(0..n)
    }

    pub fn normals(&mut self, n: usize) -> Vec<f32> {
        (0..n).map(|_| self.normal()).collect()
    }
}
