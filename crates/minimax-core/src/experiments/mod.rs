//! The experiments, each an [`Experiment`](crate::Experiment) that knows nothing of the
//! others: the GAN (`gan`), the VAE on the digits (`vae`), the digit classifier (`classifier`)
//! and what the classifier makes of samples (`evaluation`: IS, FID, classes, sharpness).

pub mod gan;
pub mod vae;
pub mod classifier;
pub mod evaluation;
pub mod dirac;
