//! The two players: MLP generator G: z ↦ x and MLP discriminator D: x ↦ logit, D(x) = σ(logit).

use burn::module::{Module, Param};
use burn::nn::Linear;
use burn::tensor::{Device, Tensor, TensorData, activation};

use crate::nets::dcgan::{DcganDiscriminator, DcganGenerator, LEAKY_SLOPE};
use crate::rng::RunRng;
use crate::spec::config::{Activation, Config, ModelKind};

/// σ(h), the hidden layers' activation.
pub(crate) fn activate(kind: Activation, h: Tensor<2>) -> Tensor<2> {
    match kind {
        Activation::Relu => activation::relu(h),
        Activation::LeakyRelu => activation::leaky_relu(h, LEAKY_SLOPE),
        Activation::Tanh => h.tanh(),
    }
}

/// σ'(h), the derivative of the activation at the pre-activation h.
pub(crate) fn activation_derivative(kind: Activation, h: Tensor<2>) -> Tensor<2> {
    match kind {
        Activation::Relu => h.greater_elem(0.0).float(),
        Activation::LeakyRelu => h.greater_elem(0.0).float() * (1.0 - LEAKY_SLOPE) + LEAKY_SLOPE,
        Activation::Tanh => {
            let t = h.tanh();
            t.clone() * t * -1.0 + 1.0
        }
    }
}

/// A multilayer perceptron: `layers` hidden layers of `hidden` units, then a linear output.
#[derive(Module, Debug)]
pub struct Mlp {
    pub layers: Vec<Linear>,
    #[module(skip)]
    pub activation: Activation,
}

impl Mlp {
    /// Builds the net with weights drawn from the run's RNG (PyTorch's default
    /// U(−1/√fan_in, 1/√fan_in)), so the seed alone fixes them on every backend.
    pub fn new(
        input: usize,
        hidden: usize,
        layers: usize,
        output: usize,
        activation: Activation,
        rng: &mut RunRng,
        device: &Device,
    ) -> Self {
        let mut sizes = vec![input];
        sizes.extend(std::iter::repeat_n(hidden, layers));
        sizes.push(output);
        let layers = sizes
            .windows(2)
            .map(|w| {
                let (fan_in, fan_out) = (w[0], w[1]);
                let bound = 1.0 / (fan_in as f32).sqrt();
                let weight: Vec<f32> = (0..fan_in * fan_out)
                    .map(|_| rng.uniform(-bound, bound))
                    .collect();
                let bias: Vec<f32> = (0..fan_out).map(|_| rng.uniform(-bound, bound)).collect();
                Linear {
                    weight: Param::from_data(TensorData::new(weight, [fan_in, fan_out]), device),
                    bias: Some(Param::from_data(TensorData::new(bias, [fan_out]), device)),
                }
            })
            .collect();
        Self { layers, activation }
    }

    fn act(&self, h: Tensor<2>) -> Tensor<2> {
        activate(self.activation, h)
    }

    fn act_derivative(&self, h: Tensor<2>) -> Tensor<2> {
        activation_derivative(self.activation, h)
    }

    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let last = self.layers.len() - 1;
        self.layers.iter().enumerate().fold(x, |x, (i, layer)| {
            let h = layer.forward(x);
            if i == last { h } else { self.act(h) }
        })
    }

    /// The output (`[n, 1]`) and its gradient with respect to the input (`[n, input]`),
    /// computed by an explicit backward pass written in tensor operations:
    /// ∇ₓ out = W₁ diag σ'(h₁) W₂ … diag σ'(h_L) w_out.
    /// Because it is built from ordinary differentiable operations, a penalty on ‖∇ₓ D‖ can
    /// itself be differentiated with respect to the weights ("double backprop"), which the
    /// gradient penalties need.
    pub fn forward_with_input_gradient(&self, x: Tensor<2>) -> (Tensor<2>, Tensor<2>) {
        let n = x.dims()[0];
        let last = self.layers.len() - 1;
        let mut pre = Vec::with_capacity(last);
        let mut a = x;
        for layer in &self.layers[..last] {
            let h = layer.forward(a);
            a = self.act(h.clone());
            pre.push(h);
        }
        let out = self.layers[last].forward(a);
        // Row vector w_outᵀ repeated for every sample, then back through each layer.
        let w_out = self.layers[last].weight.val(); // [hidden, 1]
        let mut g = w_out.transpose().repeat_dim(0, n); // [n, hidden]
        for (layer, h) in self.layers[..last].iter().zip(pre).rev() {
            g = g * self.act_derivative(h);
            g = g.matmul(layer.weight.val().transpose());
        }
        (out, g)
    }
}

