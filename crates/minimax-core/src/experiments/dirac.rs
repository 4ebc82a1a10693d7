//! The Dirac GAN of Mescheder, Geiger and Nowozin (2018, "Which training methods for GANs do
//! actually converge?"): the smallest game in which gradient steps miss an equilibrium that
//! exists. The data are one point, x = 0; G has one parameter θ and draws x = θ; D is linear in
//! x, with logit ψ·x, so D(x) = σ(ψx). The equilibrium is θ = ψ = 0: G on the data, and D = 1/2
//! everywhere. The convergence proof for GANs lives in the space of distributions; gradient
//! steps live in the parameters (θ, ψ), and there they circle or spiral away.
//!
//! The players, as in this lab's GAN:
//! * D ascends V(θ, ψ) = log D(0) + log(1 − D(θ)) − γ/2·ψ², the last term the R1 penalty
//!   (γ/2·‖∇ₓ logit‖² on the data; here ∇ₓ(ψx) = ψ): ∂V/∂ψ = −θσ(ψθ) − γψ;
//! * G descends the same V (the minimax loss, as in the paper): −∂V/∂θ = ψσ(ψθ).
//!
//! Without the penalty the game's own flow (infinitely small steps) keeps θ² + ψ² constant:
//! d/dt (θ² + ψ²)/2 = θψσ(ψθ) − ψθσ(ψθ) = 0. It circles the equilibrium for ever.
//!
//! Both vanish at (0, 0), where the game's Jacobian is [[0, a], [−a, −γ]] with a = σ(0) = 1/2.
//! A step of size h is then linear near the equilibrium, and the eigenvalues of its matrix say
//! what the iterates do: |λ| > 1 spiral out, = 1 circle, < 1 converge. [`Game::closed_form`]
//! writes that matrix down; [`Game::linearised`] measures it from the update itself by central
//! differences, an independent check (`tests` and `tests/dirac.rs`).

use serde::{Deserialize, Serialize};

fn sigmoid(t: f64) -> f64 {
    if t >= 0.0 {
        1.0 / (1.0 + (-t).exp())
    } else {
        let e = t.exp();
        e / (1.0 + e)
    }
}

/// σ(0): the slope of both players' updates at the equilibrium.
const A: f64 = 0.5;

/// How the two players take their steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Update {
    /// Both players step from the same point (θ, ψ).
    Simultaneous,
    /// `k` steps of D, then one of G from D's new ψ (this lab's GAN, `d_steps`).
    Alternating,
}

impl Update {
    pub const ALL: [Update; 2] = [Update::Simultaneous, Update::Alternating];

    pub fn name(self) -> &'static str {
        match self {
            Update::Simultaneous => "simultaneous",
            Update::Alternating => "alternating",
        }
    }
}

/// One Dirac game: step size `h`, `k` D steps a round (alternating), R1 weight `gamma`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Game {
    pub update: Update,
    pub h: f64,
    pub k: u32,
    pub gamma: f64,
}

/// D's ascent direction, ∂V/∂ψ.
fn d_ascent(theta: f64, psi: f64, gamma: f64) -> f64 {
    -theta * sigmoid(psi * theta) - gamma * psi
}

/// G's descent direction, −∂V/∂θ.
fn g_descent(theta: f64, psi: f64) -> f64 {
    psi * sigmoid(psi * theta)
}

/// The game's vector field at (θ, ψ): G's and D's directions (without a penalty), what both
/// players would follow with infinitely small steps.
pub fn field(theta: f64, psi: f64) -> [f64; 2] {
    [g_descent(theta, psi), d_ascent(theta, psi, 0.0)]
}

/// A 2×2 matrix's eigenvalues as (re, im) pairs.
pub fn eigenvalues(m: [[f64; 2]; 2]) -> [(f64, f64); 2] {
    let half_trace = (m[0][0] + m[1][1]) / 2.0;
    let det = m[0][0] * m[1][1] - m[0][1] * m[1][0];
    let disc = half_trace * half_trace - det;
    if disc >= 0.0 {
        let r = disc.sqrt();
        [(half_trace + r, 0.0), (half_trace - r, 0.0)]
    } else {
        let r = (-disc).sqrt();
        [(half_trace, r), (half_trace, -r)]
    }
}

/// The largest |λ|: the factor by which the distance to the equilibrium grows (> 1) or
/// shrinks (< 1) per round near it.
pub fn spectral_radius(m: [[f64; 2]; 2]) -> f64 {
    eigenvalues(m)
        .iter()
        .map(|&(re, im)| re.hypot(im))
        .fold(0.0, f64::max)
}

