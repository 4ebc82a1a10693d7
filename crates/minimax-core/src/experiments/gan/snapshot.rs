//! The GAN's snapshot: the device work queued under named slots, then the CPU-side metrics.

use std::collections::BTreeMap;

use burn::optim::GradientsParams;
use burn::tensor::{Tensor, TensorData};

use super::{Gan, generate, generator_shares, rounded};
use crate::data::metrics::{self, Grid};
use crate::data::mnist::to_u8;
use crate::error::TrainError;
use crate::nets::loss;
use crate::spec::config::{CLASSES, IMAGE_SIDE, LatentKind};
use crate::train::backward;
use crate::train::codes::set_digit;
use crate::train::snapshot::{
    Images, Manifold, Packer, PendingSnapshot, Plane, Snapshot, SnapshotOptions, Unpacked,
    grad_norm, image_bytes,
};

impl Gan {
    /// Queues the device work of a snapshot. Nothing is read back here.
    pub fn prepare_snapshot(&self, options: SnapshotOptions) -> PendingSnapshot {
        let config = &self.config;
        let device = &self.device;
        let kind = config.objective.loss;
        let (dim, latent) = (config.data_dim(), config.model.latent_dim);
        let n = self.fixed_real.len() / dim;
        let real =
            Tensor::<2>::from_data(TensorData::new(self.fixed_real.clone(), [n, dim]), device);
        let z = Tensor::<2>::from_data(
            TensorData::new(self.fixed_noise.clone(), [n, config.code_dim()]),
            device,
        );
        let d = &self.discriminator;
        let mut pack = Packer::new();

        // D's loss on the evaluation set and the norm of its gradient over D's parameters.
        let fake = generate(&self.config, &self.generators, z);
        let real_logits = d.forward(real);
        let fake_logits = d.forward(fake.clone().detach());
        let d_loss = loss::discriminator_loss(kind, real_logits.clone(), fake_logits.clone());
        let mut grads = backward(&d_loss);
        let grad_d = grad_norm(d, &GradientsParams::from_module(&mut grads, d), device);

        // G's loss and the norm of its gradient over all generators' parameters.
        let g_loss = loss::generator_loss(kind, d.forward(fake.clone()));
        let mut grads = backward(&g_loss);
        let g_sq: Tensor<1> = self
            .generators
            .iter()
            .map(|g| grad_norm(g, &GradientsParams::from_module(&mut grads, g), device).square())
            .reduce(|a, b| a + b)
            .expect("at least one generator");

        pack.push("d_loss", d_loss.detach());
        pack.push("g_loss", g_loss.detach());
        pack.push("grad_d", grad_d.detach());
        pack.push("grad_g", g_sq.sqrt().detach());
        pack.push("p_real", loss::probability(kind, real_logits).detach());
        pack.push("p_fake", loss::probability(kind, fake_logits).detach());

        let two_d = dim == 2;
        let want_plane = options.plane && two_d;
        let grid = Grid {
            view: self.dataset.view(),
            resolution: options.resolution.clamp(4, 256),
        };
        if two_d {
            // The 2-D metrics (modes, hq, JSD) need the generated points in any case.
            pack.push("fake", fake.clone().detach());
        }
        if want_plane {
            self.prepare_plane(&mut pack, &fake, &grid);
        }
        let images = self.dataset.images().is_some();
        if images {
            // The pictures are G's samples: with `ema`, the average's (D's figures above are
            // of the G that plays).
            let shown = if self.average.is_some() {
                self.fixed_samples()
            } else {
                fake
            };
            self.prepare_images(&mut pack, shown, n, options.digit);
        }

        let owners: Vec<u8> = generator_shares(n, self.generators.len())
            .into_iter()
            .enumerate()
            .flat_map(|(i, r)| std::iter::repeat_n(i as u8, r.len()))
            .collect();
        let real_points: Vec<[f32; 2]> = if two_d {
            self.fixed_real.chunks(2).map(|p| [p[0], p[1]]).collect()
        } else {
            Vec::new()
        };
        let real_images: Vec<u8> = if images {
            self.fixed_real[..Images::REAL.min(n) * dim]
                .iter()
                .map(|&x| to_u8(x))
                .collect()
        } else {
            Vec::new()
        };
        let ctx = Context {
            iter: self.g_steps_done,
            d_steps: self.d_steps_done,
            bins: config.hist_bins,
            equilibrium: loss::equilibrium_losses(kind),
            plays_the_value: kind.plays_the_value(),
            grid,
            real_points,
            real_images,
            fake_generator: owners,
            want_plane,
            latent: (latent, config.model.latent == LatentKind::Uniform),
            generators: self.generators.len(),
            modes: self.dataset.modes(),
            density: self.dataset.density(),
            bandwidth: self.dataset.bandwidth(),
            two_d,
            images,
            digit: options.digit.filter(|_| config.asks_for_digits()),
        };
        PendingSnapshot::new(pack, move |u| ctx.finish(u))
    }

