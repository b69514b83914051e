// Our wasm matrix product (server/contrastive/kernels/gemm/): every shape the packing has to handle
// (rows not a multiple of the tile, columns not a multiple of the panel, K = 1, a long K, batches that
// broadcast, transposed operands, bias + relu) gives the cpu backend's result; products large enough
// to be shared between threads give the same bits as on one thread; a NaN survives relu; and the
// committed binary is the one the generator makes from gemmWat.ts.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { initBackend, tf } from '../../../server/contrastive/backend';
import { tensor, values } from './sameInputs';
import { WasmGemm, gemmArithmetic } from '../../../server/contrastive/kernels/gemm/wasmGemm';
import { WASM_MODULES, renderWasm } from '../../../scripts/gen-wasm';

async function onBackend(name: 'wasm' | 'cpu', f: () => tf.Tensor): Promise<{ data: Float32Array; shape: number[] }> {
  await tf.setBackend(name);
  const t = tf.tidy(f);
  const result = { data: t.dataSync() as Float32Array, shape: t.shape };
  t.dispose();
  await tf.setBackend('wasm');
  return result;
}

function worstDeviation(actual: Float32Array, expected: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / (1 + Math.abs(expected[i]!)));
  return worst;
}

before(async () => {
  await initBackend('wasm');
});

test('the committed WebAssembly binaries (gemm with and without fused multiply-add, adam, reductions, broadcast arithmetic, batch norm) are what scripts/gen-wasm.ts makes of their text', async () => {
  for (const module of WASM_MODULES) assert.equal(readFileSync(module.path, 'utf8'), await renderWasm(module), `${module.path} is stale; run: npx tsx scripts/gen-wasm.ts`);
});

test('products of awkward shapes equal the cpu backend (edges, K = 1, broadcast batches, transposes, bias + relu)', async () => {
  const cases: Array<{ a: number[]; b: number[]; ta?: boolean; tb?: boolean; bias?: number; relu?: boolean }> = [
    { a: [1, 1], b: [1, 1] },
    { a: [5, 1], b: [1, 11] },
    { a: [7, 13], b: [13, 9], bias: 9, relu: true },
    { a: [13, 7], b: [9, 13], ta: true, tb: true, bias: 9 },
    { a: [3, 66, 17], b: [3, 17, 23], relu: true },
    { a: [2, 17, 66], b: [1, 23, 17], ta: true, tb: true },
    { a: [1, 33, 8], b: [4, 8, 16], bias: 16, relu: true },
    { a: [130, 70], b: [70, 257], bias: 257 },
    { a: [37, 600], b: [600, 19], bias: 19, relu: true },
    { a: [530, 21], b: [29, 530], ta: true, tb: true, bias: 29 },
  ];
  for (const c of cases) {
    const n = c.tb === true ? c.b.at(-2)! : c.b.at(-1)!;
    const f = (): tf.Tensor => tf.fused.matMul({
      a: tensor(c.a, 1) as tf.Tensor2D, b: tensor(c.b, 2) as tf.Tensor2D, transposeA: c.ta === true, transposeB: c.tb === true,
      ...(c.bias === undefined ? {} : { bias: tensor([n], 3) }), activation: c.relu === true ? 'relu' : 'linear',
    });
    const [wasm, cpu] = [await onBackend('wasm', f), await onBackend('cpu', f)];
    const what = `[${c.a}]${c.ta === true ? 'ᵀ' : ''}·[${c.b}]${c.tb === true ? 'ᵀ' : ''}${c.bias === undefined ? '' : ' + bias'}${c.relu === true ? ', relu' : ''}`;
    assert.deepEqual(wasm.shape, cpu.shape, what);
    assert.ok(worstDeviation(wasm.data, cpu.data) < 1e-5, `${what}: deviates by ${worstDeviation(wasm.data, cpu.data)}`);
  }
});

