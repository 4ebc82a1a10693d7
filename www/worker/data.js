// MNIST's digits (1.6 MB gzip), fetched only when a config asks for them, then kept.
import { loadMnist, hasMnist } from '../../pkg/minimax_web.js';

const MNIST_URL = new URL('../../data/mnist-10k.bin.gz', import.meta.url);
let loading = null;

/** Loads the digits into the engine if `config` (flat or nested) uses them. */
export async function ensureData(config, notice) {
  if (config?.dataset !== 'mnist' && config?.data?.kind !== 'mnist') return;
  if (hasMnist()) return;
  loading ??= (async () => {
    notice('loading-mnist');
    const response = await fetch(MNIST_URL);
    if (!response.ok) throw new Error(`the MNIST digits could not be loaded (${response.status} ${response.statusText})`);
    let bytes = new Uint8Array(await response.arrayBuffer());
    // Still gzip, unless the server sent it with Content-Encoding: gzip and the browser undid it.
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
      const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
      bytes = new Uint8Array(await new Response(stream).arrayBuffer());
    }
    loadMnist(bytes);
  })().finally(() => {
    loading = null;
    notice(null);
  });
  await loading;
}
