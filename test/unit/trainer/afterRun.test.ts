import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tf } from '../../../server/contrastive/backend';
import { loadData } from '../../../server/contrastive/data/load';
import { fileSystemHandler } from '../../../server/contrastive/models';
import { readEmbeddings } from '../../../server/runs/embeddings';
import { exportTfjs, reembedRun } from '../../../server/trainer/afterRun';
import { trainNewRun } from '../../../server/trainer/start';
import { manualStop, tempDir, TINY_SPEC, writeSpec } from './helpers';

test('embed recomputes the same embeddings from the checkpoint; the tfjs export reproduces them', async () => {
  const dir = tempDir('after');
  const { path, spec, text } = writeSpec(dir, TINY_SPEC.replace('epochs: 2', 'epochs: 1'));
  const outcome = await trainNewRun({ spec, specPath: path, specText: text, outRoot: join(dir, 'runs') }, { mode: 'silent', backend: 'cpu', stop: manualStop(), umap: false });
  assert.equal(outcome.status, 'completed', JSON.stringify(outcome.record.error));
  const before = readEmbeddings(outcome.runDir);

  const written = await reembedRun(outcome.runDir, { backend: 'cpu', umap: false });
  assert.equal(written.count, 300);
  const after = readEmbeddings(outcome.runDir);
  assert.deepEqual(Array.from(after.vectors), Array.from(before.vectors));

  const out = join(dir, 'model');
  const files = await exportTfjs(outcome.runDir, out);
  assert.deepEqual(files, ['model.json', 'weights.bin', 'README.md']);
  assert.match(readFileSync(join(out, 'README.md'), 'utf8'), /tf\.loadLayersModel\('file:\/\//);
  const model = await tf.loadLayersModel(fileSystemHandler(out));
  const { dataset } = await loadData(spec.data, { specDir: dir, cacheDir: null });
  const outputs = [model.predict(tf.tensor(dataset.x.subarray(0, 784 * 3), [3, 28, 28, 1]))].flat() as tf.Tensor[];
  const representation = outputs[0]!.dataSync();
  for (let i = 0; i < 3 * 16; i++) assert.ok(Math.abs(representation[i]! - before.vectors[i]!) < 1e-4, `value ${i}: exported ${representation[i]} vs stored ${before.vectors[i]}`);
  tf.dispose(outputs);
  model.dispose();
});

// The run's final vectors are the final evaluation's, reused (each row depends on its sample
// alone); on wasm they come from our matrix product, whose rows must not depend on the batch either.
test('on wasm too, the final embeddings are those embedding every sample again gives', async () => {
  const dir = tempDir('after-wasm');
  const { path, spec, text } = writeSpec(dir, TINY_SPEC.replace('epochs: 2', 'epochs: 1'));
  const outcome = await trainNewRun({ spec, specPath: path, specText: text, outRoot: join(dir, 'runs') }, { mode: 'silent', backend: 'wasm', stop: manualStop(), umap: false });
  assert.equal(outcome.status, 'completed', JSON.stringify(outcome.record.error));
  const before = readEmbeddings(outcome.runDir);
  await reembedRun(outcome.runDir, { backend: 'wasm', umap: false });
  const after = readEmbeddings(outcome.runDir);
  assert.deepEqual(Array.from(after.vectors), Array.from(before.vectors));
});
