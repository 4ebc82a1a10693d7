//! Snapshots: a small, plain picture of the game at one moment, with the same field names in
//! the CLI's JSON lines and in the page.
//!
//! A snapshot is taken in three parts so that read-back can be async in the browser:
//! [`Trainer::prepare_snapshot`] queues the tensor work and gathers every number into one
//! tensor (one GPU read-back), and [`PendingSnapshot::read`] (sync, native only) or
//! [`PendingSnapshot::read_async`] (in a worker) reads it and computes the CPU-side metrics.

use burn::module::{Module, ModuleVisitor, Param};
use burn::optim::GradientsParams;
use burn::tensor::{Tensor, TensorData};
use serde::{Deserialize, Serialize};

use crate::error::TrainError;
use crate::loss;
use crate::metrics::{self, Grid};
use crate::trainer::{Trainer, generator_shares};

/// The game at one moment, evaluated on the fixed evaluation set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Completed iterations (generator steps).
    pub iter: u64,
    /// Completed discriminator steps.
    pub d_steps: u64,
    /// D's loss (without any gradient penalty) and G's loss, as defined in `loss.rs`.
    pub d_loss: f64,
    pub g_loss: f64,
    /// Mean D(x) on real and on generated samples; both → 1/2 at equilibrium.
    pub d_real: f64,
    pub d_fake: f64,
    /// L2 norms of the gradients of D's loss over D's parameters and of G's loss over G's.
    pub grad_g: f64,
    pub grad_d: f64,
    /// Histograms of D(x) on real and on generated samples, equal bins over [0, 1].
    pub hist_real: Vec<u32>,
    pub hist_fake: Vec<u32>,
    /// Ring and grid: modes covered, of `modes_total`, and the fraction of samples within
    /// 3σ of a mode.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub modes: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub modes_total: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub hq: Option<f64>,
    /// 2-D data: estimated JSD(p_data‖p_g) in nats, in [0, ln 2].
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub jsd: Option<f64>,
    /// 2-D data, when asked for: everything needed to draw the data plane.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub plane: Option<Plane>,
}

impl Snapshot {
    /// The JSON fields of a snapshot of ring or grid data taken without the plane: every field
    /// but `plane`. The CLI prints them and the page shows them (adding `backend`).
    pub const FIELDS_2D_MODES: &[&str] = &[
        "iter",
        "d_steps",
        "d_loss",
        "g_loss",
        "d_real",
        "d_fake",
        "grad_g",
        "grad_d",
        "hist_real",
        "hist_fake",
        "modes",
        "modes_total",
        "hq",
        "jsd",
    ];
}

/// The data plane: points, D's heat-map, D*'s and G's gradient at each generated point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plane {
    /// [x_min, x_max, y_min, y_max]
    pub view: [f32; 4],
    /// The heat-maps have resolution² cells, row-major, rows going up in y.
    pub resolution: usize,
    pub real: Vec<[f32; 2]>,
    pub fake: Vec<[f32; 2]>,
    /// Which generator made each fake point (0 with one generator).
    pub fake_generator: Vec<u8>,
    /// ∇ₓ of G's loss at each fake point: G moves its samples along −g_grad.
    pub g_grad: Vec<[f32; 2]>,
    /// D(x) at the cell centres.
    pub d_grid: Vec<f32>,
    /// The optimal discriminator p_data / (p_data + p_g) at the cell centres, both densities
    /// by kernel density estimates from the real and the fake samples.
    pub d_star_grid: Vec<f32>,
}

/// What a snapshot should contain beyond the scalars and histograms.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SnapshotOptions {
    /// Include the [`Plane`] (2-D data only).
    pub plane: bool,
    /// Cells per side of the heat-maps.
    pub resolution: usize,
}

impl Default for SnapshotOptions {
    fn default() -> Self {
        Self {
            plane: false,
            resolution: 48,
        }
    }
}

/// A snapshot whose numbers are still on the device, gathered in one 1-D tensor.
pub struct PendingSnapshot {
    values: Tensor<1>,
    iter: u64,
    d_steps: u64,
    n: usize,
    bins: usize,
    grid: Grid,
    real: Vec<[f32; 2]>,
    fake_generator: Vec<u8>,
    want_plane: bool,
    modes: Option<Vec<crate::dataset::Mode>>,
    two_d: bool,
}

