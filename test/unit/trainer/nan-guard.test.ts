// The per-step finite guard: a NaN injected into the data or into a weight stops training at that
// step with the same verdict on cpu and on wasm — wasm's fused matmul + relu used to turn the NaN
// into 0, leaving a finite loss over a dead network that no check saw.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { initBackend, tf } from '../../../server/contrastive/backend';
import { loadData } from '../../../server/contrastive/data/load';
import type { SplitDataset } from '../../../server/contrastive/data/types';
import { describeFault, type NonFiniteFault } from '../../../server/trainer/finiteGuard';
import { buildTrainingParts } from '../../../server/trainer/parts';
import { TINY_SPEC, tempDir, writeSpec } from './helpers';

type Injection = 'data' | 'weight' | 'none';

async function firstFault(backend: 'cpu' | 'wasm', injection: Injection): Promise<{ fault: NonFiniteFault | null; loss: number; message: string | null }> {
  await initBackend(backend);
  const { spec } = writeSpec(tempDir('nan-guard'), TINY_SPEC);
  const loaded = await loadData(spec.data, { specDir: '.', cacheDir: null });
  let data: SplitDataset = loaded;
  if (injection === 'data') {
    // One pixel of one sample of the first batch is NaN, as a broken decoder or augmentation would leave it.
    const probe = buildTrainingParts(spec, data);
    const first = probe.batches.plan(1)[0]![3]!;
    probe.dispose();
    const x = Float32Array.from(loaded.dataset.x);
    x[first * 784 + 400] = NaN;
    data = { ...loaded, dataset: { ...loaded.dataset, x } };
  }
  const parts = buildTrainingParts(spec, data);
  try {
    if (injection === 'weight') {
      const kernel = parts.model.namedVariables().find((v) => v.name.endsWith('kernel'))!;
      const values = kernel.variable.dataSync().slice();
      values[0] = NaN;
      kernel.variable.assign(tf.tensor(values, kernel.variable.shape));
    }
    const { loss, lr, fault } = await parts.trainStep(parts.batches.plan(1)[0]!, 1, 10);
    return { fault, loss, message: fault === null ? null : describeFault(fault, 1, 1, lr, parts.nanHint()) };
  } finally {
    parts.dispose();
  }
}

describe('the finite guard', () => {
  test('a clean step passes', async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      const { fault, loss } = await firstFault(backend, 'none');
      assert.equal(fault, null, `${backend}: ${JSON.stringify(fault)}`);
      assert.ok(Number.isFinite(loss));
    }
  });

  test('a NaN in the data stops the step as an input fault naming the batch, on cpu and wasm alike', async () => {
    const cpu = await firstFault('cpu', 'data');
    const wasm = await firstFault('wasm', 'data');
    for (const [backend, r] of [['cpu', cpu], ['wasm', wasm]] as const) {
      assert.equal(r.fault?.kind, 'inputs', `${backend}: ${JSON.stringify(r.fault)}`);
      assert.equal(r.fault?.tensor, 'the batch (after pairs.views.weak)');
      assert.match(r.message!, /the input batch became NaN at step 1 \(epoch 1.*the batch \(after pairs\.views\.weak\) contains a non-finite value before the network saw it/);
    }
    assert.equal(cpu.message, wasm.message);
  });

  test('a NaN weight makes the loss NaN on both backends (wasm no longer hides it behind relu)', async () => {
    const cpu = await firstFault('cpu', 'weight');
    const wasm = await firstFault('wasm', 'weight');
    assert.equal(cpu.fault?.kind, 'loss', `cpu: ${JSON.stringify(cpu.fault)}`);
    assert.equal(wasm.fault?.kind, 'loss', `wasm: ${JSON.stringify(wasm.fault)}`);
    assert.ok(Number.isNaN(cpu.loss) && Number.isNaN(wasm.loss));
    assert.match(wasm.message!, /the loss became NaN at step 1 .*Likely causes: lower strategy\.optimizer\.learningRate/);
  });
});

describe('the NaN hint', () => {
  const hintFor = async (loss: string): Promise<string> => {
    await initBackend('cpu');
    const text = TINY_SPEC.replace('positives: labels\n  negatives: { type: batch }', 'positives: augmentation\n  negatives: { type: none }')
      .replace('distance: { type: cosine }\n', '')
      .replace('loss: { type: supCon, temperature: 0.1 }', `loss: ${loss}`)
      .replace('architecture:\n', 'architecture:\n  normalizeOutput: false\n');
    const { spec } = writeSpec(tempDir('nan-hint'), text);
    const parts = buildTrainingParts(spec, await loadData(spec.data, { specDir: '.', cacheDir: null }));
    try {
      return parts.nanHint();
    } finally {
      parts.dispose();
    }
  };

  // VICReg and Barlow Twins are meant for unnormalised outputs (the vicreg-normalized-output rule
  // warns against normalising): their NaN hint must not advise the opposite.
  test('VICReg and Barlow Twins are not told to normalise their outputs', async () => {
    for (const loss of ['{ type: vicreg }', '{ type: barlowTwins }']) {
      const hint = await hintFor(loss);
      assert.doesNotMatch(hint, /normalizeOutput: true/, `${loss}: ${hint}`);
      assert.match(hint, /lower strategy\.optimizer\.learningRate/);
    }
  });
});
