//! Groups of digits found without their labels: k-means (Lloyd's iterations from k-means++
//! seeds, Arthur and Vassilvitskii 2007) on the digits made upright. A GAN with `clusters` trains
//! on these groups in place of the digits' labels (a self-conditioned GAN, after Liu et al. 2020,
//! who cluster D's features; here features of the pixels, once, before training).
//!
//! On the raw pixels k-means sorts digits by their slant as much as by their shape (two groups of
//! 1s, slanted 4s with 9s): the share of digits whose label is their group's most common one was
//! 0.55–0.59 (seeds 1–3). Each digit is first deskewed (sheared so that its strokes stand
//! upright, the moment-based deskewing long used for MNIST) and centred, then averaged over 2×2
//! pixels: the share rises to 0.74, and each of the ten digits is the most common one of a group.

use std::sync::{Arc, Mutex, Weak};

use crate::data::mnist::{Mnist, SIDE};
use crate::rng::RunRng;

/// Lloyd's iterations at most (they stop sooner when no point changes group).
pub const MAX_ITERATIONS: usize = 50;

/// k-means runs from this many k-means++ seedings, and the groups of the one whose points lie
/// nearest their centres (the least within-group sum of squares) are kept. Single runs on the
/// upright digits reach a purity of 0.69 to 0.74; the best of five, 0.74 on seeds 1–3.
pub const RESTARTS: usize = 5;

/// The groups are fitted on this many digits at most (drawn at random: all of the page's
/// 10 000), then every digit is put in the group of its nearest centre. Fitted on 3 000 raw
/// digits, the groups followed the digits less (purity 0.50–0.57 against 0.55–0.59, seeds 1–3)
/// and the GAN trained on them scored worse (seed 1 at 1 000 iterations: FID 149 against 111).
pub const FIT_SAMPLE: usize = 10_000;

/// The side of the features k-means sees: the upright digit averaged over 2×2 pixels.
const FEATURE_SIDE: usize = SIDE / 2;
pub const FEATURE_DIM: usize = FEATURE_SIDE * FEATURE_SIDE;

const SALT: u64 = 0x636c_7573_7465_7273;

/// A digit (`SIDE × SIDE` bytes) made upright and centred, in [0, 1]: its centre of mass moved
/// to the middle of the image, and each row shifted sideways by the slant its second moments
/// give (`x' = x + α (y − ȳ)`, `α = μ₁₁ / μ₀₂`), read by linear interpolation. A blank image
/// stays blank.
pub fn deskewed(image: &[u8]) -> Vec<f32> {
    let scaled: Vec<f64> = image.iter().map(|&p| p as f64 / 255.0).collect();
    let at = |x: usize, y: usize| scaled[y * SIDE + x];
    let (mut mass, mut mx, mut my) = (0.0, 0.0, 0.0);
    for y in 0..SIDE {
        for x in 0..SIDE {
            let p = at(x, y);
            mass += p;
            mx += p * x as f64;
            my += p * y as f64;
        }
    }
    if mass == 0.0 {
        return vec![0.0; SIDE * SIDE];
    }
    let (cx, cy) = (mx / mass, my / mass);
    let (mut m11, mut m02) = (0.0, 0.0);
    for y in 0..SIDE {
        for x in 0..SIDE {
            let p = at(x, y);
            m11 += p * (x as f64 - cx) * (y as f64 - cy);
            m02 += p * (y as f64 - cy) * (y as f64 - cy);
        }
    }
    let slant = if m02 > 0.0 { m11 / m02 } else { 0.0 };
    let middle = (SIDE - 1) as f64 / 2.0;
    let read = |x: f64, y: f64| -> f64 {
        if x < 0.0 || y < 0.0 || x >= SIDE as f64 || y >= SIDE as f64 {
            0.0
        } else {
            at(x as usize, y as usize)
        }
    };
    let mut out = Vec::with_capacity(SIDE * SIDE);
    for y in 0..SIDE {
        for x in 0..SIDE {
            // Where this pixel of the upright, centred digit lies in the original.
            let sy = y as f64 - middle + cy;
            let sx = x as f64 - middle + cx + slant * (sy - cy);
            let (x0, y0) = (sx.floor(), sy.floor());
            let (fx, fy) = (sx - x0, sy - y0);
            let v = read(x0, y0) * (1.0 - fx) * (1.0 - fy)
                + read(x0 + 1.0, y0) * fx * (1.0 - fy)
                + read(x0, y0 + 1.0) * (1.0 - fx) * fy
                + read(x0 + 1.0, y0 + 1.0) * fx * fy;
            out.push(v as f32);
        }
    }
    out
}

