// One colour per side of the game, used everywhere: real data and generated data.
export const REAL = '#1f9e89';
export const FAKE = '#8e44ad';
export const REAL_RGB = [31, 158, 137];
export const FAKE_RGB = [142, 68, 173];
export const GENERATOR_PALETTE = ['#8e44ad', '#d35400', '#c0392b', '#2c3e50', '#7f8c8d', '#b7950b', '#6c3483', '#a04000'];
