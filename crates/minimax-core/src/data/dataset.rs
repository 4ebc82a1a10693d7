//! The data distributions p_data, sampled in batches from the run's RNG.

use std::sync::Arc;

use crate::data::mnist::Mnist;
use crate::error::ConfigError;
use crate::rng::RunRng;
use crate::spec::config::{Config, DatasetKind};

/// The default view of the 2-D data plane: [-3, 3]².
pub const DEFAULT_VIEW: [f32; 4] = [-3.0, 3.0, -3.0, 3.0];

/// A data distribution, ready to be sampled.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    kind: DatasetKind,
    dim: usize,
    points: Vec<[f32; 2]>,
    /// The digits, for `mnist` (shared, never copied per run).
    images: Option<Arc<Mnist>>,
}

/// A gaussian mode of a mixture, for the mode-coverage metrics.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mode {
    pub center: [f32; 2],
    pub std: f32,
}

const RING_RADIUS: f32 = 2.0;
const RING_MODES: usize = 8;
const RING_STD: f32 = 0.02;
const GRID_SIDE: usize = 5;
const GRID_SPACING: f32 = 1.0;
const GRID_STD: f32 = 0.05;
const GAUSSIAN_MEAN: f32 = 1.0;
const GAUSSIAN_STD: f32 = 0.5;
const CURVE_NOISE: f32 = 0.05;
const POINTS_JITTER: f32 = 0.05;

impl Dataset {
    /// The config's data. Image data needs its images, handed in by the caller (the core
    /// never reads files or fetches).
    pub fn new(config: &Config, images: Option<Arc<Mnist>>) -> Result<Self, ConfigError> {
        let images = if config.data.kind == DatasetKind::Mnist {
            Some(images.ok_or_else(|| {
                ConfigError::Invalid(
                    "dataset = mnist needs the MNIST digits, which are not loaded (the CLI reads \
                     them with --mnist FILE, written by `cargo xtask data`)"
                        .into(),
                )
            })?)
        } else {
            None
        };
        Ok(Self {
            kind: config.data.kind,
            dim: config.data_dim(),
            points: config.data.points.clone(),
            images,
        })
    }

    /// The digits of an image dataset.
    pub fn images(&self) -> Option<&Arc<Mnist>> {
        self.images.as_ref()
    }

    pub fn kind(&self) -> DatasetKind {
        self.kind
    }

    /// Dimension of one sample.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The gaussian modes, for ring and grid (where "modes covered" is defined).
    pub fn modes(&self) -> Option<Vec<Mode>> {
        match self.kind {
            DatasetKind::Ring => Some(
                (0..RING_MODES)
                    .map(|k| {
                        let a = std::f32::consts::TAU * k as f32 / RING_MODES as f32;
                        Mode {
                            center: [RING_RADIUS * a.cos(), RING_RADIUS * a.sin()],
                            std: RING_STD,
                        }
                    })
                    .collect(),
            ),
            DatasetKind::Grid => {
                let half = (GRID_SIDE - 1) as f32 / 2.0;
                Some(
                    (0..GRID_SIDE * GRID_SIDE)
                        .map(|k| {
                            let (i, j) = ((k / GRID_SIDE) as f32, (k % GRID_SIDE) as f32);
                            Mode {
                                center: [(i - half) * GRID_SPACING, (j - half) * GRID_SPACING],
                                std: GRID_STD,
                            }
                        })
                        .collect(),
                )
            }
            _ => None,
        }
    }

    /// p_data in closed form, for 2-D data: the mixture its samples are drawn from (see
    /// [`Density`]); `None` for data of other dimensions.
    pub fn density(&self) -> Option<Density> {
        if self.dim != 2 {
            return None;
        }
        // Nodes of the midpoint rule over a parameter t uniform on [a, b].
        let curve = |count: usize, a: f32, b: f32, f: &dyn Fn(f32) -> [f32; 2]| -> Vec<[f32; 2]> {
            (0..count)
                .map(|i| f(a + (b - a) * (i as f32 + 0.5) / count as f32))
                .collect()
        };
        let (nodes, std) = match self.kind {
            DatasetKind::Ring | DatasetKind::Grid => {
                let modes = self.modes().expect("ring and grid have modes");
                let std = modes[0].std;
                (modes.into_iter().map(|m| m.center).collect(), std)
            }
            DatasetKind::Gaussian => (vec![[GAUSSIAN_MEAN; 2]], GAUSSIAN_STD),
            DatasetKind::Points => (self.points.clone(), POINTS_JITTER),
            // Nodes closer than the noise σ: the rule's ripple, e^(−2π²σ²/spacing²), is nil.
            DatasetKind::Line => (curve(400, -1.0, 1.0, &|t| [2.0 * t, t]), CURVE_NOISE),
            DatasetKind::Moons => {
                let pi = std::f32::consts::PI;
                let scale = |p: [f32; 2]| [1.5 * (p[0] - 0.5), 1.5 * (p[1] - 0.25)];
                let mut nodes = curve(300, 0.0, pi, &|t| scale([t.cos(), t.sin()]));
                nodes.extend(curve(300, 0.0, pi, &|t| {
                    scale([1.0 - t.cos(), 0.5 - t.sin()])
                }));
                (nodes, CURVE_NOISE)
            }
            DatasetKind::Spiral => {
                let pi = std::f32::consts::PI;
                let arm = |k: f32| {
                    move |t: f32| {
                        let theta = 3.0 * pi * t + k * pi;
                        [2.5 * t * theta.cos(), 2.5 * t * theta.sin()]
                    }
                };
                let mut nodes = curve(600, 0.05, 1.0, &arm(0.0));
                nodes.extend(curve(600, 0.05, 1.0, &arm(1.0)));
                (nodes, CURVE_NOISE)
            }
            DatasetKind::Mnist => return None,
        };
        Some(Density { nodes, std })
    }

