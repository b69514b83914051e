// A PyTorch run whose engine process is killed (kill -9, the OOM killer) is interrupted, as a killed
// tfjs trainer is — not failed — and `resume` continues it from its last checkpoint to completion.
// Skipped (with the reason) only where /usr/bin/python3 cannot import torch.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RunEvent } from '../../../server/runs/format';
import { readJsonLines } from '../../../server/runs/jsonl';
import { runPaths } from '../../../server/runs/paths';
import { summarizeRun } from '../../../server/runs/reader';
import { readRunRecord } from '../../../server/runs/record';
import { resumeWithPyTorch, trainWithPyTorch } from '../../../server/trainer/engines/pytorch';
import { manualStop, tempDir, writeSpec } from '../trainer/helpers';

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : `${PYTHON} cannot import torch; install python3-torch to test the PyTorch engine`;

// 1,500 training samples in batches of 50: 30 steps an epoch, a checkpoint after each epoch.
const SPEC = `experiment: killed
data:
  source: builtin:digits
  limit: 2000
  split: { testFraction: 0.25, seed: 0 }
pairs:
  positives: labels
  negatives: { type: batch }
loss: { type: supCon, temperature: 0.1 }
architecture:
  backbone: { type: mlp, layers: [64] }
  representationSize: 32
  projection: { layers: [32] }
strategy:
  epochs: 2
  batchSize: 50
`;

const controls = () => ({ mode: 'silent' as const, stop: manualStop(), umap: false, threads: 1, python: PYTHON });

test('PyTorch: an engine killed with SIGKILL leaves the run interrupted (not failed), and resume completes it', { skip }, async () => {
  const dir = tempDir('pytorch-killed');
  const written = writeSpec(dir, SPEC);
  let runDir = '';
  let killedPid: number | null = null;
  // Killed in the second epoch, after the first epoch's checkpoint: the engine's pid is the one run.json records.
  const outcome = await trainWithPyTorch({ spec: written.spec, specPath: written.path, specText: written.text, outRoot: join(dir, 'runs') }, {
    ...controls(),
    onStep: (step) => {
      if (step < 35 || killedPid !== null) return;
      killedPid = readRunRecord(runDir).pid;
      assert.ok(killedPid !== null && killedPid !== process.pid, `run.json should name the engine's pid, got ${killedPid}`);
      process.kill(killedPid, 'SIGKILL');
    },
  }, (created) => {
    runDir = created;
  });

  assert.notEqual(outcome.status, 'completed');
  const record = readRunRecord(outcome.runDir);
  assert.equal(record.error ?? null, null, `a killed run has no error: ${JSON.stringify(record.error)}`);
  assert.equal(record.pid, null);
  assert.equal(record.lastCheckpoint, 'checkpoints/step-00000030');
  assert.equal(summarizeRun(outcome.runDir).status, 'interrupted');
  const events = readJsonLines<RunEvent>(runPaths(outcome.runDir).events).lines;
  assert.ok(!events.some((e) => e.event === 'failed'), 'no failed event for a killed engine');
  assert.ok(events.some((e) => /killed by SIGKILL .*interrupted.*contrastive-lab resume/.test(e.message)), 'the log says it was killed and how to continue');

  const resumed = await resumeWithPyTorch(outcome.runDir, controls());
  assert.equal(resumed.status, 'completed');
  assert.equal(readRunRecord(outcome.runDir).step, 60);
  assert.equal(summarizeRun(outcome.runDir).status, 'completed');
  const after = readJsonLines<RunEvent>(runPaths(outcome.runDir).events).lines;
  assert.ok(after.some((e) => e.event === 'resumed' && e.message.startsWith('resumed from checkpoints/step-00000030')));
});
