// Every loss at the non-default settings of the reference README, checked against independent
// float64 implementations of the definitions (values) and central finite differences (gradients
// with respect to every input and learnable parameter), on the cpu and wasm backends. Also: losses
// accept mined tuples, reject inputs they cannot use with a clear message, and leak no tensors.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { initBackend, tf } from '../../../server/contrastive/backend';
import { createDistance } from '../../../server/contrastive/distances';
import { createLoss, lossTypes } from '../../../server/contrastive/losses';
import type { Loss, LossInput } from '../../../server/contrastive/losses/types';
import { createMiner } from '../../../server/contrastive/miners';
import type { DistanceSpec, LossSpec } from '../../../server/spec/types';
import * as ref from './losses-float64-reference';

type M = ref.M;

const labels = [0, 0, 0, 1, 1, 1, 2, 2, 3, 4];
const x = ref.randomMatrix(labels.length, 6, 11);
const view1 = ref.randomMatrix(6, 5, 21);
const view2 = view1.map((r, i) => r.map((v, k) => Math.fround(v + 0.5 * (ref.randomMatrix(6, 5, 22)[i]?.[k] ?? 0))));
const pairLabels = [0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5];

const euclidean: DistanceSpec = { type: 'euclidean', normalize: true };
const cosine: DistanceSpec = { type: 'cosine' };

interface Case {
  readonly name: string;
  readonly spec: LossSpec;
  readonly distance: DistanceSpec;
  /** The float64 reference as a function of the differentiated inputs. */
  readonly reference: (inputs: M[]) => number;
  readonly inputs: M[];
  readonly makeInput: (tensors: tf.Tensor2D[]) => LossInput;
  /** Inputs whose gradient is defined to be exactly 0 (stop-gradient). */
  readonly zeroGradient?: readonly number[];
  /** A reference for the gradient when the definition detaches part of the graph. */
  readonly gradientReference?: (inputs: M[]) => number;
}

const labelled = (tensors: tf.Tensor2D[]): LossInput => ({ embeddings: tensors[0] as tf.Tensor2D, labels });

/** Softmax cross-entropy of class logits with label smoothing ε, in float64 (the definition). */
function crossEntropyReference(logits: M, targets: readonly number[], eps: number): number {
  let total = 0;
  logits.forEach((row, i) => {
    const max = Math.max(...row);
    const logSumExp = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
    row.forEach((v, c) => {
      total -= ((c === targets[i] ? 1 - eps : 0) + eps / row.length) * (v - logSumExp);
    });
  });
  return total / logits.length;
}
const twoViews = (tensors: tf.Tensor2D[]): LossInput => ({ views: { view1: tensors[0] as tf.Tensor2D, view2: tensors[1] as tf.Tensor2D } });