    /// The kernel bandwidth with which p_g is estimated from its samples (and p_data smoothed
    /// alike) for the JSD and D*, tied to the data's own noise scale: ¾ of a ring mode's σ
    /// (0.02) or a grid mode's (0.05), small enough that a ring shifted by five of its σ still
    /// reads as nearly disjoint and large enough that two draws of the ring read as the same
    /// (`metrics` tests); a curve's or a point's noise (0.05); for the one broad gaussian
    /// (σ = 0.5) Silverman's rule for 512 samples in 2-D, σ·512^(−1/6) ≈ 0.18.
    pub fn bandwidth(&self) -> f32 {
        match self.kind {
            DatasetKind::Ring => RING_STD * 0.75,
            DatasetKind::Grid => GRID_STD * 0.75,
            DatasetKind::Gaussian => GAUSSIAN_STD * 512f32.powf(-1.0 / 6.0),
            DatasetKind::Points => POINTS_JITTER,
            _ => CURVE_NOISE,
        }
    }

    /// The box [x_min, x_max, y_min, y_max] in which 2-D data is drawn.
    pub fn view(&self) -> [f32; 4] {
        let mut v = DEFAULT_VIEW;
        if self.kind == DatasetKind::Points {
            for p in &self.points {
                v[0] = v[0].min(p[0] - 0.5);
                v[1] = v[1].max(p[0] + 0.5);
                v[2] = v[2].min(p[1] - 0.5);
                v[3] = v[3].max(p[1] + 0.5);
            }
        }
        v
    }

    /// A batch of `n` samples, row-major `[n, dim]`.
    pub fn sample(&self, n: usize, rng: &mut RunRng) -> Vec<f32> {
        let mut out = Vec::with_capacity(n * self.dim);
        for _ in 0..n {
            match self.kind {
                DatasetKind::Gaussian => {
                    out.extend((0..self.dim).map(|_| GAUSSIAN_MEAN + GAUSSIAN_STD * rng.normal()))
                }
                DatasetKind::Mnist => {
                    let images = self.images.as_ref().expect("checked in Dataset::new");
                    images.push_scaled(rng.index(images.len()), &mut out);
                }
                _ => out.extend(self.sample_2d(rng)),
            }
        }
        out
    }

    fn sample_2d(&self, rng: &mut RunRng) -> [f32; 2] {
        let jitter = |rng: &mut RunRng, p: [f32; 2], s: f32| {
            [p[0] + s * rng.normal(), p[1] + s * rng.normal()]
        };
        match self.kind {
            DatasetKind::Ring | DatasetKind::Grid => {
                let modes = self.modes().expect("ring and grid have modes");
                let m = modes[rng.index(modes.len())];
                jitter(rng, m.center, m.std)
            }
            DatasetKind::Spiral => {
                // Two arms r = 2.5·t, θ = 3π·t + arm·π.
                let t = rng.uniform(0.05, 1.0);
                let arm = rng.index(2) as f32;
                let theta = 3.0 * std::f32::consts::PI * t + arm * std::f32::consts::PI;
                let r = 2.5 * t;
                jitter(rng, [r * theta.cos(), r * theta.sin()], CURVE_NOISE)
            }
            DatasetKind::Moons => {
                // scikit-learn's make_moons, centred and scaled by 1.5.
                let t = rng.uniform(0.0, std::f32::consts::PI);
                let p = if rng.index(2) == 0 {
                    [t.cos(), t.sin()]
                } else {
                    [1.0 - t.cos(), 0.5 - t.sin()]
                };
                jitter(rng, [1.5 * (p[0] - 0.5), 1.5 * (p[1] - 0.25)], CURVE_NOISE)
            }
            DatasetKind::Line => {
                let t = rng.uniform(-1.0, 1.0);
                jitter(rng, [2.0 * t, t], CURVE_NOISE)
            }
            DatasetKind::Points => {
                let p = self.points[rng.index(self.points.len())];
                jitter(rng, p, POINTS_JITTER)
            }
            DatasetKind::Gaussian | DatasetKind::Mnist => {
                unreachable!("gaussian and mnist are sampled in their own dimension")
            }
        }
    }
}