test('the BatchMatMul kernel called with 2-D operands (as our sums and the kNN search call it) equals the cpu backend', async () => {
  for (const [ta, tb] of [[false, false], [true, false], [false, true]] as const) {
    const f = (): tf.Tensor => tf.engine().runKernel('BatchMatMul', { a: tensor(ta ? [37, 9] : [9, 37], 4), b: tensor(tb ? [70, 37] : [37, 70], 5) }, { transposeA: ta, transposeB: tb }) as tf.Tensor;
    const [wasm, cpu] = [await onBackend('wasm', f), await onBackend('cpu', f)];
    assert.deepEqual(wasm.shape, [9, 70]);
    assert.deepEqual(wasm.shape, cpu.shape);
    assert.ok(worstDeviation(wasm.data, cpu.data) < 1e-5, `transposeA ${ta}, transposeB ${tb}`);
  }
});

test('a product shared between threads gives the bits one thread gives', async () => {
  const backend = tf.backend() as unknown as { wasm: unknown; getMemoryOffset(id: object): number };
  const [m, k, n] = [300, 200, 130];
  const a = tensor([m, k], 7);
  const b = tensor([k, n], 8);
  const outputs = [1, 2].map((threads) => {
    const gemm = WasmGemm.create(backend.wasm, threads);
    assert.ok(gemm !== undefined, 'the wasm backend exposes its memory');
    const out = tf.zeros([m, n]);
    gemm.run({ a: backend.getMemoryOffset(a.dataId), b: backend.getMemoryOffset(b.dataId), out: backend.getMemoryOffset(out.dataId), m, k, n, transposeA: false, transposeB: false, relu: false });
    return out.dataSync() as Float32Array;
  });
  assert.deepEqual(outputs[1], outputs[0]);
  const cpu = await onBackend('cpu', () => tf.matMul(tensor([m, k], 7), tensor([k, n], 8)));
  assert.ok(worstDeviation(outputs[0]!, cpu.data) < 1e-5);
});

test('relu keeps a NaN of the product (XNNPACK clamped it to 0)', async () => {
  const a = values(4 * 6, 1);
  a[6] = Number.NaN; // row 1
  const out = await onBackend('wasm', () => tf.fused.matMul({ a: tf.tensor2d(a, [4, 6]), b: tensor([6, 10], 2) as tf.Tensor2D, activation: 'relu' }));
  for (let j = 0; j < 10; j++) assert.ok(Number.isNaN(out.data[10 + j]!), `row 1, column ${j} is ${out.data[10 + j]}`);
  assert.ok(out.data.slice(0, 10).every((v) => v >= 0 && Number.isFinite(v)), 'the other rows are finite and relu-clamped');
});

test('a long K (a convolution filter gradient) gives each element as bias + Σ a·b in float32, k in order, bit for bit', async () => {
  // The kernel's own arithmetic (one accumulator per element; a fused multiply-add where the engine
  // takes relaxed SIMD, else a float32 multiply then add), so its result must equal this exactly: an
  // edge panel, a short last tile and relu included. A float32 product is exact in float64, so the
  // fused step is the float64 sum rounded once to float32.
  const [m, k, n] = [27, 5000, 19];
  const a = values(m * k, 21);
  const b = values(k * n, 22);
  const bias = values(n, 23);
  const out = await onBackend('wasm', () => tf.fused.matMul({ a: tf.tensor2d(a, [k, m]), b: tf.tensor2d(b, [k, n]), transposeA: true, bias: tf.tensor1d(bias), activation: 'relu' }));
  const f = Math.fround;
  const fused = gemmArithmetic() === 'fused';
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = bias[j]!;
      if (fused) for (let q = 0; q < k; q++) sum = f(sum + a[q * m + i]! * b[q * n + j]!);
      else for (let q = 0; q < k; q++) sum = f(sum + f(a[q * m + i]! * b[q * n + j]!));
      const expected = Math.max(sum, 0);
      assert.equal(out.data[i * n + j], expected, `C[${i}, ${j}]`);
    }
  }
});
