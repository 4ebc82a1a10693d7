//! The data distributions p_data, sampled in batches from the run's RNG.
//!
//! Each distribution on the plane is written once, in [`Planar::of`]: a mixture of isotropic
//! gaussians of one σ, around centres (the ring's and the grid's modes, the user's points, the
//! one gaussian) or around curves traced by a parameter t uniform on an interval (line, moons,
//! spiral). Sampling, the closed-form density, the modes, the kernel bandwidth and the view all
//! come from that one description.

use std::f32::consts::{PI, TAU};
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
    /// The distribution on the plane, for 2-D data.
    planar: Option<Planar>,
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

/// A curve of the plane, by its parameter t.
type Curve = fn(f32) -> [f32; 2];

/// What the gaussians of a [`Planar`] sit on.
#[derive(Debug, Clone, PartialEq)]
enum Shape {
    /// Centres of equal weight; `modes`: the metrics count them as modes.
    Centres { centres: Vec<[f32; 2]>, modes: bool },
    /// Curves of equal weight traced by t uniform on `[t.0, t.1]`; the density is their
    /// midpoint rule over `nodes` values of t each (node spacing well under σ).
    Curves {
        t: (f32, f32),
        curves: &'static [Curve],
        nodes: usize,
    },
}

/// A distribution on the plane: gaussians of one σ around a [`Shape`].
#[derive(Debug, Clone, PartialEq)]
pub struct Planar {
    shape: Shape,
    std: f32,
    /// The kernel bandwidth with which p_g is estimated (see [`Dataset::bandwidth`]).
    bandwidth: f32,
}

/// Silverman's rule for the one broad gaussian (σ = 0.5), 512 samples in 2-D: σ·512^(−1/6).
fn gaussian_bandwidth() -> f32 {
    GAUSSIAN_STD * 512f32.powf(-1.0 / 6.0)
}

/// scikit-learn's make_moons, centred and scaled by 1.5.
const MOONS: &[Curve] = &[
    |t| moon([t.cos(), t.sin()]),
    |t| moon([1.0 - t.cos(), 0.5 - t.sin()]),
];
fn moon(p: [f32; 2]) -> [f32; 2] {
    [1.5 * (p[0] - 0.5), 1.5 * (p[1] - 0.25)]
}
/// Two arms r = 2.5·t, θ = 3π·t + arm·π.
const SPIRAL: &[Curve] = &[|t| spiral(t, 0.0), |t| spiral(t, 1.0)];
fn spiral(t: f32, arm: f32) -> [f32; 2] {
    let theta = 3.0 * PI * t + arm * PI;
    let r = 2.5 * t;
    [r * theta.cos(), r * theta.sin()]
}
const LINE: &[Curve] = &[|t| [2.0 * t, t]];

