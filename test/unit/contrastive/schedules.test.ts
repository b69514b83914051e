// Learning-rate schedules: warm-up, constant, cosine, as the schema describes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSchedule } from '../../../server/contrastive/schedules';

const close = (a: number, b: number): boolean => Math.abs(a - b) < 1e-12;

test('constant without warm-up is the base rate at every step', () => {
  const lr = createSchedule({ type: 'constant', warmupEpochs: 0 }, 0.1);
  for (const step of [0, 5, 99]) assert.equal(lr(step, 100, 10), 0.1);
});

test('warm-up rises linearly over warmupEpochs epochs, never at 0, then holds', () => {
  const lr = createSchedule({ type: 'warmup', warmupEpochs: 2 }, 0.4);
  assert.ok(close(lr(0, 100, 10), 0.02));
  assert.ok(close(lr(9, 100, 10), 0.2));
  assert.ok(close(lr(19, 100, 10), 0.4));
  assert.equal(lr(20, 100, 10), 0.4);
  assert.equal(lr(99, 100, 10), 0.4);
});

test('cosine starts at the base rate, halves mid-way, approaches the minimum, and follows warm-up', () => {
  const lr = createSchedule({ type: 'cosine', warmupEpochs: 0, minLearningRate: 0.01 }, 0.1);
  assert.ok(close(lr(0, 100, 10), 0.1));
  assert.ok(close(lr(50, 100, 10), 0.055));
  assert.ok(lr(99, 100, 10) < 0.0101 && lr(99, 100, 10) > 0.01);
  for (let s = 1; s < 100; s++) assert.ok(lr(s, 100, 10) <= lr(s - 1, 100, 10));
  const warm = createSchedule({ type: 'cosine', warmupEpochs: 1, minLearningRate: 0 }, 0.1);
  assert.ok(close(warm(4, 100, 10), 0.05));
  assert.ok(close(warm(10, 100, 10), 0.1));
  assert.ok(close(warm(55, 100, 10), 0.05));
});

test('bad arguments are explained', () => {
  const lr = createSchedule({ type: 'constant', warmupEpochs: 0 }, 0.1);
  assert.throws(() => lr(-1, 10, 1), /steps are integers from 0/);
  assert.throws(() => lr(0, 0, 1), /totalSteps ≥ 1/);
});