const cases: Case[] = [
  { name: 'contrastive pos 0.2 neg 1.4', spec: { type: 'contrastive', posMargin: 0.2, negMargin: 1.4 }, distance: euclidean, reference: ([a]) => ref.contrastive(a ?? [], labels, 0.2, 1.4), inputs: [x], makeInput: labelled },
  { name: 'triplet margin 0.2', spec: { type: 'triplet', margin: 0.2, swap: false, smoothLoss: false }, distance: euclidean, reference: ([a]) => ref.triplet(a ?? [], labels, 0.2), inputs: [x], makeInput: labelled },
  { name: 'triplet margin 0.1 with swap and smooth loss', spec: { type: 'triplet', margin: 0.1, swap: true, smoothLoss: true }, distance: euclidean, reference: ([a]) => ref.triplet(a ?? [], labels, 0.1, true, true), inputs: [x], makeInput: labelled },
  { name: 'nPairs unnormalised dot', spec: { type: 'nPairs' }, distance: { type: 'dot', normalize: false }, reference: ([a]) => ref.nPairsUnnormalized(a ?? [], labels), inputs: [x], makeInput: labelled },
  { name: 'liftedStructure neg 0.6 pos 0.1', spec: { type: 'liftedStructure', posMargin: 0.1, negMargin: 0.6 }, distance: euclidean, reference: ([a]) => ref.lifted(a ?? [], labels, 0.1, 0.6), inputs: [x], makeInput: labelled },
  { name: 'generalizedLiftedStructure neg 0.6 pos 0.1', spec: { type: 'generalizedLiftedStructure', posMargin: 0.1, negMargin: 0.6 }, distance: euclidean, reference: ([a]) => ref.generalizedLifted(a ?? [], labels, 0.1, 0.6), inputs: [x], makeInput: labelled },
  { name: 'infoNCE τ 0.5 (labelled)', spec: { type: 'infoNCE', temperature: 0.5 }, distance: cosine, reference: ([a]) => ref.ntxent(a ?? [], labels, 0.5), inputs: [x], makeInput: labelled },
  { name: 'infoNCE τ 0.5 (SimCLR, two views)', spec: { type: 'infoNCE', temperature: 0.5 }, distance: cosine, reference: ([a, b]) => ref.ntxent([...(a ?? []), ...(b ?? [])], pairLabels, 0.5), inputs: [view1, view2], makeInput: twoViews },
  { name: 'supCon τ 0.5', spec: { type: 'supCon', temperature: 0.5 }, distance: cosine, reference: ([a]) => ref.supCon(a ?? [], labels, 0.5), inputs: [x], makeInput: labelled },
  {
    name: 'circle m 0.25 γ 128',
    spec: { type: 'circle', m: 0.25, gamma: 128 },
    distance: cosine,
    reference: ([a]) => ref.circle(a ?? [], labels, 0.25, 128),
    // α_p and α_n are constants in backprop: differentiate with them frozen at the input's values.
    gradientReference: ([a]) => ref.circle(a ?? [], labels, 0.25, 128, ref.cosine(x, x)),
    inputs: [x],
    makeInput: labelled,
  },
  { name: 'multiSimilarity α 1 β 20 base 0.3', spec: { type: 'multiSimilarity', alpha: 1, beta: 20, base: 0.3 }, distance: cosine, reference: ([a]) => ref.multiSimilarity(a ?? [], labels, 1, 20, 0.3), inputs: [x], makeInput: labelled },
  { name: 'softNearestNeighbor T 0.5', spec: { type: 'softNearestNeighbor', temperature: 0.5, learnTemperature: false }, distance: { type: 'squaredEuclidean', normalize: false }, reference: ([a, b]) => ref.softNearestNeighbor(a ?? [], b ?? [], 0.5), inputs: [view1, view2], makeInput: twoViews },
  { name: 'vicreg λ 10 μ 5 ν 2', spec: { type: 'vicreg', invarianceWeight: 10, varianceWeight: 5, covarianceWeight: 2, eps: 1e-4 }, distance: cosine, reference: ([a, b]) => ref.vicreg(a ?? [], b ?? [], 10, 5, 2, 1e-4), inputs: [view1, view2], makeInput: twoViews },
  { name: 'barlowTwins λ 0.05', spec: { type: 'barlowTwins', lambda: 0.05 }, distance: cosine, reference: ([a, b]) => ref.barlowTwins(a ?? [], b ?? [], 0.05), inputs: [view1, view2], makeInput: twoViews },
  { name: 'nce τ 0.5 c 0.3 (labelled)', spec: { type: 'nce', temperature: 0.5, logNormalizer: 0.3, learnable: false }, distance: cosine, reference: ([a]) => ref.nce(a ?? [], labels, 0.5, 0.3), inputs: [x], makeInput: labelled },
  { name: 'nce τ 0.2 (two views)', spec: { type: 'nce', temperature: 0.2, logNormalizer: 0, learnable: true }, distance: cosine, reference: ([a, b]) => ref.nce([...(a ?? []), ...(b ?? [])], pairLabels, 0.2, 0), inputs: [view1, view2], makeInput: twoViews },
  { name: 'siglip t′ ln 5, b −3', spec: { type: 'siglip', logitScale: Math.log(5), logitBias: -3, learnable: true }, distance: cosine, reference: ([a, b]) => ref.siglip(a ?? [], b ?? [], Math.log(5), -3), inputs: [view1, view2], makeInput: twoViews },
  // x as the class logits of 10 samples over 6 classes.
  { name: 'crossEntropy ε 0.1', spec: { type: 'crossEntropy', labelSmoothing: 0.1 }, distance: cosine, reference: ([a]) => crossEntropyReference(a ?? [], labels, 0.1), inputs: [x], makeInput: labelled },
  {
    name: 'negativeCosine BYOL',
    spec: { type: 'negativeCosine', form: 'byol' },
    distance: cosine,
    reference: ([a, b]) => ref.negativeCosine(a ?? [], b ?? [], 'byol'),
    inputs: [view1, view2],
    makeInput: (t) => ({ views: { online: t[0] as tf.Tensor2D, target: t[1] as tf.Tensor2D } }),
    zeroGradient: [1],
  },
];