/// Σ‖∂L/∂θ‖² over a module's parameters, as a device scalar.
struct SquaredGradNorm<'a> {
    grads: &'a GradientsParams,
    total: Option<Tensor<1>>,
}

impl ModuleVisitor for SquaredGradNorm<'_> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        if let Some(g) = self.grads.get::<D>(param.id) {
            let s = g.square().sum();
            self.total = Some(match self.total.take() {
                Some(t) => t + s,
                None => s,
            });
        }
    }
}

fn grad_norm<M: Module>(
    module: &M,
    grads: &GradientsParams,
    device: &burn::tensor::Device,
) -> Tensor<1> {
    let mut visitor = SquaredGradNorm { grads, total: None };
    module.visit(&mut visitor);
    visitor
        .total
        .unwrap_or_else(|| Tensor::zeros([1], device))
        .sqrt()
}

impl Trainer {
    /// Queues the device work of a snapshot. Nothing is read back here.
    pub fn prepare_snapshot(&self, options: SnapshotOptions) -> PendingSnapshot {
        let config = &self.config;
        let device = &self.device;
        let (n, dim) = (self.fixed_real.len() / config.data_dim, config.data_dim);
        let real =
            Tensor::<2>::from_data(TensorData::new(self.fixed_real.clone(), [n, dim]), device);
        let z = Tensor::<2>::from_data(
            TensorData::new(self.fixed_noise.clone(), [n, config.latent_dim]),
            device,
        );
        let d = &self.discriminator;

        // D's loss on the evaluation set and the norm of its gradient over D's parameters.
        let fake = crate::trainer::generate(&self.generators, z);
        let real_logits = d.forward(real);
        let fake_logits = d.forward(fake.clone().detach());
        let d_loss =
            loss::discriminator_loss(config.loss, real_logits.clone(), fake_logits.clone());
        let mut grads = d_loss.backward();
        let grad_d = grad_norm(d, &GradientsParams::from_module(&mut grads, d), device);

        // G's loss and the norm of its gradient over all generators' parameters.
        let g_loss = loss::generator_loss(config.loss, d.forward(fake.clone()));
        let mut grads = g_loss.backward();
        let g_sq: Tensor<1> = self
            .generators
            .iter()
            .map(|g| grad_norm(g, &GradientsParams::from_module(&mut grads, g), device).square())
            .reduce(|a, b| a + b)
            .expect("at least one generator");

        let mut parts = vec![
            d_loss.detach(),
            g_loss.detach(),
            grad_d.detach(),
            g_sq.sqrt().detach(),
            loss::probability(config.loss, real_logits)
                .detach()
                .reshape([n]),
            loss::probability(config.loss, fake_logits)
                .detach()
                .reshape([n]),
        ];

        let two_d = dim == 2;
        let want_plane = options.plane && two_d;
        let grid = Grid {
            view: self.dataset.view(),
            resolution: options.resolution.clamp(4, 256),
        };
        if two_d {
            // The 2-D metrics (modes, hq, JSD) need the generated points in any case.
            parts.push(fake.clone().detach().reshape([n * 2]));
        }
        if want_plane {
            // ∇ₓ of the per-sample G loss ℓ(x) at each fake point: the loss is a mean, so
            // scale by n to undo the 1/n.
            let x = fake.detach().require_grad();
            let per_sample = loss::generator_loss(config.loss, d.forward(x.clone())) * n as f64;
            let grads = per_sample.backward();
            let g_grad = x
                .grad(&grads)
                .unwrap_or_else(|| Tensor::zeros([n, 2], device));
            let cells = grid.centres();
            let cells_t = Tensor::<2>::from_data(
                TensorData::new(
                    cells.iter().flatten().copied().collect::<Vec<f32>>(),
                    [cells.len(), 2],
                ),
                device,
            );
            let d_grid = loss::probability(config.loss, d.forward(cells_t)).detach();
            parts.push(g_grad.reshape([n * 2]));
            parts.push(d_grid.reshape([cells.len()]));
        }
        let owners = generator_shares(n, self.generators.len())
            .into_iter()
            .enumerate()
            .flat_map(|(i, r)| std::iter::repeat_n(i as u8, r.len()))
            .collect();
        let real_points = if two_d {
            self.fixed_real.chunks(2).map(|p| [p[0], p[1]]).collect()
        } else {
            Vec::new()
        };
        PendingSnapshot {
            values: Tensor::cat(parts, 0),
            iter: self.g_steps_done,
            d_steps: self.d_steps_done,
            n,
            bins: config.hist_bins,
            grid,
            real: real_points,
            fake_generator: owners,
            want_plane,
            modes: self.dataset.modes(),
            two_d,
        }
    }