    /// The plane's device work: G's loss gradient at each fake point, D on the grid's cells,
    /// and the generator manifold.
    fn prepare_plane(&self, pack: &mut Packer, fake: &Tensor<2>, grid: &Grid) {
        let config = &self.config;
        let device = &self.device;
        let kind = config.objective.loss;
        let latent = config.model.latent_dim;
        let n = fake.dims()[0];
        let d = &self.discriminator;
        // ∇ₓ of the per-sample G loss ℓ(x) at each fake point: the loss is a mean, so
        // scale by n to undo the 1/n.
        let x = fake.clone().detach().require_grad();
        let per_sample = loss::generator_loss(kind, d.forward(x.clone())) * n as f64;
        let grads = backward(&per_sample);
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
        pack.push("g_grad", g_grad);
        // The manifold: each generator's image of one grid of codes.
        let uniform = config.model.latent == LatentKind::Uniform;
        let (codes, rows, _) = Manifold::codes(latent, uniform);
        let grid_z = Tensor::<2>::from_data(
            TensorData::new(codes, [rows * Manifold::SIDE, latent]),
            device,
        );
        let images: Vec<Tensor<2>> = self
            .generators
            .iter()
            .map(|g| g.forward(grid_z.clone()).detach())
            .collect();
        pack.push("manifold", Tensor::cat(images, 0));
        pack.push(
            "d_grid",
            loss::probability(kind, d.forward(cells_t)).detach(),
        );
    }

    /// The images' device work: the grid of samples and the latent walk. A conditional G's
    /// grid asks for digit r in row r (ten rows), or with `digit` for that digit in every row,
    /// from the same codes z; the walk then asks for that digit too.
    fn prepare_images(&self, pack: &mut Packer, fake: Tensor<2>, n: usize, digit: Option<usize>) {
        let device = &self.device;
        let (dim, latent) = (self.config.data_dim(), self.config.code_dim());
        let shown = Images::grid_len(self.config.is_conditional()).min(n);
        let digit = digit.filter(|_| self.config.asks_for_digits());
        // The fixed codes, each asking for `digit` if one is picked.
        let mut asked = self.fixed_noise.clone();
        if let Some(d) = digit {
            for code in asked.chunks_mut(latent) {
                set_digit(code, CLASSES, d.min(CLASSES - 1));
            }
        }
        let generators = self.sampling_generators();
        let shares = generator_shares(n, generators.len());
        match digit {
            Some(_) => {
                // Each grid row from the generator that draws it in the plain grid, normalised
                // (G's batch norm) by the statistics of its share of the fixed codes, which ask
                // for every digit: the images these codes get in a batch as training makes them,
                // not in a batch of one digit.
                let codes = |rows: std::ops::Range<usize>, from: &[f32]| {
                    Tensor::<2>::from_data(
                        TensorData::new(
                            from[rows.start * latent..rows.end * latent].to_vec(),
                            [rows.len(), latent],
                        ),
                        device,
                    )
                };
                let parts: Vec<Tensor<2>> = generators
                    .iter()
                    .zip(&shares)
                    .filter(|(_, rows)| rows.start < shown)
                    .map(|(g, rows)| {
                        let drawn = rows.start..rows.end.min(shown);
                        g.forward_normalised_by(
                            codes(drawn, &asked),
                            codes(rows.clone(), &self.fixed_noise),
                        )
                    })
                    .collect();
                let grid = rounded(&self.config, Tensor::cat(parts, 0));
                pack.push("grid", grid.detach());
            }
            None => pack.push("grid", fake.detach().slice([0..shown, 0..dim])),
        }
        // The walk: the first generator along z₀ → z₁, two fixed codes. G's batch norm
        // takes its statistics from the batch, so the walk's codes ride along with the
        // first generator's share of the evaluation codes and only their images are kept.
        let (z0, z1) = (&asked[..latent], &asked[latent..2 * latent]);
        let walk: Vec<f32> = (0..Images::WALK)
            .flat_map(|i| {
                let t = i as f32 / (Images::WALK - 1) as f32;
                z0.iter().zip(z1).map(move |(a, b)| (1.0 - t) * a + t * b)
            })
            .collect();
        let share = shares[0].clone();
        let rows = share.len();
        let mut codes = self.fixed_noise[share.start * latent..share.end * latent].to_vec();
        codes.extend(walk);
        let zw = Tensor::<2>::from_data(
            TensorData::new(codes, [rows + Images::WALK, latent]),
            device,
        );
        let out = self.sampling_generators()[0].forward(zw).detach();
        pack.push("walk", out.slice([rows..rows + Images::WALK, 0..dim]));
    }
}

