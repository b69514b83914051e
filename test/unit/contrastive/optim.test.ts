// Optimisers against their update rules computed by hand in float64, clipping, and exact resume.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, tf } from '../../../server/contrastive/backend';
import { clipByGlobalNorm, createOptimizer, loadOptimizerState, saveOptimizerState, type Optimizer } from '../../../server/contrastive/optim';
import type { OptimizerSpec } from '../../../server/spec/types';

const W0 = [0.5, -1.5, 2, 0.25];
const B0 = [0.1, -0.2];
const GRADS: number[][] = [[0.3, -0.1, 0.2, 0.05], [-0.4, 0.2, 0.1, 0.3], [0.2, 0.2, -0.3, 0.1]];
const BGRADS: number[][] = [[0.5, -0.5], [0.1, 0.2], [-0.3, 0.4]];
const LRS = [0.1, 0.05, 0.02];

interface Params { w: tf.Variable; b: tf.Variable }

function params(): Params {
  return { w: tf.variable(tf.tensor2d(W0, [2, 2]), true, `w${Math.random()}`), b: tf.variable(tf.tensor1d(B0), true, `b${Math.random()}`) };
}

function run(opt: Optimizer, p: Params, from: number, to: number): void {
  for (let s = from; s < to; s++) {
    const gw = tf.tensor2d(GRADS[s]!, [2, 2]);
    const gb = tf.tensor1d(BGRADS[s]!);
    opt.applyGradients([{ name: 'w', variable: p.w, gradient: gw }, { name: 'b', variable: p.b, gradient: gb }], LRS[s]!);
    tf.dispose([gw, gb]);
  }
}

type Rule = (theta: number[], grads: number[][], isBias: boolean) => number[];

const norm = (v: number[]): number => Math.sqrt(v.reduce((a, x) => a + x * x, 0));

const rules: Record<OptimizerSpec['type'], { spec: OptimizerSpec; rule: Rule }> = {
  sgd: {
    spec: { type: 'sgd', learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 },
    rule: (theta, grads) => {
      const t = [...theta]; let buf = t.map(() => 0);
      grads.forEach((g0, s) => {
        const g = g0.map((g, i) => g + 0.01 * t[i]!);
        buf = buf.map((b, i) => 0.9 * b + g[i]!);
        const step = g.map((gi, i) => gi + 0.9 * buf[i]!);
        step.forEach((d, i) => { t[i] = t[i]! - LRS[s]! * d; });
      });
      return t;
    },
  },
  adam: {
    spec: { type: 'adam', learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01 },
    rule: (theta, grads) => adamRule(theta, grads, false),
  },
  adamw: {
    spec: { type: 'adamw', learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01 },
    rule: (theta, grads) => adamRule(theta, grads, true),
  },
  lars: {
    spec: { type: 'lars', learningRate: 0.1, momentum: 0.9, trustCoefficient: 0.001, weightDecay: 0.01 },
    rule: (theta, grads, isBias) => {
      const t = [...theta]; let buf = t.map(() => 0);
      grads.forEach((g0, s) => {
        let g = g0;
        if (!isBias) {
          g = g0.map((gi, i) => gi + 0.01 * t[i]!);
          const ratio = (0.001 * norm(t)) / norm(g);
          g = g.map((gi) => gi * ratio);
        }
        buf = buf.map((b, i) => 0.9 * b + g[i]!);
        buf.forEach((d, i) => { t[i] = t[i]! - LRS[s]! * d; });
      });
      return t;
    },
  },
};

function adamRule(theta: number[], grads: number[][], decoupled: boolean): number[] {
  const t = [...theta]; let m = t.map(() => 0); let v = t.map(() => 0);
  grads.forEach((g0, s) => {
    const step = s + 1; const lr = LRS[s]!;
    const g = decoupled ? g0 : g0.map((gi, i) => gi + 0.01 * t[i]!);
    m = m.map((mi, i) => 0.9 * mi + 0.1 * g[i]!);
    v = v.map((vi, i) => 0.999 * vi + 0.001 * g[i]! ** 2);
    t.forEach((ti, i) => {
      const base = decoupled ? ti * (1 - lr * 0.01) : ti;
      t[i] = base - (lr * (m[i]! / (1 - 0.9 ** step))) / (Math.sqrt(v[i]! / (1 - 0.999 ** step)) + 1e-8);
    });
  });
  return t;
}

