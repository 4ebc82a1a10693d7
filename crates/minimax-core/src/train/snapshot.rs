//! Snapshots: a small, plain picture of the game at one moment, with the same field names in
//! the CLI's JSON lines and in the page.
//!
//! A snapshot is taken in three parts so that read-back can be async in the browser:
//! [`Experiment::prepare_snapshot`](crate::Experiment::prepare_snapshot) queues the tensor work and gathers every number into one
//! tensor (one GPU read-back), and [`PendingSnapshot::read`] (sync, native only) or
//! [`PendingSnapshot::read_async`] (in a worker) reads it and computes the CPU-side metrics.

use burn::module::{Module, ModuleVisitor, Param};
use burn::optim::GradientsParams;
use burn::tensor::{Tensor, TensorData};
use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use crate::error::TrainError;
use crate::spec::config::CLASSES;

/// The game at one moment, evaluated on the fixed evaluation set, in named sections: the
/// scalars (flat in JSON: `d_real`, `jsd`, …), the histograms, and, where the data has them,
/// the 2-D plane and the image grids.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Completed iterations (generator steps).
    pub iter: u64,
    /// Completed discriminator steps.
    pub d_steps: u64,
    /// The numbers of the moment, by name: `d_loss`, `g_loss` (without penalties, as in
    /// `loss.rs`), `d_real`, `d_fake` (mean D(x) on real and generated samples, → 1/2 at
    /// equilibrium), `grad_d`, `grad_g` (L2 norms of each loss's gradient over its player's
    /// parameters), `d_loss_eq`, `g_loss_eq` (the losses at equilibrium, where defined);
    /// 2-D data: `jsd` (estimated JSD(p_data‖p_g), nats, in [0, ln 2], from p_data's closed
    /// form and p_g's kernel estimate, see [`crate::data::metrics::jensen_shannon_estimate`]) and
    /// `jsd_bandwidth` (that kernel's bandwidth); ring and grid:
    /// `modes` of `modes_total` covered, `hq` (fraction within 3σ of a mode),
    /// `dominant_mode` (the index of the mode nearest to the most samples) and
    /// `dominant_share`
    /// (the share of samples it holds). A GAN whose D plays the value (minimax and
    /// non-saturating losses): `value` (V(D, G) from D's probabilities, see
    /// [`crate::data::metrics::game_value`]) and `jsd_lower_bound` ((V(D, G) + ln 4)/2 ≤ JSD);
    /// 2-D data: `value_star` (V(D*, G) = −ln 4 + 2·`jsd`).
    #[serde(flatten)]
    pub scalars: BTreeMap<String, f64>,
    /// Histograms of D(x), equal bins over [0, 1]: `real` and `fake`.
    pub histograms: BTreeMap<String, Vec<u32>>,
    /// 2-D data, when asked for: everything needed to draw the data plane.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub plane: Option<Plane>,
    /// Image data: sample grids.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub images: Option<Images>,
}

impl Snapshot {
    /// A scalar by name (NaN if this snapshot has none of that name).
    pub fn get(&self, name: &str) -> f64 {
        self.scalars.get(name).copied().unwrap_or(f64::NAN)
    }

    /// The scalars of a snapshot of ring or grid data.
    pub const SCALARS_2D_MODES: &[&str] = &[
        "d_loss",
        "g_loss",
        "d_real",
        "d_fake",
        "grad_g",
        "grad_d",
        "d_loss_eq",
        "g_loss_eq",
        "modes",
        "modes_total",
        "hq",
        "jsd",
        "jsd_bandwidth",
        "value",
        "jsd_lower_bound",
        "value_star",
        "dominant_mode",
        "dominant_share",
    ];
}

/// Image grids, pixels 0–255 row-major, each image `side × side`, images one after another;
/// base64 in JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Images {
    pub side: usize,
    /// G's samples for the first fixed latent codes: the same codes in every snapshot (8×8;
    /// a conditional G's 10 rows of 8, row r asking for digit r).
    #[serde(with = "base64_bytes")]
    pub fake: Vec<u8>,
    /// The digit a conditional G was asked for in every row of `fake`, when one was picked
    /// ([`SnapshotOptions::digit`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digit: Option<usize>,
    /// Real images of the fixed evaluation set.
    #[serde(with = "base64_bytes")]
    pub real: Vec<u8>,
    /// A latent walk: G (the first generator) along the segment between two fixed codes.
    #[serde(with = "base64_bytes")]
    pub walk: Vec<u8>,
}

