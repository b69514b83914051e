// The same network, weights and batch give the same loss and gradients on the tfjs trainer's backend
// (wasm here: its own convolution, pooling, dense and batch-norm kernels and their gradients) as in
// torch: engines/pytorch/tests/grad_parity.py initialises each network, runs one training-mode
// forward and backward of sum(out ⊙ R) (out: the prediction head's output, else the projection) and returns its weights in tfjs layout
// (tfjs_weights.py) with the gradients; the tfjs model gets those weights and must match every
// gradient. This is what ruled out the step itself when the engines' shapes-simclr accuracies
// differed (bench/quality-floors.md). Skipped where /usr/bin/python3 cannot import torch.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { initBackend, tf } from '../../../server/contrastive/backend';
import { ContrastiveModel } from '../../../server/contrastive/models';
import type { ArchitectureOptions } from '../../../server/contrastive/models/contrastiveModel';
import { derivedRandom } from '../../../server/contrastive/random';
import { float32ToLittleEndian } from '../../../server/runs/embeddings';
import { tempDir } from '../trainer/helpers';

const PYTHON = '/usr/bin/python3';
const ENGINE = join(__dirname, '..', '..', '..', 'engines', 'pytorch');
const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : `${PYTHON} cannot import torch; install python3-torch to test the PyTorch engine`;

const head = (layers: number[], batchNorm: boolean) => ({ layers, batchNorm, activation: 'relu' as const });
const CASES: { name: string; architecture: ArchitectureOptions; inputShape: number[] }[] = [
  {
    name: 'shapes-simclr\'s convnet (conv, batch norm, max-pool, the flattened map) with its projection head',
    architecture: { backbone: { type: 'convnet', channels: [16, 32], kernelSize: 3, activation: 'relu', batchNorm: true }, representationSize: 64, projection: head([64, 32], false), prediction: null, normalizeOutput: true },
    inputShape: [32, 32, 3],
  },
  {
    name: 'a resnet (stride-2 same padding, 1×1 shortcut, global pooling) with batch-norm heads and a prediction head',
    architecture: { backbone: { type: 'resnet', channels: [4, 8], blocksPerStage: 1, activation: 'relu' }, representationSize: 12, projection: head([12, 8], true), prediction: head([10, 8], true), normalizeOutput: true },
    inputShape: [9, 9, 2],
  },
];
const COUNT = 8;

test('one training step\'s loss and gradients on the tfjs backend equal torch\'s for the same weights and batch', { skip }, async () => {
  await initBackend('auto'); // the backend the trainer picks here (wasm), whose kernels are under test
  const dir = tempDir('grad-parity');
  const rng = derivedRandom(7, 'grad-parity');
  const inputs = CASES.map((c, i) => {
    const x = Float32Array.from({ length: COUNT * c.inputShape.reduce((a, b) => a * b, 1) }, () => rng.uniform(0, 1));
    const width = c.architecture.projection?.layers.at(-1) ?? c.architecture.representationSize;
    const r = Float32Array.from({ length: COUNT * width }, () => rng.uniform(-1, 1));
    writeFileSync(join(dir, `x${i}.f32`), float32ToLittleEndian(x));
    writeFileSync(join(dir, `r${i}.f32`), float32ToLittleEndian(r));
    return { x, r, width };
  });
  writeFileSync(join(dir, 'cases.json'), JSON.stringify(CASES.map((c, i) => ({ architecture: c.architecture, inputShape: c.inputShape, count: COUNT, seed: i + 1, inputs: join(dir, `x${i}.f32`), weights: join(dir, `r${i}.f32`) }))));
  const run = spawnSync(PYTHON, [join(ENGINE, 'tests', 'grad_parity.py'), join(dir, 'cases.json'), join(dir, 'out.json')], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: ENGINE, OMP_NUM_THREADS: '1' } });
  assert.equal(run.status, 0, run.stderr);
  const results = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as { weights: Record<string, number[]>; loss: number; gradients: Record<string, number[]> }[];

  CASES.forEach((c, i) => {
    const torch = results[i]!;
    const model = ContrastiveModel.build(c.architecture, c.inputShape);
    try {
      const named = model.namedVariables();
      const tensors = named.map(({ name, variable }) => tf.tensor(torch.weights[name] ?? assert.fail(`${c.name}: torch has no weight ${name}`), variable.shape));
      model.setWeights(tensors);
      tf.dispose(tensors);
      const x = tf.tensor(inputs[i]!.x, [COUNT, ...c.inputShape]);
      const r = tf.tensor2d(inputs[i]!.r, [COUNT, inputs[i]!.width]);
      const { value, grads } = tf.variableGrads(() => {
        const out = model.forward(x, { training: true });
        return tf.sum(tf.mul(out.prediction ?? out.projection, r)) as tf.Scalar;
      }, model.trainableVariables);
      const loss = value.dataSync()[0]!;
      assert.ok(Math.abs(loss - torch.loss) <= 1e-4 * Math.max(1, Math.abs(torch.loss)), `${c.name}: loss ${loss} on tfjs, ${torch.loss} in torch`);
      const trainable = named.filter((v) => v.trainable);
      assert.deepEqual(trainable.map((v) => v.name).sort(), Object.keys(torch.gradients).sort(), `${c.name}: the trained weights`);
      model.trainableVariables.forEach((variable, k) => {
        const name = trainable[k]!.name;
        const ours = grads[variable.name]!.dataSync();
        const theirs = torch.gradients[name]!;
        let scale = 0;
        let worst = 0;
        for (let j = 0; j < ours.length; j++) {
          scale = Math.max(scale, Math.abs(theirs[j]!));
          worst = Math.max(worst, Math.abs(ours[j]! - theirs[j]!));
        }
        // 1e-5 absolute: a bias before batch norm has a true gradient of 0, computed as rounding noise (~1e-6)
        assert.ok(worst <= 1e-4 * scale + 1e-5, `${c.name}: the gradient of ${name} differs by ${worst} (largest entry ${scale})`);
      });
      tf.dispose([x, r, value, ...Object.values(grads)]);
    } finally {
      model.dispose();
    }
  });
});