/// What k-means sees of a digit: [`deskewed`], averaged over 2×2 pixels ([`FEATURE_DIM`]
/// values), appended to `out`.
fn push_features(image: &[u8], out: &mut Vec<f32>) {
    let upright = deskewed(image);
    for y in 0..FEATURE_SIDE {
        for x in 0..FEATURE_SIDE {
            let p = |dx: usize, dy: usize| upright[(2 * y + dy) * SIDE + 2 * x + dx];
            out.push((p(0, 0) + p(1, 0) + p(0, 1) + p(1, 1)) / 4.0);
        }
    }
}

/// `k` groups of `points` (`n × dim`, row-major): each point's group, and the groups' centres
/// (`k × dim`). Deterministic for a given `rng`. Every group keeps at least one point (an
/// emptied group takes the point farthest from its centre).
pub fn kmeans(
    points: &[f32],
    dim: usize,
    k: usize,
    rng: &mut RunRng,
    max_iterations: usize,
) -> (Vec<usize>, Vec<f32>) {
    let n = points.len() / dim;
    assert!(k >= 1 && n >= k, "{n} points cannot make {k} groups");
    let point = |i: usize| &points[i * dim..(i + 1) * dim];
    // k-means++: the first centre at random, each next one drawn with probability ∝ the squared
    // distance to the nearest centre so far.
    let mut centres = Vec::with_capacity(k * dim);
    centres.extend_from_slice(point(rng.index(n)));
    let mut nearest = vec![f64::INFINITY; n];
    for c in 1..k {
        let last = &centres[(c - 1) * dim..c * dim];
        let mut total = 0.0;
        for (i, d) in nearest.iter_mut().enumerate() {
            *d = d.min(squared_distance(point(i), last));
            total += *d;
        }
        let mut r = rng.uniform(0.0, 1.0) as f64 * total;
        let mut chosen = n - 1;
        for (i, &d) in nearest.iter().enumerate() {
            r -= d;
            if r <= 0.0 && d > 0.0 {
                chosen = i;
                break;
            }
        }
        centres.extend_from_slice(point(chosen));
    }
    let groups = lloyd(points, dim, &mut centres, max_iterations, true);
    (groups, centres)
}

