// The page's DCGAN written in TensorFlow.js, to time TensorFlow.js's backends on the same model
// and step as the page's benchmark (`?preset=mnist-dcgan&clusters=false&ema=0`):
//   G: z (64) → dense 7·7·64 → batch norm → ReLU → transposed conv 4×4/2 to 14·14·32 → batch
//      norm → ReLU → transposed conv 4×4/2 to 28·28·1 → tanh;
//   D: conv 4×4/2 to 14·14·32 → LeakyReLU 0.2 → conv 4×4/2 to 7·7·64 → batch norm → LeakyReLU
//      0.2 → dense to one logit;
// weights N(0, 0.02), zero biases, batch norm with the batch's own statistics; one iteration is
// one step of D (on a batch of 64 real and 64 fake images) and one of G (non-saturating loss),
// each with Adam (β₁ 0.5, β₂ 0.999, ε 10⁻⁵ as burn's; lr_d 10⁻³, lr_g 2·10⁻³). D's real batch is
// 64 digits drawn at random each step and uploaded, as the page's engine does.
//
// `tf` is the global of TensorFlow.js's core bundle, with its backends loaded beside it.

import { timeIterations } from '/app/www/worker/timing.js';

const LATENT = 64;
const BATCH = 64;
const G_CH = 64;
const D_CH = 32;
const SLOPE = 0.2;
const EPS = 1e-5;

// (tidy: a variable keeps its own copy; the tensor it was made from is disposed.)
function normal(tf, shape) {
  return tf.tidy(() => tf.variable(tf.randomNormal(shape, 0, 0.02)));
}
function zeros(tf, shape) {
  return tf.tidy(() => tf.variable(tf.zeros(shape)));
}
function ones(tf, shape) {
  return tf.tidy(() => tf.variable(tf.ones(shape)));
}

function batchNorm(tf, x, gamma, beta) {
  const { mean, variance } = tf.moments(x, [0, 1, 2], true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, EPS))), gamma), beta);
}

/** G's and D's variables. */
export function players(tf) {
  const h = G_CH / 2;
  return {
    g: {
      dense_w: normal(tf, [LATENT, 7 * 7 * G_CH]), dense_b: zeros(tf, [7 * 7 * G_CH]),
      bn0_g: ones(tf, [G_CH]), bn0_b: zeros(tf, [G_CH]),
      // A transposed convolution's filter is [height, width, out channels, in channels].
      up1_w: normal(tf, [4, 4, h, G_CH]), up1_b: zeros(tf, [h]),
      bn1_g: ones(tf, [h]), bn1_b: zeros(tf, [h]),
      up2_w: normal(tf, [4, 4, 1, h]), up2_b: zeros(tf, [1]),
    },
    d: {
      conv1_w: normal(tf, [4, 4, 1, D_CH]), conv1_b: zeros(tf, [D_CH]),
      conv2_w: normal(tf, [4, 4, D_CH, 2 * D_CH]), conv2_b: zeros(tf, [2 * D_CH]),
      bn2_g: ones(tf, [2 * D_CH]), bn2_b: zeros(tf, [2 * D_CH]),
      dense_w: normal(tf, [7 * 7 * 2 * D_CH, 1]), dense_b: zeros(tf, [1]),
    },
  };
}

/** G(z): images [n, 28, 28, 1] in [−1, 1]. */
export function generate(tf, g, z) {
  const n = z.shape[0];
  let x = tf.reshape(tf.add(tf.matMul(z, g.dense_w), g.dense_b), [n, 7, 7, G_CH]);
  x = tf.relu(batchNorm(tf, x, g.bn0_g, g.bn0_b));
  x = tf.add(tf.conv2dTranspose(x, g.up1_w, [n, 14, 14, G_CH / 2], 2, 'same'), g.up1_b);
  x = tf.relu(batchNorm(tf, x, g.bn1_g, g.bn1_b));
  x = tf.add(tf.conv2dTranspose(x, g.up2_w, [n, 28, 28, 1], 2, 'same'), g.up2_b);
  return tf.tanh(x);
}

