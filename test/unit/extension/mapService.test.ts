// The map panel's data process against the real CLI (`contrastive-lab map <run> --serve`): it
// announces the run's distance, answers exact neighbours as a brute-force sort would, computes a
// projection with progress and stores it, reports a bad request as an error, and a run without
// embeddings as a process that could not start.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { MapService } from '../../../extension/runs/mapService';
import type { TrainerInvocation } from '../../../extension/trainer/trainerCommand';
import { readProjection, writeEmbeddings } from '../../../server/runs/embeddings';

const ROOT = join(__dirname, '..', '..', '..');
const root = mkdtempSync(join(tmpdir(), 'cl-map-service-'));
const services: MapService[] = [];
after(() => {
  for (const s of services) s.dispose();
  rmSync(root, { recursive: true, force: true });
});

function serve(runDir: string): MapService {
  const inv: TrainerInvocation = { command: process.execPath, args: ['--import', 'tsx', join(ROOT, 'server/cli/main.ts'), 'map', runDir, '--serve'], env: {}, cwd: ROOT };
  const s = new MapService(inv);
  services.push(s);
  return s;
}

/** 300 points on a circle in 3-D (angle i), labelled by quarter: cosine neighbours are the nearest angles. */
function circleRun(name: string): string {
  const dir = join(root, name);
  const count = 300;
  const vectors = new Float32Array(count * 3);
  for (let i = 0; i < count; i++) vectors.set([Math.cos((2 * Math.PI * i) / count), Math.sin((2 * Math.PI * i) / count), 0.5], i * 3);
  writeEmbeddings(dir, {
    meta: { formatVersion: 1, count, dim: 3, layer: 'representation', dtype: 'float32', byteOrder: 'little-endian', labelled: true, classNames: null, epoch: 1, step: 1, projections: [], sprite: null },
    vectors,
    samples: { ids: Array.from({ length: count }, (_, i) => `p${i}`), labels: Array.from({ length: count }, (_, i) => Math.floor((4 * i) / count)), split: Array.from({ length: count }, () => 'train' as const) },
  }, {});
  return dir;
}

test('the map process measures neighbours with the run distance, exactly, and computes a projection with progress', async () => {
  const dir = circleRun('circle');
  const s = serve(dir);
  const ready = await s.ready();
  assert.equal(ready.count, 300);
  assert.equal(ready.distance.name, 'cosine', 'a run without spec.json is measured by cosine');
  const found = await s.neighbours(10, 4);
  assert.deepEqual(found.map((n) => n.index), [9, 11, 8, 12], 'the nearest angles, the nearer index first on a tie');
  assert.ok(found[0]!.distance > 0 && Math.abs(found[0]!.distance - found[1]!.distance) < 1e-6, 'the two neighbours one step away are equally far');
  const phases: string[] = [];
  const seconds = await s.project(['pca'], (phase) => phases.push(phase));
  assert.ok(typeof seconds.pca === 'number');
  assert.ok(phases.includes('PCA: covariance') && phases.includes('PCA: projecting'), `progress heard: ${phases.join(', ')}`);
  assert.equal(readProjection(dir, 'pca')?.length, 600);
  await assert.rejects(s.neighbours(300, 3), /sample 300 is not in this run; use an index from 0 to 299/);
  assert.deepEqual((await s.neighbours(0, 2)).map((n) => n.index), [1, 299], 'the process still answers after an error');
});

test('a run without embeddings fails the map process with the reason', async () => {
  const s = serve(join(root, 'nothing-here'));
  await assert.rejects(s.ready(), /the map process exited \(code 1\).*meta\.json/);
});