function maxAbs(m: M): number {
  return Math.max(...m.flat().map(Math.abs));
}

function assertClose(what: string, actual: ArrayLike<number>, expected: M, gradient: boolean): void {
  const e = expected.flat();
  const scale = maxAbs(expected);
  assert.equal(actual.length, e.length, `${what}: size`);
  e.forEach((v, i) => {
    const a = actual[i] ?? Number.NaN;
    const tol = gradient ? 2e-3 * scale + 1e-5 : 1e-4 * Math.max(1, Math.abs(v));
    assert.ok(Math.abs(a - v) <= tol, `${what}[${i}]: got ${a}, expected ${v} (tolerance ${tol.toExponential(1)})`);
  });
}

function computeWithGrads(loss: Loss, c: Case): { value: number; grads: Float32Array[] } {
  return tf.tidy(() => {
    const tensors = c.inputs.map((m) => tf.tensor2d(m));
    const { value, grads } = tf.valueAndGrads((...xs: tf.Tensor[]) => loss.compute(c.makeInput(xs as tf.Tensor2D[])))(tensors);
    return { value: value.dataSync()[0] ?? Number.NaN, grads: grads.map((g) => g.dataSync() as Float32Array) };
  });
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`losses on ${backend}: non-default settings against float64 definitions`, () => {
    test(`initialise ${backend}`, async () => {
      await initBackend(backend);
    });
    for (const c of cases) {
      test(c.name, () => {
        const loss = createLoss(c.spec, createDistance(c.distance));
        try {
          const { value, grads } = computeWithGrads(loss, c);
          assertClose('loss', [value], [[c.reference(c.inputs)]], false);
          const numerical = ref.numericalGradients(c.gradientReference ?? c.reference, c.inputs);
          grads.forEach((g, i) => {
            if (c.zeroGradient?.includes(i)) assert.ok(g.every((v) => v === 0), `gradient of input ${i} must be exactly 0 (stop-gradient)`);
            else assertClose(`gradient of input ${i}`, g, numerical[i] ?? [], true);
          });
        } finally {
          loss.dispose();
        }
      });
    }

    test('siglip: gradients with respect to t′ and b', () => {
      const loss = createLoss({ type: 'siglip', logitScale: Math.log(5), logitBias: -3, learnable: true }, createDistance(cosine));
      try {
        assert.equal(loss.trainableVariables.length, 2);
        const [scale, bias] = loss.trainableVariables;
        const { grads } = tf.variableGrads(() => tf.tidy(() => loss.compute({ views: { view1: tf.tensor2d(view1), view2: tf.tensor2d(view2) } })), [...loss.trainableVariables]);
        const gScale = grads[scale?.name ?? '']?.dataSync()[0] ?? Number.NaN;
        const gBias = grads[bias?.name ?? '']?.dataSync()[0] ?? Number.NaN;
        Object.values(grads).forEach((g) => g.dispose());
        const dScale = ref.numericalDerivative((t) => ref.siglip(view1, view2, t, -3), Math.log(5));
        const dBias = ref.numericalDerivative((b) => ref.siglip(view1, view2, Math.log(5), b), -3);
        assert.ok(Math.abs(gScale - dScale) <= 1e-3 * Math.max(1, Math.abs(dScale)), `dL/dt′ ${gScale} vs ${dScale}`);
        assert.ok(Math.abs(gBias - dBias) <= 1e-3 * Math.max(1, Math.abs(dBias)), `dL/db ${gBias} vs ${dBias}`);
      } finally {
        loss.dispose();
      }
    });

    test('softNearestNeighbor: a learnable temperature gets dL/dT', () => {
      const loss = createLoss({ type: 'softNearestNeighbor', temperature: 0.5, learnTemperature: true }, createDistance({ type: 'squaredEuclidean', normalize: false }));
      try {
        const [temperature] = loss.trainableVariables;
        assert.ok(temperature !== undefined, 'the temperature is trainable');
        const { grads } = tf.variableGrads(() => tf.tidy(() => loss.compute({ views: { view1: tf.tensor2d(view1), view2: tf.tensor2d(view2) } })), [temperature]);
        const g = grads[temperature.name]?.dataSync()[0] ?? Number.NaN;
        Object.values(grads).forEach((t) => t.dispose());
        const expected = ref.numericalDerivative((t) => ref.softNearestNeighbor(view1, view2, t), 0.5);
        assert.ok(Math.abs(g - expected) <= 1e-3 * Math.max(1, Math.abs(expected)), `dL/dT ${g} vs ${expected}`);
      } finally {
        loss.dispose();
      }
    });

    test('triplet loss with the "all" miner at the same margin equals the loss over all triplets', () => {
      const distance = createDistance(euclidean);
      const loss = createLoss({ type: 'triplet', margin: 0.2, swap: false, smoothLoss: false }, distance);
      const miner = createMiner({ type: 'all', margin: 0.2 }, distance);
      assert.ok(miner !== null);
      const [plain, mined] = tf.tidy(() => {
        const e = tf.tensor2d(x);
        const tuples = miner.mine({ embeddings: e, labels });
        return [loss.compute({ embeddings: e, labels }).dataSync()[0], loss.compute({ embeddings: e, labels, tuples }).dataSync()[0]];
      });
      assert.ok(Math.abs((plain ?? 0) - (mined ?? 1)) < 1e-6, `${plain} vs ${mined}`);
    });

    test('a memory queue (refEmbeddings) adds negatives to infoNCE', () => {
      const loss = createLoss({ type: 'infoNCE', temperature: 0.5 }, createDistance(cosine));
      const queue = ref.randomMatrix(8, 5, 31);
      const [withQueue, without] = tf.tidy(() => {
        const q = tf.tensor2d(view1);
        const k = tf.tensor2d(view2);
        const ids = [0, 1, 2, 3, 4, 5];
        const keysAndQueue = tf.concat([k, tf.tensor2d(queue)]) as tf.Tensor2D;
        const a = loss.compute({ embeddings: q, labels: ids, refEmbeddings: keysAndQueue, refLabels: [...ids, ...queue.map(() => -1)] });
        const b = loss.compute({ embeddings: q, labels: ids, refEmbeddings: k, refLabels: ids });
        return [a.dataSync()[0] ?? 0, b.dataSync()[0] ?? 0];
      });
      // Query i against keys: positive (i, i), negatives all other keys (and the queue when present).
      const s = ref.cosine(view1, [...view2, ...queue]).map((r) => r.map((v) => v / 0.5));
      const expected = (cols: number) => s.reduce((acc, r, i) => acc + (Math.log(r.slice(0, cols).reduce((t, v) => t + Math.exp(v), 0)) - (r[i] ?? 0)), 0) / 6;
      assert.ok(Math.abs(withQueue - expected(14)) < 1e-4, `with queue ${withQueue} vs ${expected(14)}`);
      assert.ok(Math.abs(without - expected(6)) < 1e-4, `without queue ${without} vs ${expected(6)}`);
      assert.ok(withQueue > without, 'more negatives make the task harder');
    });

    test('no tensor leaks: the live tensor count is unchanged after repeated forward+backward of every loss', () => {
      for (const type of lossTypes) {
        const c = cases.find((k) => k.spec.type === type);
        assert.ok(c !== undefined, `a case exercises ${type}`);
        const loss = createLoss(c.spec, createDistance(c.distance));
        computeWithGrads(loss, c);
        const before = tf.memory().numTensors;
        for (let i = 0; i < 5; i++) computeWithGrads(loss, c);
        assert.equal(tf.memory().numTensors, before, `${type} leaks tensors`);
        loss.dispose();
      }
    });
  });
}

