//! The Dirac GAN lesson's numbers against the closed form: the round's eigenvalues
//! (Mescheder et al. 2018: simultaneous steps |λ| = √(1 + h²/4) > 1, alternating |λ| = 1, R1
//! < 1), a third estimate from the paths themselves (the growth per round of a path started
//! near the equilibrium), and the paths from several starts doing what the card says.

use minimax_core::experiments::dirac::{Game, Settings, Update, field, picture, spectral_radius};

const STARTS: [[f64; 2]; 5] = [
    [1.0, 1.0],
    [-1.5, 0.5],
    [0.3, -1.2],
    [2.0, 0.0],
    [-0.7, -0.7],
];

/// The growth per round of a path started at distance 1e-4 from the equilibrium (where the
/// game is linear), over `rounds` rounds: the geometric mean of the distance's ratio.
fn growth(game: Game, rounds: usize) -> f64 {
    let path = game.path([1e-4, 0.0], rounds);
    // Over whole turns the ellipse's shape averages out; take the ratio of the last round's
    // distance to the first's, both averaged over one turn.
    let r = |p: &[f64; 2]| p[0].hypot(p[1]);
    // One turn is about 2π/(h/2) rounds (the eigenvalues' angle).
    let turn = ((4.0 * std::f64::consts::PI / game.h).ceil() as usize).min(rounds / 4);
    let head: f64 = path[..turn].iter().map(r).map(f64::ln).sum::<f64>() / turn as f64;
    let tail: f64 = path[rounds + 1 - turn..]
        .iter()
        .map(r)
        .map(f64::ln)
        .sum::<f64>()
        / turn as f64;
    ((tail - head) / (rounds + 1 - turn) as f64).exp()
}

#[test]
fn the_game_s_field_turns_around_the_equilibrium() {
    // The Jacobian of the field at (0, 0), by central differences: [[0, 1/2], [−1/2, 0]],
    // eigenvalues ±i/2 — a rotation, no pull toward the equilibrium.
    let eps = 1e-6;
    let d = |i: usize, j: usize| {
        let mut p = [0.0; 2];
        p[j] = eps;
        let plus = field(p[0], p[1])[i];
        p[j] = -eps;
        (plus - field(p[0], p[1])[i]) / (2.0 * eps)
    };
    let j = [[d(0, 0), d(0, 1)], [d(1, 0), d(1, 1)]];
    for (got, want) in j.iter().flatten().zip([0.0, 0.5, -0.5, 0.0]) {
        assert!((got - want).abs() < 1e-8, "{j:?}");
    }
}

#[test]
fn simultaneous_steps_spiral_away_at_the_closed_form_rate() {
    for h in [0.05, 0.2, 0.5, 1.0] {
        let game = Game {
            update: Update::Simultaneous,
            h,
            k: 1,
            gamma: 0.0,
        };
        let want = (1.0 + h * h / 4.0).sqrt();
        assert!((spectral_radius(game.closed_form()) - want).abs() < 1e-12);
        assert!((spectral_radius(game.linearised(1e-6)) - want).abs() < 1e-7);
        // Within the linear region: the distance grows at most 100-fold from 1e-4.
        let rounds = (100f64.ln() / want.ln()) as usize;
        let g = growth(game, rounds);
        assert!(
            (g - want).abs() < 2e-4 * want,
            "h = {h}: growth {g}, closed form {want}"
        );
        for start in STARTS {
            let path = game.path(start, 400);
            let (a, b) = (path[0], *path.last().unwrap());
            assert!(
                b[0].hypot(b[1]) > a[0].hypot(a[1]),
                "h = {h}, start {start:?}: {b:?}"
            );
        }
    }
}

#[test]
fn alternating_steps_circle_at_any_k() {
    for (h, k) in [(0.05, 1), (0.2, 1), (0.5, 1), (0.2, 3), (0.2, 5), (0.5, 5)] {
        let game = Game {
            update: Update::Alternating,
            h,
            k,
            gamma: 0.0,
        };
        // The round's determinant is 1: |λ| = 1 while the eigenvalues are complex (h²k/4 < 4).
        assert!(
            (spectral_radius(game.closed_form()) - 1.0).abs() < 1e-12,
            "h {h} k {k}"
        );
        assert!((spectral_radius(game.linearised(1e-6)) - 1.0).abs() < 1e-7);
        assert!((growth(game, 4000) - 1.0).abs() < 2e-4, "h {h} k {k}");
        // Neither converging nor escaping from any start: after 2 000 rounds the distance to
        // the equilibrium is still within a factor of 3 of the start's.
        for start in STARTS {
            let path = game.path(start, 2000);
            let ratio = {
                let b = path.last().unwrap();
                b[0].hypot(b[1]) / start[0].hypot(start[1])
            };
            assert!(
                path.len() == 2001 && (1.0 / 3.0..3.0).contains(&ratio),
                "h {h} k {k} start {start:?}: {ratio}"
            );
            assert!(
                path.iter().all(|p| p[0].hypot(p[1]) > 0.05),
                "h {h} k {k}: it came near the equilibrium"
            );
        }
    }
}