impl Planar {
    /// The distribution of a 2-D dataset (`points`: the user's, for `points`); `None` for
    /// data that is not on the plane. **The one place a 2-D dataset is written.**
    ///
    /// Bandwidths: ¾ of a ring mode's σ (0.02) or a grid mode's (0.05), small enough that a
    /// ring shifted by five of its σ still reads as nearly disjoint and large enough that two
    /// draws of the ring read as the same (`metrics` tests); a curve's or a point's noise
    /// (0.05); for the one broad gaussian (σ = 0.5) Silverman's rule for 512 samples in 2-D,
    /// σ·512^(−1/6) ≈ 0.18.
    pub fn of(kind: DatasetKind, points: &[[f32; 2]]) -> Option<Self> {
        let centres = |centres: Vec<[f32; 2]>, modes: bool, std: f32, bandwidth: f32| Planar {
            shape: Shape::Centres { centres, modes },
            std,
            bandwidth,
        };
        let curves = |t: (f32, f32), curves: &'static [Curve], nodes: usize| Planar {
            shape: Shape::Curves { t, curves, nodes },
            std: CURVE_NOISE,
            bandwidth: CURVE_NOISE,
        };
        Some(match kind {
            DatasetKind::Ring => {
                let on_ring = |k: usize| {
                    let a = TAU * k as f32 / RING_MODES as f32;
                    [RING_RADIUS * a.cos(), RING_RADIUS * a.sin()]
                };
                let modes = (0..RING_MODES).map(on_ring).collect();
                centres(modes, true, RING_STD, RING_STD * 0.75)
            }
            DatasetKind::Grid => {
                let half = (GRID_SIDE - 1) as f32 / 2.0;
                let at = |k: usize| {
                    let (i, j) = ((k / GRID_SIDE) as f32, (k % GRID_SIDE) as f32);
                    [(i - half) * GRID_SPACING, (j - half) * GRID_SPACING]
                };
                let modes = (0..GRID_SIDE * GRID_SIDE).map(at).collect();
                centres(modes, true, GRID_STD, GRID_STD * 0.75)
            }
            DatasetKind::Gaussian => centres(
                vec![[GAUSSIAN_MEAN; 2]],
                false,
                GAUSSIAN_STD,
                gaussian_bandwidth(),
            ),
            DatasetKind::Points => centres(points.to_vec(), false, POINTS_JITTER, POINTS_JITTER),
            DatasetKind::Line => curves((-1.0, 1.0), LINE, 400),
            DatasetKind::Moons => curves((0.0, PI), MOONS, 300),
            DatasetKind::Spiral => curves((0.05, 1.0), SPIRAL, 600),
            DatasetKind::Mnist => return None,
        })
    }

    /// One sample: a centre (or a t, then a curve) drawn with equal weights, plus noise.
    fn sample(&self, rng: &mut RunRng) -> [f32; 2] {
        let p = match &self.shape {
            Shape::Centres { centres, .. } => centres[rng.index(centres.len())],
            Shape::Curves { t, curves, .. } => {
                let t = rng.uniform(t.0, t.1);
                let k = if curves.len() > 1 {
                    rng.index(curves.len())
                } else {
                    0
                };
                curves[k](t)
            }
        };
        [
            p[0] + self.std * rng.normal(),
            p[1] + self.std * rng.normal(),
        ]
    }

    /// The gaussians' centres: the centres themselves, or each curve's midpoint-rule nodes.
    fn nodes(&self) -> Vec<[f32; 2]> {
        match &self.shape {
            Shape::Centres { centres, .. } => centres.clone(),
            Shape::Curves { t, curves, nodes } => curves
                .iter()
                .flat_map(|c| {
                    (0..*nodes)
                        .map(move |i| c(t.0 + (t.1 - t.0) * (i as f32 + 0.5) / *nodes as f32))
                })
                .collect(),
        }
    }
}

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
        let dim = config.data_dim();
        Ok(Self {
            kind: config.data.kind,
            dim,
            planar: (dim == 2)
                .then(|| Planar::of(config.data.kind, &config.data.points))
                .flatten(),
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
        let p = self.planar.as_ref()?;
        match &p.shape {
            Shape::Centres {
                centres,
                modes: true,
            } => Some(
                centres
                    .iter()
                    .map(|&center| Mode { center, std: p.std })
                    .collect(),
            ),
            _ => None,
        }
    }

    /// p_data in closed form, for 2-D data: the mixture its samples are drawn from (see
    /// [`Density`]); `None` for data of other dimensions.
    pub fn density(&self) -> Option<Density> {
        let p = self.planar.as_ref()?;
        Some(Density {
            nodes: p.nodes(),
            std: p.std,
        })
    }

    /// The kernel bandwidth with which p_g is estimated from its samples (and p_data smoothed
    /// alike) for the JSD and D*, tied to the data's own noise scale (see [`Planar::of`]).
    pub fn bandwidth(&self) -> f32 {
        match (&self.planar, self.kind) {
            (Some(p), _) => p.bandwidth,
            (None, DatasetKind::Gaussian) => gaussian_bandwidth(),
            (None, _) => CURVE_NOISE,
        }
    }

    /// The box [x_min, x_max, y_min, y_max] in which 2-D data is drawn: [−3, 3]², grown to hold
    /// every centre with a margin of 0.5 (the user's points may lie anywhere).
    pub fn view(&self) -> [f32; 4] {
        let mut v = DEFAULT_VIEW;
        if let Some(Shape::Centres { centres, .. }) = self.planar.as_ref().map(|p| &p.shape) {
            for p in centres {
                v[0] = v[0].min(p[0] - 0.5);
                v[1] = v[1].max(p[0] + 0.5);
                v[2] = v[2].min(p[1] - 0.5);
                v[3] = v[3].max(p[1] + 0.5);
            }
        }
        v
    }

    /// A batch of `n` digits, row-major `[n, 784]`, and their labels: the same draws as
    /// [`sample`](Self::sample)'s. `None` for data without labels (all but the digits).
    pub fn sample_labelled(&self, n: usize, rng: &mut RunRng) -> Option<(Vec<f32>, Vec<u8>)> {
        let images = self.images.as_ref()?;
        let mut out = Vec::with_capacity(n * self.dim);
        let mut labels = Vec::with_capacity(n);
        for _ in 0..n {
            let i = rng.index(images.len());
            images.push_scaled(i, &mut out);
            labels.push(images.labels()[i]);
        }
        Some((out, labels))
    }

    /// The labels of `n` digits drawn at random (as [`sample_labelled`](Self::sample_labelled)
    /// draws them, without their pixels). `None` for data without labels.
    pub fn sample_labels(&self, n: usize, rng: &mut RunRng) -> Option<Vec<u8>> {
        let images = self.images.as_ref()?;
        Some(
            (0..n)
                .map(|_| images.labels()[rng.index(images.len())])
                .collect(),
        )
    }

    /// The share of the digits with each label, 0 to `classes` − 1 (the digits' ten, or the
    /// groups of `clusters`). `None` for data without labels.
    pub fn label_shares(&self, classes: usize) -> Option<Vec<f64>> {
        let images = self.images.as_ref()?;
        let mut counts = vec![0usize; classes];
        for &l in images.labels() {
            counts[l as usize] += 1;
        }
        Some(
            counts
                .iter()
                .map(|&c| c as f64 / images.len() as f64)
                .collect(),
        )
    }

    /// A batch of `n` samples, row-major `[n, dim]`.
    pub fn sample(&self, n: usize, rng: &mut RunRng) -> Vec<f32> {
        let mut out = Vec::with_capacity(n * self.dim);
        for _ in 0..n {
            match (&self.planar, &self.images) {
                (_, Some(images)) => images.push_scaled(rng.index(images.len()), &mut out),
                // The gaussian, drawn in its own dimension (in 2-D too: its one centre is not
                // drawn, as its planar form would draw it).
                _ if self.kind == DatasetKind::Gaussian => {
                    out.extend((0..self.dim).map(|_| GAUSSIAN_MEAN + GAUSSIAN_STD * rng.normal()))
                }
                (Some(p), None) => out.extend(p.sample(rng)),
                (None, None) => unreachable!("data other than images and the gaussian is planar"),
            }
        }
        out
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
