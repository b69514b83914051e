// Pairs and batches: samplers (seeded per epoch, drop-last, m per class with small classes),
// two-view generation, and the MoCo memory queue (FIFO order, wrap-around, labels/ids, exact
// save/restore, no leaks) on cpu and wasm.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../../server/contrastive/backend';
import { createSampler } from '../../../server/contrastive/pairs/sampler';
import { twoViewAugmenter } from '../../../server/contrastive/pairs/twoViews';
import { MemoryQueue } from '../../../server/contrastive/pairs/memoryQueue';

const range = (n: number, from = 0) => Int32Array.from({ length: n }, (_, i) => from + i);

describe('random sampler', () => {
  const pool = range(10, 100);

  test('each epoch is a seeded permutation of the pool; epochs differ; the same seed repeats', () => {
    const sampler = createSampler({ type: 'random' }, { indices: pool, labels: null }, { batchSize: 4, seed: 1, dropLast: false });
    assert.equal(sampler.batchesPerEpoch, 3);
    const epoch0 = sampler.batches(0);
    assert.deepEqual(epoch0.map((b) => b.length), [4, 4, 2]);
    assert.deepEqual(epoch0.flatMap((b) => Array.from(b)).sort((a, b) => a - b), Array.from(pool));
    assert.deepEqual(epoch0, sampler.batches(0));
    assert.notDeepEqual(epoch0, sampler.batches(1));
    const again = createSampler({ type: 'random' }, { indices: pool, labels: null }, { batchSize: 4, seed: 1, dropLast: false });
    assert.deepEqual(again.batches(3), sampler.batches(3));
  });

  test('drop-last keeps only full batches, and refuses a batch larger than the data', () => {
    const sampler = createSampler({ type: 'random' }, { indices: pool, labels: null }, { batchSize: 4, seed: 1, dropLast: true });
    assert.deepEqual(sampler.batches(0).map((b) => b.length), [4, 4]);
    assert.throws(() => createSampler({ type: 'random' }, { indices: pool, labels: null }, { batchSize: 16, seed: 1, dropLast: true }), /batchSize 16 is larger than the 10 training samples/);
  });
});

