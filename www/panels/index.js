// The panels of <minimax-gan>, in the order they are laid out: the element renders, mounts,
// updates, clears and exports them in loops. A panel is {name, slot ('main' or 'curves'),
// template(ctx), and optionally initialState (its state's start), mount(ctx, state), update(ctx, snapshot, state),
// snapshot(ctx, snapshot, state) (every snapshot, also unseen ones), clear(ctx, state) (a new
// run), evaluation(ctx, state), views(ctx, state), png(ctx, state) → Promise<Blob>,
// newRun(ctx, state), evaluate(ctx, state), disconnect(ctx, state)}. Its `state` outlives a
// re-render (a change of language). `ctx` is the element.
import { planePanel } from './plane.js';
import { diracPanel } from './dirac.js';
import { imagesPanel, histogramPanel, overviewPanel } from './samples.js';
import { comparePanel, verdictPanel } from './digits.js';
import { CHARTS, chartPanel } from './curves.js';

export const PANELS = [
  diracPanel,
  planePanel,
  imagesPanel,
  comparePanel,
  histogramPanel,
  overviewPanel,
  ...CHARTS.map(chartPanel),
  verdictPanel,
];
