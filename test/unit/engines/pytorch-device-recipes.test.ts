// The whole PyTorch engine on a stand-in GPU (engines/pytorch/tests/device_run.py: torch's meta device
// computed on CPU shadows, where a CPU tensor among device tensors fails as on CUDA, with the engine's
// device check on) for recipes that together use every kind of ingredient: every tensor the engine
// creates has to be on the run's device for each run to train an epoch, evaluate, checkpoint and write its
// embeddings (kNN, the linear probe, retrieval, few-shot episodes and the label-efficiency curve
// included). Skipped where /usr/bin/python3 cannot import torch.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import type { EvalMetric } from '../../../server/runs/format';
import { runPaths } from '../../../server/runs/paths';
import { readRunRecord } from '../../../server/runs/record';
import { tempDir } from '../trainer/helpers';
import { metrics, onStandIn, prepareRuns, RECIPES, skip, specText, stepLosses } from './deviceHelpers';

test('on a stand-in GPU every recipe trains, evaluates, checkpoints and writes its embeddings: no tensor is left on the CPU', { skip }, async () => {
  const dir = tempDir('pt-device-recipes');
  const names = Object.keys(RECIPES);
  const { runDirs, splitDir } = await prepareRuns(dir, names.map((name) => specText(RECIPES[name]!, 1)));
  const { code, stderr } = await onStandIn(runDirs, splitDir);
  names.forEach((name, i) => {
    const runDir = runDirs[i]!;
    const record = readRunRecord(runDir);
    assert.equal(record.status, 'completed', `${name}: ${JSON.stringify(record.error)}\n${stderr}`);
    assert.equal(record.backend, 'pytorch-meta', name);
    const losses = stepLosses(runDir);
    assert.ok(losses.length > 0 && losses.every(Number.isFinite), `${name}: losses ${losses.join(', ')}`);
    const evals = metrics(runDir).filter((l): l is EvalMetric => l.kind === 'eval');
    assert.equal(evals.length, 1, name);
    assert.ok((evals[0]!.knnAccuracy ?? 0) > 0.2, `${name}: kNN ${String(evals[0]!.knnAccuracy)} (chance 0.1)`);
    assert.ok(existsSync(`${runPaths(runDir).embeddings}/meta.json`), `${name}: no embeddings`);
    if (RECIPES[name]!.eval?.includes('fewShot') === true) {
      assert.deepEqual(Object.keys(evals[0]!.fewShot ?? {}).sort(), ['5way-1shot', '5way-3shot'], name);
      assert.equal(evals[0]!.labelEfficiency?.length, 2, name);
    }
  });
  assert.equal(code, 0, stderr);
});
