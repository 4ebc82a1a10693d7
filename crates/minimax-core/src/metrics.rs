//! Metrics computed on the CPU from a snapshot's plain numbers: histograms of D(x), mode
//! coverage, kernel density estimates of p_data and p_g, the optimal discriminator
//! D* = p_data / (p_data + p_g) and the Jensen–Shannon divergence between them.

use crate::dataset::Mode;

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

    /// The kernel bandwidth used for densities on this grid: 2.5 % of the view's width.
    pub fn bandwidth(&self) -> f32 {
        0.025 * (self.view[1] - self.view[0]).max(self.view[3] - self.view[2])
    }

    /// A gaussian kernel density estimate of `samples` at the cell centres, normalised to
    /// sum to 1 over the grid (a probability per cell). Kernels are cut at 4 bandwidths.
    pub fn density(&self, samples: &[[f32; 2]]) -> Vec<f64> {
        let r = self.resolution;
        let (dx, dy) = self.cell();
        let h = self.bandwidth();
        let reach_x = (4.0 * h / dx).ceil() as isize;
        let reach_y = (4.0 * h / dy).ceil() as isize;
        let mut p = vec![0f64; r * r];
        for s in samples
            .iter()
            .filter(|s| s[0].is_finite() && s[1].is_finite())
        {
            let cx = ((s[0] - self.view[0]) / dx).floor() as isize;
            let cy = ((s[1] - self.view[2]) / dy).floor() as isize;
            for iy in (cy - reach_y).max(0)..=(cy + reach_y).min(r as isize - 1) {
                let y = self.view[2] + (iy as f32 + 0.5) * dy;
                for ix in (cx - reach_x).max(0)..=(cx + reach_x).min(r as isize - 1) {
                    let x = self.view[0] + (ix as f32 + 0.5) * dx;
                    let d2 = ((x - s[0]).powi(2) + (y - s[1]).powi(2)) / (h * h);
                    p[iy as usize * r + ix as usize] += (-0.5 * d2 as f64).exp();
                }
            }
        }
        let total: f64 = p.iter().sum();
        if total > 0.0 {
            p.iter_mut().for_each(|v| *v /= total);
        }
        p
    }
}

/// D*(x) = p_data(x) / (p_data(x) + p_g(x)) per cell (Goodfellow et al. 2014, Prop. 1);
/// 1/2 where neither density has mass.
pub fn optimal_discriminator(p_data: &[f64], p_g: &[f64]) -> Vec<f32> {
    p_data
        .iter()
        .zip(p_g)
        .map(|(&p, &q)| {
            if p + q > 1e-12 {
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
    use crate::config::Config;
    use crate::dataset::Dataset;
    use crate::rng::RunRng;

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

    #[test]
    fn optimal_discriminator_is_the_density_ratio() {
        let d = optimal_discriminator(&[0.3, 0.0, 0.0, 0.1], &[0.1, 0.2, 0.0, 0.1]);
        assert_eq!(d, vec![0.75, 0.0, 0.5, 0.5]);
    }

    #[test]
    fn kde_jsd_tells_a_fitted_generator_from_a_collapsed_one() {
        let ds = Dataset::new(&Config::default(), None).unwrap();
        let grid = Grid {
            view: ds.view(),
            resolution: 48,
        };
        let real = pairs(&ds.sample(512, &mut RunRng::new(1)));
        let same = pairs(&ds.sample(512, &mut RunRng::new(2)));
        let collapsed: Vec<[f32; 2]> = same.iter().map(|_| [2.0, 0.0]).collect();
        let p = grid.density(&real);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        let fitted = jensen_shannon(&p, &grid.density(&same));
        let broken = jensen_shannon(&p, &grid.density(&collapsed));
        assert!(fitted < 0.05, "{fitted}");
        assert!(broken > 0.45, "{broken}");
        let (covered, hq) = mode_coverage(&ds.modes().unwrap(), &same);
        assert_eq!(covered, 8);
        assert!(hq > 0.95);
        let (covered, hq) = mode_coverage(&ds.modes().unwrap(), &collapsed);
        assert_eq!((covered, hq), (1, 1.0));
    }
}
