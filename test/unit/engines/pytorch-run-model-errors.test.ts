// What the network of a PyTorch run refuses, saying where (server/trainer/engines/pytorchEmbed.ts,
// pytorchExport.ts, contrastive_lab_torch/runmodel.py + tfjs_weights.py): inputs of another shape or
// size, a spec.json that no longer builds the checkpoint's network (embed and export; export then
// writes nothing), a tfjs run, and a network part with no tfjs counterpart. What works:
// pytorch-run-model.test.ts. Skipped where /usr/bin/python3 has no torch.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runPaths } from '../../../server/runs/paths';
import type { ResolvedSpec } from '../../../server/spec/types';
import { exportTfjs } from '../../../server/trainer/afterRun';
import { trainWithPyTorch } from '../../../server/trainer/engines/pytorch';
import { embedWithPyTorchRun } from '../../../server/trainer/engines/pytorchEmbed';
import { trainNewRun } from '../../../server/trainer/start';
import { manualStop, tempDir, writeSpec } from '../trainer/helpers';

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : `${PYTHON} cannot import torch (${(probe.error?.message ?? probe.stderr ?? '').trim().split('\n').pop() || `exit ${probe.status}`}); install python3-torch to test the PyTorch engine`;
process.env['CONTRASTIVE_LAB_PYTHON'] = PYTHON;
process.env['OMP_NUM_THREADS'] = '1';

const SPEC = `experiment: run-model-errors
data:
  source: builtin:digits
  limit: 60
  split: { testFraction: 0.25, seed: 0 }
pairs:
  positives: labels
  negatives: { type: batch }
loss: { type: supCon, temperature: 0.1 }
architecture:
  backbone: { type: mlp, layers: [16] }
  representationSize: 8
  projection: { layers: [8] }
strategy:
  epochs: 1
  batchSize: 15
eval:
  knn: { k: 5, temperature: 0.07 }
`;

async function trained(): Promise<string> {
  const dir = tempDir('run-model-errors');
  const written = writeSpec(dir, SPEC);
  const outcome = await trainWithPyTorch({ spec: written.spec, specPath: written.path, specText: written.text, outRoot: join(dir, 'runs') }, { mode: 'silent', stop: manualStop(), umap: false, threads: 1, python: PYTHON });
  assert.equal(outcome.status, 'completed');
  return outcome.runDir;
}

const runSpec = (runDir: string): ResolvedSpec => JSON.parse(readFileSync(runPaths(runDir).specJson, 'utf8')) as ResolvedSpec;

test('PyTorch run: a network spec.json no longer describes, inputs of another shape and a tfjs run are refused, saying where', { skip }, async () => {
  const runDir = await trained();
  await assert.rejects(embedWithPyTorchRun(runDir, new Float32Array(2 * 32 * 32 * 3), [2, 32, 32, 3]), (e: Error) => e.message.includes(runDir) && /samples of shape \[32, 32, 3\], but this run's network takes \[28, 28, 1\]/.test(e.message));
  await assert.rejects(embedWithPyTorchRun(runDir, new Float32Array(5), [2, 28, 28, 1]), /5 values do not fill shape \[2, 28, 28, 1\]/);

  const edited = tempDir('run-model-edited');
  spawnSync('cp', ['-r', runDir, edited]);
  const copy = join(edited, runDir.split('/').at(-1)!);
  const s = runSpec(copy);
  writeFileSync(runPaths(copy).specJson, JSON.stringify({ ...s, architecture: { ...s.architecture, representationSize: 7 } }));
  await assert.rejects(embedWithPyTorchRun(copy, new Float32Array(28 * 28), [1, 28, 28, 1]), /checkpoints\/step-00000003: spec\.json does not build the network stored in this checkpoint/);
  await assert.rejects(exportTfjs(copy, join(copy, 'export', 'tfjs')), /spec\.json does not build the network stored in this checkpoint/);
  assert.equal(existsSync(join(copy, 'export', 'tfjs', 'model.json')), false);

  const tfjsDir = tempDir('run-model-tfjs');
  const written = writeSpec(tfjsDir, SPEC);
  const tfjsRun = await trainNewRun({ spec: written.spec, specPath: written.path, specText: written.text, outRoot: join(tfjsDir, 'runs') }, { mode: 'silent', backend: 'cpu', stop: manualStop(), umap: false });
  await assert.rejects(embedWithPyTorchRun(tfjsRun.runDir, new Float32Array(28 * 28), [1, 28, 28, 1]), /trained on the tfjs engine, not PyTorch/);
});

test('tfjs_weights.py: a part of the network with no tfjs counterpart is an error naming where it is', { skip }, () => {
  const r = spawnSync(PYTHON, [join(__dirname, '..', '..', '..', 'engines', 'pytorch', 'tests', 'tfjs_weights_unmappable.py')], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: join(__dirname, '..', '..', '..', 'engines', 'pytorch') } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /backbone\.1: LayerNorm has no counterpart in the tfjs model of this architecture/);
  assert.match(r.stdout, /backbone\.1: BatchNorm1d is not the engine's TfBatchNorm/);
});
