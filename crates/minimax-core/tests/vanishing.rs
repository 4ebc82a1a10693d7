//! The vanishing-gradients lesson on its own config and budget (read from its file), seeds
//! 1–5: against the D of 400 steps (G frozen), the non-saturating loss gives G a gradient at
//! least ten times the saturating one's, and no more than (1 − D)/D at the batch's mean D
//! (per sample it is exactly (1 − D)/D: `nets::loss` tests that); and G, let loose for 250
//! steps of SGD, learns under the one and hardly under the other.

use burn::tensor::Device;
use minimax_core::spec::config::LossKind;
use minimax_core::{Assets, Config, Experiment, Gan, Snapshot, SnapshotOptions};

fn lesson() -> (serde_json::Value, u64) {
    let path = format!(
        "{}/../../www/lessons/vanishing-gradients.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    (file["config"].clone(), file["iters"].as_u64().unwrap())
}

fn snapshot(t: &Gan) -> Snapshot {
    t.snapshot(SnapshotOptions {
        plane: false,
        resolution: 8,
    })
    .unwrap()
}

/// The lesson's run after its budget: G frozen, D strong; with `loss` from then on.
fn strong_d(seed: u64, loss: LossKind) -> Gan {
    let (mut flat, iters) = lesson();
    flat["seed"] = seed.into();
    let mut t = Gan::new(
        Config::from_value(&flat).unwrap(),
        &Device::flex(),
        &Assets::default(),
    )
    .unwrap();
    t.train(iters);
    with(&mut t, |c| c.objective.loss = loss);
    t
}

fn with(t: &mut Gan, f: impl FnOnce(&mut Config)) {
    let mut c = t.config().clone();
    f(&mut c);
    t.retune(&c).unwrap();
}

#[test]
fn a_strong_d_starves_the_saturating_loss_and_g_learns_only_under_the_other() {
    for seed in 1..=5 {
        let (mut sat, mut ns) = (
            strong_d(seed, LossKind::Minimax),
            strong_d(seed, LossKind::NonSaturating),
        );
        let (a, b) = (snapshot(&sat), snapshot(&ns));
        let d = a.get("d_fake");
        let ratio = b.get("grad_g") / a.get("grad_g");
        let per_sample_at_mean = (1.0 - d) / d;
        // G unfrozen: 250 steps of plain SGD under each loss (D goes on learning).
        let mut jsd = [0.0; 2];
        for (i, t) in [&mut sat, &mut ns].into_iter().enumerate() {
            with(t, |c| c.objective.freeze_g = false);
            t.train(250);
            jsd[i] = snapshot(t).get("jsd");
        }
        eprintln!(
            "seed {seed}: D(G(z)) {d:.4}, ‖∇G‖ ×{ratio:.0} (≤ (1 − D)/D = {per_sample_at_mean:.0}); JSD {:.3} → after 250 G steps saturating {:.3}, non-saturating {:.3}",
            a.get("jsd"),
            jsd[0],
            jsd[1]
        );
        assert!(ratio >= 10.0, "seed {seed}: only ×{ratio:.1}");
        assert!(
            ratio <= per_sample_at_mean,
            "seed {seed}: ×{ratio:.0} above (1 − D)/D {per_sample_at_mean:.0}"
        );
        assert!(
            jsd[1] < 0.15,
            "seed {seed}: the non-saturating G did not learn (JSD {})",
            jsd[1]
        );
        assert!(
            jsd[0] > 0.3 && jsd[0] > 2.0 * jsd[1],
            "seed {seed}: the saturating G learned (JSD {} vs {})",
            jsd[0],
            jsd[1]
        );
    }
}