    /// Takes a snapshot, reading back synchronously (native only).
    #[cfg(not(target_family = "wasm"))]
    pub fn snapshot(&self, options: SnapshotOptions) -> Result<Snapshot, TrainError> {
        self.prepare_snapshot(options).read()
    }
}

/// The read-back numbers as f32s.
fn to_f32(data: TensorData) -> Result<Vec<f32>, TrainError> {
    data.convert::<f32>()
        .try_to_vec::<f32>()
        .map_err(|e| TrainError::ReadBack(format!("{e:?}")))
}

impl PendingSnapshot {
    /// Reads the numbers back synchronously (native only) and builds the snapshot.
    #[cfg(not(target_family = "wasm"))]
    pub fn read(self) -> Result<Snapshot, TrainError> {
        let values = to_f32(self.values.clone().into_data())?;
        self.finish(values)
    }

    /// Reads the numbers back asynchronously (the browser's way: the GPU answers when it is
    /// done) and builds the snapshot.
    pub async fn read_async(self) -> Result<Snapshot, TrainError> {
        let data = self
            .values
            .clone()
            .into_data_async()
            .await
            .map_err(|e| TrainError::ReadBack(format!("{e:?}")))?;
        self.finish(to_f32(data)?)
    }

    /// Builds the snapshot from the read-back numbers. Fails if training has diverged.
    fn finish(self, values: Vec<f32>) -> Result<Snapshot, TrainError> {
        let n = self.n;
        let (scalars, rest) = values.split_at(4);
        let (p_real, rest) = rest.split_at(n);
        let (p_fake, rest) = rest.split_at(n);
        let [d_loss, g_loss, grad_d, grad_g] = [0, 1, 2, 3].map(|i| scalars[i] as f64);
        for (name, v) in [
            ("D's loss", d_loss),
            ("G's loss", g_loss),
            ("D's gradient", grad_d),
            ("G's gradient", grad_g),
        ] {
            if !v.is_finite() {
                return Err(TrainError::NonFinite(name));
            }
        }
        let mean = |v: &[f32]| v.iter().map(|&x| x as f64).sum::<f64>() / v.len().max(1) as f64;
        let mut snapshot = Snapshot {
            iter: self.iter,
            d_steps: self.d_steps,
            d_loss,
            g_loss,
            d_real: mean(p_real),
            d_fake: mean(p_fake),
            grad_g,
            grad_d,
            hist_real: metrics::histogram(p_real, self.bins),
            hist_fake: metrics::histogram(p_fake, self.bins),
            modes: None,
            modes_total: None,
            hq: None,
            jsd: None,
            plane: None,
        };
        if self.two_d {
            let pairs = |v: &[f32]| v.chunks(2).map(|p| [p[0], p[1]]).collect::<Vec<[f32; 2]>>();
            let (fake, rest) = rest.split_at(2 * n);
            let fake = pairs(fake);
            if fake.iter().flatten().any(|v| !v.is_finite()) {
                return Err(TrainError::NonFinite("a generated sample"));
            }
            let p_data = self.grid.density(&self.real);
            let p_g = self.grid.density(&fake);
            snapshot.jsd = Some(metrics::jensen_shannon(&p_data, &p_g));
            if let Some(modes) = &self.modes {
                let (covered, hq) = metrics::mode_coverage(modes, &fake);
                (snapshot.modes, snapshot.modes_total, snapshot.hq) =
                    (Some(covered), Some(modes.len() as u32), Some(hq));
            }
            if self.want_plane {
                let (g_grad, d_grid) = rest.split_at(2 * n);
                snapshot.plane = Some(Plane {
                    view: self.grid.view,
                    resolution: self.grid.resolution,
                    d_star_grid: metrics::optimal_discriminator(&p_data, &p_g),
                    real: self.real,
                    fake,
                    fake_generator: self.fake_generator,
                    g_grad: pairs(g_grad),
                    d_grid: d_grid.to_vec(),
                });
            }
        }
        Ok(snapshot)
    }
}
