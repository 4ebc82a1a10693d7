//! The discrete-data lesson on its own config and budget (read from its file), seeds 1–3: with
//! G's samples rounded as tokens would be, G's gradient is exactly zero at every snapshot, its
//! samples never move while D learns to reject them; the same run with the rounding taken off
//! (a live change) gives G a gradient again and its samples move.

use burn::tensor::Device;
use minimax_core::{Assets, Config, Experiment, Gan, Snapshot, SnapshotOptions};

fn lesson() -> (serde_json::Value, u64) {
    let path = format!(
        "{}/../../www/lessons/discrete.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    (file["config"].clone(), file["iters"].as_u64().unwrap())
}

fn snapshot(t: &Gan) -> Snapshot {
    t.snapshot(SnapshotOptions {
        plane: true,
        resolution: 8,
    })
    .unwrap()
}

fn fake(s: &Snapshot) -> Vec<[f32; 2]> {
    s.plane.as_ref().unwrap().fake.clone()
}

#[test]
fn no_gradient_passes_through_rounded_samples() {
    let (config, iters) = lesson();
    for seed in 1..=3 {
        let mut flat = config.clone();
        flat["seed"] = seed.into();
        let mut t = Gan::new(
            Config::from_value(&flat).unwrap(),
            &Device::flex(),
            &Assets::default(),
        )
        .unwrap();
        let start = snapshot(&t);
        assert_eq!(t.config().objective.discrete, 1.0);
        for _ in 0..4 {
            t.train(iters / 4);
            let s = snapshot(&t);
            assert_eq!(
                s.get("grad_g"),
                0.0,
                "seed {seed} at {}: ‖∇G‖",
                s.get("iter")
            );
            assert_eq!(fake(&s), fake(&start), "seed {seed}: G's samples moved");
        }
        let end = snapshot(&t);
        assert!(
            end.get("d_fake") < 0.1,
            "seed {seed}: D(G(z)) {}",
            end.get("d_fake")
        );
        // Every sample lies on the grid of step 1.
        assert!(
            fake(&end).iter().flatten().all(|v| v.fract() == 0.0),
            "seed {seed}: off the grid"
        );
        let mut c = t.config().clone();
        c.objective.discrete = 0.0;
        assert!(t.retune(&c).unwrap(), "a live change");
        let grad = snapshot(&t).get("grad_g");
        t.train(250);
        let moved = fake(&snapshot(&t));
        eprintln!(
            "seed {seed}: D(G(z)) {:.3} after {iters}; without the rounding ‖∇G‖ {grad:.3e}",
            end.get("d_fake")
        );
        assert!(grad > 1e-3, "seed {seed}: ‖∇G‖ {grad} without the rounding");
        assert_ne!(
            moved,
            fake(&end),
            "seed {seed}: G did not move without the rounding"
        );
    }
}