#[test]
fn the_r1_penalty_makes_both_updates_converge() {
    for update in Update::ALL {
        for (h, k, gamma) in [(0.2, 1, 1.0), (0.5, 1, 0.3), (0.2, 3, 1.0), (0.1, 1, 2.0)] {
            let game = Game {
                update,
                h,
                k,
                gamma,
            };
            let r = spectral_radius(game.closed_form());
            assert!(r < 1.0, "{game:?}: |λ| = {r}");
            assert!((spectral_radius(game.linearised(1e-6)) - r).abs() < 1e-7);
            assert!(
                (growth(game, 600) - r).abs() < 5e-3,
                "{game:?}: {} vs {r}",
                growth(game, 600)
            );
            for start in STARTS {
                let end = *game.path(start, 2000).last().unwrap();
                assert!(
                    end[0].hypot(end[1]) < 1e-3,
                    "{game:?} from {start:?}: {end:?}"
                );
            }
        }
    }
}

/// The card's conditions over the page's sliders (h 0.02–1 by 0.01, k 1–10, γ 0.1–3 by 0.1):
/// without the penalty the alternating round keeps |λ| = 1 (h²k < 16 there); with it, the round
/// contracts whenever hγ ≤ 1.5, and a larger hγ can overshoot (h = 1, γ = 3).
#[test]
fn the_card_s_conditions_hold_over_the_sliders() {
    for hi in 2..=100 {
        let h = hi as f64 / 100.0;
        for k in 1..=10 {
            let free = Game {
                update: Update::Alternating,
                h,
                k,
                gamma: 0.0,
            };
            assert!(
                (spectral_radius(free.closed_form()) - 1.0).abs() < 1e-9,
                "h {h} k {k}"
            );
            for gi in 1..=30 {
                let gamma = gi as f64 / 10.0;
                let game = Game {
                    update: Update::Alternating,
                    h,
                    k,
                    gamma,
                };
                if h * gamma <= 1.5 + 1e-9 {
                    assert!(spectral_radius(game.closed_form()) < 1.0, "{game:?}");
                }
            }
        }
    }
    let over = Game {
        update: Update::Alternating,
        h: 1.0,
        k: 1,
        gamma: 3.0,
    };
    assert!(spectral_radius(over.closed_form()) > 1.0);
}

#[test]
fn the_page_s_picture_reports_what_the_paths_do() {
    let p = picture(&Settings::default()).unwrap();
    let by = |name: &str| p.paths.iter().find(|x| x.name == name).unwrap();
    let (s, a, r) = (by("simultaneous"), by("alternating"), by("penalty"));
    assert!(s.radius > 1.0 && s.distance_end > 2.0 * s.distance_start);
    assert!((a.radius - 1.0).abs() < 1e-12);
    assert!(r.radius < 1.0 && r.distance_end < 1e-3);
    // The card's figures at its defaults (h = 0.2, k = 1, γ = 1).
    assert!(
        (s.radius - 1.005).abs() < 5e-4 && (r.radius - 0.927).abs() < 5e-4,
        "{} {}",
        s.radius,
        r.radius
    );
    for x in &p.paths {
        assert!((x.radius - x.radius_measured).abs() < 1e-6, "{}", x.name);
        assert_eq!(x.points.len(), x.rounds + 1);
    }
    assert_eq!(p.field.len(), p.grid * p.grid);
    for bad in [
        Settings {
            h: f64::NAN,
            ..Settings::default()
        },
        Settings {
            h: 0.0,
            ..Settings::default()
        },
        Settings {
            k: 0,
            ..Settings::default()
        },
        Settings {
            gamma: -1.0,
            ..Settings::default()
        },
        Settings {
            start: [1e9, 0.0],
            ..Settings::default()
        },
        Settings {
            rounds: 0,
            ..Settings::default()
        },
    ] {
        assert!(picture(&bad).is_err(), "{bad:?}");
    }
}