/// Lloyd's iterations from `centres` (moved in place) until no point changes group, at most
/// `max_iterations`; each point's group. With `bounded`, Hamerly's bounds (2010) skip the points
/// whose group cannot have changed: for each point an upper bound on the distance to its own
/// centre and a lower bound on the distance to every other, kept up to date by how far the
/// centres moved. A point is skipped only when its bounds, less a margin far wider than the
/// distances' rounding, show that its own centre is still the nearest, so the groups are those
/// of plain Lloyd's iterations
/// (a test compares them), at a fraction of the distances (most points settle within a few
/// iterations: several times faster in the page's wasm, where k-means runs before the first
/// step).
fn lloyd(
    points: &[f32],
    dim: usize,
    centres: &mut [f32],
    max_iterations: usize,
    bounded: bool,
) -> Vec<usize> {
    let n = points.len() / dim;
    let k = centres.len() / dim;
    let mut groups = vec![usize::MAX; n];
    let mut upper = vec![f64::INFINITY; n];
    let mut lower = vec![0.0f64; n];
    // The centres' moves added to a point's bounds since its distances were last computed: the
    // scale of the rounding the bounds may carry.
    let mut drift = vec![0.0f64; n];
    let mut previous = centres.to_vec();
    for _ in 0..max_iterations {
        let mut changed = false;
        for i in 0..n {
            // (Distances are computed with f32 partial sums, good to about 1e-6 of their size:
            // the margin is a hundred times that, of every size the bounds were made from.)
            let margin = 1e-4 * (upper[i] + lower[i].abs() + drift[i]);
            if bounded && groups[i] != usize::MAX && upper[i] + margin < lower[i] {
                continue;
            }
            let x = &points[i * dim..(i + 1) * dim];
            // The nearest centre (the first of equals, as `nearest_centre`) and the next.
            let (mut best, mut first, mut second) = (0, f64::INFINITY, f64::INFINITY);
            for (c, centre) in centres.chunks(dim).enumerate() {
                let d = squared_distance(x, centre);
                if d < first {
                    second = first;
                    (best, first) = (c, d);
                } else if d < second {
                    second = d;
                }
            }
            upper[i] = first.sqrt();
            lower[i] = second.sqrt();
            drift[i] = 0.0;
            if groups[i] != best {
                groups[i] = best;
                changed = true;
            }
        }
        previous.copy_from_slice(centres);
        recentre(points, dim, &groups, centres);
        if !changed {
            break;
        }
        // How far each centre moved: a point's own centre may have come nearer by at most its
        // move, any other centre by at most the largest move of the others.
        let moves: Vec<f64> = (0..k)
            .map(|c| {
                let range = c * dim..(c + 1) * dim;
                squared_distance(&previous[range.clone()], &centres[range]).sqrt()
            })
            .collect();
        let mut order: Vec<usize> = (0..k).collect();
        order.sort_by(|&a, &b| moves[b].total_cmp(&moves[a]));
        let (largest, runner_up) = (order[0], order.get(1).map_or(0.0, |&c| moves[c]));
        for i in 0..n {
            let g = groups[i];
            let other = if g == largest {
                runner_up
            } else {
                moves[largest]
            };
            upper[i] += moves[g];
            lower[i] -= other;
            drift[i] += moves[g] + other;
        }
    }
    groups
}

fn nearest_centre(x: &[f32], centres: &[f32], dim: usize) -> usize {
    let mut best = (0, f64::INFINITY);
    for (c, centre) in centres.chunks(dim).enumerate() {
        let d = squared_distance(x, centre);
        if d < best.1 {
            best = (c, d);
        }
    }
    best.0
}

/// Each centre moved to the mean of its group's points; an empty group takes the point that is
/// farthest from its own centre.
fn recentre(points: &[f32], dim: usize, groups: &[usize], centres: &mut [f32]) {
    let k = centres.len() / dim;
    let mut sums = vec![0.0f64; k * dim];
    let mut counts = vec![0usize; k];
    for (i, &g) in groups.iter().enumerate() {
        counts[g] += 1;
        for (s, &x) in sums[g * dim..(g + 1) * dim]
            .iter_mut()
            .zip(&points[i * dim..])
        {
            *s += x as f64;
        }
    }
    for c in 0..k {
        if counts[c] > 0 {
            for (v, s) in centres[c * dim..(c + 1) * dim]
                .iter_mut()
                .zip(&sums[c * dim..])
            {
                *v = (*s / counts[c] as f64) as f32;
            }
        }
    }
    // Empty groups, each given a different point: the farthest from its own centre first.
    let empty: Vec<usize> = (0..k).filter(|&c| counts[c] == 0).collect();
    if !empty.is_empty() {
        let mut far: Vec<(f64, usize)> = groups
            .iter()
            .enumerate()
            .map(|(i, &g)| {
                let x = &points[i * dim..(i + 1) * dim];
                (squared_distance(x, &centres[g * dim..(g + 1) * dim]), i)
            })
            .collect();
        far.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (&c, &(_, i)) in empty.iter().zip(&far) {
            let x = points[i * dim..(i + 1) * dim].to_vec();
            centres[c * dim..(c + 1) * dim].copy_from_slice(&x);
        }
    }
}

/// The within-group sum of squares: each point's squared distance to its group's centre.
fn within_sum(points: &[f32], dim: usize, groups: &[usize], centres: &[f32]) -> f64 {
    groups
        .iter()
        .enumerate()
        .map(|(i, &g)| {
            squared_distance(
                &points[i * dim..(i + 1) * dim],
                &centres[g * dim..(g + 1) * dim],
            )
        })
        .sum()
}

