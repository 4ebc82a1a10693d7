// `window.run({backend, iters, warmupMs, chunks})`: TensorFlow.js on `backend` (webgl, webgpu or
// cpu) times the page's DCGAN (tfjs-dcgan.js) on the page's own 10 000 digits.
import { bench } from './tfjs-dcgan.js';

const tf = window.tf;

/** The page's digits (`MNISTU8\0`, count u32, rows u16, cols u16, the labels, then the pixels;
 * gzip), 784 pixels each in [−1, 1]. */
async function digits() {
  const response = await fetch('/app/data/mnist-10k.bin.gz');
  if (!response.ok) throw new Error(`the digits: HTTP ${response.status}`);
  const bytes = new Uint8Array(await new Response(response.body.pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== 'MNISTU8\0') throw new Error(`the digits: not the page's asset (${JSON.stringify(magic)})`);
  const view = new DataView(bytes.buffer);
  const count = view.getUint32(8, true);
  const side = view.getUint16(12, true);
  if (side !== 28 || view.getUint16(14, true) !== 28) throw new Error(`the digits: ${side}×${view.getUint16(14, true)}, not 28×28`);
  const start = 16 + count;
  const pixels = new Float32Array(count * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (bytes[start + i] / 255) * 2 - 1;
  return pixels;
}

window.run = async ({ backend, iters, warmupMs = 0, chunks = 10 }) => {
  if (!(await tf.setBackend(backend))) throw new Error(`TensorFlow.js: no ${backend} backend here`);
  await tf.ready();
  const r = await bench(tf, await digits(), { iters, warmupMs, chunks });
  // Every tensor the run made is disposed at its end.
  return { ...r, tensors_left: tf.memory().numTensors };
};
window.ready = true;
