//! The one source of randomness of a run: data batches, latent codes and initial weights
//! all come from this seeded generator, so a seed fixes the run on any backend.

use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq)]
pub struct RunRng(Pcg64Mcg);

/// rand_pcg's serialised form of the generator: its 128-bit state.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawState {
    state: u128,
}

/// Ours: the state in decimal text, as JSON numbers (and JavaScript's) stop at 2⁵³ or 2⁶⁴.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TextState {
    state: String,
}

impl Serialize for RunRng {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let raw: RawState = serde_json::to_string(&self.0)
            .and_then(|text| serde_json::from_str(&text))
            .map_err(serde::ser::Error::custom)?;
        TextState {
            state: raw.state.to_string(),
        }
        .serialize(s)
    }
}

/// Reading a state checks it: a multiplicative congruential generator needs an odd state. An
/// even one, which a crafted checkpoint can carry, degenerates (zero stays zero forever, and
/// sampling a normal from a constant stream never ends).
impl<'de> Deserialize<'de> for RunRng {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = TextState::deserialize(d)?;
        let state: u128 = text.state.parse().map_err(|_| {
            serde::de::Error::custom(format!(
                "the random generator's state '{}' is not a 128-bit number",
                text.state
            ))
        })?;
        let raw = RawState { state };
        if raw.state & 1 == 0 {
            return Err(serde::de::Error::custom(
                "the random generator's state must be odd (this one is not: a damaged or forged file)",
            ));
        }
        Ok(Self(Pcg64Mcg::new(raw.state)))
    }
}

impl RunRng {
    pub fn new(seed: u64) -> Self {
        Self(Pcg64Mcg::seed_from_u64(seed))
    }

    /// A standard normal draw.
    pub fn normal(&mut self) -> f32 {
        self.0.sample::<f32, _>(StandardNormal)
    }

    /// A uniform draw in [lo, hi).
    pub fn uniform(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.0.random::<f32>()
    }

    /// A uniform index in 0..n.
    pub fn index(&mut self, n: usize) -> usize {
        self.0.random_range(0..n)
    }

    pub fn normals(&mut self, n: usize) -> Vec<f32> {
        (0..n).map(|_| self.normal()).collect()
    }
}

/// Names a run's parameters by the run: the `n`-th float parameter (in the order the modules
/// list them) gets an id made from the seed and `n`. burn draws ids at random; the optimizers'
/// state is filed under them, so with random ids two runs of one config wrote checkpoints that
/// differed in those bytes alone. Named this way, the same run writes the same file.
pub struct ParamNumbering {
    seed: u64,
    next: u64,
}

impl ParamNumbering {
    pub fn new(seed: u64) -> Self {
        Self { seed, next: 0 }
    }

    /// The module with its parameters renamed, continuing the count.
    pub fn number<M: burn::module::Module>(&mut self, module: M) -> M {
        module.map(self)
    }
}

impl burn::module::ModuleMapper for ParamNumbering {
    fn map_float<const D: usize>(
        &mut self,
        mut param: burn::module::Param<burn::tensor::Tensor<D>>,
    ) -> burn::module::Param<burn::tensor::Tensor<D>> {
        // SplitMix64 of (seed, n): distinct for distinct n, spread over all 64 bits.
        let mut z = self
            .seed
            .wrapping_add(0x9E37_79B9_7F4A_7C15u64.wrapping_mul(self.next + 1));
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        param.id = burn::module::ParamId::from(z ^ (z >> 31));
        self.next += 1;
        param
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_and_even_states_are_refused() {
        let mut rng = RunRng::new(5);
        rng.normal();
        let text = serde_json::to_string(&rng).unwrap();
        let mut back: RunRng = serde_json::from_str(&text).unwrap();
        assert_eq!(back.normal(), rng.normal());
        assert!(text.contains(r#""state":""#), "{text}");
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            serde_json::from_value::<RunRng>(value).unwrap(),
            serde_json::from_str::<RunRng>(&text).unwrap()
        );
        for bad in [
            r#"{"state":"0"}"#,
            r#"{"state":"2"}"#,
            r#"{"state":"x"}"#,
            r#"{"state":1}"#,
        ] {
            assert!(serde_json::from_str::<RunRng>(bad).is_err(), "{bad}");
        }
    }
}
