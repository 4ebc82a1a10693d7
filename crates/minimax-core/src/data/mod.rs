//! The data: MNIST's digits (`mnist`, bytes handed in by the caller), p_data (`dataset`: the
//! 2-D distributions with their closed-form densities and modes, gaussians of any dimension,
//! drawn points, the digits), groups of digits found without labels (`clusters`) and what is measured of samples (`metrics`: histograms, mode
//! coverage, kernel estimates, D*, the Jensen–Shannon divergence).

pub mod mnist;
pub mod dataset;
pub mod metrics;
pub mod clusters;