/// What the CPU side of a snapshot needs besides the read-back numbers.
struct Context {
    iter: u64,
    d_steps: u64,
    bins: usize,
    equilibrium: Option<(f64, f64)>,
    /// D is trained on V(D, G) (its value and the JSD bound are reported).
    plays_the_value: bool,
    grid: Grid,
    real_points: Vec<[f32; 2]>,
    real_images: Vec<u8>,
    fake_generator: Vec<u8>,
    want_plane: bool,
    /// The latent dimension and whether z is uniform (the manifold's grid).
    latent: (usize, bool),
    generators: usize,
    modes: Option<Vec<crate::data::dataset::Mode>>,
    /// p_data in closed form (2-D data) and the kernel bandwidth of the JSD and D*.
    density: Option<crate::data::dataset::Density>,
    bandwidth: f32,
    two_d: bool,
    images: bool,
    /// The digit a conditional G's grid was asked for, if one was picked.
    digit: Option<usize>,
}

impl Context {
    /// The manifold's points, split by generator; none where G maps a code of the grid to a
    /// non-finite point (a view is no reason to roll a run back: its samples are checked).
    fn manifold(&self, points: Vec<[f32; 2]>) -> Option<Manifold> {
        if points.iter().flatten().any(|v| !v.is_finite()) {
            return None;
        }
        let (latent, uniform) = self.latent;
        let (_, rows, span) = Manifold::codes(latent, uniform);
        let each = rows * Manifold::SIDE;
        debug_assert_eq!(points.len(), each * self.generators);
        Some(Manifold {
            side: Manifold::SIDE,
            rows,
            span,
            fixed: latent.saturating_sub(2),
            points: points.chunks(each).map(<[[f32; 2]]>::to_vec).collect(),
        })
    }

