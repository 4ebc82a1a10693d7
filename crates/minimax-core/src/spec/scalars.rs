//! The metrics catalogue: every scalar a snapshot may carry, declared once with its unit, the
//! experiments that report it, when they do, and what it means. The CLI's JSON reports, the
//! page's history (its CSV and JSON exports), the page's labels (`scalar.NAME` in each
//! language) and the README's table all come from [`SCALARS`]; a test runs each experiment
//! and fails on a scalar missing here.

use serde_json::{Value, json};

use crate::spec::config::ExperimentKind::{self, Classifier, Gan, Vae};

/// One scalar of a snapshot.
#[derive(Debug, Clone, Copy)]
pub struct Scalar {
    /// Its key in a snapshot (flat in JSON), in the history's columns and in `scalar.NAME`.
    pub name: &'static str,
    /// What its numbers count.
    pub unit: &'static str,
    /// The experiments whose snapshots carry it.
    pub experiments: &'static [ExperimentKind],
    /// When they do ("" for always).
    pub when: &'static str,
    /// Whether the page's history keeps it (its CSV and JSON exports).
    pub history: bool,
    /// What it is, for the README's table.
    pub about: &'static str,
}

const fn scalar(
    name: &'static str,
    unit: &'static str,
    experiments: &'static [ExperimentKind],
    when: &'static str,
    history: bool,
    about: &'static str,
) -> Scalar {
    Scalar {
        name,
        unit,
        experiments,
        when,
        history,
        about,
    }
}

const PLAYS_V: &str = "the minimax and non-saturating losses (D plays V)";
const TWO_D: &str = "2-D data";
const MODES: &str = "ring and grid";
const EVAL: &str = "digits, when scored (`--eval`, the page's Evaluate)";

