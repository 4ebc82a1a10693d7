// Named starting points, picked with <minimax-gan preset="…"> and `minimax train --preset NAME`.
// Fields are the CLI's options. The object between the BEGIN and END lines is strict JSON: the
// CLI embeds it at build time (crates/minimax-cli/build.rs), so a preset is one recipe wherever
// it runs.
//
// - collapse, generators, collapse-unrolled: the mode-collapse lesson's game (D slower than G:
//   the plain GAN collapses) and two remedies.
// - mnist-dcgan: the DCGAN recipe (docs/digits.md says what each choice is worth), on twenty
//   groups of digits k-means finds without labels in the digits made upright (`clusters`: G is
//   given a group, D names each image's group; twenty purer groups than ten), G's class term
//   weighted 0.3 (`class_weight`: more variety within a group, a lower FID), G learning twice
//   as fast as D (lr_d 10⁻³, lr_g 2·10⁻³).
// - mnist-acgan: the same recipe, conditional on the labels instead of the groups: G draws the
//   digit asked for (the page's digit buttons), D also names each image's digit (an
//   auxiliary-classifier GAN). D keeps the DCGAN's earlier lr_d 5·10⁻⁴, with which its figures
//   were measured (docs/digits.md).
// - mnist-vae: the DCGAN's rival (a VAE with the same players as decoder and encoder), trained
//   beside a GAN on digits: "Train a VAE beside it" takes the GAN's own players, batch and seed
//   over this.
// BEGIN PRESETS
export const PRESETS = {
  "ring": { "dataset": "ring" },
  "grid": { "dataset": "grid", "latent_dim": 8 },
  "gaussian": { "dataset": "gaussian", "data_dim": 2, "latent_dim": 2, "lr_d": 2e-4, "lr_g": 2e-4, "seed": 3 },
  "collapse": { "dataset": "ring", "lr_d": 1e-4, "lr_g": 3e-4, "latent_dim": 16 },
  "generators": { "dataset": "ring", "lr_d": 1e-4, "lr_g": 3e-4, "latent_dim": 16, "generators": 8 },
  "collapse-unrolled": { "dataset": "ring", "lr_d": 1e-4, "lr_g": 3e-4, "latent_dim": 16, "unrolled": 5, "unrolled_through": true, "unrolled_lr": 0.01 },
  "saturating": { "dataset": "gaussian", "data_dim": 2, "latent_dim": 2, "loss": "minimax", "d_steps": 5 },
  "draw": { "dataset": "points", "points": [[-1.5, -1], [0, 1.5], [1.5, -1]] },
  "mnist-dcgan": { "dataset": "mnist", "model": "dcgan", "latent_dim": 64, "batch_size": 64, "init": "normal", "d_batch_norm": true, "lr_d": 1e-3, "lr_g": 2e-3, "ema": 0.99, "clusters": true, "groups": 20, "class_weight": 0.3 },
  "mnist-acgan": { "dataset": "mnist", "model": "dcgan", "latent_dim": 64, "batch_size": 64, "init": "normal", "d_batch_norm": true, "lr_d": 5e-4, "lr_g": 2e-3, "ema": 0.99, "conditional": true },
  "mnist-vae": { "experiment": "vae", "dataset": "mnist", "model": "dcgan", "latent_dim": 64, "batch_size": 64, "lr_g": 1e-3, "beta1": 0.9 },
  "mnist-mlp": { "dataset": "mnist", "model": "mlp", "latent_dim": 64, "g_hidden": 256, "d_hidden": 256, "batch_size": 64, "lr_d": 2e-4, "lr_g": 2e-4 }
};
// END PRESETS

// Presets with a checkpoint trained ahead (`cargo xtask pretrain` runs the CLI on the preset for
// `iters` iterations and writes pretrained/<preset>.ckpt), so a lecture can start from a GAN that
// has learned: the page's "Start trained" button and the `pretrained` attribute load it.
export const PRETRAINED = {
  // The DCGAN is trained four times the 3 000 iterations its recipe is measured at, for IS 9
  // (docs/digits.md, "D at 10⁻³"); its VAE as long, so that `gan-vs-vae` compares equals.
  'mnist-dcgan': { iters: 12000 },
  'mnist-acgan': { iters: 3000 },
  'mnist-vae': { iters: 12000 },
  // The unrolled GAN needs 12 000 iterations, about 2½ minutes in the page on a CPU: its lesson
  // starts from the first 8 000, so that a class sees the last 4 000 in under a minute.
  'collapse-unrolled': { iters: 8000 },
};
