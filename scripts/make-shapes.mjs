// Generates the tiny labelled image folder used by examples/shapes-simclr.contrastive.yaml:
// examples/data/shapes/<class>/<n>.png — 4 classes × 10 coloured 32×32 shapes, deterministic.
// Run: node scripts/make-shapes.mjs
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeShapes } from './shapes.mjs';

const root = fileURLToPath(new URL('../examples/data/shapes', import.meta.url));
rmSync(root, { recursive: true, force: true });
const written = await writeShapes(root, 10);
console.log(`wrote ${written} images to ${root}`);
