// Batches made one step ahead on a helper thread (server/trainer/batchPrefetch.ts) are the batches
// the trainer would make itself, bit for bit, for every augmentation, on image and vector data and
// with one or two views; and the helper really makes them. A run trained on two threads (helper on)
// ends with the same loss and kNN as on one (helper off).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { initBackend, tf } from '../../../server/contrastive/backend';
import { buildSeededPipeline } from '../../../server/contrastive/augment/pipeline';
import { twoViewAugmenter } from '../../../server/contrastive/pairs/twoViews';
import type { AugmentationOp } from '../../../server/spec/types';
import { batchBuilder, type BatchBuilder } from '../../../server/trainer/batch';
import { prefetchingBatches } from '../../../server/trainer/batchPrefetch';
import type { HostSamples } from '../../../server/trainer/gatherRows';
import { trainNewRun } from '../../../server/trainer/start';
import { readEmbeddings } from '../../../server/runs/embeddings';
import { readJsonLines } from '../../../server/runs/jsonl';
import { manualStop, tempDir, TINY_SPEC, writeSpec } from './helpers';

const imageOps: AugmentationOp[] = [
  { type: 'randomResizedCrop', probability: 1, scale: [0.2, 1], ratio: [0.75, 1.333] },
  { type: 'flip', probability: 0.5, horizontal: true, vertical: true },
  { type: 'affine', probability: 0.7, degrees: 30, translate: 0.1, scale: [0.8, 1.2] },
  { type: 'brightness', probability: 1, delta: 0.4 },
  { type: 'contrast', probability: 1, range: [0.5, 1.5] },
  { type: 'hue', probability: 1, delta: 0.5 },
  { type: 'grayscale', probability: 0.5 },
  { type: 'gaussianNoise', probability: 0.5, std: 0.1 },
  { type: 'gaussianBlur', probability: 1, sigma: [0.5, 2], kernelSize: 5 },
  { type: 'cutout', probability: 1, size: 3, count: 2 },
];
const vectorOps: AugmentationOp[] = [
  { type: 'featureNoise', probability: 1, std: 0.1 },
  { type: 'featureMask', probability: 1, fraction: 0.3 },
];

before(async () => {
  await initBackend('wasm', { threads: 2 });
});

after(() => tf.disposeVariables());

function hostSamples(count: number, sampleShape: number[]): HostSamples {
  const size = sampleShape.reduce((a, b) => a * b, 1);
  return { values: Float32Array.from({ length: count * size }, (_, i) => (Math.sin(i * 0.731) + 1) / 2), sampleShape };
}

const sameBits = (a: tf.Tensor, b: tf.Tensor): boolean => {
  const x = a.dataSync();
  const y = b.dataSync();
  return a.shape.join() === b.shape.join() && x.every((v, i) => Object.is(v, y[i]));
};

async function compare(name: string, samples: HostSamples, make: () => BatchBuilder, views: { weak: AugmentationOp[]; strong: AugmentationOp[] } | { weakOnly: AugmentationOp[] }): Promise<void> {
  const labels = Int32Array.from({ length: 64 }, (_, i) => i % 5);
  const local = make();
  const ahead = prefetchingBatches(make(), { samples, labels, seed: 7, batchSize: 16, views });
  assert.equal(await ahead.ready, true, `${name}: the helper thread started`);
  const batches = Array.from({ length: 8 }, (_, k) => Int32Array.from({ length: 16 }, (_, i) => (i * 13 + k * 5) % 64));
  try {
    for (let k = 0; k < batches.length; k++) {
      const step = k + 1;
      const mine = ahead.make(batches[k]!, step);
      if (k + 1 < batches.length) ahead.prepare(batches[k + 1]!, step + 1);
      const theirs = local.make(batches[k]!, step);
      assert.ok(sameBits(mine.view1, theirs.view1), `${name}, step ${step}: view 1 differs`);
      assert.equal(mine.view2 === null, theirs.view2 === null);
      if (mine.view2 !== null) assert.ok(sameBits(mine.view2, theirs.view2!), `${name}, step ${step}: view 2 differs`);
      assert.deepEqual(mine.labels, Int32Array.from(batches[k]!, (i) => labels[i]!));
      tf.dispose([mine.view1, theirs.view1, ...(mine.view2 ? [mine.view2, theirs.view2!] : [])]);
    }
    // Step 1 was never announced; every later one was, and the helper made it.
    assert.equal(ahead.prefetched(), batches.length - 1, `${name}: batches made by the helper`);
  } finally {
    ahead.dispose();
  }
}

