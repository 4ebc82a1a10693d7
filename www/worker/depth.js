// The stack depth `train` is called from, on the CPU backend. On x64, V8 spills SIMD values to
// stack slots aligned to 8 bytes only; in gemm's 12×4 matmul kernel, which takes three
// quarters of the big model's time, a spill that straddles a cache line stalls every turn of
// the inner loop, and whether one does depends on where the stack stands when JS calls into
// wasm (docs/performance.md: 15 against 22 ms per iteration for the same build). So `train`
// is called from one of a few depths, keeping the fastest and comparing them again now and
// then, as the browser recompiles hot code during the first seconds and may move the stack.

const DEPTHS = 3;
const PROBE_MAX_MS = 8000;

/** `n` split into `k` nearly equal whole parts, in order. */
export function parts(n, k) {
  return Array.from({ length: k }, (_, i) => Math.round((n * (i + 1)) / k) - Math.round((n * i) / k));
}

export class DepthChooser {
  constructor() { this.depth = 0; this.reset(); }

  /** A new session or backend: compare the depths again soon. */
  reset() {
    this.probeAt = performance.now() + 500;
    this.probeEvery = 1000;
  }

  /** Trains `n` iterations of `engine`; every so often split across the depths. */
  train(engine, n) {
    const now = performance.now();
    if (engine.backend() !== 'flex' || now < this.probeAt || n < DEPTHS) return this.at(engine, this.depth, n);
    this.probeAt = now + this.probeEvery;
    this.probeEvery = Math.min(PROBE_MAX_MS, this.probeEvery * 2);
    let best = Infinity;
    parts(n, DEPTHS).forEach((k, d) => {
      const t0 = performance.now();
      this.at(engine, d, k);
      const ms = (performance.now() - t0) / k;
      if (ms < best) { best = ms; this.depth = d; }
    });
  }

  at(engine, d, n) { return d > 0 ? this.at(engine, d - 1, n) : engine.train(n); }
}
