//! Learning tests with fixed seeds: correctness bounds on what training reaches, not timings.

use burn::tensor::Device;
use minimax_core::{Assets, Config, Gan, Snapshot, SnapshotOptions};
use serde_json::{Value, json};

fn config(flat: Value) -> Config {
    Config::from_value(&flat).unwrap()
}

fn new(config: Config) -> Gan {
    Gan::new(config, &Device::flex(), &Assets::default()).unwrap()
}

fn trained(config: Config, iters: u64) -> Gan {
    let mut t = new(config);
    t.train(iters);
    t
}

fn snapshot(t: &Gan) -> Snapshot {
    t.snapshot(SnapshotOptions {
        plane: true,
        resolution: 32,
        ..Default::default()
    })
    .unwrap()
}

fn mean_and_std(v: &[f32]) -> (f64, f64) {
    let n = v.len() as f64;
    let mean = v.iter().map(|&x| x as f64).sum::<f64>() / n;
    let var = v.iter().map(|&x| (x as f64 - mean).powi(2)).sum::<f64>() / n;
    (mean, var.sqrt())
}

/// On a single gaussian G can match p_data, and then the best D can do is D ≡ 1/2:
/// mean D(x) on real and on fake both approach 1/2. An untrained D also says about 1/2, so
/// the test also checks that G really matched the data (mean 1, std 0.5 per coordinate) and
/// that the same D, trained alone against the untrained G, does tell the two apart.
#[test]
fn a_gaussian_reaches_the_equilibrium_d_one_half() {
    for dim in [1, 2] {
        let config = config(json!({
            "dataset": "gaussian", "data_dim": dim, "latent_dim": dim,
            "lr_d": 2e-4, "lr_g": 2e-4, "seed": 3,
        }));
        let game = trained(config.clone(), 3000);
        let s = snapshot(&game);
        assert!(
            (s.get("d_real") - 0.5).abs() < 0.05 && (s.get("d_fake") - 0.5).abs() < 0.05,
            "dim {dim}: D(x) {} D(G(z)) {}",
            s.get("d_real"),
            s.get("d_fake")
        );
        let samples = game
            .fixed_samples()
            .into_data()
            .convert::<f32>()
            .try_to_vec::<f32>()
            .unwrap();
        let (mean, std) = mean_and_std(&samples);
        assert!(
            (mean - 1.0).abs() < 0.15 && (std - 0.5).abs() < 0.15,
            "dim {dim}: G's samples have mean {mean:.3}, std {std:.3}"
        );

        let mut d_only = new(config);
        for _ in 0..500 {
            d_only.discriminator_step();
        }
        let s = snapshot(&d_only);
        assert!(
            s.get("d_real") - s.get("d_fake") > 0.4,
            "dim {dim}: D alone only reached D(x) {} vs D(G(z)) {}",
            s.get("d_real"),
            s.get("d_fake")
        );
    }
}

/// The ring with the given options laid over it, in a game where both players learn at 10⁻⁴
/// (the mode-collapse lesson's G learns faster: `lessons.rs` tests that game).
fn ring(options: Value) -> Config {
    let mut flat =
        json!({"dataset": "ring", "lr_d": 1e-4, "lr_g": 1e-4, "latent_dim": 16, "seed": 1});
    flat.as_object_mut()
        .unwrap()
        .extend(options.as_object().unwrap().clone());
    config(flat)
}

/// The vanilla GAN on the ring collapses: nearly all its samples sit by one mode (and hop to
/// another one later), so at most a couple of modes are covered.
#[test]
fn the_vanilla_gan_collapses_on_the_ring() {
    let t = trained(ring(json!({})), 3000);
    let s = snapshot(&t);
    let share = s.get("dominant_share");
    assert!(
        share > 0.9,
        "only {share:.2} of the samples by the most popular mode"
    );
    assert!(s.get("modes") <= 2.0, "{} modes covered", s.get("modes"));
    // Collapsed onto one mode with about its spread, JSD ≈ 0.50 nats; in a blob between the
    // modes (as here, where hardly a sample lies within 3σ of one), nearly ln 2.
    assert!(s.get("jsd") > 0.45, "JSD {}", s.get("jsd"));
    eprintln!("collapsed: JSD {:.3}", s.get("jsd"));
}

/// The spread of G's samples: the mean of the two coordinates' standard deviations.
fn spread(s: &Snapshot) -> f64 {
    let fake = &s.plane.as_ref().unwrap().fake;
    let xs: Vec<f32> = fake.iter().map(|p| p[0]).collect();
    let ys: Vec<f32> = fake.iter().map(|p| p[1]).collect();
    (mean_and_std(&xs).1 + mean_and_std(&ys).1) / 2.0
}