function assertClose(actual: ArrayLike<number>, expected: number[], what: string): void {
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i]! - e) < 1e-5, `${what}[${i}]: ${actual[i]} vs ${e}`));
}

before(async () => {
  await initBackend(process.env['CONTRASTIVE_LAB_BACKEND'] === 'cpu' ? 'cpu' : 'wasm');
});

test('each optimiser follows its update rule (momentum, nesterov, coupled/decoupled decay, LARS trust ratio, bias exclusion)', () => {
  for (const [type, { spec, rule }] of Object.entries(rules)) {
    const opt = createOptimizer(spec);
    const p = params();
    run(opt, p, 0, 3);
    assertClose(p.w.dataSync(), rule(W0, GRADS, false), `${type} weights`);
    assertClose(p.b.dataSync(), rule(B0, BGRADS, true), `${type} bias`);
    assert.equal(opt.step, 3);
    opt.dispose(); p.w.dispose(); p.b.dispose();
  }
});

test('adamw decays the weights even with zero gradients, adam with L2 does too, sgd without decay does not move', () => {
  const zero = (spec: OptimizerSpec): number => {
    const opt = createOptimizer(spec);
    const w = tf.variable(tf.ones([3]));
    const g = tf.zeros([3]);
    opt.applyGradients([{ name: 'w', variable: w, gradient: g }], 0.1);
    const v = w.dataSync()[0]!;
    tf.dispose([w, g]); opt.dispose();
    return v;
  };
  assert.ok(Math.abs(zero({ type: 'adamw', learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.5 }) - 0.95) < 1e-6);
  assert.equal(zero({ type: 'sgd', learningRate: 0.1, momentum: 0, nesterov: false, weightDecay: 0 }), 1);
});

