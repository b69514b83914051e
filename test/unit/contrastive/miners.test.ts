// Miners: the selections partition the triplets as the definitions say, similarities and distances
// mine the same hardest tuples when they order pairs the same way, and ε widens the
// multi-similarity selection. The reference fixtures (exact sets) run in conformance.test.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { initBackend, tf } from '../../../server/contrastive/backend';
import { createDistance } from '../../../server/contrastive/distances';
import { createMiner, miningTypes } from '../../../server/contrastive/miners';
import type { MinedPairs, MinedTriplets, Miner } from '../../../server/contrastive/miners/types';
import type { MiningSpec } from '../../../server/spec/types';
import { randomMatrix } from './losses-float64-reference';

const labels = [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 4];
const x = randomMatrix(labels.length, 6, 5);
const euclidean = createDistance({ type: 'euclidean', normalize: true });
const cosine = createDistance({ type: 'cosine' });

function mine(spec: MiningSpec, distance = euclidean): MinedTriplets | MinedPairs {
  const miner = createMiner(spec, distance) as Miner;
  const embeddings = tf.tensor2d(x);
  try {
    return miner.mine({ embeddings, labels });
  } finally {
    embeddings.dispose();
  }
}

function tripletKeys(t: MinedTriplets | MinedPairs): string[] {
  assert.equal(t.kind, 'triplets');
  const m = t as MinedTriplets;
  return Array.from(m.anchors, (a, i) => `${a},${m.positives[i]},${m.negatives[i]}`);
}

describe('miners', () => {
  test('initialise cpu', async () => {
    await initBackend('cpu');
  });

  test('hard ∪ semi-hard = all (at the same margin), and they are disjoint', () => {
    const all = new Set(tripletKeys(mine({ type: 'all', margin: 0.5 })));
    const hard = tripletKeys(mine({ type: 'hard', margin: 0.5 }));
    const semi = tripletKeys(mine({ type: 'semiHard', margin: 0.5 }));
    assert.ok(hard.length > 0 && semi.length > 0, 'the batch has hard and semi-hard triplets');
    assert.equal(hard.length + semi.length, all.size);
    for (const k of [...hard, ...semi]) assert.ok(all.has(k), `${k} is in "all"`);
    assert.equal(new Set([...hard, ...semi]).size, all.size);
  });

  test('easy triplets are exactly the valid triplets "all" leaves out', () => {
    let valid = 0;
    labels.forEach((la, a) => labels.forEach((lp, p) => labels.forEach((ln) => (valid += a !== p && la === lp && ln !== la ? 1 : 0))));
    const all = tripletKeys(mine({ type: 'all', margin: 0.5 }));
    const easy = tripletKeys(mine({ type: 'easy', margin: 0.5 }));
    assert.equal(all.length + easy.length, valid);
    assert.ok(!easy.some((k) => all.includes(k)));
  });

  test('batch-hard mines the same triplets with cosine as with euclidean on normalised rows (same order)', () => {
    const withEuclidean = tripletKeys(mine({ type: 'batchHard' }, euclidean));
    const withCosine = tripletKeys(mine({ type: 'batchHard' }, cosine));
    // Anchor 11 is alone in its class: it has no positive and is dropped.
    assert.equal(withEuclidean.length, labels.length - 1);
    assert.deepEqual(withCosine, withEuclidean);
  });

  test('semi-hard with cosine equals semi-hard with euclidean when the margins correspond only in order: hard sets match', () => {
    // tm ≤ 0 means "the negative is at least as close as the positive", which both measures agree on.
    assert.deepEqual(tripletKeys(mine({ type: 'hard', margin: 0.2 }, cosine)), tripletKeys(mine({ type: 'hard', margin: 0.2 }, euclidean)));
  });

  test('multi-similarity: a larger ε keeps a superset of pairs', () => {
    const small = mine({ type: 'multiSimilarity', epsilon: 0.1 }, cosine) as MinedPairs;
    const large = mine({ type: 'multiSimilarity', epsilon: 0.3 }, cosine) as MinedPairs;
    assert.equal(small.kind, 'pairs');
    const keys = (a: Int32Array, b: Int32Array) => new Set(Array.from(a, (v, i) => `${v},${b[i]}`));
    const [sp, lp] = [keys(small.posAnchors, small.positives), keys(large.posAnchors, large.positives)];
    const [sn, ln] = [keys(small.negAnchors, small.negatives), keys(large.negAnchors, large.negatives)];
    for (const k of sp) assert.ok(lp.has(k));
    for (const k of sn) assert.ok(ln.has(k));
    assert.ok(lp.size + ln.size > sp.size + sn.size);
    for (const k of [...sp, ...lp]) {
      const [a, p] = k.split(',').map(Number);
      assert.equal(labels[a ?? 0], labels[p ?? 0], 'positive pairs share a label');
    }
  });

  test('with reference embeddings, tuples index the reference set and the diagonal is a pair', () => {
    const miner = createMiner({ type: 'batchHard' }, euclidean) as Miner;
    const embeddings = tf.tensor2d(x);
    const copy = tf.tensor2d(x);
    const cross = miner.mine({ embeddings, labels, refEmbeddings: copy, refLabels: labels }) as MinedTriplets;
    embeddings.dispose();
    copy.dispose();
    const self = tripletKeys(mine({ type: 'batchHard' }));
    const crossKeys = tripletKeys(cross);
    // Same hardest tuples for anchors with another positive; the lone anchor 11 now pairs with its own copy.
    assert.deepEqual(crossKeys.filter((k) => !k.startsWith('11,')), self);
    assert.ok(crossKeys.some((k) => k.startsWith('11,11,')), crossKeys.join(' '));
  });

  test('"none" is no miner; every schema mining type is registered', () => {
    assert.equal(createMiner({ type: 'none' }, euclidean), null);
    assert.deepEqual([...miningTypes].sort(), ['all', 'batchHard', 'easy', 'hard', 'multiSimilarity', 'none', 'semiHard']);
  });

  test('mining leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    const e = tf.tensor2d(x);
    for (const spec of [{ type: 'batchHard' }, { type: 'semiHard', margin: 0.2 }, { type: 'multiSimilarity', epsilon: 0.1 }] as MiningSpec[]) {
      (createMiner(spec, cosine) as Miner).mine({ embeddings: e, labels });
    }
    e.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  test('label count mismatch is reported', () => {
    const miner = createMiner({ type: 'batchHard' }, euclidean) as Miner;
    const embeddings = tf.tensor2d(x);
    assert.throws(() => miner.mine({ embeddings, labels: [0, 1] }), /2 labels for 12 embeddings/);
    embeddings.dispose();
  });
});
