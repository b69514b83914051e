// Strategies: the EMA target and its τ schedule, stop-gradient, target temperature, collapse guards.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../../server/contrastive/backend';
import { ContrastiveModel } from '../../../server/contrastive/models';
import { collapseGuards, EmaTarget, emaTau, stopGradient, targetTemperatureLoss } from '../../../server/contrastive/strategies';
import type { ArchitectureSpec, ResolvedSpec } from '../../../server/spec/types';

const arch: ArchitectureSpec = {
  backbone: { type: 'mlp', layers: [8], activation: 'relu', batchNorm: true, dropout: 0 },
  representationSize: 6, projection: { layers: [4], batchNorm: false, activation: 'relu' }, prediction: null, normalizeOutput: true,
};

before(async () => {
  await initBackend(process.env['CONTRASTIVE_LAB_BACKEND'] === 'cpu' ? 'cpu' : 'wasm');
});

test('τ follows a cosine from tauStart at the first step to tauEnd at the last', () => {
  const spec = { tauStart: 0.99, tauEnd: 1 };
  assert.ok(Math.abs(emaTau(0, 101, spec) - 0.99) < 1e-12);
  assert.ok(Math.abs(emaTau(50, 101, spec) - 0.995) < 1e-12);
  assert.ok(Math.abs(emaTau(100, 101, spec) - 1) < 1e-12);
  for (let s = 1; s < 101; s++) assert.ok(emaTau(s, 101, spec) >= emaTau(s - 1, 101, spec));
});

test('the EMA target starts as a copy and moves by θt ← τθt + (1 − τ)θo, batch-norm statistics included', () => {
  const online = ContrastiveModel.build(arch, [5]);
  const ema = new EmaTarget(online);
  const before = ema.target.namedVariables().map((v) => Array.from(v.variable.dataSync()));
  assert.deepEqual(before, online.namedVariables().map((v) => Array.from(v.variable.dataSync())));
  // Move the online weights, then update with τ = 0.75.
  for (const v of online.namedVariables()) v.variable.assign(tf.tidy(() => tf.add(v.variable, 1)));
  ema.updateWithTau(0.75);
  ema.target.namedVariables().forEach((v, i) => {
    const got = v.variable.dataSync();
    before[i]!.forEach((t, j) => assert.ok(Math.abs(got[j]! - (0.75 * t + 0.25 * (t + 1))) < 1e-5, `${v.name}[${j}]`));
  });
  assert.ok(ema.target.namedVariables().some((v) => v.name.endsWith('moving_mean')));
  assert.throws(() => ema.updateWithTau(1.5), /must lie in \[0, 1\]/);
  ema.dispose(); online.dispose();
});

test('the EMA update gives the bits of the three tfjs operations it replaces on wasm (τ·θt + (1 − τ)·θo), odd sizes included', () => {
  const online = ContrastiveModel.build({ ...arch, backbone: { type: 'mlp', layers: [7], activation: 'relu', batchNorm: true, dropout: 0 } }, [5]);
  const ema = new EmaTarget(online);
  for (const v of online.namedVariables()) v.variable.assign(tf.tidy(() => tf.add(v.variable, tf.randomNormal(v.variable.shape, 0, 1, 'float32', 5))));
  const tau = 0.9961;
  const expected = ema.target.namedVariables().map((v, i) => tf.tidy(() => Array.from(tf.add(tf.mul(v.variable, tau), tf.mul(online.namedVariables()[i]!.variable, 1 - tau)).dataSync())));
  ema.updateWithTau(tau);
  ema.target.namedVariables().forEach((v, i) => assert.deepEqual(Array.from(v.variable.dataSync()), expected[i], v.name));
  ema.dispose(); online.dispose();
});

test('stopGradient passes the value and blocks the gradient', () => {
  const x = tf.tensor1d([1, 2, 3]);
  const grad = tf.grad((v: tf.Tensor) => tf.sum(tf.add(tf.mul(v, v), tf.mul(stopGradient(tf.mul(v, v)), 10))));
  assert.deepEqual(Array.from(grad(x).dataSync()), [2, 4, 6]);
  assert.deepEqual(Array.from(stopGradient(x).dataSync()), [1, 2, 3]);
});

test('target temperature is the cross-entropy of sharpened teacher and smoothed student, teacher gradient-free', () => {
  const teacher = tf.tensor2d([[1, 0], [0, 2]]);
  const student = tf.tensor2d([[0.5, 0.5], [1, -1]]);
  const spec = { teacher: 0.5, student: 2 };
  const softmax = (r: number[]): number[] => { const e = r.map(Math.exp); const s = e.reduce((a, b) => a + b); return e.map((x) => x / s); };
  const rows = [[[1, 0], [0.5, 0.5]], [[0, 2], [1, -1]]] as const;
  const expected = rows.map(([t, s]) => {
    const p = softmax(t.map((x) => x / 0.5)); const q = softmax(s.map((x) => x / 2));
    return -p.reduce((acc, pi, j) => acc + pi * Math.log(q[j]!), 0);
  }).reduce((a, b) => a + b) / 2;
  assert.ok(Math.abs(targetTemperatureLoss(teacher, student, spec).dataSync()[0]! - expected) < 1e-5);
  const [gTeacher, gStudent] = tf.grads((t: tf.Tensor, s: tf.Tensor) => targetTemperatureLoss(t as tf.Tensor2D, s as tf.Tensor2D, spec))([teacher, student]);
  assert.deepEqual(Array.from(gTeacher!.dataSync()), [0, 0, 0, 0]);
  assert.ok(Array.from(gStudent!.dataSync()).some((g) => Math.abs(g) > 1e-3));
  assert.throws(() => targetTemperatureLoss(teacher, tf.zeros([2, 3]) as tf.Tensor2D, spec), /must have the same shape/);
});

test('collapse guards: negative-free losses get stop-gradient and warnings that name the field to change', () => {
  const base = { loss: { type: 'negativeCosine', form: 'simsiam' }, architecture: arch, strategy: { stopGradient: false, ema: null } } as unknown as Pick<ResolvedSpec, 'loss' | 'architecture' | 'strategy'>;
  const guards = collapseGuards(base);
  assert.equal(guards.stopGradient, true);
  assert.ok(guards.warnings.some((w) => w.includes('architecture.prediction')));
  assert.ok(guards.warnings.some((w) => w.includes('strategy.stopGradient')));
  const simclr = collapseGuards({ ...base, loss: { type: 'infoNCE', temperature: 0.1 } } as typeof base);
  assert.equal(simclr.stopGradient, false);
  assert.deepEqual(simclr.warnings, []);
});
