// A checkpoint holds no device: one written on a stand-in GPU (deviceHelpers.ts,
// engines/pytorch/tests/device_run.py) resumes on the CPU, and a CPU checkpoint on the stand-in GPU,
// to the losses of a CPU run that never stopped (the model, optimiser state, EMA target and queue of
// MoCo all cross). Skipped where /usr/bin/python3 cannot import torch.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readRunRecord } from '../../../server/runs/record';
import { resumeWithPyTorch, trainWithPyTorch } from '../../../server/trainer/engines/pytorch';
import { manualStop, tempDir, writeSpec } from '../trainer/helpers';
import { closeTo, events, onStandIn, prepareRuns, pytorch, RECIPES, skip, specText, stepLosses } from './deviceHelpers';

test('a stand-in GPU checkpoint resumes on the CPU, and a CPU checkpoint on the stand-in GPU, to the losses of a CPU run that never stopped', { skip }, async () => {
  const dir = tempDir('pt-device-resume');
  // Ten epochs (60 steps): a SIGTERM sent when step 3's line arrives must land before the run ends, and
  // the engine trains 12 steps faster than Node reads their lines on a busy machine.
  const text = specText(RECIPES['mocoQueueEma']!, 10);
  const written = writeSpec(dir, text, 'whole.contrastive.yaml');
  const whole = await trainWithPyTorch({ spec: written.spec, specPath: written.path, specText: written.text, outRoot: join(dir, 'whole') }, pytorch('cpu'));
  assert.equal(whole.status, 'completed');
  const expected = stepLosses(whole.runDir);

  mkdirSync(join(dir, 'gpu'));
  const { runDirs: [gpuRun], splitDir } = await prepareRuns(join(dir, 'gpu'), [text]);
  const first = await onStandIn([gpuRun!], splitDir, { stopAtStep: 3 });
  assert.equal(readRunRecord(gpuRun!).status, 'stopped', first.stderr);
  const resumed = await resumeWithPyTorch(gpuRun!, pytorch('cpu'));
  assert.equal(resumed.status, 'completed', JSON.stringify(readRunRecord(gpuRun!).error));
  const resumedAt = events(gpuRun!).find((e) => e.event === 'resumed')?.step ?? 0;
  assert.ok(resumedAt >= 3 && resumedAt < expected.length, `resumed at step ${resumedAt}`); // the SIGTERM lands after step 3's line
  closeTo(stepLosses(gpuRun!), expected, 'stand-in GPU, then CPU');

  const cpu = writeSpec(dir, text, 'cpu-then-gpu.contrastive.yaml');
  const stop = manualStop();
  const stopped = await trainWithPyTorch({ spec: cpu.spec, specPath: cpu.path, specText: cpu.text, outRoot: join(dir, 'cpu') }, { ...pytorch('cpu', stop), onStep: (step) => step === 3 && stop.request('SIGTERM') });
  assert.equal(stopped.status, 'stopped');
  const second = await onStandIn([stopped.runDir], splitDir, { resume: true }); // the split of the same spec

  assert.equal(readRunRecord(stopped.runDir).status, 'completed', `${JSON.stringify(readRunRecord(stopped.runDir).error)}\n${second.stderr}`);
  closeTo(stepLosses(stopped.runDir), expected, 'CPU, then stand-in GPU');
});
