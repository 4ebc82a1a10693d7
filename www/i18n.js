// Every user-visible string, by language. Polish joins English here, key for key.
export const STRINGS = {
  en: {
    title: 'Minimax — a GAN laboratory',
    play: 'Play', pause: 'Pause', stepD: 'D step', stepG: 'G step', step: 'Iteration', reset: 'Reset',
    stepDHelp: 'One discriminator step', stepGHelp: 'One generator step', stepHelp: 'k discriminator steps, then one generator step',
    'section.data': 'Data', 'section.model': 'Players G and D', 'section.objective': 'The game', 'section.optim': 'Optimisation', 'section.run': 'Run',
    'field.dataset': 'Data', 'field.data_dim': 'Dimension', 'field.points': 'Points', 'field.model': 'Architecture',
    'field.latent_dim': 'Latent dimension', 'field.latent': 'Distribution of z',
    'field.g_hidden': 'G width', 'field.g_layers': 'G depth', 'field.d_hidden': 'D width', 'field.d_layers': 'D depth',
    'field.activation': 'Activation', 'field.g_channels': 'G channels', 'field.d_channels': 'D channels', 'field.batch_norm': 'Batch norm',
    'field.loss': 'Loss', 'field.d_steps': 'k (D steps per G step)', 'field.unrolled': 'Unrolled D steps',
    'field.gp': 'Gradient penalty λ', 'field.generators': 'Generators', 'field.batch_size': 'Batch size',
    'field.optimizer_d': 'Optimizer of D', 'field.optimizer_g': 'Optimizer of G', 'field.lr_d': 'Learning rate of D',
    'field.lr_g': 'Learning rate of G', 'field.beta1': 'Adam β₁', 'field.seed': 'Seed', 'field.hist_bins': 'Histogram bins',
    'model.mlp': 'MLP', 'model.dcgan': 'DCGAN (convolutions)', 'latent.gaussian': 'Gaussian N(0, I)', 'latent.uniform': 'Uniform U(−1, 1)',
    'activation.relu': 'ReLU', 'activation.leaky-relu': 'Leaky ReLU', 'activation.tanh': 'tanh',
    imagesTitle: 'Samples G(z) for fixed z, beside real digits', fakeGrid: 'generated (the same z throughout)', realGrid: 'real (MNIST)',
    walk: 'latent walk: G along the segment between two fixed z', saveSamples: 'Save samples (PNG)',
    speed: 'Speed', backend: 'Backend', showDStar: 'Show D* beside D', arrows: 'Show G\'s gradient',
    clearPoints: 'Clear points', drawHint: 'Click the plane to add points, then press Reset.',
    'dataset.ring': 'Ring of 8 gaussians', 'dataset.grid': 'Grid of 25 gaussians', 'dataset.spiral': 'Spiral',
    'dataset.moons': 'Two moons', 'dataset.line': 'Line', 'dataset.gaussian': 'One gaussian', 'dataset.points': 'Your points', 'dataset.mnist': 'MNIST digits',
    'loss.minimax': 'Minimax (saturating)', 'loss.non-saturating': 'Non-saturating', 'loss.lsgan': 'Least squares',
    'loss.hinge': 'Hinge', 'loss.wgan-gp': 'Wasserstein + GP',
    'speed.1': 'Slow', 'speed.5': 'Medium', 'speed.20': 'Fast', 'speed.max': 'As fast as possible',
    'opt.adam': 'Adam', 'opt.sgd': 'SGD', 'opt.rmsprop': 'RMSprop',
    'backend.wgpu': 'GPU (WebGPU)', 'backend.flex': 'CPU (flex)', 'backend.auto': 'Automatic (the faster)',
    measured: 'measured: CPU {0} ms, WebGPU {1} ms per iteration',
    crashed: 'The engine stopped ({0}) and was restarted from iteration {1}.',
    crashGiveUp: 'The engine keeps stopping ({0}); reload the page to start again.',
    stopped: 'Stopped', workerStopped: 'the training worker stopped',
    diverged: 'The run went back to iteration {1} and paused: {0}.',
    deviceLost: 'The GPU stopped answering ({0}); training goes on on the CPU from iteration {1}.',
    saveCheckpoint: 'Save checkpoint', saveCheckpointHelp: 'Download the whole state of the run (weights, optimizer, counters)',
    loadCheckpoint: 'Load checkpoint', loadCheckpointHelp: 'Go on from a checkpoint file (checked before anything is replaced)',
    exportCsv: 'Metrics (CSV)', exportJson: 'Metrics (JSON)',
    evalTitle: 'The classifier\'s verdict on G\'s digits', evaluate: 'Evaluate now',
    evaluateHelp: 'Score 1 000 samples of G with the digit classifier (Inception Score, Fréchet distance, digits seen)',
    evalNone: 'Not evaluated yet (every 20 s while training, or now).',
    evalScores: 'iteration {0}: IS {1} (real digits {2}) · FID {3} (real digits {4}) · digits seen {5}/10 · n = {6}',
    verdictLabel: 'Share of the samples the classifier puts in each digit, one column per evaluation',
    pretrainedButton: 'Start trained', pretrainedHelp: 'Go on from a checkpoint of this preset trained ahead (replaces the run)',
    loadingPretrained: 'Loading the trained checkpoint…', pretrainedOptions: 'Started from the trained checkpoint with its own options; not applied: {0}', noPretrained: 'The preset {0} has no trained checkpoint',
    savePng: 'Save this chart as a PNG', savePngOf: 'Save the {0} as a PNG',
    'chart.plane': 'data-space chart', 'chart.histogram': 'histogram of D(x)', 'chart.loss': 'loss chart',
    'chart.gradients': 'gradient-norm chart', 'chart.jsd': 'Jensen–Shannon chart', 'chart.verdict': 'classifier\'s verdict',
    updateReady: 'A new version of Minimax is ready.', reload: 'Reload',
    planeTitle: 'Data space: real and generated samples over D(x)', planeTitleStar: 'D(x) (left) and the optimal D*(x) = p_data / (p_data + p_g) (right)',
    histTitle: 'Histogram of D(x) on real and on generated samples', histHalf: 'D = 1/2',
    real: 'real', fake: 'generated', lossTitle: 'Losses', gradTitle: 'Gradient norms', jsdTitle: 'Jensen–Shannon divergence (estimate)',
    dLoss: 'D loss', gLoss: 'G loss', dEq: 'D, equilibrium', gEq: 'G, equilibrium', gradD: '‖∇D‖', gradG: '‖∇G‖', jsd: 'JSD', ln2: 'ln 2',
    iteration: 'iteration', itersPerSec: 'iterations/s', modes: 'modes', hq: 'high quality',
    overview: 'Model overview', noise: 'noise z', generator: 'G', sample: 'sample G(z)', discriminator: 'D', decision: 'D(x): real?',
    data: 'data x',
    backendInUse: 'Backend', 'notice.webgpu-missing': 'This browser has no WebGPU: training runs on the CPU (flex) backend.',
    'notice.webgpu-failed': 'WebGPU could not start ({0}): training runs on the CPU (flex) backend.',
    'notice.loading-mnist': 'Loading the MNIST digits (1.6 MB)…',
    errorPrefix: 'Error', loading: 'Loading the engine…', playing: 'Training', paused: 'Paused',
    badConfigAttr: 'Ignored the config attribute ({0})',
    credits: 'Minimax · open-source GAN laboratory · burn + WebGPU · MNIST digits by Y. LeCun, C. Cortes and C. J. C. Burges (CC BY-SA 3.0)',
  },
};

let lang = 'en';
export function setLanguage(l) { if (STRINGS[l]) lang = l; }
/** Whether a string exists for `key` (in the language or in English). */
export function has(key) {
  return Boolean((STRINGS[lang] && key in STRINGS[lang]) || key in STRINGS.en);
}
export function t(key, ...args) {
  const s = (STRINGS[lang] && STRINGS[lang][key]) ?? STRINGS.en[key] ?? key;
  return s.replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)]));
}