for (const op of imageOps) {
  test(`two views with ${op.type}: the helper's batches are the trainer's, bit for bit (RGB images)`, async () => {
    const samples = hostSamples(64, [12, 12, 3]);
    const views = { weak: [op], strong: [op, { type: 'gaussianNoise', probability: 0.5, std: 0.1 } as AugmentationOp] };
    await compare(op.type, samples, () => batchBuilder({ samples, labels: Int32Array.from({ length: 64 }, (_, i) => i % 5), twoViews: twoViewAugmenter(views, 7), weakOnly: null, seed: 7 }), views);
  });
}

test('one view of vectors (featureNoise, featureMask): the same batches from the helper', async () => {
  const samples = hostSamples(64, [20]);
  await compare('vectors', samples, () => batchBuilder({ samples, labels: Int32Array.from({ length: 64 }, (_, i) => i % 5), twoViews: null, weakOnly: buildSeededPipeline(vectorOps), seed: 7 }), { weakOnly: vectorOps });
});

test('a batch the trainer did not announce is made by the trainer, and a failed helper is never waited on again', async () => {
  const samples = hostSamples(64, [12, 12, 1]);
  const views = { weak: [imageOps[2]!], strong: [imageOps[7]!] };
  const make = (): BatchBuilder => batchBuilder({ samples, labels: null, twoViews: twoViewAugmenter(views, 7), weakOnly: null, seed: 7 });
  const local = make();
  const ahead = prefetchingBatches(make(), { samples, labels: null, seed: 7, batchSize: 16, views });
  assert.equal(await ahead.ready, true);
  const a = Int32Array.from({ length: 16 }, (_, i) => i);
  const b = Int32Array.from({ length: 16 }, (_, i) => 63 - i);
  ahead.prepare(a, 2);
  const got = ahead.make(b, 2); // announced a, asked for b: b it is
  const want = local.make(b, 2);
  assert.ok(sameBits(got.view1, want.view1) && sameBits(got.view2!, want.view2!));
  assert.equal(ahead.prefetched(), 0);
  ahead.dispose(); // after this the builder still answers, by itself
  ahead.prepare(a, 3);
  const after = ahead.make(a, 3);
  assert.ok(sameBits(after.view1, local.make(a, 3).view1));
  assert.equal(ahead.prefetched(), 0);
  tf.dispose([got.view1, got.view2!, want.view1, want.view2!, after.view1, after.view2!]);
});

const SIMCLR_SPEC = TINY_SPEC.replace(
  'pairs:\n  positives: labels\n  negatives: { type: batch }',
  `pairs:
  positives: augmentation
  views:
    weak: [{ type: affine, probability: 0.5, degrees: 10, translate: 0.1, scale: [0.9, 1.1] }]
    strong: [{ type: affine, probability: 0.8, degrees: 15, translate: 0.1, scale: [0.9, 1.1] }, { type: gaussianNoise, probability: 0.5, std: 0.1 }]
  negatives: { type: batch }`,
).replace('loss: { type: supCon, temperature: 0.1 }', 'loss: { type: infoNCE, temperature: 0.5 }');

/** Every step's loss and every evaluation's figures (not their times), in order. */
function learningCurve(runDir: string): unknown[] {
  const lines = readJsonLines<Record<string, unknown>>(join(runDir, 'metrics.jsonl')).lines;
  return lines.map((m) => ({ kind: m['kind'], step: m['step'], loss: m['loss'], knn: m['knnAccuracy'], probe: m['linearProbeAccuracy'] }));
}

test('a SimCLR run on two threads (batches made ahead) learns exactly as on one: same losses, kNN and vectors', async () => {
  assert.notEqual(SIMCLR_SPEC, TINY_SPEC.replace('loss: { type: supCon, temperature: 0.1 }', 'loss: { type: infoNCE, temperature: 0.5 }'), 'the spec has augmented views');
  const dir = tempDir('prefetch-run');
  const { path, spec, text } = writeSpec(dir, SIMCLR_SPEC);
  const runs: string[] = [];
  for (const threads of [2, 1]) {
    const outcome = await trainNewRun({ spec, specPath: path, specText: text, outRoot: join(dir, `runs-${threads}`) }, { mode: 'silent', backend: 'wasm', threads, stop: manualStop(), umap: false });
    assert.equal(outcome.status, 'completed', JSON.stringify(outcome.record.error));
    runs.push(outcome.runDir);
  }
  assert.deepEqual(learningCurve(runs[0]!), learningCurve(runs[1]!));
  assert.deepEqual(Array.from(readEmbeddings(runs[0]!).vectors), Array.from(readEmbeddings(runs[1]!).vectors));
});
