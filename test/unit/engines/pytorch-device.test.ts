// The PyTorch engine trains on the device it is given. Without a GPU here: an explicit `--device cpu`
// run end to end, and a CUDA device torch does not see refused before any run directory exists. On a
// stand-in GPU (deviceHelpers.ts): every ingredient in pytorch-device-recipes.test.ts, checkpoints
// across devices in pytorch-device-resume.test.ts. Skipped where /usr/bin/python3 cannot import torch.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { EvalMetric } from '../../../server/runs/format';
import { runPaths } from '../../../server/runs/paths';
import { readRunRecord } from '../../../server/runs/record';
import { PythonEngineError, trainWithPyTorch } from '../../../server/trainer/engines/pytorch';
import { tempDir, writeSpec } from '../trainer/helpers';
import { events, metrics, PYTHON, pytorch, RECIPES, skip, specText } from './deviceHelpers';

test('--device cpu trains end to end on the CPU and says so', { skip }, async () => {
  const dir = tempDir('pt-device-cpu');
  const written = writeSpec(dir, specText(RECIPES['supConWithProbeAndRetrieval']!, 1));
  const outcome = await trainWithPyTorch({ spec: written.spec, specPath: written.path, specText: written.text, outRoot: join(dir, 'runs') }, pytorch('cpu'));
  assert.equal(outcome.status, 'completed', JSON.stringify(readRunRecord(outcome.runDir).error));
  assert.equal(readRunRecord(outcome.runDir).backend, 'pytorch-cpu');
  const backend = events(outcome.runDir).find((e) => e.event === 'backend');
  assert.equal(backend?.data?.['device'], 'cpu');
  assert.match(backend?.message ?? '', /on the CPU/);
  const evals = metrics(outcome.runDir).filter((l): l is EvalMetric => l.kind === 'eval');
  assert.ok((evals.at(-1)?.knnAccuracy ?? 0) > 0.3, `kNN ${String(evals.at(-1)?.knnAccuracy)}`);
  assert.ok(existsSync(join(runPaths(outcome.runDir).embeddings, 'vectors.f32')));
});

test('a CUDA device this torch does not see is refused before any run directory exists', { skip: skip || (spawnSync(PYTHON, ['-c', 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)']).status === 0 ? 'this machine has a CUDA GPU' : false) }, async () => {
  const dir = tempDir('pt-device-cuda');
  const written = writeSpec(dir, specText(RECIPES['supConWithProbeAndRetrieval']!, 1));
  await assert.rejects(trainWithPyTorch({ spec: written.spec, specPath: written.path, specText: written.text, outRoot: join(dir, 'runs') }, pytorch('cuda:1')),
    (e: unknown) => e instanceof PythonEngineError && /run\.device is cuda:1 but this torch .* sees no CUDA GPU; use run\.device: cpu/.test(e.message));
  const runs = join(dir, 'runs');
  assert.deepEqual(existsSync(runs) ? readdirSync(runs).filter((n) => !n.startsWith('.')) : [], []);
});