/// Pixels in [−1, 1] as the grids' bytes; an error naming `what` if one is not a finite number
/// (a diverged run).
pub(crate) fn image_bytes(v: &[f32], what: &'static str) -> Result<Vec<u8>, TrainError> {
    if v.iter().any(|x| !x.is_finite()) {
        return Err(TrainError::NonFinite(what));
    }
    Ok(v.iter().map(|&x| crate::data::mnist::to_u8(x)).collect())
}

impl Images {
    /// Images in the real grid, and in the fake grid of an unconditional G (8×8).
    pub const REAL: usize = 64;
    /// Images in a row of the grids.
    pub const COLUMNS: usize = 8;

    /// Images in the fake grid: 8×8, or a conditional G's ten rows of 8 (one per digit).
    pub fn grid_len(conditional: bool) -> usize {
        if conditional {
            CLASSES * Self::COLUMNS
        } else {
            Self::REAL
        }
    }
    /// Steps of the latent walk.
    pub const WALK: usize = 10;
}

mod base64_bytes {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        STANDARD.decode(text).map_err(serde::de::Error::custom)
    }
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
    /// The optimal discriminator p_data / (p_data + p_g) at the cell centres: p_data's closed
    /// form and p_g's kernel estimate (see [`crate::data::metrics::optimal_discriminator_on`]).
    pub d_star_grid: Vec<f32>,
    /// The centres of the data's modes (ring and grid), in the order of `dominant_mode`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modes: Vec<[f32; 2]>,
    /// The generator manifold: G's image of a regular grid in latent space.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifold: Option<Manifold>,
}

/// G's image of a regular grid of `side` × `side` codes (one row of `side` for a 1-d latent)
/// over the first two latent coordinates, each in [−`span`, `span`] (±2σ of N(0, 1), or all of
/// U(−1, 1)), the other `fixed` coordinates held at 0: drawn on the data plane as a warped mesh
/// (GAN Lab's manifold view).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifold {
    pub side: usize,
    /// Rows of the grid: `side`, or 1 for a 1-d latent.
    pub rows: usize,
    pub span: f32,
    /// Latent coordinates held at 0 (latent_dim − 2, or 0).
    pub fixed: usize,
    /// Per generator, its `rows × side` points, row-major (the second latent coordinate the
    /// row, the first the column).
    pub points: Vec<Vec<[f32; 2]>>,
}

impl Manifold {
    /// Points per side of the grid.
    pub const SIDE: usize = 17;

    /// The grid's codes, `[rows·side, latent]` row-major, and its rows and span.
    pub fn codes(latent: usize, uniform: bool) -> (Vec<f32>, usize, f32) {
        let span = if uniform { 1.0 } else { 2.0 };
        let rows = if latent >= 2 { Self::SIDE } else { 1 };
        let at = |i: usize| -span + 2.0 * span * i as f32 / (Self::SIDE - 1) as f32;
        let mut codes = vec![0.0; rows * Self::SIDE * latent];
        for r in 0..rows {
            for c in 0..Self::SIDE {
                let z = &mut codes[(r * Self::SIDE + c) * latent..][..latent];
                z[0] = at(c);
                if latent >= 2 {
                    z[1] = at(r);
                }
            }
        }
        (codes, rows, span)
    }
}

/// What a snapshot should contain beyond the scalars and histograms.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SnapshotOptions {
    /// Include the [`Plane`] (2-D data only).
    pub plane: bool,
    /// Cells per side of the heat-maps.
    pub resolution: usize,
    /// A conditional G's grid asks for this digit in every row (`None`: digit r in row r).
    pub digit: Option<usize>,
}

impl Default for SnapshotOptions {
    fn default() -> Self {
        Self {
            plane: false,
            resolution: 48,
            digit: None,
        }
    }
}

