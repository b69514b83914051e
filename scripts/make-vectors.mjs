// Generates examples/data/blobs.csv: 300 labelled vectors (8 features, 3 classes — Gaussian blobs
// with correlated, differently scaled features) for the vector examples. Deterministic.
// Run: node scripts/make-vectors.mjs
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const out = fileURLToPath(new URL('../examples/data/blobs.csv', import.meta.url));
let state = 7;
const random = () => {
  state = (state * 1664525 + 1013904223) % 4294967296;
  return (state + 0.5) / 4294967296;
};
const gaussian = () => Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random());

const FEATURES = 8;
const PER_CLASS = 100;
const classes = ['alpha', 'beta', 'gamma'];
const centres = classes.map(() => Array.from({ length: FEATURES }, () => gaussian() * 2));
const scales = Array.from({ length: FEATURES }, (_, j) => 10 ** (j % 3)); // mixed units: 1, 10, 100

const rows = [[...Array.from({ length: FEATURES }, (_, j) => `f${j + 1}`), 'label'].join(',')];
for (let i = 0; i < PER_CLASS; i++) {
  classes.forEach((name, c) => {
    const shared = gaussian();
    const values = centres[c].map((centre, j) => ((centre + 0.8 * gaussian() + 0.5 * shared) * scales[j]).toFixed(3));
    rows.push([...values, name].join(','));
  });
}
writeFileSync(out, `${rows.join('\n')}\n`);
console.log(`wrote ${rows.length - 1} rows to ${out}`);
