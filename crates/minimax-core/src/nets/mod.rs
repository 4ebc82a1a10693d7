//! The networks: the DCGAN pair (`dcgan`), the players over MLP or DCGAN (`model`), each with
//! D's input gradient written in tensor operations, and the value functions (`loss`).

pub mod dcgan;
pub mod model;
pub mod loss;