/// Device tensors gathered under names into one 1-D tensor, so that a snapshot needs one
/// read-back, and read back by name: a new metric cannot shift the others.
#[derive(Default)]
pub struct Packer {
    parts: Vec<Tensor<1>>,
    slots: Vec<(&'static str, std::ops::Range<usize>)>,
    len: usize,
}

impl Packer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `tensor`, flattened, under `name`.
    pub fn push<const D: usize>(&mut self, name: &'static str, tensor: Tensor<D>) {
        assert!(
            self.slots.iter().all(|(n, _)| *n != name),
            "slot {name} packed twice"
        );
        let n = tensor.shape().num_elements();
        self.parts.push(tensor.reshape([n]));
        self.slots.push((name, self.len..self.len + n));
        self.len += n;
    }

    fn finish(
        self,
    ) -> (
        Option<Tensor<1>>,
        Vec<(&'static str, std::ops::Range<usize>)>,
    ) {
        let tensor = (!self.parts.is_empty()).then(|| Tensor::cat(self.parts, 0));
        (tensor, self.slots)
    }
}

/// The read-back numbers, by the names they were packed under.
pub struct Unpacked {
    values: Vec<f32>,
    slots: Vec<(&'static str, std::ops::Range<usize>)>,
}

impl Unpacked {
    /// The values packed under `name`.
    pub fn get(&self, name: &str) -> Result<&[f32], TrainError> {
        self.slots
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, r)| self.values.get(r.clone()))
            .ok_or_else(|| TrainError::ReadBack(format!("no slot named {name}")))
    }

    /// A packed scalar, which must be finite (else training has diverged).
    pub fn finite_scalar(&self, name: &str, what: &'static str) -> Result<f64, TrainError> {
        let v = *self
            .get(name)?
            .first()
            .ok_or_else(|| TrainError::ReadBack(format!("slot {name} is empty")))?
            as f64;
        if v.is_finite() {
            Ok(v)
        } else {
            Err(TrainError::NonFinite(what))
        }
    }
}

/// Builds the snapshot from the read-back numbers.
type Finish = Box<dyn FnOnce(Unpacked) -> Result<Snapshot, TrainError>>;

/// A snapshot whose numbers are still on the device, packed into one tensor, with the
/// CPU-side work that turns them into a [`Snapshot`] once read back.
pub struct PendingSnapshot {
    values: Option<Tensor<1>>,
    slots: Vec<(&'static str, std::ops::Range<usize>)>,
    finish: Finish,
}

impl PendingSnapshot {
    pub fn new(
        packer: Packer,
        finish: impl FnOnce(Unpacked) -> Result<Snapshot, TrainError> + 'static,
    ) -> Self {
        let (values, slots) = packer.finish();
        Self {
            values,
            slots,
            finish: Box::new(finish),
        }
    }

    /// Reads the numbers back synchronously (native only) and builds the snapshot.
    #[cfg(not(target_family = "wasm"))]
    pub fn read(self) -> Result<Snapshot, TrainError> {
        let values = match &self.values {
            Some(t) => {
                super::counters::read_back();
                to_f32(t.clone().into_data())?
            }
            None => Vec::new(),
        };
        self.build(values)
    }

    /// Reads the numbers back asynchronously (the browser's way: the GPU answers when it is
    /// done) and builds the snapshot.
    pub async fn read_async(self) -> Result<Snapshot, TrainError> {
        let values = match &self.values {
            Some(t) => {
                super::counters::read_back();
                to_f32(
                    t.clone()
                        .into_data_async()
                        .await
                        .map_err(|e| TrainError::ReadBack(format!("{e:?}")))?,
                )?
            }
            None => Vec::new(),
        };
        self.build(values)
    }

    fn build(self, values: Vec<f32>) -> Result<Snapshot, TrainError> {
        let expected = self.slots.last().map_or(0, |(_, r)| r.end);
        if values.len() != expected {
            return Err(TrainError::ReadBack(format!(
                "{} numbers read back, {expected} packed",
                values.len()
            )));
        }
        (self.finish)(Unpacked {
            values,
            slots: self.slots,
        })
    }
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

/// ‖∂L/∂θ‖ over a module's parameters, as a device scalar.
pub fn grad_norm<M: Module>(
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

/// The read-back numbers as f32s.
fn to_f32(data: TensorData) -> Result<Vec<f32>, TrainError> {
    data.convert::<f32>()
        .try_to_vec::<f32>()
        .map_err(|e| TrainError::ReadBack(format!("{e:?}")))
}