impl Game {
    /// One round from (θ, ψ): a step of each player (simultaneous) or k of D and then one of G.
    pub fn round(&self, [theta, psi]: [f64; 2]) -> [f64; 2] {
        match self.update {
            Update::Simultaneous => [
                theta + self.h * g_descent(theta, psi),
                psi + self.h * d_ascent(theta, psi, self.gamma),
            ],
            Update::Alternating => {
                let mut psi = psi;
                for _ in 0..self.k {
                    psi += self.h * d_ascent(theta, psi, self.gamma);
                }
                [theta + self.h * g_descent(theta, psi), psi]
            }
        }
    }

    /// `rounds` rounds from `start`, with the start: `rounds + 1` points. A path that leaves
    /// every bound (|θ| or |ψ| > 1e6) stops there.
    pub fn path(&self, start: [f64; 2], rounds: usize) -> Vec<[f64; 2]> {
        let mut points = Vec::with_capacity(rounds + 1);
        let mut p = start;
        points.push(p);
        for _ in 0..rounds {
            p = self.round(p);
            if !(p[0].abs() <= 1e6 && p[1].abs() <= 1e6) {
                break;
            }
            points.push(p);
        }
        points
    }

    /// The round's matrix at the equilibrium, written out by hand. With c = 1 − hγ (D's own
    /// contraction) and s = 1 + c + … + c^(k−1):
    /// simultaneous [[1, ha], [−ha, c]];
    /// alternating, D's k steps [[1, 0], [−ha·s, c^k]] and then G's [[1, ha], [0, 1]].
    pub fn closed_form(&self) -> [[f64; 2]; 2] {
        let (h, c) = (self.h, 1.0 - self.h * self.gamma);
        match self.update {
            Update::Simultaneous => [[1.0, h * A], [-h * A, c]],
            Update::Alternating => {
                let ck = c.powi(self.k as i32);
                let s: f64 = (0..self.k).map(|j| c.powi(j as i32)).sum();
                [[1.0 - h * h * A * A * s, h * A * ck], [-h * A * s, ck]]
            }
        }
    }

    /// The round's matrix at the equilibrium measured from [`round`](Self::round) by central
    /// differences (step `eps`): the check of [`closed_form`](Self::closed_form).
    pub fn linearised(&self, eps: f64) -> [[f64; 2]; 2] {
        let mut m = [[0.0; 2]; 2];
        for j in 0..2 {
            let (mut plus, mut minus) = ([0.0; 2], [0.0; 2]);
            plus[j] = eps;
            minus[j] = -eps;
            let (p, q) = (self.round(plus), self.round(minus));
            for i in 0..2 {
                m[i][j] = (p[i] - q[i]) / (2.0 * eps);
            }
        }
        m
    }
}

/// What the page draws and prints for one setting of the step size, k and γ: the game's vector
/// field on a grid, and three paths from one start — simultaneous steps, alternating steps, and
/// alternating steps with the R1 penalty — each with its round's eigenvalues in closed form and
/// as measured, and where it ended.
#[derive(Debug, Clone, Serialize)]
pub struct Picture {
    /// The square drawn, [−extent, extent]² in (θ, ψ).
    pub extent: f64,
    /// Rows of [θ, ψ, dθ, dψ] on a `grid`×`grid` lattice.
    pub field: Vec<[f64; 4]>,
    pub grid: usize,
    pub paths: Vec<PathReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PathReport {
    /// "simultaneous", "alternating" or "penalty" (alternating with R1).
    pub name: &'static str,
    pub game: Game,
    pub points: Vec<[f64; 2]>,
    /// Eigenvalues (re, im) of the round's matrix at the equilibrium, closed form.
    pub eigenvalues: [(f64, f64); 2],
    /// Their largest modulus, closed form and measured by central differences.
    pub radius: f64,
    pub radius_measured: f64,
    /// Distance to the equilibrium at the start and after the last round.
    pub distance_start: f64,
    pub distance_end: f64,
    /// Rounds taken (fewer than asked where the path left every bound).
    pub rounds: usize,
}

/// The settings a picture is drawn for (the page's controls, the CLI's flags); as JSON, a
/// missing field takes its default and an unknown one is refused.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub h: f64,
    pub k: u32,
    pub gamma: f64,
    pub start: [f64; 2],
    pub rounds: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            h: 0.2,
            k: 1,
            gamma: 1.0,
            start: [1.0, 1.0],
            rounds: 400,
        }
    }
}