/// Minimax against maximin: with G in the inner loop (five G steps per D step) G runs to the
/// point D currently rates most real, all its samples with it: a blob a fraction of the
/// ring's size that jumps as D answers. With one G step per D step (D's inner loop, the game
/// the theory is about) the samples spread over the ring. Two seeds.
#[test]
fn maximin_collapses_on_the_ring_and_minimax_does_not() {
    for seed in [1, 2] {
        let run = |g_steps: u64| {
            let mut t = new(config(
                json!({"dataset": "ring", "g_steps": g_steps, "seed": seed}),
            ));
            let mut snaps = Vec::new();
            for _ in 0..6 {
                t.train(500);
                snaps.push(snapshot(&t));
            }
            snaps
        };
        let maximin = run(5);
        let minimax = run(1);
        let last = |v: &[Snapshot]| v.last().unwrap().clone();
        let (a, b) = (last(&maximin), last(&minimax));
        eprintln!(
            "seed {seed}: maximin spread {:.3} JSD {:.3}; minimax spread {:.3} JSD {:.3}",
            spread(&a),
            a.get("jsd"),
            spread(&b),
            b.get("jsd")
        );
        assert!(spread(&a) < 0.5, "maximin spread {}", spread(&a));
        assert!(spread(&b) > 1.0, "minimax spread {}", spread(&b));
        assert!(a.get("jsd") > 0.6 && a.get("jsd") > b.get("jsd") + 0.1);
        // The blob moves: its centre travels more than half the ring's radius between
        // snapshots at least once in the last 2 000 iterations.
        let centre = |s: &Snapshot| {
            let f = &s.plane.as_ref().unwrap().fake;
            let n = f.len() as f64;
            let sum = f
                .iter()
                .fold([0.0, 0.0], |a, p| [a[0] + p[0] as f64, a[1] + p[1] as f64]);
            [sum[0] / n, sum[1] / n]
        };
        let jump = maximin[2..]
            .windows(2)
            .map(|w| {
                let (p, q) = (centre(&w[0]), centre(&w[1]));
                ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2)).sqrt()
            })
            .fold(0.0, f64::max);
        assert!(jump > 1.0, "the maximin blob moved at most {jump:.2}");
    }
}

/// Vanishing gradients: against a D trained to tell real from fake (G frozen), the minimax
/// ("saturating") generator loss log(1 − D(G(z))) gives G a gradient at least ten times
/// smaller than the non-saturating −log D(G(z)), for the same D and G. D's value then comes
/// near V(D*, G) = −log 4 + 2·JSD, two estimates of one number: D's value bounds it from
/// below (up to sampling error), the kernel estimate of the JSD under-reads near ln 2 (its
/// kernel blurs both densities into each other), so the two may cross. Two seeds.
#[test]
fn a_strong_d_starves_the_saturating_loss_and_nears_the_value_at_d_star() {
    for seed in [1, 2] {
        let mut t = new(config(json!({
            "dataset": "gaussian", "data_dim": 2, "latent_dim": 2, "seed": seed,
            "freeze_g": true, "loss": "minimax", "lr_d": 1e-3,
        })));
        let fresh = snapshot(&t);
        t.train(1500);
        let saturating = snapshot(&t);
        let mut c = t.config().clone();
        c.objective.loss = minimax_core::spec::config::LossKind::NonSaturating;
        assert!(t.retune(&c).unwrap());
        let non_saturating = snapshot(&t);
        let ratio = non_saturating.get("grad_g") / saturating.get("grad_g");
        eprintln!(
            "seed {seed}: D(G(z)) {:.4}, ‖∇G‖ saturating {:.3e}, non-saturating {:.3e} (×{ratio:.0}); untrained ×{:.1}; V(D, G) {:.3}, V(D*, G) {:.3}",
            saturating.get("d_fake"),
            saturating.get("grad_g"),
            non_saturating.get("grad_g"),
            fresh.get("grad_g") / saturating.get("grad_g"),
            saturating.get("value"),
            saturating.get("value_star"),
        );
        assert!(ratio >= 10.0, "only {ratio:.1} times smaller");
        let (v, v_star) = (saturating.get("value"), saturating.get("value_star"));
        assert!(
            (v - v_star).abs() < 0.15,
            "V(D, G) {v} far from V(D*, G) {v_star}"
        );
        assert!(v < 0.0, "V(D, G) {v} above its supremum 0 (JSD = ln 2)");
        assert!(v > fresh.get("value") + 0.5, "D did not learn");
    }
}

/// D's value bounds the JSD from below, (V(D, G) + ln 4)/2 ≤ JSD, and the bound closes as D
/// nears D*: with G frozen apart from the ring (disjoint supports, JSD = ln 2), D alone
/// learns, on seeds used by no other test.
#[test]
fn the_jsd_lower_bound_from_d_closes_on_ln_2_for_disjoint_supports() {
    for seed in [21, 22, 23] {
        let mut t = new(config(
            json!({"dataset": "ring", "loss": "minimax", "freeze_g": true, "seed": seed}),
        ));
        let mut last = f64::NAN;
        for _ in 0..4 {
            t.train(250);
            let s = snapshot(&t);
            let (jsd, bound) = (s.get("jsd"), s.get("jsd_lower_bound"));
            assert!(
                (jsd - std::f64::consts::LN_2).abs() < 1e-3,
                "seed {seed}: JSD {jsd}"
            );
            assert!(
                bound <= jsd + 1e-9,
                "seed {seed}: bound {bound} above the JSD {jsd}"
            );
            assert!((bound - (s.get("value") + 4f64.ln()) / 2.0).abs() < 1e-12);
            last = bound;
        }
        assert!(
            last > std::f64::consts::LN_2 - 0.01,
            "seed {seed}: bound {last} after 1 000 D steps"
        );
    }
}