/** D's logits, [n, 1]. */
export function discriminate(tf, d, x) {
  const n = x.shape[0];
  let h = tf.add(tf.conv2d(x, d.conv1_w, 2, 'same'), d.conv1_b);
  h = tf.leakyRelu(h, SLOPE);
  h = tf.add(tf.conv2d(h, d.conv2_w, 2, 'same'), d.conv2_b);
  h = tf.leakyRelu(batchNorm(tf, h, d.bn2_g, d.bn2_b), SLOPE);
  return tf.add(tf.matMul(tf.reshape(h, [n, 7 * 7 * 2 * D_CH]), d.dense_w), d.dense_b);
}

/** A batch of 64 of `digits` (pixels in [−1, 1], 784 a digit) drawn at random, as a tensor
 * [64, 28, 28, 1] made from the CPU's copy. */
function realBatch(tf, digits) {
  const n = digits.length / 784;
  const batch = new Float32Array(BATCH * 784);
  for (let i = 0; i < BATCH; i++) {
    const k = Math.floor(Math.random() * n);
    batch.set(digits.subarray(k * 784, (k + 1) * 784), i * 784);
  }
  return tf.tensor4d(batch, [BATCH, 28, 28, 1]);
}

/** A trainer: `step()` runs one iteration and returns D's and G's losses (scalars, kept until
 * the next step). `digits`: a Float32Array of digits, 784 pixels each, in [−1, 1]. */
export function trainer(tf, digits) {
  const { g, d } = players(tf);
  const gVars = Object.values(g);
  const dVars = Object.values(d);
  const optD = tf.train.adam(1e-3, 0.5, 0.999, 1e-5);
  const optG = tf.train.adam(2e-3, 0.5, 0.999, 1e-5);
  let last = [];
  const step = () => {
    for (const t of last) t.dispose();
    const lossD = optD.minimize(() => {
      const fake = generate(tf, g, tf.randomNormal([BATCH, LATENT]));
      // −log D(x) − log(1 − D(G(z))), with softplus for the logs.
      const real = realBatch(tf, digits);
      const onReal = tf.mean(tf.softplus(tf.neg(discriminate(tf, d, real))));
      const onFake = tf.mean(tf.softplus(discriminate(tf, d, fake)));
      return tf.add(onReal, onFake);
    }, true, dVars);
    const lossG = optG.minimize(() => {
      const fake = generate(tf, g, tf.randomNormal([BATCH, LATENT]));
      // The non-saturating loss: −log D(G(z)).
      return tf.mean(tf.softplus(tf.neg(discriminate(tf, d, fake))));
    }, true, gVars);
    last = [lossD, lossG];
    return last;
  };
  const dispose = () => {
    for (const t of last) t.dispose();
    for (const v of [...gVars, ...dVars]) v.dispose();
    optD.dispose();
    optG.dispose();
  };
  return { step, dispose };
}

/** Times `iters` iterations on the current backend with the page's own benchmark clock
 * (the page's `www/worker/timing.js`: after `warmupMs` of training, in `chunks` parts each ended
 * by a read that waits for the queued work, that read's cost measured and subtracted). Resolves
 * with {backend, iters, ms_per_iter, chunk_ms, loss_d, loss_g, tensors_grown}. */
export async function bench(tf, digits, options) {
  const t = trainer(tf, digits);
  try {
    let losses = t.step();
    await losses[0].data();
    const tensors = tf.memory().numTensors;
    const train = (n) => {
      for (let i = 0; i < n; i++) losses = t.step();
    };
    // The read: a fresh scalar from D's latest loss (a tensor read once keeps its values on the
    // CPU, so reading it again would not wait for anything).
    const drain = async () => {
      const x = tf.add(losses[0], 0);
      try {
        await x.data();
      } finally {
        x.dispose();
      }
    };
    const r = await timeIterations(train, drain, options);
    const [lossD, lossG] = await Promise.all(losses.map((l) => l.data()));
    // Tensors made and not disposed by the steps (a leak would slow the later steps).
    const growth = tf.memory().numTensors - tensors;
    return { backend: tf.getBackend(), ...r, loss_d: lossD[0], loss_g: lossG[0], tensors_grown: growth };
  } finally {
    t.dispose();
  }
}
