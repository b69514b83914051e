// Few-shot evaluation: what an episode holds, the confidence interval, and the accuracy on
// embeddings whose answer is known (perfectly separable: 100 %; random: 1/N).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { meanWithCi95 } from '../../../server/contrastive/eval/confidence';
import { embeddingMatrix } from '../../../server/contrastive/eval/embeddingMatrix';
import { drawEpisodes, eligibleClasses, fewShotAccuracy, fewShotKey, fewShotShortfall } from '../../../server/contrastive/eval/fewShot';
import { Random } from '../../../server/contrastive/random';

/** `perClass` samples of each of `classes` classes, labels in blocks (class c at rows c·perClass…). */
function blockLabels(classes: number, perClass: number): Int32Array {
  return Int32Array.from({ length: classes * perClass }, (_, i) => Math.floor(i / perClass));
}

/** Each class at its own corner of the space plus noise: far apart (separable) or pure noise (random). */
function embeddings(labels: Int32Array, dim: number, separation: number, seed: number) {
  const rng = new Random(seed);
  const data = new Float32Array(labels.length * dim);
  labels.forEach((label, row) => {
    for (let j = 0; j < dim; j++) data[row * dim + j] = rng.normal(0, 1) + (j === label % dim ? separation : 0);
  });
  return embeddingMatrix(data, dim);
}

test('an episode holds exactly N classes × (K + Q) distinct samples: K support and Q queries of each drawn class', () => {
  const labels = blockLabels(12, 25);
  // Class 11 has too few samples (K + Q = 5 + 15 = 20): relabel 10 of its rows as class 10.
  for (let row = 11 * 25; row < 11 * 25 + 10; row++) labels[row] = 10;
  assert.deepEqual(eligibleClasses(labels, 5, 15), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  let episodes = 0;
  for (const episode of drawEpisodes(labels, { ways: 5, shots: 5, queries: 15, episodes: 200, seed: 3 })) {
    episodes++;
    assert.equal(new Set(episode.classes).size, 5);
    assert.ok(!episode.classes.includes(11), 'a class with fewer than K + Q samples is never drawn');
    const rows = [...episode.support.flat(), ...episode.queries.flat()];
    assert.equal(rows.length, 5 * (5 + 15));
    assert.equal(new Set(rows).size, rows.length, 'no sample is drawn twice in an episode');
    episode.classes.forEach((label, c) => {
      assert.equal(episode.support[c]!.length, 5);
      assert.equal(episode.queries[c]!.length, 15);
      for (const row of [...episode.support[c]!, ...episode.queries[c]!]) assert.equal(labels[row], label);
    });
  }
  assert.equal(episodes, 200);
});

test('the same seed draws the same episodes; another seed draws others', () => {
  const labels = blockLabels(10, 30);
  const draw = (seed: number) => [...drawEpisodes(labels, { ways: 5, shots: 1, queries: 3, episodes: 20, seed })];
  assert.deepEqual(draw(7), draw(7));
  assert.notDeepEqual(draw(7), draw(8));
});

test('the 95 % interval is 1.96 · sd / √n with the population sd', () => {
  // Values 0.5, 1, 1, 0.5: mean 0.75, population sd 0.25 → 1.96 · 0.25 / 2 = 0.245.
  const r = meanWithCi95([0.5, 1, 1, 0.5]);
  assert.equal(r.mean, 0.75);
  assert.ok(Math.abs(r.ci95 - 0.245) < 1e-15);
  assert.equal(meanWithCi95([0.75, 0.75, 0.75]).ci95, 0);
  assert.throws(() => meanWithCi95([]), /no values/);
});

test('perfectly separable embeddings give 100 % with a zero-width interval, on either distance', () => {
  const labels = blockLabels(10, 30);
  const x = embeddings(labels, 16, 50, 1);
  for (const metric of ['cosine', 'euclidean'] as const) {
    for (const shots of [1, 5]) {
      const r = fewShotAccuracy(x, labels, { ways: 5, shots, queries: 15, episodes: 100, seed: 0, metric });
      assert.equal(r.accuracy, 1, `${metric} ${shots}-shot`);
      assert.equal(r.ci95, 0);
      assert.equal(r.episodes, 100);
    }
  }
});

test('random embeddings give about 1/N, and the mean lies within its interval of 1/N', () => {
  const labels = blockLabels(20, 30);
  const x = embeddings(labels, 16, 0, 2);
  for (const ways of [5, 10]) {
    const r = fewShotAccuracy(x, labels, { ways, shots: 5, queries: 15, episodes: 600, seed: 0, metric: 'cosine' });
    assert.ok(Math.abs(r.accuracy - 1 / ways) < 3 * r.ci95 + 0.01, `${ways}-way: ${r.accuracy} ± ${r.ci95} vs ${1 / ways}`);
    assert.ok(r.ci95 > 0 && r.ci95 < 0.02, `interval ${r.ci95}`);
  }
});

test('more shots help on noisy but informative embeddings', () => {
  const labels = blockLabels(10, 40);
  const x = embeddings(labels, 16, 1.5, 4);
  const at = (shots: number) => fewShotAccuracy(x, labels, { ways: 5, shots, queries: 15, episodes: 300, seed: 0, metric: 'euclidean' }).accuracy;
  const [one, five] = [at(1), at(5)];
  assert.ok(five > one + 0.1 && one > 0.3, `1-shot ${one}, 5-shot ${five}`);
});

test('too few classes with K + Q samples is refused with a sentence that says what to change', () => {
  const labels = blockLabels(4, 30);
  const message = fewShotShortfall(labels, { ways: 5, shots: 5, queries: 15 });
  assert.match(message ?? '', /5-way 5-shot episodes need 5 classes with at least 20 held-out samples each .* has 4 such classes of 4; lower eval\.fewShot\.ways or queries/);
  assert.equal(fewShotShortfall(labels, { ways: 4, shots: 5, queries: 15 }), null);
  assert.throws(() => fewShotAccuracy(embeddings(labels, 4, 1, 0), labels, { ways: 5, shots: 1, queries: 15, episodes: 10, seed: 0, metric: 'cosine' }), /need 5 classes/);
  assert.throws(() => fewShotAccuracy(embeddings(labels, 4, 1, 0), labels, { ways: 2, shots: 0, queries: 15, episodes: 10, seed: 0, metric: 'cosine' }), /shots must be an integer of at least 1/);
  assert.equal(fewShotKey(5, 1), '5way-1shot');
});
