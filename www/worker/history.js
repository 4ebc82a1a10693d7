// The metric history of a session, kept in the worker so that a hidden page loses no points.
// At most MAX_ROWS rows: when full, every other row is dropped and rows are then kept at half
// the rate, so a long run keeps its whole span at an even spacing.

import { schema } from '../../pkg/minimax_web.js';

/** The columns: the iteration, D's steps, then each scalar the core's catalogue
 * (spec/scalars.rs) has the history keep. Read once, after the engine has started. */
let columns = null;
export function historyColumns() {
  columns ??= ['iter', 'd_steps', ...JSON.parse(schema()).scalars.filter((s) => s.history).map((s) => s.name)];
  return columns;
}
const MAX_ROWS = 10_000;

export class History {
  constructor() { this.clear(); }

  clear() { this.rows = []; this.every = 1; this.seen = 0; this.lastIter = -1; }

  /** Records a snapshot's scalars (once per iteration number). */
  add(s) {
    if (s.iter === this.lastIter) return;
    this.lastIter = s.iter;
    if (this.seen++ % this.every !== 0) return;
    this.rows.push(historyColumns().map((c) => (typeof s[c] === 'number' ? s[c] : null)));
    if (this.rows.length >= MAX_ROWS) {
      this.rows = this.rows.filter((_, i) => i % 2 === 0);
      this.every *= 2;
    }
  }

  /** Drops the rows after iteration `iter` (after a roll-back). */
  truncate(iter) {
    this.rows = this.rows.filter((r) => r[0] <= iter);
    this.lastIter = this.rows.length ? this.rows[this.rows.length - 1][0] : -1;
  }

  get() { return { columns: historyColumns(), rows: this.rows }; }
}