/// A density on the plane known in closed form: an equal-weight mixture of isotropic
/// gaussians of one σ. The ring's and the grid's modes are such mixtures; a curve with
/// gaussian noise across it (line, moons, spiral), drawn by a parameter t uniform on an
/// interval, is the mixture over t, written here as the midpoint rule over many nodes (node
/// spacing well under σ, so the rule's error is far below the estimator's).
#[derive(Debug, Clone, PartialEq)]
pub struct Density {
    pub nodes: Vec<[f32; 2]>,
    pub std: f32,
}

/// N(d²; 0, v·I) in 2-D for a squared distance d² and variance v; 0 beyond 12 σ (e^−72).
pub(crate) fn gauss2(d2: f64, v: f64) -> f64 {
    if d2 > 144.0 * v {
        0.0
    } else {
        (-0.5 * d2 / v).exp() / (2.0 * std::f64::consts::PI * v)
    }
}

pub(crate) fn dist2(a: [f32; 2], b: [f32; 2]) -> f64 {
    let (dx, dy) = ((a[0] - b[0]) as f64, (a[1] - b[1]) as f64);
    dx * dx + dy * dy
}

impl Density {
    /// The density at `x` after smoothing by a gaussian kernel of bandwidth `h` (p * K_h: each
    /// node's variance becomes σ² + h²); `h = 0` gives the density itself.
    pub fn at(&self, x: [f32; 2], h: f32) -> f64 {
        let v = (self.std as f64).powi(2) + (h as f64).powi(2);
        self.nodes
            .iter()
            .map(|&c| gauss2(dist2(x, c), v))
            .sum::<f64>()
            / self.nodes.len() as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dataset(kind: DatasetKind) -> Dataset {
        let mut c = Config::default();
        c.data.kind = kind;
        c.data.points = vec![[0.5, -1.0]];
        Dataset::new(&c, None).unwrap()
    }

    #[test]
    fn ring_samples_lie_on_the_ring_and_visit_every_mode() {
        let ds = dataset(DatasetKind::Ring);
        let mut rng = RunRng::new(7);
        let xs = ds.sample(2000, &mut rng);
        let modes = ds.modes().unwrap();
        let mut hits = vec![0; modes.len()];
        for p in xs.chunks(2) {
            let r = (p[0] * p[0] + p[1] * p[1]).sqrt();
            assert!((r - 2.0).abs() < 0.15, "radius {r}");
            let (k, d) = crate::data::metrics::nearest_mode(&modes, [p[0], p[1]]);
            assert!(d < 5.0 * RING_STD, "{d}");
            hits[k] += 1;
        }
        assert!(hits.iter().all(|&h| h > 150), "{hits:?}");
    }

    #[test]
    fn grid_has_25_modes_and_gaussian_any_dimension() {
        assert_eq!(dataset(DatasetKind::Grid).modes().unwrap().len(), 25);
        let mut c = Config::default();
        c.data.kind = DatasetKind::Gaussian;
        c.data.dim = 5;
        let ds = Dataset::new(&c, None).unwrap();
        let xs = ds.sample(4000, &mut RunRng::new(1));
        assert_eq!(xs.len(), 20000);
        let mean = xs.iter().sum::<f32>() / xs.len() as f32;
        assert!((mean - GAUSSIAN_MEAN).abs() < 0.02, "{mean}");
    }

    #[test]
    fn every_2d_dataset_stays_in_its_view_and_is_seeded() {
        use DatasetKind::*;
        for kind in [Ring, Grid, Spiral, Moons, Line, Gaussian, Points] {
            let ds = dataset(kind);
            let a = ds.sample(500, &mut RunRng::new(3));
            assert_eq!(
                a,
                ds.sample(500, &mut RunRng::new(3)),
                "{kind:?} not seeded"
            );
            let v = ds.view();
            let inside = a
                .chunks(2)
                .filter(|p| p[0] > v[0] && p[0] < v[1] && p[1] > v[2] && p[1] < v[3])
                .count();
            assert!(inside >= 495, "{kind:?}: only {inside} of 500 in view");
        }
    }

    #[test]
    fn points_follow_the_user_points() {
        let ds = dataset(DatasetKind::Points);
        let xs = ds.sample(100, &mut RunRng::new(2));
        assert!(
            xs.chunks(2)
                .all(|p| (p[0] - 0.5).abs() < 0.3 && (p[1] + 1.0).abs() < 0.3)
        );
    }
}