/// G: latent code z ↦ sample x.
#[derive(Module, Debug)]
pub struct Generator {
    pub net: GeneratorNet,
    /// Image data: G's output goes through tanh into the pixels' range [−1, 1].
    #[module(skip)]
    pub image: bool,
}

/// G's architecture.
#[derive(Module, Debug)]
pub enum GeneratorNet {
    Mlp(Mlp),
    Dcgan(DcganGenerator),
}

/// D: sample x ↦ logit; D(x) = σ(logit) is the probability that x is real. A conditional D
/// (an ACGAN's) has ten more outputs after the logit: its logits for the image's digit.
#[derive(Module, Debug)]
pub struct Discriminator {
    pub net: DiscriminatorNet,
    /// The classes D names beside its logit (the digits, or the groups of `clusters`); 0 for
    /// a D that names none.
    #[module(skip)]
    pub classes: usize,
}

/// D's architecture.
#[derive(Module, Debug)]
pub enum DiscriminatorNet {
    Mlp(Mlp),
    Dcgan(DcganDiscriminator),
}

impl Generator {
    pub fn new(config: &Config, rng: &mut RunRng, device: &Device) -> Self {
        let m = &config.model;
        let net = match m.kind {
            ModelKind::Mlp => GeneratorNet::Mlp(Mlp::new(
                config.code_dim(),
                m.g_hidden,
                m.g_layers,
                config.data_dim(),
                m.activation,
                rng,
                device,
            )),
            ModelKind::Dcgan => GeneratorNet::Dcgan(DcganGenerator::new(
                config.code_dim(),
                m.g_channels,
                m.batch_norm,
                m.init,
                rng,
                device,
            )),
        };
        Self {
            net,
            image: config.data.kind.is_image(),
        }
    }

    /// G(z) for the codes `z`, normalised (batch norm) by the statistics of the codes
    /// `reference` rather than `z`'s own; an MLP G has no batch norm and ignores them.
    pub fn forward_normalised_by(&self, z: Tensor<2>, reference: Tensor<2>) -> Tensor<2> {
        match &self.net {
            GeneratorNet::Dcgan(net) => net.forward_normalised_by(z, reference),
            _ => self.forward(z),
        }
    }

    /// G(z), `[n, data_dim]`. Images come out of tanh, in the data's range [−1, 1].
    pub fn forward(&self, z: Tensor<2>) -> Tensor<2> {
        match &self.net {
            GeneratorNet::Mlp(net) if self.image => net.forward(z).tanh(),
            GeneratorNet::Mlp(net) => net.forward(z),
            GeneratorNet::Dcgan(net) => net.forward(z),
        }
    }
}

impl Discriminator {
    pub fn new(config: &Config, rng: &mut RunRng, device: &Device) -> Self {
        let m = &config.model;
        let classes = if config.is_conditional() {
            config.classes()
        } else {
            0
        };
        let outputs = 1 + classes;
        let net = match m.kind {
            ModelKind::Mlp => DiscriminatorNet::Mlp(Mlp::new(
                config.data_dim(),
                m.d_hidden,
                m.d_layers,
                outputs,
                m.activation,
                rng,
                device,
            )),
            ModelKind::Dcgan => {
                let mut d =
                    DcganDiscriminator::with_outputs(m.d_channels, outputs, m.init, rng, device);
                if m.d_batch_norm {
                    d = d.with_batch_norm(device);
                }
                DiscriminatorNet::Dcgan(d)
            }
        };
        Self { net, classes }
    }

