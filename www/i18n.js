// Every user-visible string, by language. Polish joins English here, key for key.
export const STRINGS = {
  en: {
    title: 'Minimax — a GAN laboratory',
    play: 'Play', pause: 'Pause', stepD: 'D step', stepG: 'G step', step: 'Iteration', reset: 'Reset',
    stepDHelp: 'One discriminator step', stepGHelp: 'One generator step', stepHelp: 'k discriminator steps, then one generator step',
    dataset: 'Data', loss: 'Loss', remedies: 'Remedies for mode collapse', unrolled: 'Unrolled D steps',
    gp: 'Gradient penalty λ', generators: 'Generators', dSteps: 'k (D steps per G step)',
    lrD: 'Learning rate of D', lrG: 'Learning rate of G', optimizerD: 'Optimizer of D', optimizerG: 'Optimizer of G',
    gHidden: 'G width', gLayers: 'G depth', dHidden: 'D width', dLayers: 'D depth', latentDim: 'Latent dimension',
    seed: 'Seed', speed: 'Speed', backend: 'Backend', showDStar: 'Show D* beside D', arrows: 'Show G\'s gradient',
    clearPoints: 'Clear points', drawHint: 'Click the plane to add points, then press Reset.',
    'dataset.ring': 'Ring of 8 gaussians', 'dataset.grid': 'Grid of 25 gaussians', 'dataset.spiral': 'Spiral',
    'dataset.moons': 'Two moons', 'dataset.line': 'Line', 'dataset.gaussian': 'One gaussian', 'dataset.points': 'Your points',
    'loss.minimax': 'Minimax (saturating)', 'loss.non-saturating': 'Non-saturating', 'loss.lsgan': 'Least squares',
    'loss.hinge': 'Hinge', 'loss.wgan-gp': 'Wasserstein + GP',
    'speed.1': 'Slow', 'speed.5': 'Medium', 'speed.20': 'Fast', 'speed.max': 'As fast as possible',
    'opt.adam': 'Adam', 'opt.sgd': 'SGD', 'opt.rmsprop': 'RMSprop',
    'backend.wgpu': 'GPU (WebGPU)', 'backend.flex': 'CPU (flex)',
    planeTitle: 'Data space: real and generated samples over D(x)', planeTitleStar: 'D(x) (left) and the optimal D*(x) = p_data / (p_data + p_g) (right)',
    histTitle: 'Histogram of D(x) on real and on generated samples', histHalf: 'D = 1/2',
    real: 'real', fake: 'generated', lossTitle: 'Losses', gradTitle: 'Gradient norms', jsdTitle: 'Jensen–Shannon divergence (estimate)',
    dLoss: 'D loss', gLoss: 'G loss', dEq: 'D, equilibrium', gEq: 'G, equilibrium', gradD: '‖∇D‖', gradG: '‖∇G‖', jsd: 'JSD', ln2: 'ln 2',
    iteration: 'iteration', itersPerSec: 'iterations/s', modes: 'modes', hq: 'high quality',
    overview: 'Model overview', noise: 'noise z', generator: 'G', sample: 'sample G(z)', discriminator: 'D', decision: 'D(x): real?',
    data: 'data x',
    backendInUse: 'Backend', 'notice.webgpu-missing': 'This browser has no WebGPU: training runs on the CPU (flex) backend.',
    'notice.webgpu-failed': 'WebGPU could not start ({0}): training runs on the CPU (flex) backend.',
    errorPrefix: 'Error', loading: 'Loading the engine…', playing: 'Training', paused: 'Paused',
    badConfigAttr: 'Ignored the config attribute ({0})',
    credits: 'Minimax · open-source GAN laboratory · burn + WebGPU',
  },
};

let lang = 'en';
export function setLanguage(l) { if (STRINGS[l]) lang = l; }
export function t(key, ...args) {
  const s = (STRINGS[lang] && STRINGS[lang][key]) ?? STRINGS.en[key] ?? key;
  return s.replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)]));
}
