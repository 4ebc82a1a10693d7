//! Helpers for the unit tests.

use burn::tensor::{Device, Tensor};

pub fn flex() -> Device {
    Device::flex()
}

pub fn to_vec<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().convert::<f32>().try_to_vec::<f32>().unwrap()
}

pub fn scalar(t: Tensor<1>) -> f64 {
    to_vec(t)[0] as f64
}
