// Image grids of the snapshot's `images` section: pixels 0–255, base64, `side`×`side` each.
import { prepareCanvas } from './canvas.js';

/** The bytes of a base64 string. */
export function decode(base64) {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** `count` images laid out `cols` across, one image pixel per canvas pixel, no border. */
export function gridImage(pixels, side, cols, count = pixels.length / (side * side)) {
  const rows = Math.ceil(count / cols);
  const img = new ImageData(cols * side, rows * side);
  for (let k = 0; k < count; k++) {
    const gx = (k % cols) * side, gy = Math.floor(k / cols) * side;
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const v = pixels[k * side * side + y * side + x];
        const o = 4 * ((gy + y) * cols * side + gx + x);
        img.data[o] = img.data[o + 1] = img.data[o + 2] = v;
        img.data[o + 3] = 255;
      }
    }
  }
  return img;
}

/** Draws a grid scaled to fit the canvas by whole pixels' worth, crisp (no smoothing). */
export function drawGrid(canvas, pixels, side, cols) {
  const { ctx, width, height } = prepareCanvas(canvas);
  const img = gridImage(pixels, side, cols);
  const scratch = new OffscreenCanvas(img.width, img.height);
  scratch.getContext('2d').putImageData(img, 0, 0);
  const scale = Math.max(0.25, Math.min(width / img.width, height / img.height));
  const w = img.width * scale, h = img.height * scale;
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(scratch, (width - w) / 2, (height - h) / 2, w, h);
}

/** The grid of samples as a PNG, 8 across: 8×8 (224×224 pixels), a conditional G's 10 rows of 8
 * (224×280, row r asked for digit r). The picture `minimax train --samples` writes. */
export async function samplesPng(pixels, side) {
  const img = gridImage(pixels, side, 8, 8 * Math.floor(pixels.length / (side * side * 8)));
  const canvas = new OffscreenCanvas(img.width, img.height);
  canvas.getContext('2d').putImageData(img, 0, 0);
  return canvas.convertToBlob({ type: 'image/png' });
}