test('state saved after 2 steps and restored into a fresh optimiser resumes exactly', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cl-optim-'));
  try {
    for (const { spec } of Object.values(rules)) {
      const straight = createOptimizer(spec); const p1 = params();
      run(straight, p1, 0, 3);
      const first = createOptimizer(spec); const p2 = params();
      run(first, p2, 0, 2);
      const state = first.getState();
      await saveOptimizerState(join(dir, spec.type), state);
      tf.dispose(Object.values(state.slots));
      first.dispose();
      const resumed = createOptimizer(spec);
      const loaded = await loadOptimizerState(join(dir, spec.type));
      resumed.setState(loaded);
      tf.dispose(Object.values(loaded.slots));
      assert.equal(resumed.step, 2);
      run(resumed, p2, 2, 3);
      assert.deepEqual(Array.from(p2.w.dataSync()), Array.from(p1.w.dataSync()), spec.type);
      assert.deepEqual(Array.from(p2.b.dataSync()), Array.from(p1.b.dataSync()), spec.type);
      [straight, resumed].forEach((o) => o.dispose());
      tf.dispose([p1.w, p1.b, p2.w, p2.b]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('restoring another optimiser type is refused', () => {
  const adam = createOptimizer(rules.adam.spec);
  const sgd = createOptimizer(rules.sgd.spec);
  assert.throws(() => sgd.setState(adam.getState()), /Cannot restore adam optimiser state into a sgd optimiser/);
  adam.dispose(); sgd.dispose();
});

test('clipping by global norm scales every gradient by maxNorm/norm and keeps small ones', () => {
  const items = [{ gradient: tf.tensor1d([3, 0]) }, { gradient: tf.tensor1d([0, 4]) }];
  const clipped = clipByGlobalNorm(items, 1);
  assert.ok(Math.abs(clipped.norm - 5) < 1e-6);
  assertClose(clipped.gradients[0]!.gradient.dataSync(), [0.6, 0], 'first');
  assertClose(clipped.gradients[1]!.gradient.dataSync(), [0, 0.8], 'second');
  const kept = clipByGlobalNorm(items, 10);
  assertClose(kept.gradients[1]!.gradient.dataSync(), [0, 4], 'unclipped');
  assert.throws(() => clipByGlobalNorm(items, 0), /gradientClipNorm is 0/);
  tf.dispose([...items, ...clipped.gradients, ...kept.gradients].map((i) => i.gradient));
});

test('clipping by global norm does not overflow: finite gradients whose squares exceed float32 are still clipped, not zeroed', () => {
  // |g| = 1e20 is finite in float32 but g² is not: a naive sqrt(Σg²) is Infinity, maxNorm / ∞ = 0,
  // and every update silently becomes 0 — a run that stops learning with no NaN for the guard to see.
  const items = [{ gradient: tf.tensor1d([3e20, 0]) }, { gradient: tf.tensor1d([0, 4e20]) }];
  const clipped = clipByGlobalNorm(items, 1);
  assert.ok(Math.abs(clipped.norm / 5e20 - 1) < 1e-5, `norm ${clipped.norm}`);
  assertClose(clipped.gradients[0]!.gradient.dataSync(), [0.6, 0], 'first');
  assertClose(clipped.gradients[1]!.gradient.dataSync(), [0, 0.8], 'second');
  const zero = clipByGlobalNorm([{ gradient: tf.tensor1d([0, 0]) }], 1);
  assert.equal(zero.norm, 0);
  assertClose(zero.gradients[0]!.gradient.dataSync(), [0, 0], 'zero');
  tf.dispose([...items, ...clipped.gradients, ...zero.gradients].map((i) => i.gradient));
});

test('the fused Adam kernel (wasm) gives the weights and moments of the rule written as tfjs operations, bit for bit', async () => {
  const { fusedAdam, fusedAdamAvailable } = await import('../../../server/contrastive/kernels/adam/wasmAdam');
  if (!fusedAdamAvailable()) return; // the cpu backend has no fused kernel: the operations run there
  let seed = 11;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const tensor = (scale: number): tf.Tensor => tf.tensor(Float32Array.from({ length: 999 }, () => random() * scale), [27, 37]);
  for (const [decoupled, weightDecay] of [[false, 0], [false, 0.01], [true, 0.05], [true, 0]] as const) {
    const attrs = { learningRate: 0.003, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay, decoupled, step: 7 };
    const [w, g, m] = [tensor(2), tensor(0.1), tensor(0.01)];
    const v = tf.abs(tensor(0.001));
    const expected = tf.tidy(() => {
      const grad = !decoupled && weightDecay > 0 ? tf.add(g, tf.mul(w, weightDecay)) : g;
      const mNext = tf.add(tf.mul(m, 0.9), tf.mul(grad, 1 - 0.9));
      const vNext = tf.add(tf.mul(v, 0.999), tf.mul(tf.square(grad), 1 - 0.999));
      const base = decoupled && weightDecay > 0 ? tf.mul(w, 1 - 0.003 * weightDecay) : w;
      const next = tf.sub(base, tf.mul(tf.div(tf.div(mNext, 1 - 0.9 ** 7), tf.add(tf.sqrt(tf.div(vNext, 1 - 0.999 ** 7)), 1e-8)), 0.003));
      return [next, mNext, vNext];
    });
    const fused = fusedAdam(w, g, m, v, attrs);
    ['weight', 'first moment', 'second moment'].forEach((what, i) => {
      assert.deepEqual(Array.from(fused[i]!.dataSync()), Array.from(expected[i]!.dataSync()), `${what} differs (decoupled ${decoupled}, decay ${weightDecay})`);
    });
    tf.dispose([w, g, m, v, ...expected, ...fused]);
  }
});
