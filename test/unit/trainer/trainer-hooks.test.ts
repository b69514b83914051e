import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunRecord } from '../../../server/runs/format';
import { Trainer, type RunState, type TrainingHook } from '../../../server/trainer/trainer';

/** A loop of `epochs` × `steps` whose step's loss is its number; the hooks record what they see. */
function setup(epochs: number, steps: number, at: { step: number; epoch: number; batchInEpoch: number } = { step: 0, epoch: 1, batchInEpoch: 0 }) {
  const trained: number[] = [];
  const parts = {
    batches: { stepsPerEpoch: steps, plan: () => Array.from({ length: steps }, (_, i) => Int32Array.of(i)) },
    trainStep: async (_indices: Int32Array, step: number) => {
      trained.push(step);
      return { loss: step, lr: 0.1, fault: null };
    },
  };
  const run: RunState = { record: {} as RunRecord, position: { ...at, elapsedSec: 0, bestKnnAccuracy: null }, phase: 'setup', lastEval: null, learning: null };
  return { parts, run, trained, trainer: (hooks: TrainingHook[]) => new Trainer(parts, epochs, hooks) };
}

test('the Trainer calls each hook after every step, every epoch and the run, in list order', async () => {
  const { run, trainer } = setup(2, 3);
  const seen: string[] = [];
  const recorder = (name: string): TrainingHook => ({
    onStepEnd: ({ step, epoch, stepInEpoch, loss }) => void seen.push(`${name} step ${step} (${epoch}.${stepInEpoch}) loss ${loss}`),
    onEpochEnd: ({ epoch }) => void seen.push(`${name} epoch ${epoch}`),
    onRunEnd: () => void seen.push(`${name} end`),
  });
  assert.equal(await trainer([recorder('a'), { onEpochEnd: ({ epoch }) => void seen.push(`b epoch ${epoch}`) }]).run(run), 'completed');
  assert.deepEqual(seen, [
    'a step 1 (1.1) loss 1', 'a step 2 (1.2) loss 2', 'a step 3 (1.3) loss 3', 'a epoch 1', 'b epoch 1',
    'a step 4 (2.1) loss 4', 'a step 5 (2.2) loss 5', 'a step 6 (2.3) loss 6', 'a epoch 2', 'b epoch 2',
    'a end',
  ]);
  assert.deepEqual(run.position, { step: 6, epoch: 3, batchInEpoch: 0, elapsedSec: 0, bestKnnAccuracy: null });
  assert.equal(run.phase, 'training');
});

test("a hook's 'stop' ends the run as stopped, where it stands, without the hooks after it", async () => {
  const { run, trained, trainer } = setup(2, 3);
  const later: string[] = [];
  const outcome = await trainer([{ onStepEnd: ({ step }) => (step === 2 ? 'stop' : undefined) }, { onStepEnd: ({ step }) => void later.push(`step ${step}`) }]).run(run);
  assert.equal(outcome, 'stopped');
  assert.deepEqual(trained, [1, 2]);
  assert.deepEqual(later, ['step 1']);
  assert.deepEqual({ step: run.position.step, batchInEpoch: run.position.batchInEpoch }, { step: 2, batchInEpoch: 2 });
});

test('a resumed loop continues at its position, and a throwing hook fails the run', async () => {
  const { run, trained, trainer } = setup(2, 3, { step: 4, epoch: 2, batchInEpoch: 1 });
  assert.equal(await trainer([]).run(run), 'completed');
  assert.deepEqual(trained, [5, 6]);
  const failing = setup(1, 3);
  await assert.rejects(failing.trainer([{ onEpochEnd: () => Promise.reject(new Error('disk full')) }]).run(failing.run), /disk full/);
});