    /// Builds the snapshot from the read-back numbers. Fails if training has diverged.
    fn finish(self, u: Unpacked) -> Result<Snapshot, TrainError> {
        let mut scalars = BTreeMap::new();
        for (name, what) in [
            ("d_loss", "D's loss"),
            ("g_loss", "G's loss"),
            ("grad_d", "D's gradient"),
            ("grad_g", "G's gradient"),
        ] {
            scalars.insert(name.to_string(), u.finite_scalar(name, what)?);
        }
        let (p_real, p_fake) = (u.get("p_real")?, u.get("p_fake")?);
        let mean = |v: &[f32]| v.iter().map(|&x| x as f64).sum::<f64>() / v.len().max(1) as f64;
        scalars.insert("d_real".into(), mean(p_real));
        scalars.insert("d_fake".into(), mean(p_fake));
        // V(D, G), and the lower bound on the JSD it gives (max over D of V is −log 4 + 2·JSD),
        // where D is trained on V.
        if self.plays_the_value {
            let value = metrics::game_value(p_real, p_fake);
            scalars.insert("value".into(), value);
            scalars.insert("jsd_lower_bound".into(), (value + 4f64.ln()) / 2.0);
        }
        if let Some((d_eq, g_eq)) = self.equilibrium {
            scalars.insert("d_loss_eq".into(), d_eq);
            scalars.insert("g_loss_eq".into(), g_eq);
        }
        let histograms = BTreeMap::from([
            ("real".to_string(), metrics::histogram(p_real, self.bins)),
            ("fake".to_string(), metrics::histogram(p_fake, self.bins)),
        ]);
        let mut snapshot = Snapshot {
            iter: self.iter,
            d_steps: self.d_steps,
            scalars,
            histograms,
            plane: None,
            images: None,
        };
        let pairs = |v: &[f32]| v.chunks(2).map(|p| [p[0], p[1]]).collect::<Vec<[f32; 2]>>();
        if self.two_d {
            let fake = pairs(u.get("fake")?);
            if fake.iter().flatten().any(|v| !v.is_finite()) {
                return Err(TrainError::NonFinite("a generated sample"));
            }
            let density = self.density.as_ref().expect("2-D data has a density");
            let h = self.bandwidth;
            let jsd = metrics::jensen_shannon_estimate(density, h, &self.real_points, &fake);
            snapshot.scalars.insert("jsd".into(), jsd);
            snapshot
                .scalars
                .insert("value_star".into(), 2.0 * jsd - 4f64.ln());
            snapshot.scalars.insert("jsd_bandwidth".into(), h as f64);
            if let Some(modes) = &self.modes {
                let (covered, hq) = metrics::mode_coverage(modes, &fake);
                snapshot.scalars.insert("modes".into(), covered as f64);
                snapshot
                    .scalars
                    .insert("modes_total".into(), modes.len() as f64);
                snapshot.scalars.insert("hq".into(), hq);
                let (k, share) = metrics::dominant_mode(modes, &fake);
                let k = k.map_or(-1.0, |k| k as f64);
                snapshot.scalars.insert("dominant_mode".into(), k);
                snapshot.scalars.insert("dominant_share".into(), share);
            }
            if self.want_plane {
                let manifold = self.manifold(pairs(u.get("manifold")?));
                snapshot.plane = Some(Plane {
                    view: self.grid.view,
                    resolution: self.grid.resolution,
                    d_star_grid: metrics::optimal_discriminator_on(&self.grid, density, h, &fake),
                    real: self.real_points,
                    fake,
                    fake_generator: self.fake_generator,
                    g_grad: pairs(u.get("g_grad")?),
                    d_grid: u.get("d_grid")?.to_vec(),
                    modes: self.modes.iter().flatten().map(|m| m.center).collect(),
                    manifold,
                });
            }
        }
        if self.images {
            let pixels = |v: &[f32]| image_bytes(v, "a generated image");
            snapshot.images = Some(Images {
                side: IMAGE_SIDE,
                fake: pixels(u.get("grid")?)?,
                digit: self.digit,
                real: self.real_images,
                walk: pixels(u.get("walk")?)?,
            });
        }
        Ok(snapshot)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{flex, to_vec};
    use crate::{Assets, Config};
    use serde_json::json;

    fn plane(config: serde_json::Value) -> (Gan, Plane) {
        let mut gan = Gan::new(
            Config::from_value(&config).unwrap(),
            &flex(),
            &Assets::default(),
        )
        .unwrap();
        gan.train(3);
        let s = gan
            .snapshot(SnapshotOptions {
                plane: true,
                resolution: 8,
                ..Default::default()
            })
            .unwrap();
        (gan, s.plane.unwrap())
    }

    /// G's image of one code, computed on its own.
    fn image(gan: &Gan, g: usize, z: &[f32]) -> [f32; 2] {
        let t = Tensor::<2>::from_data(TensorData::new(z.to_vec(), [1, z.len()]), &flex());
        let v = to_vec(gan.generators[g].forward(t));
        [v[0], v[1]]
    }

    #[test]
    fn the_manifold_is_g_of_a_regular_latent_grid_with_the_other_coordinates_at_zero() {
        for (latent, kind, span) in [(4, "gaussian", 2.0), (2, "uniform", 1.0)] {
            let (gan, p) = plane(json!({"latent_dim": latent, "latent": kind, "generators": 2}));
            let m = p.manifold.unwrap();
            assert_eq!(
                (m.side, m.rows, m.span, m.fixed),
                (17, 17, span, latent - 2)
            );
            assert_eq!(m.points.len(), 2, "one mesh per generator");
            let mut z = vec![0.0; latent];
            // Row r, column c: z₀ = −span + 2·span·c/16, z₁ likewise by r.
            for (g, r, c) in [(0, 0, 0), (0, 16, 3), (1, 8, 8), (1, 5, 16)] {
                z[0] = -span + 2.0 * span * c as f32 / 16.0;
                z[1] = -span + 2.0 * span * r as f32 / 16.0;
                let want = image(&gan, g, &z);
                let got = m.points[g][r * 17 + c];
                assert!(
                    (want[0] - got[0]).abs() < 1e-5 && (want[1] - got[1]).abs() < 1e-5,
                    "generator {g}, row {r}, column {c}: {got:?} ≠ {want:?}"
                );
            }
        }
        let (_, p) = plane(json!({"latent_dim": 1}));
        let m = p.manifold.unwrap();
        assert_eq!((m.rows, m.points[0].len(), m.fixed), (1, 17, 0));
    }
}