fn squared_distance(a: &[f32], b: &[f32]) -> f64 {
    // Eight partial sums, so that the compiler can keep them in one vector register.
    let mut acc = [0.0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for j in 0..8 {
            let d = x[j] - y[j];
            acc[j] += d * d;
        }
    }
    let tail: f32 = ra.iter().zip(rb).map(|(x, y)| (x - y) * (x - y)).sum();
    acc.iter().map(|&v| v as f64).sum::<f64>() + tail as f64
}

/// The digits with their labels replaced by `k` groups k-means finds in their upright forms
/// (the best of [`RESTARTS`] runs), fitted on [`FIT_SAMPLE`] of them drawn from `seed`. Groups
/// are numbered by size, largest first, so that the numbering does not depend on the order the
/// centres were drawn in.
pub fn grouped(mnist: &Mnist, k: usize, seed: u64) -> Mnist {
    let mut rng = RunRng::new(seed ^ SALT);
    let n = mnist.len();
    let dim = FEATURE_DIM;
    let fit: Vec<usize> = if n <= FIT_SAMPLE {
        (0..n).collect()
    } else {
        // A partial Fisher–Yates shuffle: FIT_SAMPLE distinct digits.
        let mut order: Vec<usize> = (0..n).collect();
        for i in 0..FIT_SAMPLE {
            let j = i + rng.index(n - i);
            order.swap(i, j);
        }
        order.truncate(FIT_SAMPLE);
        order
    };
    // Every digit's features, once: the fit's points are (a sample of) them.
    let mut all = Vec::with_capacity(n * dim);
    for i in 0..n {
        push_features(mnist.image(i), &mut all);
    }
    let sampled: Vec<f32>;
    let points: &[f32] = if fit.len() == n {
        &all
    } else {
        sampled = fit
            .iter()
            .flat_map(|&i| all[i * dim..(i + 1) * dim].iter().copied())
            .collect();
        &sampled
    };
    let mut best: Option<(f64, Vec<f32>)> = None;
    for _ in 0..RESTARTS {
        let (groups, centres) = kmeans(points, dim, k, &mut rng, MAX_ITERATIONS);
        let spread = within_sum(points, dim, &groups, &centres);
        if best.as_ref().is_none_or(|(least, _)| spread < *least) {
            best = Some((spread, centres));
        }
    }
    let centres = best.expect("at least one run").1;
    let groups: Vec<usize> = all
        .chunks(dim)
        .map(|x| nearest_centre(x, &centres, dim))
        .collect();
    let mut sizes: Vec<(usize, usize)> = (0..k).map(|c| (0, c)).collect();
    for &g in &groups {
        sizes[g].0 += 1;
    }
    sizes.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut rank = vec![0u8; k];
    for (r, &(_, c)) in sizes.iter().enumerate() {
        rank[c] = r as u8;
    }
    let labels = groups.iter().map(|&g| rank[g]).collect();
    mnist.relabelled(labels)
}

/// How many groupings [`grouped_shared`] keeps (each holds a copy of the digits, 7.8 MB).
const KEPT: usize = 2;

/// [`grouped`], kept for the same digits (the same `Arc`), `k` and `seed`: the page makes its GAN
/// anew for a change of options, a restore from a checkpoint and a move to another backend, and
/// k-means (about 1 s natively, several times that in wasm) then runs once, not each time. The
/// last [`KEPT`] groupings used are kept; one whose digits are gone is dropped at the next call.
pub fn grouped_shared(mnist: &Arc<Mnist>, k: usize, seed: u64) -> Arc<Mnist> {
    if let Some(groups) = take_kept(mnist, k, seed) {
        return groups;
    }
    // (Found outside the lock: other threads' groupings need not wait for this one.)
    let groups = Arc::new(grouped(mnist, k, seed));
    let mut kept = lock_groupings();
    if !kept.iter().any(|e| e.is(mnist, k, seed)) {
        kept.push(Grouping {
            digits: Arc::downgrade(mnist),
            k,
            seed,
            groups: groups.clone(),
        });
        if kept.len() > KEPT {
            kept.remove(0);
        }
    }
    groups
}

/// Whether [`grouped_shared`] has these groups already (the page says that k-means runs only
/// when it does not).
pub fn is_kept(mnist: &Arc<Mnist>, k: usize, seed: u64) -> bool {
    live_groupings().iter().any(|e| e.is(mnist, k, seed))
}

