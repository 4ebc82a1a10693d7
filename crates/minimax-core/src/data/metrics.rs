//! Metrics computed on the CPU from a snapshot's plain numbers: histograms of D(x), mode
//! coverage, kernel density estimates of p_data and p_g, the optimal discriminator
//! D* = p_data / (p_data + p_g) and the Jensen–Shannon divergence between them.

use crate::data::dataset::{Density, Mode, dist2, gauss2};

/// Counts of `values` (in [0, 1]) in `bins` equal bins; 1 falls in the last bin.
pub fn histogram(values: &[f32], bins: usize) -> Vec<u32> {
    let mut counts = vec![0u32; bins];
    for &v in values.iter().filter(|v| v.is_finite()) {
        let i = ((v.clamp(0.0, 1.0) * bins as f32) as usize).min(bins - 1);
        counts[i] += 1;
    }
    counts
}

/// The index of the mode nearest to `p`, and the distance to it.
pub fn nearest_mode(modes: &[Mode], p: [f32; 2]) -> (usize, f32) {
    modes
        .iter()
        .enumerate()
        .map(|(i, m)| {
            (
                i,
                ((p[0] - m.center[0]).powi(2) + (p[1] - m.center[1]).powi(2)).sqrt(),
            )
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .expect("at least one mode")
}

/// Mode coverage of generated samples, as in the unrolled-GAN and VEEGAN papers:
/// a sample is *high quality* when it lies within 3σ of its nearest mode; a mode is
/// *covered* when it holds at least a tenth of its fair share (n / modes) of high-quality
/// samples. Returns (modes covered, fraction of samples of high quality).
pub fn mode_coverage(modes: &[Mode], samples: &[[f32; 2]]) -> (u32, f64) {
    if samples.is_empty() {
        return (0, 0.0);
    }
    let mut hits = vec![0usize; modes.len()];
    let mut high_quality = 0usize;
    for &p in samples {
        let (k, d) = nearest_mode(modes, p);
        if d <= 3.0 * modes[k].std {
            hits[k] += 1;
            high_quality += 1;
        }
    }
    let threshold = (samples.len() as f64 / modes.len() as f64 / 10.0)
        .ceil()
        .max(1.0) as usize;
    let covered = hits.iter().filter(|&&h| h >= threshold).count() as u32;
    (covered, high_quality as f64 / samples.len() as f64)
}

/// The mode nearest to the most samples and the share of the samples nearest to it (however
/// far): a collapsed G, whose samples gather by one mode or between two, shows as a share
/// near 1, and its hopping from mode to mode as this index changing. `None` without samples.
pub fn dominant_mode(modes: &[Mode], samples: &[[f32; 2]]) -> (Option<usize>, f64) {
    let mut hits = vec![0usize; modes.len()];
    for &p in samples {
        hits[nearest_mode(modes, p).0] += 1;
    }
    let (k, &h) = hits
        .iter()
        .enumerate()
        .max_by_key(|&(i, &h)| (h, std::cmp::Reverse(i)))
        .expect("at least one mode");
    ((h > 0).then_some(k), h as f64 / samples.len().max(1) as f64)
}

/// The value of the game V(D, G) = E_data ln D(x) + E_g ln(1 − D(x)) from D's probabilities
/// on real and on generated samples (clamped to [1e-7, 1 − 1e-7] against log 0). It is the game's
/// value for the minimax and non-saturating losses, where D(x) = σ(logit). At D* it is
/// −ln 4 + 2·JSD(p_data‖p_g); any other D scores less.
pub fn game_value(p_real: &[f32], p_fake: &[f32]) -> f64 {
    let clamp = |p: f32| (p as f64).clamp(1e-7, 1.0 - 1e-7);
    let mean = |v: &[f32], f: &dyn Fn(f64) -> f64| {
        v.iter().map(|&p| f(clamp(p))).sum::<f64>() / v.len().max(1) as f64
    };
    mean(p_real, &|p| p.ln()) + mean(p_fake, &|p| (1.0 - p).ln())
}

/// A regular grid of `resolution²` cell centres over `view` = [x_min, x_max, y_min, y_max],
/// row-major with y increasing with the row: cell (ix, iy) is entry iy·resolution + ix.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Grid {
    pub view: [f32; 4],
    pub resolution: usize,
}

impl Grid {
    pub fn cell(&self) -> (f32, f32) {
        let r = self.resolution as f32;
        (
            (self.view[1] - self.view[0]) / r,
            (self.view[3] - self.view[2]) / r,
        )
    }

    pub fn centres(&self) -> Vec<[f32; 2]> {
        let (dx, dy) = self.cell();
        let r = self.resolution;
        (0..r * r)
            .map(|k| {
                [
                    self.view[0] + ((k % r) as f32 + 0.5) * dx,
                    self.view[2] + ((k / r) as f32 + 0.5) * dy,
                ]
            })
            .collect()
    }
}

/// The gaussian kernel density estimate of `samples` at `x`, bandwidth `h` (p_g * K_h, its
/// estimate from the samples).
pub fn kde(samples: &[[f32; 2]], x: [f32; 2], h: f32) -> f64 {
    let v = (h as f64).powi(2);
    samples.iter().map(|&s| gauss2(dist2(x, s), v)).sum::<f64>() / samples.len().max(1) as f64
}

/// JSD(p_data ‖ p_g) in nats, estimated from samples of both, anywhere in the plane (no
/// grid, no view: a generated point far away counts as much as one in sight):
///
/// JSD = ½ E_{x∼p}[ln 2p(x)/(p(x) + q(x))] + ½ E_{x∼q}[ln 2q(x)/(p(x) + q(x))],
///
/// with p the data's closed form and q the generated points' kernel estimate, both smoothed by
/// the same kernel K_h (so that a generator equal to the data meets the same smoothing on both
/// sides): the JSD of the smoothed pair, which tends to the JSD as h → 0 and lies in
/// [0, ln 2]. The expectations are over draws of the smoothed densities themselves: each real
/// and each generated point moved by the kernel (x + h·ε, ε ∼ N(0, I) from a fixed seed, so
/// that the same points give the same estimate). At such a draw q is never 0, as it can be at
/// an isolated generated point left out of its own estimate, and q is not inflated by its own
/// kernel, as it is at a generated point kept in.
pub fn jensen_shannon_estimate(p: &Density, h: f32, real: &[[f32; 2]], fake: &[[f32; 2]]) -> f64 {
    let fake: Vec<[f32; 2]> = fake
        .iter()
        .copied()
        .filter(|s| s[0].is_finite() && s[1].is_finite())
        .collect();
    if real.is_empty() || fake.is_empty() {
        return f64::NAN;
    }
    let mut rng = crate::rng::RunRng::new(JSD_SEED);
    let mut moved = |x: [f32; 2]| [x[0] + h * rng.normal(), x[1] + h * rng.normal()];
    // ln(2a / (a + b)) ∈ [−∞, ln 2]; where neither density has mass (a draw far from both,
    // where both underflow), the point is one neither shares: ln 2.
    let term = |a: f64, b: f64| {
        if a + b <= 0.0 {
            std::f64::consts::LN_2
        } else {
            (2.0 * a / (a + b)).ln()
        }
    };
    let on_real: f64 = real
        .iter()
        .map(|&x| {
            let x = moved(x);
            term(p.at(x, h), kde(&fake, x, h))
        })
        .sum::<f64>()
        / real.len() as f64;
    let on_fake: f64 = fake
        .iter()
        .map(|&x| {
            let x = moved(x);
            term(kde(&fake, x, h), p.at(x, h))
        })
        .sum::<f64>()
        / fake.len() as f64;
    (0.5 * on_real + 0.5 * on_fake).clamp(0.0, std::f64::consts::LN_2)
}

/// The seed of the kernel's moves in [`jensen_shannon_estimate`].
const JSD_SEED: u64 = 0x4a53_445f_6b65_726e;

/// D*(x) = p_data(x) / (p_data(x) + p_g(x)) at the grid's cell centres, from p_data's closed
/// form and p_g's kernel estimate, both smoothed by the JSD's bandwidth, or by half a cell's
/// diagonal where that is wider (a narrower kernel would fall between the cell centres, and the
/// picture would show modes only where one happens to sit on a centre). 1/2 where neither
/// density has mass: below a thousandth of the largest p_data + p_g on the grid (about 3.7
/// kernel widths from every point of either), where the ratio of two vanishing tails would
/// otherwise paint confident wedges over empty space.
pub fn optimal_discriminator_on(
    grid: &Grid,
    p_data: &Density,
    h: f32,
    fake: &[[f32; 2]],
) -> Vec<f32> {
    let (dx, dy) = grid.cell();
    let h = h.max(0.5 * (dx * dx + dy * dy).sqrt());
    let pq: Vec<(f64, f64)> = grid
        .centres()
        .into_iter()
        .map(|c| (p_data.at(c, h), kde(fake, c, h)))
        .collect();
    let top = pq.iter().map(|(p, q)| p + q).fold(0.0, f64::max);
    pq.into_iter()
        .map(|(p, q)| {
            if p + q > 1e-3 * top && p + q > 0.0 {
                (p / (p + q)) as f32
            } else {
                0.5
            }
        })
        .collect()
}

/// JSD(P‖Q) = ½KL(P‖M) + ½KL(Q‖M), M = ½(P + Q), in nats, between two discrete
/// distributions on the same cells. It lies in [0, ln 2]; at the optimal discriminator the
/// minimax value is V(D*, G) = −ln 4 + 2·JSD(p_data‖p_g) (Goodfellow et al. 2014, Thm. 1).
pub fn jensen_shannon(p: &[f64], q: &[f64]) -> f64 {
    let mut jsd = 0.0;
    for (&a, &b) in p.iter().zip(q) {
        let m = 0.5 * (a + b);
        if a > 0.0 {
            jsd += 0.5 * a * (a / m).ln();
        }
        if b > 0.0 {
            jsd += 0.5 * b * (b / m).ln();
        }
    }
    jsd.clamp(0.0, std::f64::consts::LN_2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::dataset::Dataset;
    use crate::rng::RunRng;
    use crate::spec::config::Config;
    use std::f64::consts::LN_2;

    fn pairs(v: &[f32]) -> Vec<[f32; 2]> {
        v.chunks(2).map(|p| [p[0], p[1]]).collect()
    }

    #[test]
    fn histogram_bins_over_the_unit_interval() {
        assert_eq!(
            histogram(&[0.0, 0.05, 0.5, 0.99, 1.0, f32::NAN], 4),
            vec![2, 0, 1, 2]
        );
    }

    #[test]
    fn jsd_of_identical_is_zero_and_of_disjoint_is_ln2() {
        assert_eq!(jensen_shannon(&[0.5, 0.5, 0.0], &[0.5, 0.5, 0.0]), 0.0);
        assert!((jensen_shannon(&[1.0, 0.0], &[0.0, 1.0]) - std::f64::consts::LN_2).abs() < 1e-12);
        // Hand-computed: P = (¾, ¼), Q = (¼, ¾).
        let expected = 0.75 * (1.5f64).ln() + 0.25 * (0.5f64).ln();
        assert!((jensen_shannon(&[0.75, 0.25], &[0.25, 0.75]) - expected).abs() < 1e-12);
    }

    fn ring() -> Dataset {
        Dataset::new(&Config::default(), None).unwrap()
    }

    /// The cases where the grid estimate went wrong, against their values computed by hand,
    /// on two seeds: a ring shifted by 0.1 (5σ: nearly disjoint, ≈ 0.68 nats); half the
    /// samples far off-screen (JSD(p, ½p + ½δ) = ½ ln(4/3) + ¼ ln(2/3) + ¼ ln 2 ≈ 0.216); two
    /// independent draws of the ring (0); all samples on one mode with its spread
    /// (½ ln(16/9) + (1/16) ln(2/9) + (7/16) ln 2 ≈ 0.497).
    #[test]
    fn the_jsd_estimate_is_right_where_the_grid_went_wrong() {
        let ds = ring();
        let p = ds.density().unwrap();
        let h = ds.bandwidth();
        let half = 0.5 * (4.0f64 / 3.0).ln() + 0.25 * (2.0f64 / 3.0).ln() + 0.25 * LN_2;
        let one_mode = 0.5 * (16.0f64 / 9.0).ln() + (2.0f64 / 9.0).ln() / 16.0 + 7.0 / 16.0 * LN_2;
        assert!((half - 0.2158).abs() < 1e-3 && (one_mode - 0.4968).abs() < 1e-3);
        for seed in [1u64, 2] {
            let mut rng = RunRng::new(seed);
            let real = pairs(&ds.sample(512, &mut rng));
            let same = pairs(&ds.sample(512, &mut rng));
            let shifted: Vec<[f32; 2]> = same.iter().map(|q| [q[0] + 0.1, q[1]]).collect();
            let far: Vec<[f32; 2]> = same
                .iter()
                .enumerate()
                .map(|(i, &q)| if i % 2 == 0 { q } else { [40.0 + q[0], 40.0] })
                .collect();
            let mode = ds.modes().unwrap()[0];
            let collapsed: Vec<[f32; 2]> = (0..512)
                .map(|_| {
                    [
                        mode.center[0] + mode.std * rng.normal(),
                        mode.center[1] + mode.std * rng.normal(),
                    ]
                })
                .collect();
            let jsd = |fake: &[[f32; 2]]| jensen_shannon_estimate(&p, h, &real, fake);
            let (a, b, c, d) = (jsd(&shifted), jsd(&far), jsd(&same), jsd(&collapsed));
            eprintln!("seed {seed}: shifted {a:.4}, half far {b:.4}, same {c:.4}, one mode {d:.4}");
            assert!(a >= 0.6, "seed {seed}: shifted by 0.1: {a}");
            assert!(
                (b - half).abs() < 0.04 && b >= 0.15,
                "seed {seed}: half far away: {b}"
            );
            assert!(c <= 0.02, "seed {seed}: two draws of the ring: {c}");
            assert!((0.45..=0.54).contains(&d), "seed {seed}: one mode: {d}");
        }
    }

    /// Against an independent computation: the JSD of the one-gaussian data N((1, 1), 0.5²I)
    /// and a generator N(m, s²I), each smoothed by the bandwidth, integrated on a fine grid
    /// (0.01 spacing over ±6 standard deviations), for three generators on two seeds.
    #[test]
    fn the_jsd_estimate_matches_numerical_integration_for_gaussians() {
        let mut c = Config::default();
        c.data.kind = crate::spec::config::DatasetKind::Gaussian;
        c.data.dim = 2;
        let ds = Dataset::new(&c, None).unwrap();
        let p = ds.density().unwrap();
        let h = ds.bandwidth() as f64;
        for (m, s) in [
            ([1.0f32, 1.0f32], 0.5f32),
            ([1.6, 1.0], 0.4),
            ([-0.5, 2.0], 0.3),
        ] {
            let vp = 0.25 + h * h;
            let vq = (s as f64).powi(2) + h * h;
            let (mut jsd, step) = (0.0f64, 0.01f64);
            let mut x = -4.0f64;
            while x < 6.0 {
                let mut y = -3.0f64;
                while y < 6.0 {
                    let a = gauss2((x - 1.0).powi(2) + (y - 1.0).powi(2), vp);
                    let b = gauss2((x - m[0] as f64).powi(2) + (y - m[1] as f64).powi(2), vq);
                    let mid = 0.5 * (a + b);
                    if a > 0.0 {
                        jsd += 0.5 * a * (a / mid).ln() * step * step;
                    }
                    if b > 0.0 {
                        jsd += 0.5 * b * (b / mid).ln() * step * step;
                    }
                    y += step;
                }
                x += step;
            }
            // One estimate (512 samples a side) moves by a few hundredths from draw to draw;
            // their mean over six draws is within 0.025 of the integral, each within 0.07.
            let mut sum = 0.0;
            for seed in [3u64, 4, 5, 6, 7, 8] {
                let mut rng = RunRng::new(seed);
                let real = pairs(&ds.sample(512, &mut rng));
                let fake: Vec<[f32; 2]> = (0..512)
                    .map(|_| [m[0] + s * rng.normal(), m[1] + s * rng.normal()])
                    .collect();
                let est = jensen_shannon_estimate(&p, h as f32, &real, &fake);
                eprintln!("N({m:?}, {s}²): estimate {est:.4}, integral {jsd:.4} (seed {seed})");
                assert!(
                    (est - jsd).abs() < 0.07,
                    "N({m:?}, {s}²), seed {seed}: {est} against {jsd}"
                );
                sum += est;
            }
            let mean = sum / 6.0;
            assert!(
                (mean - jsd).abs() < 0.025,
                "N({m:?}, {s}²): mean {mean} against {jsd}"
            );
        }
    }

    #[test]
    fn mode_coverage_counts_modes_and_quality() {
        let ds = ring();
        let same = pairs(&ds.sample(512, &mut RunRng::new(2)));
        let collapsed: Vec<[f32; 2]> = same.iter().map(|_| [2.0, 0.0]).collect();
        let (covered, hq) = mode_coverage(&ds.modes().unwrap(), &same);
        assert_eq!(covered, 8);
        assert!(hq > 0.95);
        assert_eq!(mode_coverage(&ds.modes().unwrap(), &collapsed), (1, 1.0));
    }

    /// The dominant mode: the one nearest to most samples, however far they are (a blob
    /// between two modes counts for the nearer), and their share.
    #[test]
    fn dominant_mode_counts_the_nearest_mode() {
        let modes = ring().modes().unwrap();
        let at = |k: usize, scale: f32| [modes[k].center[0] * scale, modes[k].center[1] * scale];
        assert_eq!(dominant_mode(&modes, &[at(3, 1.0); 10]), (Some(3), 1.0));
        let mixed: Vec<[f32; 2]> = [at(2, 0.5); 6].into_iter().chain([at(5, 1.3); 4]).collect();
        assert_eq!(dominant_mode(&modes, &mixed), (Some(2), 0.6));
        assert_eq!(dominant_mode(&modes, &[]), (None, 0.0));
    }

    /// D*'s picture: 1 by the data alone, 0 by the generator alone, 1/2 where both are,
    /// and 1/2 over empty space (not the ratio of two vanishing tails).
    #[test]
    fn optimal_discriminator_on_the_grid() {
        let grid = Grid {
            view: [-3.0, 3.0, -3.0, 3.0],
            resolution: 24,
        };
        let p = Density {
            nodes: vec![[-2.0, 0.0], [0.5, 0.5]],
            std: 0.05,
        };
        let fake: Vec<[f32; 2]> = vec![[2.0, 0.0]; 50]
            .into_iter()
            .chain(vec![[0.5, 0.5]; 50])
            .collect();
        let d = optimal_discriminator_on(&grid, &p, 0.05, &fake);
        let at = |x: f32, y: f32| {
            let (dx, dy) = grid.cell();
            let (ix, iy) = (((x + 3.0) / dx) as usize, ((y + 3.0) / dy) as usize);
            d[iy * 24 + ix]
        };
        assert!(at(-2.0, 0.0) > 0.99, "{}", at(-2.0, 0.0));
        assert!(at(2.0, 0.0) < 0.01, "{}", at(2.0, 0.0));
        assert!((at(0.5, 0.5) - 0.5).abs() < 0.05, "{}", at(0.5, 0.5));
        assert_eq!(at(0.0, -2.5), 0.5);
        assert_eq!(at(-2.9, 2.9), 0.5);
    }

    /// The density ratio: D*/(1 − D*) on the grid is p_data/p_g, both densities computed
    /// here directly at the cell centres, wherever both have mass and the ratio is within
    /// e^±8 (where D* in f32 still resolves it); 1/2 where neither has.
    #[test]
    fn d_star_gives_the_density_ratio() {
        let ds = ring();
        let fake = pairs(&ds.sample(300, &mut RunRng::new(4)))
            .into_iter()
            .map(|p| [p[0] * 0.9 + 0.1, p[1] * 0.9])
            .collect::<Vec<_>>();
        let grid = Grid {
            view: ds.view(),
            resolution: 40,
        };
        let density = ds.density().unwrap();
        let h = 0.1;
        let d = optimal_discriminator_on(&grid, &density, h, &fake);
        let (dx, dy) = grid.cell();
        let h = h.max(0.5 * (dx * dx + dy * dy).sqrt());
        let pq: Vec<(f64, f64)> = grid
            .centres()
            .into_iter()
            .map(|c| (density.at(c, h), kde(&fake, c, h)))
            .collect();
        let top = pq.iter().map(|(p, q)| p + q).fold(0.0, f64::max);
        let mut checked = 0;
        for ((c, &d), (p, q)) in grid.centres().into_iter().zip(&d).zip(pq) {
            let ratio = p / q;
            if p + q <= 1e-3 * top {
                assert_eq!(d, 0.5, "no mass at {c:?}");
                continue;
            }
            if !(p > 1e-6 && q > 1e-6 && ratio.ln().abs() < 8.0) {
                continue;
            }
            let from_d = d as f64 / (1.0 - d as f64);
            assert!(
                (from_d.ln() - ratio.ln()).abs() < 1e-3,
                "at {c:?}: D/(1 − D) = {from_d}, p_data/p_g = {ratio}"
            );
            checked += 1;
        }
        assert!(checked > 100, "only {checked} cells checked");
    }
}
