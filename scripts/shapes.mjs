// The coloured-shapes image generator: <root>/<class>/<n>.png, 4 classes (circle, square, triangle,
// cross) of 32×32 RGB shapes with random colour, size, position and ±20° rotation on a dark
// background, drawn from a fixed LCG so the same call writes the same files. Used by
// scripts/make-shapes.mjs (the example's 4 × 10 folder) and `npm run quality` (4 × 100).
import sharp from 'sharp';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const SIZE = 32;

const shapes = {
  circle: (cx, cy, r, fill) => `<circle cx="${cx}" cy="${cy}" r="${r}" fill="${fill}"/>`,
  square: (cx, cy, r, fill, angle) => `<rect x="${cx - r}" y="${cy - r}" width="${2 * r}" height="${2 * r}" fill="${fill}" transform="rotate(${angle} ${cx} ${cy})"/>`,
  triangle: (cx, cy, r, fill, angle) => `<polygon points="${cx},${cy - r} ${cx - r},${cy + r} ${cx + r},${cy + r}" fill="${fill}" transform="rotate(${angle} ${cx} ${cy})"/>`,
  cross: (cx, cy, r, fill, angle) => `<g transform="rotate(${angle} ${cx} ${cy})" fill="${fill}"><rect x="${cx - r}" y="${cy - r / 3}" width="${2 * r}" height="${(2 * r) / 3}"/><rect x="${cx - r / 3}" y="${cy - r}" width="${(2 * r) / 3}" height="${2 * r}"/></g>`,
};

/**
 * Writes `perClass` images of each shape under `root` and returns how many were written.
 * File names are the index zero-padded to `digits` characters.
 * @param {string} root
 * @param {number} perClass
 * @param {number} [digits]
 * @returns {Promise<number>}
 */
export async function writeShapes(root, perClass, digits = 2) {
  let state = 20261127;
  const random = () => {
    state = (state * 1664525 + 1013904223) % 4294967296;
    return state / 4294967296;
  };
  const between = (lo, hi) => lo + (hi - lo) * random();
  const colour = () => `rgb(${Math.round(between(40, 255))},${Math.round(between(40, 255))},${Math.round(between(40, 255))})`;
  let written = 0;
  for (const [name, draw] of Object.entries(shapes)) {
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const r = between(6, 11);
      const cx = between(r + 2, SIZE - r - 2);
      const cy = between(r + 2, SIZE - r - 2);
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}"><rect width="100%" height="100%" fill="rgb(${Math.round(between(0, 40))},${Math.round(between(0, 40))},${Math.round(between(0, 40))})"/>${draw(cx, cy, r, colour(), between(-20, 20))}</svg>`;
      await sharp(Buffer.from(svg)).png({ compressionLevel: 9 }).toFile(join(dir, `${String(i).padStart(digits, '0')}.png`));
      written++;
    }
  }
  return written;
}
