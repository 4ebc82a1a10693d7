// `window.run({backend, iters, warmupMs, chunks})`: TensorFlow.js on `backend` (webgl, webgpu or
// cpu) times the page's DCGAN (tfjs-dcgan.js) on 64 real digits, the first of the page's own
// MNIST asset.
import { bench } from './tfjs-dcgan.js';

const tf = window.tf;

/** The first `n` digits of the page's asset (`MNISTU8\0`, count u32, rows u16, cols u16, the
 * labels, then the pixels; gzip), as a tensor [n, 28, 28, 1] in [−1, 1]. */
async function digits(n) {
  const response = await fetch('/app/data/mnist-10k.bin.gz');
  if (!response.ok) throw new Error(`the digits: HTTP ${response.status}`);
  const bytes = new Uint8Array(await new Response(response.body.pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== 'MNISTU8\0') throw new Error(`the digits: not the page's asset (${JSON.stringify(magic)})`);
  const view = new DataView(bytes.buffer);
  const count = view.getUint32(8, true);
  const side = view.getUint16(12, true);
  const start = 16 + count;
  const pixels = new Float32Array(n * side * side);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (bytes[start + i] / 255) * 2 - 1;
  return tf.tensor4d(pixels, [n, side, side, 1]);
}

window.run = async ({ backend, iters, warmupMs = 0, chunks = 10 }) => {
  if (!(await tf.setBackend(backend))) throw new Error(`TensorFlow.js: no ${backend} backend here`);
  await tf.ready();
  const real = await digits(64);
  try {
    const r = await bench(tf, real, { iters, warmupMs, chunks });
    return { ...r, tensors_left: tf.memory().numTensors };
  } finally {
    real.dispose();
  }
};
window.ready = true;