describe('every labelled loss works with every distance it accepts', () => {
  const distances: DistanceSpec[] = [
    { type: 'euclidean', normalize: false },
    { type: 'squaredEuclidean', normalize: true },
    { type: 'manhattan', normalize: true },
    { type: 'cosine' },
    { type: 'dot', normalize: false },
    { type: 'kl', temperature: 1 },
    { type: 'jensenShannon', temperature: 0.5 },
    { type: 'wasserstein', temperature: 1 },
  ];
  const labelledCases = cases.filter((c) => createLoss(c.spec, createDistance(cosine)).input === 'labelled' && c.makeInput === labelled);
  test('finite loss and gradients for each combination (circle: similarities only)', () => {
    let combinations = 0;
    for (const c of labelledCases) {
      for (const spec of distances) {
        const distance = createDistance(spec);
        if (c.spec.type === 'circle' && !distance.isInverted) continue;
        const loss = createLoss(c.spec, distance);
        const [value, grad] = tf.tidy(() => {
          const { value: v, grads } = tf.valueAndGrads((e: tf.Tensor) => loss.compute({ embeddings: e as tf.Tensor2D, labels }))([tf.tensor2d(x)]);
          return [v.dataSync()[0] ?? Number.NaN, grads[0]?.dataSync() ?? new Float32Array(0)];
        });
        loss.dispose();
        assert.ok(Number.isFinite(value), `${c.spec.type} with ${spec.type}: loss ${value}`);
        assert.ok(Array.from(grad).every(Number.isFinite), `${c.spec.type} with ${spec.type}: non-finite gradient`);
        combinations++;
      }
    }
    assert.ok(combinations >= 70, `${combinations} combinations checked`);
  });
});