/// Every scalar, in the order of the history's columns and the README's table.
pub static SCALARS: &[Scalar] = &[
    scalar(
        "d_loss",
        "nats (the loss's own)",
        &[Gan],
        "",
        true,
        "D's loss, without penalties",
    ),
    scalar(
        "g_loss",
        "nats (the loss's own)",
        &[Gan],
        "",
        true,
        "G's loss, without penalties",
    ),
    scalar(
        "d_real",
        "probability",
        &[Gan],
        "",
        true,
        "mean D(x) on real samples; → 1/2 at equilibrium",
    ),
    scalar(
        "d_fake",
        "probability",
        &[Gan],
        "",
        true,
        "mean D(G(z)) on generated samples; → 1/2 at equilibrium",
    ),
    scalar(
        "grad_d",
        "L2 norm",
        &[Gan],
        "",
        true,
        "norm of D's loss gradient over D's parameters",
    ),
    scalar(
        "grad_g",
        "L2 norm",
        &[Gan],
        "",
        true,
        "norm of G's loss gradient over G's parameters",
    ),
    scalar(
        "jsd",
        "nats, in [0, ln 2]",
        &[Gan],
        TWO_D,
        true,
        "JSD(p_data ‖ p_g): p_data's closed form against a kernel estimate of p_g, both smoothed by `jsd_bandwidth`; the samples count wherever they are, in view or not",
    ),
    scalar(
        "modes",
        "count",
        &[Gan],
        MODES,
        true,
        "modes covered by G's samples",
    ),
    scalar(
        "hq",
        "share",
        &[Gan],
        MODES,
        true,
        "samples within 3σ of a mode",
    ),
    scalar(
        "d_loss_eq",
        "nats (the loss's own)",
        &[Gan],
        "losses with an equilibrium value",
        true,
        "D's loss at equilibrium (log 4 for the minimax game)",
    ),
    scalar(
        "g_loss_eq",
        "nats (the loss's own)",
        &[Gan],
        "losses with an equilibrium value",
        true,
        "G's loss at equilibrium",
    ),
    scalar(
        "value",
        "nats",
        &[Gan],
        PLAYS_V,
        true,
        "V(D, G) = E log D(x) + E log(1 − D(G(z))) from D's probabilities",
    ),
    scalar(
        "jsd_lower_bound",
        "nats",
        &[Gan],
        PLAYS_V,
        true,
        "(V(D, G) + log 4)/2, at most the JSD",
    ),
    scalar(
        "value_star",
        "nats",
        &[Gan],
        TWO_D,
        true,
        "V(D*, G) = −log 4 + 2·`jsd`, the value against the optimal D",
    ),
    scalar(
        "dominant_mode",
        "index",
        &[Gan],
        MODES,
        true,
        "the mode nearest to the most samples",
    ),
    scalar(
        "dominant_share",
        "share",
        &[Gan],
        MODES,
        true,
        "the share of samples nearest to `dominant_mode`",
    ),
    scalar(
        "jsd_bandwidth",
        "data units",
        &[Gan],
        TWO_D,
        false,
        "the kernel bandwidth behind `jsd`: the data's own noise scale",
    ),
    scalar(
        "modes_total",
        "count",
        &[Gan],
        MODES,
        false,
        "the data's modes",
    ),
    scalar(
        "elbo",
        "nats per image",
        &[Vae],
        "",
        false,
        "the evidence lower bound, `reconstruction` − `kl`",
    ),
    scalar(
        "reconstruction",
        "nats per image",
        &[Vae],
        "",
        false,
        "E log p(x\\|z)",
    ),
    scalar(
        "kl",
        "nats per image",
        &[Vae],
        "",
        false,
        "KL(q(z\\|x) ‖ p(z))",
    ),
    scalar(
        "sigma",
        "pixels in [−1, 1]",
        &[Vae],
        "",
        false,
        "the decoder's σ",
    ),
    scalar(
        "loss",
        "nats",
        &[Classifier],
        "",
        false,
        "the classifier's cross-entropy",
    ),
    scalar(
        "accuracy",
        "share",
        &[Classifier],
        "",
        false,
        "share of held-out digits classified right",
    ),
    scalar(
        "held_out",
        "count",
        &[Classifier],
        "",
        false,
        "the held-out digits",
    ),
    scalar(
        "is",
        "1 to 10",
        &[Gan, Vae],
        EVAL,
        false,
        "Inception Score with the shipped classifier",
    ),
    scalar(
        "fid",
        "squared feature distance",
        &[Gan, Vae],
        EVAL,
        false,
        "Fréchet distance to the real digits' features",
    ),
    scalar(
        "sharpness",
        "intensity per pixel",
        &[Gan, Vae],
        EVAL,
        false,
        "how steeply the strokes' edges rise: the gradient where each image crosses half-intensity (1/w for an edge w pixels wide; pixel noise does not raise it)",
    ),
    scalar(
        "conditional_accuracy",
        "share, 0 to 1",
        &[Gan],
        EVAL,
        false,
        "a conditional G's: the share of its samples the shipped classifier reads as the digit asked for",
    ),
    scalar(
        "eval_n",
        "count",
        &[Gan, Vae],
        EVAL,
        false,
        "samples scored",
    ),
];

/// The scalar of this name.
pub fn scalar_named(name: &str) -> Option<&'static Scalar> {
    SCALARS.iter().find(|s| s.name == name)
}

/// The catalogue as JSON, for the page (its history columns and labels).
pub fn describe() -> Value {
    SCALARS
        .iter()
        .map(|s| {
            json!({
                "name": s.name,
                "unit": s.unit,
                "experiments": s.experiments.iter().map(|e| e.name()).collect::<Vec<_>>(),
                "when": s.when,
                "history": s.history,
            })
        })
        .collect()
}

/// The README's table of scalars (generated; a test checks the README holds it).
pub fn markdown() -> String {
    let mut out =
        String::from("| scalar | unit | reported by | when | what |\n|---|---|---|---|---|\n");
    for s in SCALARS {
        let by: Vec<&str> = s.experiments.iter().map(|e| e.name()).collect();
        let when = if s.when.is_empty() { "always" } else { s.when };
        out += &format!(
            "| `{}` | {} | {} | {} | {} |\n",
            s.name,
            s.unit,
            by.join(", "),
            when,
            s.about
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_every_experiment_reports_something() {
        let mut names: Vec<&str> = SCALARS.iter().map(|s| s.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), SCALARS.len());
        for &e in ExperimentKind::ALL {
            assert!(SCALARS.iter().any(|s| s.experiments.contains(&e)), "{e:?}");
        }
        assert!(scalar_named("jsd").is_some() && scalar_named("nope").is_none());
    }
}
