// What a lesson (or the user) may turn on and point at in <minimax-gan>.

/** The views, with their defaults: D* beside D, G's gradient as arrows, the density ratio
 * D/(1 − D) instead of D, arrows at a fixed scale, the chart of the mode holding most samples
 * (ring and grid), the generator manifold (G's image of a latent grid, plane.js LAYERS), the
 * Dirac GAN (panels/dirac.js: a toy game of its own beside the run). */
export const VIEWS = { showDStar: false, arrows: true, ratio: false, fixedArrows: false, modeChart: false, manifold: false, dirac: false };

/** The panels a lesson may point at (the attribute `highlight`, space-separated), by class. */
export const HIGHLIGHTS = {
  plane: '.plane-panel', images: '.images-panel', hist: '.hist-panel', loss: '.loss-panel', grad: '.grad-panel',
  jsd: '.jsd-panel', dirac: '.dirac-panel', mode: '.mode-panel', eval: '.eval-panel', compare: '.compare-panel', controls: '.controls',
};
