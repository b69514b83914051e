// Learning smoke test (registered by learning-smoke-*.test.ts): every self-supervised family trains for real (a few hundred steps on 3,000
// digits, batch 256, the default weak/strong views) and must end far above chance with healthy
// embeddings. Unit tests of the parts cannot catch a run that dies as a whole: these recipes all
// ended at chance (10.85 %) when one gaussian-noise pixel in a few million became NaN.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { MetricLine } from '../../../server/runs/format';
import { readJsonLines } from '../../../server/runs/jsonl';
import { runPaths } from '../../../server/runs/paths';
import { trainNewRun } from '../../../server/trainer/start';
import { manualStop, tempDir, writeSpec } from './helpers';

export interface Family {
  readonly name: string;
  readonly pairs: string;
  readonly loss: string;
  readonly architecture: string;
  readonly strategy?: string;
  /** kNN accuracy the family must reach (chance is 10 %). */
  readonly floor: number;
}

const BN_HEADS = `  backbone: { type: mlp, layers: [256], batchNorm: true }
  representationSize: 64
  projection: { layers: [128, 64], batchNorm: true }`;
const PLAIN = `  backbone: { type: mlp, layers: [256] }
  representationSize: 64
  projection: { layers: [128, 64] }`;

export const FAMILIES: readonly Family[] = [
  { name: 'SimCLR', pairs: 'negatives: { type: batch }', loss: '{ type: infoNCE, temperature: 0.2 }', architecture: BN_HEADS, floor: 0.6 },
  { name: 'MoCo', pairs: 'negatives: { type: queue, size: 1024 }', loss: '{ type: infoNCE, temperature: 0.2 }', architecture: PLAIN, strategy: '  ema: { tauStart: 0.99, tauEnd: 1 }', floor: 0.6 },
  { name: 'BYOL', pairs: 'negatives: { type: none }', loss: '{ type: negativeCosine, form: byol }', architecture: `${BN_HEADS}\n  prediction: { layers: [128, 64], batchNorm: true }`, strategy: '  stopGradient: true\n  ema: { tauStart: 0.99, tauEnd: 1 }', floor: 0.6 },
  { name: 'SimSiam', pairs: 'negatives: { type: none }', loss: '{ type: negativeCosine, form: simsiam }', architecture: `${BN_HEADS}\n  prediction: { layers: [32, 64], batchNorm: true }`, strategy: '  stopGradient: true', floor: 0.6 },
  { name: 'VICReg', pairs: 'negatives: { type: none }', loss: '{ type: vicreg, invarianceWeight: 25, varianceWeight: 25, covarianceWeight: 1 }', architecture: BN_HEADS, floor: 0.6 },
  { name: 'Barlow Twins', pairs: 'negatives: { type: none }', loss: '{ type: barlowTwins, lambda: 0.005 }', architecture: BN_HEADS, floor: 0.6 },
  { name: 'NCE', pairs: 'negatives: { type: batch }', loss: '{ type: nce, temperature: 0.2, learnable: true }', architecture: BN_HEADS, floor: 0.6 },
  { name: 'SigLIP', pairs: 'negatives: { type: batch }', loss: '{ type: siglip, logitScale: 2.302585092994046, logitBias: -10, learnable: true }', architecture: PLAIN, floor: 0.6 },
];

const EPOCHS = 12; // × 9 steps of 256 on 2,400 training digits ≈ 108 steps
const CHANCE = 0.1;

function specText(f: Family): string {
  return `experiment: smoke-${f.name.toLowerCase().replace(/\s+/g, '-')}
data:
  source: builtin:digits
  useLabels: false
  limit: 3000
pairs:
  positives: augmentation
  ${f.pairs}
distance: { type: cosine }
loss: ${f.loss}
architecture:
${f.architecture}
strategy:
  optimizer: { type: adam, learningRate: 0.001 }
  epochs: ${EPOCHS}
  batchSize: 256
  seed: 42
${f.strategy ?? ''}
eval:
  every: ${EPOCHS}
  knn: { k: 20, temperature: 0.07 }
  linearProbe: null
`;
}

/** Registers one test per named family (split over two files so each stays well inside the per-file timeout). */
export function smokeTests(names: readonly string[]): void {
  for (const family of FAMILIES.filter((f) => names.includes(f.name))) {
    test(`${family.name} learns: kNN far above chance, healthy embeddings, no NaN`, async (t) => {
      const dir = tempDir('smoke');
      const { path, spec } = writeSpec(dir, specText(family), 'smoke.contrastive.yaml');
      const outcome = await trainNewRun({ spec, specPath: path, specText: '', outRoot: join(dir, 'runs') }, { mode: 'silent', backend: null, stop: manualStop(), umap: false });
      assert.equal(outcome.status, 'completed', `${family.name} did not complete: ${JSON.stringify(outcome.record.error)}`);
      const lines = readJsonLines<MetricLine>(runPaths(outcome.runDir).metrics).lines;
      const losses = lines.filter((l) => l.kind === 'step').map((l) => (l as { loss: number }).loss);
      assert.ok(losses.length >= 100 && losses.every(Number.isFinite), `${family.name}: ${losses.length} steps, all finite`);
      const evaluation = outcome.lastEval!;
      t.diagnostic(`${family.name}: kNN ${evaluation.knnAccuracy}, collapse std ${evaluation.collapseStd.toFixed(4)} (healthy ${evaluation.collapseHealthyStd.toFixed(4)}), ${losses.length} steps`);
      assert.ok(evaluation.knnAccuracy !== null && evaluation.knnAccuracy >= family.floor, `${family.name}: kNN accuracy ${evaluation.knnAccuracy} < ${family.floor} (chance ${CHANCE})`);
      assert.ok(evaluation.collapseStd > 0.3 * evaluation.collapseHealthyStd, `${family.name}: collapse std ${evaluation.collapseStd} vs healthy ${evaluation.collapseHealthyStd}`);
    });
  }
}
