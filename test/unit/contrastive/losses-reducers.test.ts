import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initBackend, tf } from '../../../server/contrastive/backend';
import { createDistance } from '../../../server/contrastive/distances';
import { ContrastiveLoss } from '../../../server/contrastive/losses/contrastive';
import { InfoNCELoss } from '../../../server/contrastive/losses/info-nce';
import { SupConLoss } from '../../../server/contrastive/losses/sup-con';
import { TripletMarginLoss } from '../../../server/contrastive/losses/triplet';
import { createMiner } from '../../../server/contrastive/miners';
import { avgNonZeroReducer } from '../../../server/contrastive/reducers/avg-non-zero';
import { meanReducer } from '../../../server/contrastive/reducers/mean';
import type { Reducer } from '../../../server/contrastive/reducers/types';

const embeddings = (): tf.Tensor2D => tf.tensor2d([[1, 0], [0.9, 0.1], [0, 1], [0.2, 0.8], [-1, 0], [-0.7, -0.3]]);
const labels = Int32Array.of(0, 0, 1, 1, 2, 2);
const value = (t: tf.Scalar): number => t.dataSync()[0]!;

test('reducers: mean counts every selected term, avg-non-zero only the positive ones', async () => {
  await initBackend('cpu');
  const terms = tf.tensor1d([0, 2, 0, 4]);
  assert.equal(value(meanReducer.reduce(terms, tf.scalar(1), 4)), 1.5);
  assert.equal(value(avgNonZeroReducer.reduce(terms, tf.scalar(1), 4)), 3);
  assert.equal(value(meanReducer.reduce(terms, tf.tensor1d([0, 1, 0, 0]), 1)), 2);
  assert.equal(value(avgNonZeroReducer.reduce(tf.zeros([3]), tf.scalar(1), 3)), 0);
});

test('a loss built without a reducer keeps its default; an injected one is what averages its terms', async () => {
  await initBackend('cpu');
  const euclidean = createDistance({ type: 'euclidean', normalize: false });
  const cosine = createDistance({ type: 'cosine' });
  const input = { embeddings: embeddings(), labels };
  const same = (a: tf.Scalar, b: tf.Scalar): void => assert.equal(value(a), value(b));
  same(new ContrastiveLoss(euclidean, { posMargin: 0, negMargin: 1 }).compute(input), new ContrastiveLoss(euclidean, { posMargin: 0, negMargin: 1 }, avgNonZeroReducer).compute(input));
  same(new TripletMarginLoss(euclidean, { margin: 1.5, swap: false, smoothLoss: false }).compute(input), new TripletMarginLoss(euclidean, { margin: 1.5, swap: false, smoothLoss: false }, avgNonZeroReducer).compute(input));
  same(new SupConLoss(cosine, { temperature: 0.1 }).compute(input), new SupConLoss(cosine, { temperature: 0.1 }, avgNonZeroReducer).compute(input));
  same(new InfoNCELoss(cosine, { temperature: 0.5 }).compute(input), new InfoNCELoss(cosine, { temperature: 0.5 }, meanReducer).compute(input));
  // Some triplets already satisfy the margin (term 0): the mean over all of them is smaller.
  const allTriplets = value(new TripletMarginLoss(euclidean, { margin: 1.5, swap: false, smoothLoss: false }, meanReducer).compute(input));
  const nonZero = value(new TripletMarginLoss(euclidean, { margin: 1.5, swap: false, smoothLoss: false }).compute(input));
  assert.ok(allTriplets > 0 && allTriplets < nonZero, `${allTriplets} < ${nonZero}`);
  const calls: number[] = [];
  const counting: Reducer = { type: 'mean', reduce: (terms, selected, count) => (calls.push(count), meanReducer.reduce(terms, selected, count)) };
  new ContrastiveLoss(euclidean, { posMargin: 0, negMargin: 1 }, counting).compute(input);
  assert.deepEqual(calls, [6, 24], 'positive pairs, then negative pairs');
});

test('the pair-loss template mines with the miner it is given, as if the mined tuples were passed', async () => {
  await initBackend('cpu');
  const euclidean = createDistance({ type: 'euclidean', normalize: false });
  const miner = createMiner({ type: 'batchHard' }, euclidean)!;
  const loss = new TripletMarginLoss(euclidean, { margin: 1.5, swap: false, smoothLoss: false });
  const e = embeddings();
  assert.equal(value(loss.compute({ embeddings: e, labels, miner })), value(loss.compute({ embeddings: e, labels, tuples: miner.mine({ embeddings: e, labels }) })));
  assert.notEqual(value(loss.compute({ embeddings: e, labels, miner })), value(loss.compute({ embeddings: e, labels })));
});
