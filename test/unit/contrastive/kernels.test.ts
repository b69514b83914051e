// Our wasm kernels (transposed matmul, Conv2DBackpropFilter, Conv2DBackpropInput) give the CPU
// backend's results, and a convnet that could not train on wasm before now gets the CPU's gradients.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../../server/contrastive/backend';
import { tensor, values } from './sameInputs';
import { registerCustomKernels } from '../../../server/contrastive/kernels';
import { blockRepeats } from '../../../server/contrastive/kernels/wasmRepeatTile';
import { disjointWindow } from '../../../server/contrastive/kernels/wasmMaxPoolGrad';
import { ContrastiveModel } from '../../../server/contrastive/models';

/** Runs `f` on wasm and on cpu and returns both results as arrays. */
async function onBoth(f: () => tf.Tensor): Promise<{ wasm: Float32Array; cpu: Float32Array; wasmShape: number[]; cpuShape: number[] }> {
  await tf.setBackend('wasm');
  const w = tf.tidy(f);
  const wasm = w.dataSync() as Float32Array;
  const wasmShape = w.shape;
  w.dispose();
  await tf.setBackend('cpu');
  const c = tf.tidy(f);
  const cpu = c.dataSync() as Float32Array;
  const cpuShape = c.shape;
  c.dispose();
  await tf.setBackend('wasm');
  return { wasm, cpu, wasmShape, cpuShape };
}

function assertClose(actual: Float32Array, expected: Float32Array, what: string, tolerance = 1e-4): void {
  assert.equal(actual.length, expected.length, `${what}: sizes differ`);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / (1 + Math.abs(expected[i]!)));
  }
  assert.ok(worst <= tolerance, `${what}: largest relative deviation ${worst.toExponential(2)} > ${tolerance}`);
}

before(async () => {
  await initBackend('wasm');
});

test('the wasm backend gets our kernels, and registering twice is harmless', () => {
  registerCustomKernels('wasm');
  assert.ok(tf.getKernel('Conv2DBackpropFilter', 'wasm') !== undefined);
  const names = tf.getKernelsForBackend('wasm').map((k) => k.kernelName);
  assert.equal(names.filter((n) => n === 'BatchMatMul').length, 1);
});

test('matMul with transposed operands equals the cpu result (2-D and batched)', async () => {
  const cases: Array<[number[], number[], boolean, boolean]> = [
    [[37, 19], [37, 23], true, false],
    [[19, 37], [23, 37], false, true],
    [[37, 19], [23, 37], true, true],
    [[3, 11, 7], [3, 11, 5], true, false],
    [[3, 7, 11], [3, 5, 11], false, true],
  ];
  for (const [aShape, bShape, ta, tb] of cases) {
    const { wasm, cpu } = await onBoth(() => tf.matMul(tensor(aShape, 1), tensor(bShape, 2), ta, tb));
    assertClose(wasm, cpu, `matMul [${aShape}]${ta ? 'ᵀ' : ''} · [${bShape}]${tb ? 'ᵀ' : ''}`);
  }
});

test('fused matMul (bias + relu) with a transposed operand equals the cpu result', async () => {
  const { wasm, cpu } = await onBoth(() => tf.fused.matMul({ a: tensor([13, 8], 3), b: tensor([9, 13], 4), transposeA: true, transposeB: true, bias: tensor([9], 5), activation: 'relu' }));
  assertClose(wasm, cpu, 'fused matMul');
});

