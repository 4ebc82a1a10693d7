//! Hostile checkpoints crafted from a real one: each keeps the file well formed (signature,
//! checksum, section table, sizes within bounds, shapes right) and breaks one thing that only a
//! loader reading the records themselves can see. The loader must refuse every one, naming
//! what is wrong; the unit tests, the fuzzer, the CLI's test and the page's test use them
//! (`minimax hostile <checkpoint> <folder>` writes them out).

use minimax_core::burn::tensor::{Bytes, DType};
use serde_json::Value;

use minimax_core::train::checkpoint;

/// One way to break a checkpoint, with a fragment the refusal's message must contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hostile {
    /// The first weight section's second tensor takes the first one's parameter id (burn
    /// would then hold two gradients under one id).
    SharedId,
    /// The first weight tensor stored as f64 (burn would cast it).
    F64Weights,
    /// The first weight tensor stored as f16.
    F16Weights,
    /// The first weight tensor stored quantized (8 bits a value).
    QuantizedWeights,
    /// A NaN among the first weight tensor's values.
    NanWeight,
    /// An infinity in the first optimizer state tensor.
    InfiniteMoment,
    /// Adam's step counter at u64::MAX (its bias correction would be NaN).
    AdamTime,
    /// Every step counter of the header at u64::MAX (the next step would wrap it).
    HugeCounters,
}

impl Hostile {
    pub const ALL: [Hostile; 8] = [
        Hostile::SharedId,
        Hostile::F64Weights,
        Hostile::F16Weights,
        Hostile::QuantizedWeights,
        Hostile::NanWeight,
        Hostile::InfiniteMoment,
        Hostile::AdamTime,
        Hostile::HugeCounters,
    ];

    /// The file name it is written under.
    pub fn name(self) -> &'static str {
        match self {
            Hostile::SharedId => "shared-id",
            Hostile::F64Weights => "f64-weights",
            Hostile::F16Weights => "f16-weights",
            Hostile::QuantizedWeights => "quantized-weights",
            Hostile::NanWeight => "nan-weight",
            Hostile::InfiniteMoment => "infinite-moment",
            Hostile::AdamTime => "adam-time",
            Hostile::HugeCounters => "huge-counters",
        }
    }

    /// A fragment of the message that refuses it.
    pub fn refusal(self) -> &'static str {
        match self {
            Hostile::SharedId => "the same parameter id",
            Hostile::F64Weights => "is F64",
            Hostile::F16Weights => "is F16",
            Hostile::QuantizedWeights => "is QFloat",
            Hostile::NanWeight => "holds NaN",
            Hostile::InfiniteMoment => "holds inf",
            Hostile::AdamTime => "momentum.time",
            Hostile::HugeCounters => "above the most a run takes",
        }
    }

    /// `checkpoint` (a real one, trained a step with Adam) broken this way, resealed.
    pub fn craft(self, checkpoint: &[u8]) -> Result<Vec<u8>, String> {
        let table = checkpoint::sections(checkpoint).map_err(|e| e.to_string())?;
        let mut sections: Vec<(String, Vec<u8>)> = table
            .into_iter()
            .map(|(n, p)| (n.to_string(), p.to_vec()))
            .collect();
        // The first weight section and its optimizer follow the header.
        let (weights, optimizer) = (1, 2);
        if sections.len() <= optimizer {
            return Err("the checkpoint has no weight and optimizer sections".into());
        }
        match self {
            Hostile::HugeCounters => {
                let mut header: Value =
                    serde_json::from_slice(&sections[0].1).map_err(|e| e.to_string())?;
                let counters = header["counters"]
                    .as_object_mut()
                    .ok_or("the header has no counters")?;
                for v in counters.values_mut() {
                    *v = Value::from(u64::MAX);
                }
                sections[0].1 = serde_json::to_vec(&header).map_err(|e| e.to_string())?;
            }
            Hostile::AdamTime => {
                let touched = rewrite(
                    &mut sections[optimizer].1,
                    |_| {},
                    |key, value| {
                        if key.ends_with(".time") {
                            *value = burn_pack::Scalar::from(u64::MAX);
                        }
                    },
                )?;
                if !touched {
                    return Err("the optimizer keeps no Adam step counter".into());
                }
            }
            Hostile::InfiniteMoment => retensor(&mut sections[optimizer].1, |t| {
                set_first_value(&mut t[0], f32::INFINITY)
            })?,
            Hostile::SharedId => {
                retensor(&mut sections[weights].1, |t| t[1].param_id = t[0].param_id)?
            }
            Hostile::NanWeight => retensor(&mut sections[weights].1, |t| {
                set_first_value(&mut t[0], f32::NAN)
            })?,
            Hostile::F64Weights | Hostile::F16Weights | Hostile::QuantizedWeights => {
                retensor(&mut sections[weights].1, |t| retype(&mut t[0], self))?
            }
        }
        let table: Vec<(&str, &[u8])> = sections
            .iter()
            .map(|(n, p)| (n.as_str(), p.as_slice()))
            .collect();
        Ok(checkpoint::encode(&table))
    }
}

