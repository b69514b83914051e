// The network of a PyTorch run used from TypeScript (server/trainer/engines/pytorchEmbed.ts,
// pytorchExport.ts, contrastive_lab_torch/runmodel.py + tfjs_weights.py), checked for one
// architecture: `embed` rewrites the engine's own final embeddings, new samples embed as the run
// embedded them, and `export --format tfjs` writes a tfjs model whose outputs equal PyTorch's on real
// samples. One test file per backbone (pytorch-run-model-{mlp,convnet,resnet}.test.ts: each trains
// a run and starts Python three or four times, which takes minutes on a loaded machine). Refusals:
// pytorch-run-model-errors.test.ts. Skipped where /usr/bin/python3 has no torch.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { initBackend, tf } from '../../../server/contrastive/backend';
import { loadData } from '../../../server/contrastive/data/load';
import { ContrastiveModel } from '../../../server/contrastive/models';
import { readEmbeddings } from '../../../server/runs/embeddings';
import type { RunEvent } from '../../../server/runs/format';
import { readJsonLines } from '../../../server/runs/jsonl';
import { runPaths } from '../../../server/runs/paths';
import type { ResolvedSpec } from '../../../server/spec/types';
import { exportTfjs, reembedRun } from '../../../server/trainer/afterRun';
import { trainWithPyTorch } from '../../../server/trainer/engines/pytorch';
import { queryPyTorchRun } from '../../../server/trainer/engines/pytorchEmbed';
import { manualStop, tempDir, writeSpec } from '../trainer/helpers';

const PYTHON = '/usr/bin/python3';

const spec = (architecture: string): string => `experiment: run-model
data:
  source: builtin:digits
  limit: 120
  split: { testFraction: 0.25, seed: 0 }
pairs:
  positives: labels
  negatives: { type: batch }
loss: { type: supCon, temperature: 0.1 }
architecture:
${architecture}
strategy:
  optimizer: { type: adam, learningRate: 0.01 }
  epochs: 1
  batchSize: 30
eval:
  knn: { k: 5, temperature: 0.07 }
`;

function maxScaledDifference(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let scale = 1;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  }
  return worst / scale;
}

/** Registers the test of one architecture (the `architecture:` block's lines, indented two spaces). */
export function testRunModel(name: string, architecture: string): void {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  const skip = probe.status === 0 ? false : `${PYTHON} cannot import torch (${(probe.error?.message ?? probe.stderr ?? '').trim().split('\n').pop() || `exit ${probe.status}`}); install python3-torch to test the PyTorch engine`;
  process.env['CONTRASTIVE_LAB_PYTHON'] = PYTHON;
  process.env['OMP_NUM_THREADS'] = '1';

  test(`PyTorch run, ${name}: embed rewrites the engine's embeddings, new samples embed alike, and the tfjs export gives PyTorch's outputs`, { skip }, async () => {
    const dir = tempDir('run-model');
    const written = writeSpec(dir, spec(architecture));
    const outcome = await trainWithPyTorch({ spec: written.spec, specPath: written.path, specText: written.text, outRoot: join(dir, 'runs') }, { mode: 'silent', stop: manualStop(), umap: false, threads: 1, python: PYTHON });
    assert.equal(outcome.status, 'completed');
    const runDir = outcome.runDir;
    const s = JSON.parse(readFileSync(runPaths(runDir).specJson, 'utf8')) as ResolvedSpec;

    // `embed`: the same vectors as the engine wrote at the end of the run.
    const before = readEmbeddings(runDir);
    await initBackend('cpu');
    const reembedded = await reembedRun(runDir, { backend: 'cpu', umap: false });
    const after = readEmbeddings(runDir);
    assert.equal(reembedded.count, 120);
    assert.equal(after.meta.dim, before.meta.dim);
    assert.ok(maxScaledDifference(after.vectors, before.vectors) <= 1e-5, 'embed gives other vectors than the engine wrote at the end of the run');
    assert.deepEqual(after.samples, before.samples);
    assert.match(readJsonLines<RunEvent>(runPaths(runDir).events).lines.at(-1)!.message, /^embeddings rewritten from step-00000003: 120 × \d+$/);

    // New samples (rows 10..29 alone, as a search query sends them), every output in one engine call.
    const { dataset } = await loadData(s.data, { specDir: '.', cacheDir: null });
    const per = dataset.sampleShape.reduce((a, b) => a * b, 1);
    const n = 20;
    const x = dataset.x.slice(10 * per, (10 + n) * per);
    const layers = ['representation', 'projection', ...(s.architecture.prediction !== null ? ['prediction' as const] : [])] as const;
    const reply = await queryPyTorchRun(runDir, { inputs: { values: x, shape: [n, ...dataset.sampleShape], outputs: layers } });
    const dim = before.meta.dim;
    assert.ok(maxScaledDifference(reply.outputs.get(s.eval.layer)!.values, before.vectors.slice(10 * dim, (10 + n) * dim)) <= 1e-5, 'new samples embed otherwise than the run embedded them');
    const projection = reply.outputs.get('projection')!;
    assert.equal(projection.dim, s.architecture.projection?.layers.at(-1) ?? s.architecture.representationSize);
    assert.ok(Math.abs(Math.hypot(...projection.values.subarray(0, projection.dim)) - 1) < 1e-5, 'the projection is L2-normalised, as the engine evaluates it');

    // `export --format tfjs`, loaded back as a user would, fed those real samples (not the export's own check samples).
    const out = join(runDir, 'export', 'tfjs');
    assert.deepEqual(await exportTfjs(runDir, out), ['model.json', 'weights.bin', 'README.md']);
    assert.match(readFileSync(join(out, 'README.md'), 'utf8'), /trained on the PyTorch engine; converted weights whose outputs matched PyTorch's within \d\.\de-\d+ on check samples/);
    const model = await ContrastiveModel.load(out);
    try {
      const result = model.forward(tf.tensor(x, [n, ...dataset.sampleShape]), { training: false });
      const outputs = { representation: result.representation, projection: result.projection, ...(result.prediction !== undefined ? { prediction: result.prediction } : {}) };
      assert.deepEqual(Object.keys(outputs), [...layers]);
      for (const [layer, tensor] of Object.entries(outputs)) {
        const d = maxScaledDifference(tensor.dataSync() as Float32Array, reply.outputs.get(layer as 'representation')!.values);
        assert.ok(d <= 1e-4, `${layer}: the exported model differs from PyTorch by ${d}`);
      }
    } finally {
      model.dispose();
    }
  });
}