describe('m-per-class sampler', () => {
  // 5 classes: class c has 2c + 1 samples (1, 3, 5, 7, 9) → 25 samples; dataset index = position.
  const labels = Int32Array.from([0, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4]);
  const pool = range(labels.length);

  test('every batch has batchSize/m distinct classes with m samples each; small classes are drawn with replacement', () => {
    const sampler = createSampler({ type: 'mPerClass', m: 3 }, { indices: pool, labels }, { batchSize: 6, seed: 2, dropLast: false });
    assert.equal(sampler.batchesPerEpoch, 4); // floor(25 / 6): about one pass over the data
    for (const batch of sampler.batches(0)) {
      const counts = new Map<number, number>();
      for (const i of batch) counts.set(labels[i] as number, (counts.get(labels[i] as number) ?? 0) + 1);
      assert.equal(counts.size, 2);
      for (const c of counts.values()) assert.equal(c, 3);
      for (const [label] of counts) {
        const members = Array.from(batch).filter((i) => labels[i] === label);
        if (label >= 1) assert.equal(new Set(members).size, 3, `class ${label} has ≥ 3 samples, so no repeats`);
        else assert.deepEqual(members, [0, 0, 0]);
      }
    }
    assert.deepEqual(sampler.batches(5), sampler.batches(5));
  });

  test('classes are visited evenly across an epoch', () => {
    const many = Int32Array.from({ length: 400 }, (_, i) => i % 8);
    const sampler = createSampler({ type: 'mPerClass', m: 4 }, { indices: range(400), labels: many }, { batchSize: 16, seed: 3, dropLast: false });
    const perClass = new Array<number>(8).fill(0);
    for (const batch of sampler.batches(0)) for (const i of batch) perClass[many[i] as number]! += 1;
    assert.equal(perClass.reduce((a, b) => a + b), 400);
    for (const c of perClass) assert.ok(Math.abs(c - 50) <= 4, `per class ${perClass}`);
  });

  test('impossible settings are refused with a fix', () => {
    assert.throws(() => createSampler({ type: 'mPerClass', m: 4 }, { indices: pool, labels }, { batchSize: 6, seed: 1, dropLast: false }), /not divisible by pairs.sampler.m 4/);
    assert.throws(() => createSampler({ type: 'mPerClass', m: 2 }, { indices: pool, labels }, { batchSize: 12, seed: 1, dropLast: false }), /needs 6 classes, but the training data has 5; raise m to at least 3/);
    assert.throws(() => createSampler({ type: 'mPerClass', m: 2 }, { indices: pool, labels: null }, { batchSize: 4, seed: 1, dropLast: false }), /needs labelled data/);
  });
});

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`two views and the memory queue on ${backend}`, () => {
    before(async () => {
      await initBackend(backend);
    });

    test('two views of one batch differ from each other and repeat exactly for the same step', () => {
      const batch = tf.randomUniform([4, 8, 8, 1], 0, 1, 'float32', 1);
      const ops = [{ type: 'gaussianNoise' as const, probability: 1, std: 0.1 }];
      const augment = twoViewAugmenter({ weak: ops, strong: ops }, 7);
      const before = tf.memory().numTensors;
      const a = augment(batch, 3);
      const b = augment(batch, 3);
      const c = augment(batch, 4);
      assert.notDeepEqual(a.view1.dataSync(), a.view2.dataSync());
      assert.deepEqual(a.view1.dataSync(), b.view1.dataSync());
      assert.deepEqual(a.view2.dataSync(), b.view2.dataSync());
      assert.notDeepEqual(a.view1.dataSync(), c.view1.dataSync());
      tf.dispose([a.view1, a.view2, b.view1, b.view2, c.view1, c.view2]);
      assert.equal(tf.memory().numTensors, before);
      batch.dispose();
    });

    test('the queue keeps the newest keys with their labels and ids, dropping the oldest', () => {
      const queue = new MemoryQueue(5, 2);
      const rows = (from: number, n: number) => tf.tensor2d(Array.from({ length: n }, (_, i) => [from + i, -(from + i)]));
      const feed = (from: number, n: number) => {
        const keys = rows(from, n);
        queue.enqueue(keys, Array.from({ length: n }, (_, i) => (from + i) % 2), Array.from({ length: n }, (_, i) => 100 + from + i));
        keys.dispose();
      };
      const stored = () => {
        const { keys, labels, ids, count } = queue.contents();
        const firsts = Array.from(keys.dataSync()).filter((_, i) => i % 2 === 0);
        keys.dispose();
        // Sort by key so the check does not depend on ring order; labels and ids must travel with their key.
        return firsts.map((k, i) => [k, labels[i], ids[i]]).sort((x, y) => (x[0] as number) - (y[0] as number)).concat([[count]]);
      };
      const empty = queue.contents();
      assert.deepEqual(empty.keys.shape, [0, 2]);
      empty.keys.dispose();
      const before = tf.memory().numTensors;
      feed(0, 3);
      assert.deepEqual(stored(), [[0, 0, 100], [1, 1, 101], [2, 0, 102], [3]]);
      feed(3, 3); // wraps: 0 is dropped
      assert.deepEqual(stored(), [[1, 1, 101], [2, 0, 102], [3, 1, 103], [4, 0, 104], [5, 1, 105], [5]]);
      feed(6, 7); // more than the queue holds: only the newest 5 (8..12) survive
      assert.deepEqual(stored().map((r) => r[0]), [8, 9, 10, 11, 12, 5]);
      feed(13, 5); // exactly one full ring from a non-zero pointer
      assert.deepEqual(stored().map((r) => r[0]), [13, 14, 15, 16, 17, 5]);
      assert.equal(tf.memory().numTensors, before, 'enqueue leaked tensors');
      queue.dispose();
    });

    test('a saved queue restores exactly and continues the same FIFO order', () => {
      const queue = new MemoryQueue(4, 3);
      const keys = tf.tensor2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
      queue.enqueue(keys, [0, 1, 2], [10, 11, 12]);
      queue.enqueue(keys, [3, 4, 5], [13, 14, 15]);
      const state = queue.getState();
      const restored = MemoryQueue.fromState(state);
      const next = tf.tensor2d([[0, 0, 1]]);
      queue.enqueue(next, [9], [99]);
      restored.enqueue(next, [9], [99]);
      const a = queue.contents();
      const b = restored.contents();
      assert.deepEqual(b.keys.dataSync(), a.keys.dataSync());
      assert.deepEqual(b.labels, a.labels);
      assert.deepEqual(b.ids, a.ids);
      assert.throws(() => new MemoryQueue(8, 3).setState(state), /4 × 3 but this run's queue is 8 × 3/);
      assert.throws(() => queue.enqueue(tf.zeros([1, 2]) as tf.Tensor2D), /dimension 3 but got \[1, 2\]/);
      tf.dispose([keys, next, a.keys, b.keys]);
      queue.dispose();
      restored.dispose();
    });
  });
}