/// A record with its tensors (in name order) rewritten by `f`.
fn retensor(
    payload: &mut Vec<u8>,
    f: impl FnOnce(&mut Vec<burn_pack::Tensor>),
) -> Result<(), String> {
    rewrite(payload, f, |_, _| {}).map(|_| ())
}

/// The f32 values of a record's tensor.
fn values(tensor: &burn_pack::Tensor) -> Vec<f32> {
    let bytes = tensor.to_bytes().expect("a reader's tensors are resident");
    bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes(b.try_into().expect("4 bytes")))
        .collect()
}

fn set_first_value(tensor: &mut burn_pack::Tensor, value: f32) {
    let mut v = values(tensor);
    v[0] = value;
    let bytes = v.iter().flat_map(|x| x.to_le_bytes()).collect();
    *tensor = with_data(tensor, tensor.dtype, Bytes::from_bytes_vec(bytes));
}

/// The tensor stored in another dtype, with as many bytes as that dtype takes.
fn retype(tensor: &mut burn_pack::Tensor, how: Hostile) {
    let v = values(tensor);
    let (dtype, bytes): (DType, Vec<u8>) = match how {
        Hostile::F64Weights => (
            DType::F64,
            v.iter().flat_map(|x| (*x as f64).to_le_bytes()).collect(),
        ),
        // (Zeros: what matters is that the loader looks at the dtype at all.)
        Hostile::F16Weights => (DType::F16, vec![0; 2 * v.len()]),
        _ => (DType::QFloat(Default::default()), vec![0; v.len()]),
    };
    *tensor = with_data(tensor, dtype, Bytes::from_bytes_vec(bytes));
}

fn with_data(tensor: &burn_pack::Tensor, dtype: DType, data: Bytes) -> burn_pack::Tensor {
    burn_pack::Tensor::new(
        tensor.name.clone(),
        dtype,
        tensor.shape.clone(),
        tensor.param_id,
        data,
    )
}

/// A burn-pack record rewritten in place: its tensors (in name order) through `tensors`, each
/// scalar through `scalar`. Returns whether any scalar changed.
fn rewrite(
    payload: &mut Vec<u8>,
    tensors: impl FnOnce(&mut Vec<burn_pack::Tensor>),
    mut scalar: impl FnMut(&str, &mut burn_pack::Scalar),
) -> Result<bool, String> {
    let reader = burn_pack::Reader::from_bytes(Bytes::from_bytes_vec(payload.clone()))
        .map_err(|e| e.to_string())?;
    let metadata = reader.metadata().clone();
    let mut scalars = reader.scalars().clone();
    let mut list = reader.into_tensors().map_err(|e| e.to_string())?;
    if list.len() < 2 {
        return Err("a record of fewer than two tensors".into());
    }
    tensors(&mut list);
    let mut writer = burn_pack::Writer::new(list);
    for (k, v) in &metadata {
        writer = writer.with_metadata(k, v);
    }
    let mut touched = false;
    for (k, v) in scalars.iter_mut() {
        let before = *v;
        scalar(k, v);
        touched |= *v != before;
        writer = writer.with_scalar(k, *v);
    }
    *payload = writer.into_bytes().map_err(|e| e.to_string())?.to_vec();
    Ok(touched)
}

#[cfg(test)]
mod tests {
    use super::*;
    use minimax_core::burn::tensor::Device;
    use minimax_core::{Assets, launch};
    use minimax_core::{Config, data::mnist::Mnist};

    /// Every hostile file, crafted from real checkpoints of a GAN (MLP; two generators on
    /// RMSprop and SGD for G) and of a VAE (DCGAN players with batch norm), is refused by the
    /// loader with a message naming what is wrong; the genuine checkpoint loads.
    #[test]
    fn every_hostile_checkpoint_is_refused_naming_the_fault() {
        let assets = Assets {
            mnist: Some(std::sync::Arc::new(Mnist::noise(16, 3))),
        };
        let device = Device::flex();
        for config in [
            serde_json::json!({"g_hidden": 8, "d_hidden": 8, "batch_size": 16}),
            serde_json::json!({"generators": 2, "optimizer_g": "rmsprop", "g_hidden": 4,
                "d_hidden": 4, "batch_size": 8}),
            serde_json::json!({"experiment": "vae", "dataset": "mnist", "model": "dcgan",
                "latent_dim": 4, "g_channels": 4, "d_channels": 2, "batch_size": 4}),
        ] {
            let config = Config::from_value(&config).unwrap();
            let mut run = launch::build(config, &device, &assets).unwrap();
            run.train(2);
            let genuine = checkpoint::save(run.as_ref()).unwrap();
            launch::load(&genuine, &device, &assets).expect("the genuine checkpoint");
            for hostile in Hostile::ALL {
                let bytes = hostile.craft(&genuine).unwrap();
                let err = match launch::load(&bytes, &device, &assets) {
                    Ok(_) => panic!("{} was accepted", hostile.name()),
                    Err(e) => e.to_string(),
                };
                assert!(err.contains(hostile.refusal()), "{}: {err}", hostile.name());
            }
        }
    }
}