test('Conv2DBackpropFilter on wasm equals the cpu kernel (padding, strides, kernel sizes, NCHW)', async () => {
  const cases: Array<{ x: number[]; filter: [number, number, number, number]; strides: number | [number, number]; pad: 'same' | 'valid'; format?: 'NHWC' | 'NCHW' }> = [
    { x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
    { x: [2, 8, 9, 2], filter: [3, 2, 2, 5], strides: 2, pad: 'same' },
    { x: [1, 9, 9, 1], filter: [5, 5, 1, 3], strides: [2, 1], pad: 'valid' },
    { x: [3, 6, 5, 4], filter: [1, 1, 4, 6], strides: 1, pad: 'valid' },
    { x: [2, 3, 6, 6], filter: [3, 3, 3, 2], strides: 1, pad: 'same', format: 'NCHW' },
  ];
  for (const c of cases) {
    const format = c.format ?? 'NHWC';
    // dy has the forward output's shape, computed on cpu (which supports both formats).
    await tf.setBackend('cpu');
    const info = tf.backend_util.computeConv2DInfo(c.x as [number, number, number, number], c.filter, c.strides, 1, c.pad, undefined, false, format === 'NCHW' ? 'channelsFirst' : 'channelsLast');
    await tf.setBackend('wasm');
    const { wasm, cpu } = await onBoth(() => tf.engine().runKernel('Conv2DBackpropFilter', { x: tensor(c.x, 6), dy: tensor(info.outShape, 7) }, { strides: c.strides, pad: c.pad, dataFormat: format, filterShape: c.filter }) as tf.Tensor);
    assertClose(wasm, cpu, `Conv2DBackpropFilter x[${c.x}] filter[${c.filter}] strides ${String(c.strides)} ${c.pad} ${format}`);
  }
});

test('Conv2DBackpropInput on wasm equals the cpu kernel (stride 1 via forward conv, strided via the stock kernel)', async () => {
  const cases: Array<{ x: [number, number, number, number]; filter: [number, number, number, number]; strides: number; pad: 'same' | 'valid' }> = [
    { x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
    { x: [2, 8, 6, 2], filter: [5, 3, 2, 3], strides: 1, pad: 'valid' },
    { x: [2, 6, 6, 2], filter: [4, 4, 2, 3], strides: 1, pad: 'same' },
    { x: [2, 8, 8, 3], filter: [3, 3, 3, 2], strides: 2, pad: 'same' },
  ];
  for (const c of cases) {
    const out = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad).outShape;
    const { wasm, cpu } = await onBoth(() => tf.conv2dTranspose(tensor(out, 8) as tf.Tensor4D, tensor(c.filter, 9) as tf.Tensor4D, c.x, c.strides, c.pad));
    assertClose(wasm, cpu, `Conv2DBackpropInput x[${c.x}] filter[${c.filter}] stride ${c.strides} ${c.pad}`);
  }
});

test('a convnet and a resnet train on wasm with the gradients the cpu computes', async () => {
  for (const backbone of [
    { type: 'convnet', channels: [4, 8], kernelSize: 3, activation: 'relu', batchNorm: true },
    { type: 'resnet', channels: [4, 8], blocksPerStage: 1, activation: 'relu' },
  ] as const) {
    const arch = { backbone, representationSize: 8, projection: { layers: [8, 4], batchNorm: false, activation: 'relu' as const }, prediction: null, normalizeOutput: true };
    const gradients = async (backend: 'wasm' | 'cpu'): Promise<Float32Array[]> => {
      await tf.setBackend(backend);
      const model = ContrastiveModel.build(arch, [10, 10, 2]);
      // Same initial weights on both backends.
      const weights = model.namedVariables().map((v, i) => (v.name.endsWith('moving_variance') ? tf.onesLike(v.variable) : tf.mul(tensor(v.variable.shape, 100 + i), 0.3)));
      model.setWeights(weights);
      tf.dispose(weights);
      const x = tensor([4, 10, 10, 2], 11);
      const { grads } = tf.variableGrads(() => tf.sum(tf.square(model.forward(x, { training: true }).projection.sub(0.1))) as tf.Scalar, model.trainableVariables);
      const out = model.trainableVariables.map((v) => grads[v.name]!.dataSync() as Float32Array);
      model.dispose();
      return out;
    };
    const w = await gradients('wasm');
    const c = await gradients('cpu');
    await tf.setBackend('wasm');
    assert.equal(w.length, c.length);
    w.forEach((g, i) => assertClose(g, c[i]!, `${backbone.type} gradient ${i}`, 1e-3));
  }
});

test('sum and mean over leading axes (bias gradients, batch-norm moments) equal the cpu result', async () => {
  const x = (): tf.Tensor => tensor([4, 3, 5, 6], 12);
  const cases: Array<[string, () => tf.Tensor]> = [
    ['sum [0,1,2]', () => tf.sum(x(), [0, 1, 2])],
    ['sum [1,0] keepDims', () => tf.sum(x(), [1, 0], true)],
    ['sum 0', () => tf.sum(x(), 0)],
    ['sum [1,2] (not leading)', () => tf.sum(x(), [1, 2])],
    ['sum all', () => tf.sum(x())],
    ['mean [0,1,2] keepDims', () => tf.mean(x(), [0, 1, 2], true)],
    ['mean 0', () => tf.mean(x(), 0)],
    ['mean -1', () => tf.mean(x(), -1)],
    // Large enough for the one-pass path (batch-norm moments of a convnet layer).
    ['sum [0,1,2] of [64,16,16,8]', () => tf.sum(tensor([64, 16, 16, 8], 13), [0, 1, 2])],
    ['mean [0,1,2] keepDims of [64,16,16,8]', () => tf.mean(tensor([64, 16, 16, 8], 14), [0, 1, 2], true)],
  ];
  for (const [what, f] of cases) {
    const { wasm, cpu, wasmShape, cpuShape } = await onBoth(f);
    assertClose(wasm, cpu, what);
    assert.deepEqual(wasmShape, cpuShape, `${what}: shape`);
  }
  const ints = tf.sum(tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32'), 0);
  assert.deepEqual(Array.from(ints.dataSync()), [4, 6]);
});

test('large sums over leading axes are float64 column totals rounded once, bit for bit (SIMD groups of four columns and the rest)', async () => {
  await tf.setBackend('wasm');
  for (const [rows, columns] of [[5000, 19], [4096, 16], [70000, 3]] as const) {
    const values = Float32Array.from({ length: rows * columns }, (_, i) => Math.sin(i * 0.731) * (1 + (i % 7)));
    const totals = new Float64Array(columns);
    for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) totals[c]! += values[r * columns + c]!;
    const x = tf.tensor2d(values, [rows, columns]);
    const sum = tf.sum(x, 0);
    const mean = tf.mean(tf.reshape(x, [rows, 1, columns]), [0, 1]);
    assert.deepEqual(Array.from(sum.dataSync()), Array.from(Float32Array.from(totals)), `sum of [${rows}, ${columns}]`);
    assert.deepEqual(Array.from(mean.dataSync()), Array.from(Float32Array.from(totals, (t) => t / rows)), `mean of [${rows}, ${columns}]`);
    tf.dispose([x, sum, mean]);
  }
});

test('tile equals the cpu result, bit for bit, whether it repeats a whole block (batch-norm gradients) or not', async () => {
  const cases: Array<[string, () => tf.Tensor]> = [
    ['[1,1,1,5] over the batch axis (the batch-norm gradient)', () => tf.tile(tensor([1, 1, 1, 5], 21), [1, 1, 7, 1])],
    ['[1,1,1,3] over three axes', () => tf.tile(tensor([1, 1, 1, 3], 22), [2, 3, 4, 1])],
    ['[1,4] twice', () => tf.tile(tensor([1, 4], 23), [2, 1])],
    ['[2,3] along the last axis (not a block repeat)', () => tf.tile(tensor([2, 3], 24), [1, 3])],
    ['[3,1,2] along a middle axis (not a block repeat)', () => tf.tile(tensor([3, 1, 2], 25), [1, 4, 1])],
    ['[2,2] both axes', () => tf.tile(tensor([2, 2], 26), [2, 2])],
  ];
  for (const [what, f] of cases) {
    const { wasm, cpu, wasmShape, cpuShape } = await onBoth(f);
    assert.deepEqual(wasmShape, cpuShape, `${what}: shape`);
    assert.deepEqual(Array.from(wasm), Array.from(cpu), what);
  }
  assert.equal(blockRepeats([1, 1, 1, 5], [1, 1, 7, 1]), 7);
  assert.equal(blockRepeats([2, 3], [1, 3]), null);
  const ints = tf.tile(tf.tensor2d([[1, 2]], [1, 2], 'int32'), [3, 1]);
  assert.deepEqual(Array.from(ints.dataSync()), [1, 2, 1, 2, 1, 2]);
  assert.equal(ints.dtype, 'int32');
});

test('the max-pool gradient equals the cpu kernel, bit for bit, for disjoint windows (ties go to the first maximum) and others', async () => {
  const grad = (x: tf.Tensor4D, filter: number, stride: number, pad: 'valid' | 'same'): tf.Tensor =>
    tf.grad((input: tf.Tensor) => {
      const pooled = tf.maxPool(input as tf.Tensor4D, filter, stride, pad);
      return tf.sum(tf.mul(pooled, tensor(pooled.shape, 31)));
    })(x);
  const ties = (): tf.Tensor4D => tf.tensor4d([1, 3, 3, 2, 0, 3, 1, 1, 5, 5, 5, 5, 2, 2, 2, 2], [1, 4, 4, 1]);
  // Overlapping windows sum several dy into one position, in the backend's own order: close, not equal.
  const cases: Array<[string, () => tf.Tensor, 'equal' | 'close']> = [
    ['2×2 stride 2 on [3,8,8,4]', () => grad(tensor([3, 8, 8, 4], 32) as tf.Tensor4D, 2, 2, 'valid'), 'equal'],
    ['2×2 stride 2 on odd [2,7,5,3] (the last row and column get nothing)', () => grad(tensor([2, 7, 5, 3], 33) as tf.Tensor4D, 2, 2, 'valid'), 'equal'],
    ['ties: the first maximum of each window', () => grad(ties(), 2, 2, 'valid'), 'equal'],
    ['3×3 stride 1 (overlapping, the backend kernel)', () => grad(tensor([2, 6, 6, 2], 34) as tf.Tensor4D, 3, 1, 'valid'), 'close'],
  ];
  for (const [what, f, match] of cases) {
    const { wasm, cpu, wasmShape, cpuShape } = await onBoth(f);
    assert.deepEqual(wasmShape, cpuShape, `${what}: shape`);
    if (match === 'equal') assert.deepEqual(Array.from(wasm), Array.from(cpu), what);
    else assertClose(wasm, cpu, what);
  }
  assert.deepEqual(disjointWindow({ filterSize: 2, strides: 2, pad: 'valid' }), [2, 2]);
  assert.equal(disjointWindow({ filterSize: 3, strides: 1, pad: 'valid' }), null);
});

/** A copy of `values` with NaN at the given positions. */
function withNaN(shape: number[], seed: number, at: number[]): tf.Tensor {
  const v = values(shape.reduce((a, b) => a * b, 1), seed);
  for (const i of at) v[i] = NaN;
  return tf.tensor(v, shape);
}

function nanPositions(a: Float32Array): number[] {
  const out: number[] = [];
  a.forEach((v, i) => {
    if (Number.isNaN(v)) out.push(i);
  });
  return out;
}

test('a NaN input stays NaN through the kernels whose clamps hid it (fused matmul + relu, conv, pooling, clip, relu6), on wasm and cpu', async () => {
  registerCustomKernels('cpu'); // initBackend('cpu') does this in a run; here the backend is switched directly
  const cases: Record<string, () => tf.Tensor> = {
    // NaN in row 1 of a and column 2 of b: exactly row 1 and column 2 of the product are NaN.
    'fused matmul + relu': () => tf.fused.matMul({ a: withNaN([4, 6], 1, [6]) as tf.Tensor2D, b: withNaN([6, 5], 2, [2]) as tf.Tensor2D, bias: tensor([5], 3) as tf.Tensor1D, activation: 'relu' }),
    'fused matmul + relu, transposed b': () => tf.fused.matMul({ a: withNaN([4, 6], 1, [6]) as tf.Tensor2D, b: tensor([5, 6], 2) as tf.Tensor2D, activation: 'relu', transposeB: true }),
    'dense layer + relu': () => tf.layers.dense({ units: 3, activation: 'relu', kernelInitializer: 'ones', inputShape: [4] }).apply(withNaN([2, 4], 4, [1])) as tf.Tensor,
    'conv2d + relu': () => tf.relu(tf.conv2d(withNaN([2, 5, 5, 1], 5, [7]) as tf.Tensor4D, tensor([3, 3, 1, 2], 6) as tf.Tensor4D, 1, 'same')),
    'fused conv2d + relu': () => tf.fused.conv2d({ x: withNaN([2, 5, 5, 1], 5, [7]) as tf.Tensor4D, filter: tensor([3, 3, 1, 2], 6) as tf.Tensor4D, strides: 1, pad: 'same', activation: 'relu' }),
    'max pool': () => tf.maxPool(withNaN([2, 4, 4, 1], 7, [0]) as tf.Tensor4D, 2, 2, 'valid'),
    'average pool': () => tf.avgPool(withNaN([2, 4, 4, 1], 7, [0]) as tf.Tensor4D, 2, 2, 'valid'),
    clip: () => tf.clipByValue(withNaN([6], 8, [2]), -0.5, 0.5),
    relu6: () => tf.relu6(tf.mul(withNaN([6], 8, [2]), 10)),
  };
  for (const [name, f] of Object.entries(cases)) {
    const { wasm, cpu } = await onBoth(f);
    const nanCpu = nanPositions(cpu);
    const nanWasm = nanPositions(wasm);
    assert.ok(nanWasm.length > 0, `${name}: wasm turned the NaN into finite numbers`);
    assert.ok(nanCpu.length > 0, `${name}: cpu turned the NaN into finite numbers`);
    // Every output the cpu computes as NaN is NaN on wasm too (wasm may mark a whole sample), and
    // the finite outputs that both compute agree.
    for (const i of nanCpu) assert.ok(Number.isNaN(wasm[i]!), `${name}: output ${i} is NaN on cpu but ${wasm[i]} on wasm`);
    for (let i = 0; i < cpu.length; i++) {
      if (!Number.isNaN(cpu[i]!) && !Number.isNaN(wasm[i]!)) assert.ok(Math.abs(cpu[i]! - wasm[i]!) < 1e-4, `${name}: output ${i} differs`);
    }
  }
  // Infinite values still clip to the bounds, as on the cpu.
  const clipped = await onBoth(() => tf.clipByValue(tf.tensor1d([Infinity, -Infinity, 0.25]), -1, 1));
  assert.deepEqual(Array.from(clipped.wasm), [1, -1, 0.25]);
});

test('the finiteness check kernel is 0 for finite tensors and NaN for any NaN or infinity, in the SIMD body or the tail', async () => {
  await tf.setBackend('wasm');
  const { POISON_KERNEL } = await import('../../../server/contrastive/kernels/reduce/wasmReduce');
  const check = (...tensors: tf.Tensor[]): number => {
    const out = tf.engine().runKernel(POISON_KERNEL, Object.fromEntries(tensors.map((t, i) => [`t${i}`, t]))) as tf.Tensor;
    const value = out.dataSync()[0]!;
    tf.dispose([out, ...tensors]);
    return value;
  };
  const finite = (): tf.Tensor => tf.tensor1d(Float32Array.from({ length: 1003 }, (_, i) => (i - 500) * 1e30));
  assert.equal(check(finite(), tf.tensor2d([[3, -2], [0, 1e-30]])), 0);
  for (const bad of [NaN, Infinity, -Infinity]) {
    for (const at of [0, 999, 1002]) {
      const values = Float32Array.from({ length: 1003 }, (_, i) => i);
      values[at] = bad;
      assert.ok(Number.isNaN(check(finite(), tf.tensor1d(values))), `${bad} at ${at} of 1003 was not caught`);
    }
  }
});