    /// Whether D names a class beside its logit.
    pub fn conditional(&self) -> bool {
        self.classes > 0
    }

    /// All of D's outputs, `[n, 1]` (`[n, 1 + classes]` conditional).
    fn outputs(&self, x: Tensor<2>) -> Tensor<2> {
        match &self.net {
            DiscriminatorNet::Mlp(net) => net.forward(x),
            DiscriminatorNet::Dcgan(net) => net.forward(x),
        }
    }

    /// The logit of D, shape `[n, 1]`.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let out = self.outputs(x);
        if self.conditional() {
            let n = out.dims()[0];
            out.slice([0..n, 0..1])
        } else {
            out
        }
    }

    /// The logit, `[n, 1]`, and (conditional D only) the logits of the image's class,
    /// `[n, classes]`, from one forward pass.
    pub fn forward_with_classes(&self, x: Tensor<2>) -> (Tensor<2>, Option<Tensor<2>>) {
        let out = self.outputs(x);
        if !self.conditional() {
            return (out, None);
        }
        let n = out.dims()[0];
        let logit = out.clone().slice([0..n, 0..1]);
        (logit, Some(out.slice([0..n, 1..1 + self.classes])))
    }

    /// The logit and ∇ₓ logit, written in tensor operations so that a penalty on it can be
    /// differentiated; see [`Mlp::forward_with_input_gradient`].
    pub fn forward_with_input_gradient(&self, x: Tensor<2>) -> (Tensor<2>, Tensor<2>) {
        assert!(
            !self.conditional(),
            "the config refuses a gradient penalty for a conditional D"
        );
        match &self.net {
            DiscriminatorNet::Mlp(net) => net.forward_with_input_gradient(x),
            DiscriminatorNet::Dcgan(net) => net.forward_with_input_gradient(x),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{flex, to_vec};

    #[test]
    fn explicit_input_gradient_matches_autodiff() {
        let device = flex().autodiff();
        for activation in [Activation::Relu, Activation::LeakyRelu, Activation::Tanh] {
            let mut rng = RunRng::new(5);
            let mlp = Mlp::new(3, 16, 3, 1, activation, &mut rng, &device);
            let x = Tensor::<2>::from_data(TensorData::new(rng.normals(12), [4, 3]), &device)
                .require_grad();
            let (out, g) = mlp.forward_with_input_gradient(x.clone());
            let grads = out.clone().sum().backward();
            let reference = to_vec(x.grad(&grads).unwrap());
            let ours = to_vec(g);
            for (a, b) in ours.iter().zip(&reference) {
                assert!(
                    (a - b).abs() < 1e-5,
                    "{activation:?}: {ours:?} vs {reference:?}"
                );
            }
            assert_eq!(to_vec(out), to_vec(mlp.forward(x)));
        }
    }

    #[test]
    fn same_seed_same_weights() {
        let device = flex();
        let a = Mlp::new(2, 8, 2, 1, Activation::Relu, &mut RunRng::new(9), &device);
        let b = Mlp::new(2, 8, 2, 1, Activation::Relu, &mut RunRng::new(9), &device);
        let c = Mlp::new(2, 8, 2, 1, Activation::Relu, &mut RunRng::new(10), &device);
        let w = |m: &Mlp| to_vec(m.layers[1].weight.val());
        assert_eq!(w(&a), w(&b));
        assert_ne!(w(&a), w(&c));
        assert_eq!(a.num_params(), 2 * 8 + 8 + 8 * 8 + 8 + 8 + 1);
    }
}