describe('loss input errors say what is wrong and how to fix it', () => {
  test('a labelled loss without labels', () => {
    const loss = createLoss({ type: 'supCon', temperature: 0.1 }, createDistance(cosine));
    assert.throws(() => tf.tidy(() => loss.compute({ embeddings: tf.tensor2d(x) })), /supCon loss needs labelled embeddings/);
  });
  test('label count mismatch', () => {
    const loss = createLoss({ type: 'contrastive', posMargin: 0, negMargin: 1 }, createDistance(euclidean));
    assert.throws(() => tf.tidy(() => loss.compute({ embeddings: tf.tensor2d(x), labels: [0, 1] })), /2 labels for 10 embeddings/);
  });
  test('circle with a distance instead of a similarity', () => {
    assert.throws(() => createLoss({ type: 'circle', m: 0.4, gamma: 80 }, createDistance(euclidean)), /circle loss needs a similarity.*cosine/);
  });
  test('a queue on a loss that cannot use one', () => {
    const loss = createLoss({ type: 'nPairs' }, createDistance(cosine));
    assert.throws(() => tf.tidy(() => loss.compute({ embeddings: tf.tensor2d(x), labels, refEmbeddings: tf.tensor2d(x), refLabels: labels })), /does not accept reference embeddings/);
  });
  test('VICReg with mismatched views', () => {
    const loss = createLoss({ type: 'vicreg', invarianceWeight: 25, varianceWeight: 25, covarianceWeight: 1, eps: 1e-4 }, createDistance(cosine));
    assert.throws(() => tf.tidy(() => loss.compute({ views: { view1: tf.tensor2d(view1), view2: tf.tensor2d(x) } })), /view1 is 6×5 but view2 is 10×6/);
  });
});
