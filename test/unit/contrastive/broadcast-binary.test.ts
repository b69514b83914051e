// Add, Sub, Multiply and RealDiv with a row or column broadcast on the wasm backend go through our
// SIMD module (kernels/binary/): every value is the float32 operation tfjs defines, bit for bit, in
// both operand orders, for widths that do and do not fill the four SIMD lanes, with NaN and ±∞ passed
// through; other broadcasts and integer tensors still work through the backend's own kernels.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { initBackend, tf } from '../../../server/contrastive/backend';

before(async () => {
  await initBackend('wasm', { threads: 1 });
});

const ops = {
  add: { run: tf.add, f: (x: number, y: number) => x + y },
  sub: { run: tf.sub, f: (x: number, y: number) => x - y },
  mul: { run: tf.mul, f: (x: number, y: number) => x * y },
  div: { run: tf.div, f: (x: number, y: number) => x / y },
} as const;

function values(n: number, seed: number): Float32Array {
  const v = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed * 78.233) * 43758.5453 % 7);
  if (n > 5) [v[1], v[3], v[5]] = [NaN, Infinity, -0];
  return v;
}

/** What a ∘ b is elementwise with numpy-style broadcasting, each value rounded to float32 once. */
function expected(f: (x: number, y: number) => number, a: Float32Array, aShape: number[], b: Float32Array, bShape: number[], shape: number[]): Float32Array {
  const size = shape.reduce((p, d) => p * d, 1);
  const index = (flat: number, of: number[]): number => {
    let rest = flat;
    let at = 0;
    let stride = 1;
    const pad = shape.length - of.length;
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      const coordinate = rest % shape[axis]!;
      rest = Math.floor(rest / shape[axis]!);
      const dim = axis - pad >= 0 ? of[axis - pad]! : 1;
      if (dim !== 1) at += coordinate * stride;
      stride *= dim;
    }
    return at;
  };
  return Float32Array.from({ length: size }, (_, i) => Math.fround(f(a[index(i, aShape)]!, b[index(i, bShape)]!)));
}

const cases: [string, number[], number[]][] = [
  ['row vector', [6, 8], [8]],
  ['row vector, width not a multiple of 4', [5, 7], [7]],
  ['[1, cols] row', [4, 12], [1, 12]],
  ['row vector over a rank-3 batch', [2, 3, 5], [5]],
  ['column', [6, 9], [6, 1]],
  ['column, width 4', [3, 4], [3, 1]],
];

for (const [name, full, small] of cases) {
  for (const [op, { run, f }] of Object.entries(ops)) {
    test(`${op} with a ${name}: both operand orders, bit for bit`, () => {
      const a = values(full.reduce((p, d) => p * d, 1), 1);
      const b = values(small.reduce((p, d) => p * d, 1), 2).map((v) => (op === 'div' && v === 0 ? 0.5 : v));
      for (const [x, xs, y, ys] of [[a, full, b, small], [b, small, a, full]] as const) {
        const got = tf.tidy(() => run(tf.tensor(x, [...xs]), tf.tensor(y, [...ys])).dataSync() as Float32Array);
        const want = expected(f, x, [...xs], y, [...ys], full);
        assert.equal(got.length, want.length);
        want.forEach((w, i) => assert.ok(Object.is(got[i], w), `${op} ${JSON.stringify(xs)} ∘ ${JSON.stringify(ys)} [${i}]: ${got[i]} vs ${w}`));
      }
    });
  }
}

test('other broadcasts and integer tensors keep the backend kernels and their results', () => {
  const got = tf.tidy(() => tf.add(tf.tensor([1, 2, 3, 4, 5, 6], [2, 3, 1]), tf.tensor([10, 20], [1, 1, 2])).arraySync());
  assert.deepEqual(got, [[[11, 21], [12, 22], [13, 23]], [[14, 24], [15, 25], [16, 26]]]);
  const ints = tf.tidy(() => tf.mul(tf.tensor([[1, 2], [3, 4]], undefined, 'int32'), tf.tensor([3, 5], undefined, 'int32')).arraySync());
  assert.deepEqual(ints, [[3, 10], [9, 20]]);
  const scalar = tf.tidy(() => tf.sub(tf.tensor([[1.5, 2.5]]), tf.scalar(1)).arraySync());
  assert.deepEqual(scalar, [[0.5, 1.5]]);
});