impl Settings {
    /// Checks the ranges (wider than the page's sliders: h ≤ 1, k ≤ 10, γ ≤ 3); the message
    /// names the setting.
    pub fn validate(&self) -> Result<(), String> {
        let finite = self.h.is_finite()
            && self.gamma.is_finite()
            && self.start.iter().all(|v| v.is_finite());
        if !finite {
            return Err("every Dirac GAN setting must be a finite number".into());
        }
        if !(0.001..=2.0).contains(&self.h) {
            return Err(format!("h = {} is out of range (0.001–2)", self.h));
        }
        if !(1..=20).contains(&self.k) {
            return Err(format!("k = {} is out of range (1–20)", self.k));
        }
        if !(0.0..=10.0).contains(&self.gamma) {
            return Err(format!("gamma = {} is out of range (0–10)", self.gamma));
        }
        if self.start.iter().any(|v| v.abs() > 10.0) {
            return Err("the start must lie within |θ|, |ψ| ≤ 10".into());
        }
        if !(1..=5000).contains(&self.rounds) {
            return Err(format!("rounds = {} is out of range (1–5000)", self.rounds));
        }
        Ok(())
    }
}

impl Settings {
    /// Settings from JSON (the page's request); [`picture`] checks their ranges.
    pub fn from_json(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| format!("invalid Dirac GAN settings: {e}"))
    }
}

/// The picture for `settings` (validated first).
pub fn picture(settings: &Settings) -> Result<Picture, String> {
    settings.validate()?;
    let Settings {
        h,
        k,
        gamma,
        start,
        rounds,
    } = *settings;
    let extent = 2.0f64.max(start[0].abs() * 1.25).max(start[1].abs() * 1.25);
    let grid = 15;
    let field = (0..grid * grid)
        .map(|i| {
            let at = |j: usize| -extent + 2.0 * extent * (j as f64 + 0.5) / grid as f64;
            let (theta, psi) = (at(i % grid), at(i / grid));
            let [dt, dp] = field(theta, psi);
            [theta, psi, dt, dp]
        })
        .collect();
    let games = [
        (
            "simultaneous",
            Game {
                update: Update::Simultaneous,
                h,
                k: 1,
                gamma: 0.0,
            },
        ),
        (
            "alternating",
            Game {
                update: Update::Alternating,
                h,
                k,
                gamma: 0.0,
            },
        ),
        (
            "penalty",
            Game {
                update: Update::Alternating,
                h,
                k,
                gamma,
            },
        ),
    ];
    let paths = games
        .into_iter()
        .map(|(name, game)| {
            let points = game.path(start, rounds);
            let closed = game.closed_form();
            let end = *points.last().expect("a path holds its start");
            PathReport {
                name,
                game,
                eigenvalues: eigenvalues(closed),
                radius: spectral_radius(closed),
                radius_measured: spectral_radius(game.linearised(1e-5)),
                distance_start: start[0].hypot(start[1]),
                distance_end: end[0].hypot(end[1]),
                rounds: points.len() - 1,
                points,
            }
        })
        .collect();
    Ok(Picture {
        extent,
        field,
        grid,
        paths,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closed_form_matrix_is_the_update_s_own_linearisation() {
        for update in Update::ALL {
            for &(h, k, gamma) in &[(0.05, 1, 0.0), (0.2, 1, 1.0), (0.5, 3, 0.3), (1.0, 5, 2.0)] {
                let game = Game {
                    update,
                    h,
                    k,
                    gamma,
                };
                let (m, fd) = (game.closed_form(), game.linearised(1e-5));
                for i in 0..2 {
                    for j in 0..2 {
                        assert!(
                            (m[i][j] - fd[i][j]).abs() < 1e-7,
                            "{game:?}: {m:?} vs {fd:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn eigenvalues_of_known_matrices() {
        // A rotation by 90°: ±i. A diagonal one: its entries.
        assert_eq!(
            eigenvalues([[0.0, -1.0], [1.0, 0.0]]),
            [(0.0, 1.0), (0.0, -1.0)]
        );
        assert_eq!(
            eigenvalues([[3.0, 0.0], [0.0, -2.0]]),
            [(3.0, 0.0), (-2.0, 0.0)]
        );
        assert!((spectral_radius([[1.0, 0.1], [-0.1, 1.0]]) - 1.01f64.sqrt()).abs() < 1e-12);
    }
}