struct Grouping {
    digits: Weak<Mnist>,
    k: usize,
    seed: u64,
    groups: Arc<Mnist>,
}

impl Grouping {
    /// (A `Weak` keeps its allocation, so no other digits can come to live at its address.)
    fn is(&self, mnist: &Arc<Mnist>, k: usize, seed: u64) -> bool {
        std::ptr::eq(self.digits.as_ptr(), Arc::as_ptr(mnist)) && self.k == k && self.seed == seed
    }
}

static GROUPINGS: Mutex<Vec<Grouping>> = Mutex::new(Vec::new());

fn lock_groupings() -> std::sync::MutexGuard<'static, Vec<Grouping>> {
    GROUPINGS.lock().unwrap_or_else(|e| e.into_inner())
}

/// The kept groupings, less those whose digits are gone.
fn live_groupings() -> std::sync::MutexGuard<'static, Vec<Grouping>> {
    let mut kept = lock_groupings();
    kept.retain(|e| e.digits.strong_count() > 0);
    kept
}

/// The kept grouping, moved to the back (the most recently used), if there is one.
fn take_kept(mnist: &Arc<Mnist>, k: usize, seed: u64) -> Option<Arc<Mnist>> {
    let mut kept = live_groupings();
    let at = kept.iter().position(|e| e.is(mnist, k, seed))?;
    let entry = kept.remove(at);
    let groups = entry.groups.clone();
    kept.push(entry);
    Some(groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three tight blobs far apart: k-means with k = 3 finds exactly them, on several seeds.
    #[test]
    fn finds_separated_blobs() {
        for seed in 1..=5 {
            let mut rng = RunRng::new(seed);
            let centres = [[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]];
            let mut points = Vec::new();
            let mut truth = Vec::new();
            for i in 0..300 {
                let c = i % 3;
                points.push(centres[c][0] + rng.normal() * 0.5);
                points.push(centres[c][1] + rng.normal() * 0.5);
                truth.push(c);
            }
            let (groups, found) = kmeans(&points, 2, 3, &mut rng, MAX_ITERATIONS);
            // The same partition, whatever the numbering.
            for i in 0..300 {
                for j in 0..300 {
                    assert_eq!(groups[i] == groups[j], truth[i] == truth[j], "seed {seed}");
                }
            }
            for c in found.chunks(2) {
                let near = centres
                    .iter()
                    .any(|t| (t[0] - c[0]).abs() < 0.2 && (t[1] - c[1]).abs() < 0.2);
                assert!(near, "seed {seed}: centre {c:?}");
            }
        }
    }

    /// Each centre is the mean of its group, and each point is nearest its own centre (the two
    /// conditions of a converged k-means), checked directly.
    #[test]
    fn converged_groups_are_consistent() {
        let mut rng = RunRng::new(7);
        let points: Vec<f32> = (0..400 * 3).map(|_| rng.uniform(-1.0, 1.0)).collect();
        let (groups, centres) = kmeans(&points, 3, 5, &mut rng, 500);
        for c in 0..5 {
            let members: Vec<usize> = (0..400).filter(|&i| groups[i] == c).collect();
            assert!(!members.is_empty());
            for j in 0..3 {
                let mean = members
                    .iter()
                    .map(|&i| points[i * 3 + j] as f64)
                    .sum::<f64>()
                    / members.len() as f64;
                assert!((mean - centres[c * 3 + j] as f64).abs() < 1e-5);
            }
        }
        for i in 0..400 {
            let own = squared_distance(&points[i * 3..i * 3 + 3], &centres[groups[i] * 3..][..3]);
            for c in 0..5 {
                let other = squared_distance(&points[i * 3..i * 3 + 3], &centres[c * 3..][..3]);
                assert!(own <= other + 1e-9);
            }
        }
    }

    /// Hamerly's bounds skip distances, not groups: from the same start, the bounded iterations
    /// end with the very groups and centres of plain Lloyd's iterations, on overlapping blobs
    /// (points change group for many iterations) and on uniform noise, several seeds and k.
    #[test]
    fn bounded_iterations_find_the_groups_of_plain_ones() {
        for seed in 1..=4 {
            let mut rng = RunRng::new(seed);
            let blobs: Vec<f32> = (0..3000)
                .flat_map(|i| {
                    let c = (i % 6) as f32;
                    [
                        c * 0.7 + rng.normal(),
                        rng.normal() * 0.5,
                        rng.normal() * 0.3,
                    ]
                })
                .collect();
            let noise: Vec<f32> = (0..2000 * 5).map(|_| rng.uniform(0.0, 1.0)).collect();
            for (points, dim) in [(&blobs, 3), (&noise, 5)] {
                for k in [2, 6, 13] {
                    // From k distinct points, and from k copies of one point (all groups but
                    // one empty at first: `recentre` moves those centres to far points).
                    for start in [points[..k * dim].to_vec(), points[..dim].repeat(k)] {
                        let (mut plain, mut bounded) = (start.clone(), start);
                        let a = lloyd(points, dim, &mut plain, 200, false);
                        let b = lloyd(points, dim, &mut bounded, 200, true);
                        assert_eq!(a, b, "seed {seed}, k {k}, dim {dim}");
                        assert_eq!(plain, bounded, "seed {seed}, k {k}, dim {dim}");
                    }
                }
            }
        }
    }

    #[test]
    fn squared_distance_is_the_sum_of_squares() {
        let a: Vec<f32> = (0..19).map(|i| i as f32 * 0.5).collect();
        let b: Vec<f32> = (0..19).map(|i| (i * i) as f32 * 0.1).collect();
        let direct: f64 = a
            .iter()
            .zip(&b)
            .map(|(x, y)| ((x - y) as f64).powi(2))
            .sum();
        assert!((squared_distance(&a, &b) - direct).abs() < 1e-3 * direct);
    }

    /// Centre of mass and slant (μ₁₁ / μ₀₂) of an image in [0, 1].
    fn moments(image: &[f32]) -> (f64, f64, f64) {
        let (mut m, mut mx, mut my) = (0.0, 0.0, 0.0);
        for (i, &p) in image.iter().enumerate() {
            let (x, y) = ((i % SIDE) as f64, (i / SIDE) as f64);
            m += p as f64;
            mx += p as f64 * x;
            my += p as f64 * y;
        }
        let (cx, cy) = (mx / m, my / m);
        let (mut m11, mut m02) = (0.0, 0.0);
        for (i, &p) in image.iter().enumerate() {
            let (x, y) = ((i % SIDE) as f64 - cx, (i / SIDE) as f64 - cy);
            m11 += p as f64 * x * y;
            m02 += p as f64 * y * y;
        }
        (cx, cy, m11 / m02)
    }

    /// A stroke leaning right by 0.4 pixel a row, off the middle, comes out upright (slant
    /// near 0) and centred; a blank image stays blank.
    #[test]
    fn deskewing_stands_a_slanted_stroke_upright_in_the_middle() {
        let mut image = vec![0u8; SIDE * SIDE];
        for y in 2..22 {
            let x = 4.0 + 0.4 * (y as f64 - 2.0);
            for dx in 0..3 {
                image[y * SIDE + x.round() as usize + dx] = 255;
            }
        }
        let before: Vec<f32> = image.iter().map(|&p| p as f32 / 255.0).collect();
        let (cx, cy, slant) = moments(&before);
        assert!((slant - 0.4).abs() < 0.05, "the stroke as drawn: {slant}");
        assert!(
            (cx - 13.5).abs() > 3.0 && (cy - 13.5).abs() > 1.5,
            "({cx}, {cy})"
        );
        let after = deskewed(&image);
        let (cx, cy, slant) = moments(&after);
        assert!(slant.abs() < 0.03, "slant after: {slant}");
        assert!(
            (cx - 13.5).abs() < 0.3 && (cy - 13.5).abs() < 0.3,
            "centre ({cx}, {cy})"
        );
        // Ink is moved, not made: the total stays within the few pixels lost at no edge.
        let (ink_before, ink_after): (f32, f32) = (before.iter().sum(), after.iter().sum());
        assert!((ink_before - ink_after).abs() < 0.02 * ink_before);
        assert!(deskewed(&[0; SIDE * SIDE]).iter().all(|&p| p == 0.0));
    }
}
