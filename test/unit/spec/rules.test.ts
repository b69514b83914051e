// Each semantic rule fires on a minimal bad spec, at the expected range, and its fix removes it.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RULES, type CheckOptions, type DatasetInfo } from '../../../server/spec';
import { applyFix, check, marked } from './helpers';

interface RuleCase {
  readonly rule: string;
  /** The spec (after `experiment: x`), with the expected underlined span in «…». */
  readonly spec: string;
  readonly options?: CheckOptions;
}

const csvFile = (info?: Partial<DatasetInfo>): CheckOptions => ({
  fileExists: () => true,
  datasetInfo: () => (info ? { size: 100, labelled: true, kind: 'vectors', ...info } : undefined),
});

// A pairs file whose second row names an image that does not exist.
const pairsDir = mkdtempSync(join(tmpdir(), 'cl-pairs-rule-'));
const badPairs = join(pairsDir, 'pairs.csv');
writeFileSync(badPairs, 'image,caption\nmissing.png,a cat\n');
// A run directory that exists but holds no checkpoint (init-source: nothing to start from).
const runWithoutCheckpoint = join(pairsDir, 'run-without-checkpoint');
mkdirSync(runWithoutCheckpoint);
writeFileSync(join(runWithoutCheckpoint, 'spec.json'), JSON.stringify({ architecture: {}, data: {} }));

const CASES: readonly RuleCase[] = [
  { rule: 'loss-needs-negatives', spec: 'pairs:\n  negatives: { type: «none» }\n' },
  { rule: 'prediction-head-collapse', spec: 'architecture:\n  «prediction»: { layers: [32, 64] }\n' },
  { rule: 'negative-cosine-needs-prediction', spec: 'pairs:\n  positives: augmentation\n  negatives: { type: none }\nloss: { type: «negativeCosine» }\nstrategy: { stopGradient: true }\n' },
  { rule: 'prediction-output-mismatch', spec: 'architecture:\n  prediction: { layers: [32, «48»] }\nstrategy: { stopGradient: true }\n' },
  { rule: 'mining-without-labels', spec: 'data: { useLabels: false }\npairs:\n  positives: augmentation\n  mining: { type: «batchHard» }\n' },
  { rule: 'label-positives-without-labels', spec: 'data:\n  useLabels: «false»\n' },
  { rule: 'queue-smaller-than-batch', spec: 'pairs:\n  negatives: { type: queue, size: «100» }\nstrategy: { ema: {} }\n' },
  { rule: 'queue-larger-than-split', spec: 'pairs:\n  negatives: { type: queue, size: «9000» }\nstrategy: { ema: {} }\n' },
  { rule: 'queue-without-ema', spec: 'pairs:\n  negatives: { type: «queue», size: 1024 }\n' },
  { rule: 'target-temperature-with-queue', spec: 'pairs:\n  negatives: { type: queue, size: 1024 }\nstrategy:\n  ema: {}\n  «targetTemperature»: { teacher: 0.04, student: 0.1 }\n' },
  { rule: 'm-per-class-divisibility', spec: 'pairs:\n  sampler: { type: mPerClass, m: 3 }\nstrategy:\n  batchSize: «100»\n' },
  { rule: 'm-per-class-needs-labels', spec: 'data: { useLabels: false }\npairs:\n  positives: augmentation\n  sampler: { type: «mPerClass», m: 4 }\n' },
  { rule: 'm-per-class-too-few-classes', spec: 'pairs:\n  sampler: { type: mPerClass, m: 4 }\nstrategy: { batchSize: «256» }\n' },
  { rule: 'circle-needs-cosine', spec: 'loss: { type: circle }\ndistance: { type: «euclidean» }\n' },
  { rule: 'distance-unused', spec: 'pairs: { positives: augmentation, negatives: { type: none } }\nloss: { type: vicreg }\n«distance»:\n  type: cosine\narchitecture: { normalizeOutput: false }\n' },
  { rule: 'distance-unused', spec: 'pairs: { positives: augmentation }\nloss: { type: siglip }\n«distance»:\n  type: cosine\n' },
  { rule: 'divergence-with-metric-loss', spec: 'loss: { type: triplet }\ndistance: { type: «kl» }\n' },
  { rule: 'margins-inverted', spec: 'loss: { type: contrastive, posMargin: 1, negMargin: «0.5» }\n' },
  { rule: 'range-reversed', spec: 'pairs:\n  positives: augmentation\n  views:\n    strong:\n      - { type: contrast, range: «[1.4, 0.6]» }\n' },
  { rule: 'sweep-unknown-path', spec: 'sweep:\n  parameters:\n    «loss.temprature»: { values: [0.05, 0.2] }\n' },
  { rule: 'sweep-value-invalid', spec: 'sweep:\n  parameters:\n    loss.temperature: { values: [0.05, «warm»] }\n' },
  { rule: 'projection-wider-than-representation', spec: 'architecture:\n  representationSize: 32\n  projection: { layers: [64, «64»] }\n' },
  { rule: 'batch-larger-than-split', spec: 'data: { limit: 100 }\nstrategy: { batchSize: «256» }\n' },
  { rule: 'augmentation-without-ops', spec: 'pairs:\n  positives: augmentation\n  views: «{ weak: [], strong: [] }»\n' },
  { rule: 'image-ops-on-vectors', spec: 'data: { source: v.csv, labelColumn: y }\npairs:\n  positives: augmentation\n  views:\n    weak: [{ type: «flip» }]\n    strong: []\n', options: csvFile() },
  { rule: 'engine-unsupported', spec: 'run: { processes: «2» }\n' },
  { rule: 'ema-tau-decreasing', spec: 'strategy:\n  ema: { tauStart: 0.99, tauEnd: «0.9» }\n' },
  { rule: 'teacher-hotter-than-student', spec: 'strategy:\n  targetTemperature: { teacher: «0.2», student: 0.1 }\n' },
  { rule: 'warmup-too-long', spec: 'strategy:\n  epochs: 5\n  schedule: { type: cosine, warmupEpochs: «5» }\n' },
  { rule: 'eval-layer-without-projection', spec: 'architecture: { projection: null }\neval: { layer: «projection» }\n' },
  { rule: 'knn-k-exceeds-split', spec: 'data: { limit: 50 }\nstrategy: { batchSize: 32 }\neval:\n  knn: { k: «100» }\n' },
  { rule: 'data-source-missing', spec: 'data: { source: «nowhere/images» }\n', options: { fileExists: () => false } },
  { rule: 'unknown-builtin-dataset', spec: 'data: { source: «builtin:digit» }\n' },
  { rule: 'label-column-ignored', spec: 'data:\n  source: builtin:digits\n  «labelColumn»: label\n' },
  { rule: 'data-file-empty', spec: 'data: { source: «v.csv», labelColumn: label }\nstrategy: { batchSize: 64 }\n', options: csvFile({ size: 0, labelled: false, columns: ['a', 'label'], empty: 'header' }) },
  { rule: 'label-column-missing', spec: 'data: { source: v.csv, labelColumn: «lable» }\n', options: csvFile({ columns: ['a', 'b', 'label'] }) },
  { rule: 'vicreg-normalized-output', spec: 'pairs: { positives: augmentation, negatives: { type: none } }\nloss: { type: vicreg }\narchitecture: { normalizeOutput: «true» }\n' },
  { rule: 'blur-kernel-even', spec: 'pairs:\n  views:\n    strong: [{ type: gaussianBlur, kernelSize: «4» }]\n' },
  { rule: 'cutout-covers-image', spec: 'pairs:\n  views:\n    weak:\n      - type: cutout\n        size: «28»\n' },
  { rule: 'digits-are-greyscale', spec: 'data: { source: builtin:digits, channels: «3» }\n' },
  { rule: 'supcon-without-labels', spec: 'pairs: { positives: augmentation }\nloss: { type: «supCon» }\n' },
  { rule: 'format-mismatch', spec: 'data:\n  source: builtin:digits\n  format: «csv»\n' },
  { rule: 'linear-probe-too-few-labels', spec: 'eval:\n  linearProbe: { labelFraction: «0.001» }\n' },
  { rule: 'few-shot-ways-exceed-classes', spec: 'eval:\n  fewShot: { ways: «12» }\n' },
  { rule: 'few-shot-split-too-small', spec: 'data: { limit: 400 }\neval:\n  fewShot: { shots: [1, 5], queries: «15» }\n' },
  { rule: 'eval-every-exceeds-epochs', spec: 'strategy: { epochs: 5 }\neval: { every: «10» }\n' },
  { rule: 'cross-entropy-needs-labels', spec: 'data:\n  useLabels: «false»\nloss: { type: crossEntropy }\n' },
  { rule: 'init-run-missing', spec: 'init: { from: «runs/no-such-run» }\n' },
  { rule: 'init-source', spec: `init: { from: «${runWithoutCheckpoint}» }\n` },
  // Two towers on paired data (issue 14)
  { rule: 'towers-need-pairs', spec: 'loss: { type: siglip }\narchitecture:\n  «towers»: { a: { type: network }, b: { type: text } }\n' },
  { rule: 'pairs-need-towers', spec: 'data:\n  «pairs»: { source: builtin:digits-captions }\nloss: { type: siglip }\n' },
  { rule: 'tower-loss-unsupported', spec: 'data:\n  pairs: { source: builtin:digits-captions }\nloss: { type: «supCon» }\narchitecture:\n  towers: { a: { type: network }, b: { type: text } }\n' },
  { rule: 'tower-sizes-differ', spec: 'data:\n  pairs: { source: builtin:digits-captions }\nloss: { type: siglip }\narchitecture:\n  towers:\n    a: { type: network }\n    b: { type: text, embeddingSize: «32» }\n' },
  { rule: 'locked-tower-without-init', spec: 'data:\n  pairs: { source: builtin:digits-captions }\nloss: { type: siglip }\narchitecture:\n  towers:\n    a: { type: network, locked: «true» }\n    b: { type: text }\n' },
  { rule: 'tower-init', spec: 'data:\n  pairs: { source: builtin:digits-captions }\nloss: { type: siglip }\narchitecture:\n  towers:\n    a: { type: network }\n    b: { type: text, «init»: { from: runs/no-such-run } }\n' },
  { rule: 'init-run-missing', spec: 'data:\n  pairs: { source: builtin:digits-captions }\nloss: { type: siglip }\narchitecture:\n  towers:\n    a: { type: network, locked: true, init: { from: «runs/no-such-run» } }\n    b: { type: text }\n' },
  { rule: 'tower-side-mismatch', spec: 'data:\n  pairs: { source: builtin:digits-captions }\nloss: { type: siglip }\narchitecture:\n  towers:\n    a: { type: «text» }\n    b: { type: text }\n' },
  { rule: 'pairs-side-unnamed', spec: 'data:\n  pairs:\n    source: p.csv\n    a: { image: img }\n    «b»: {}\nloss: { type: siglip }\narchitecture:\n  towers: { a: { type: network }, b: { type: text } }\n', options: { fileExists: () => true } },
  { rule: 'pairs-file-rows', spec: `data:\n  pairs: { source: «${badPairs}», a: { image: image }, b: { text: caption } }\nloss: { type: siglip }\narchitecture:\n  towers: { a: { type: network }, b: { type: text } }\n` },
  { rule: 'pairs-batch-larger-than-split', spec: 'data:\n  pairs: { source: builtin:digits-captions }\n  limit: 100\nloss: { type: siglip }\narchitecture:\n  towers: { a: { type: network }, b: { type: text } }\nstrategy: { batchSize: «256» }\n' },
  { rule: 'towers-ignored-options', spec: 'data:\n  pairs: { source: builtin:digits-captions }\nloss: { type: siglip }\narchitecture:\n  towers: { a: { type: network }, b: { type: text } }\nstrategy:\n  epochs: 2\n  «ema»: { tauStart: 0.99 }\n' },
  { rule: 'pairs-source-missing', spec: 'data:\n  pairs: { source: «p.csv», a: { image: img }, b: { text: caption } }\nloss: { type: siglip }\narchitecture:\n  towers: { a: { type: network }, b: { type: text } }\n', options: { fileExists: () => false } },
  { rule: 'engine-unsupported', spec: 'data:\n  pairs: { source: builtin:digits-captions }\nloss: { type: siglip }\narchitecture:\n  towers: { a: { type: network, «init»: { from: runs/earlier } }, b: { type: text } }\nrun: { engine: pytorch }\n' },
  { rule: 'unnormalized-dot-logits', spec: 'distance: { type: dot, normalize: false }\narchitecture: { normalizeOutput: «false» }\n' },
];

test('there are at least 14 semantic rules, each with a unique id, a severity and a description', () => {
  assert.ok(RULES.length >= 14, `only ${RULES.length} rules`);
  assert.equal(new Set(RULES.map((r) => r.id)).size, RULES.length);
  for (const rule of RULES) {
    assert.match(rule.id, /^[a-z]+(-[a-z0-9]+)+$/);
    assert.ok(rule.description.length > 20, rule.id);
  }
});

test('every rule has a case below', () => {
  const covered = new Set(CASES.map((c) => c.rule));
  assert.deepEqual(RULES.map((r) => r.id).filter((id) => !covered.has(id)), []);
});

for (const c of CASES) {
  test(`${c.rule}: fires at the expected range; its fix removes it`, () => {
    const { text: body, start, end } = marked(c.spec);
    const text = `experiment: x\n${body}`;
    const offset = 'experiment: x\n'.length;
    const result = check(text, c.options);
    const schemaOrSyntax = result.problems.filter((p) => p.ruleId === 'syntax' || p.ruleId.startsWith('schema/'));
    assert.deepEqual(schemaOrSyntax, [], 'the bad spec must be schema-valid so that rules run');
    const found = result.problems.filter((p) => p.ruleId === c.rule);
    assert.equal(found.length, 1, `expected ${c.rule}; got ${result.problems.map((p) => p.ruleId).join(', ') || 'nothing'}`);
    const problem = found[0]!;
    const rule = RULES.find((r) => r.id === c.rule)!;
    assert.equal(problem.severity, rule.severity);
    assert.equal(result.document.offsetAt(problem.range.start), start + offset, 'range start');
    assert.equal(result.document.offsetAt(problem.range.end), end + offset, 'range end');
    assert.equal(problem.line, problem.range.start.line + 1);
    assert.ok(problem.message.length > 40, 'message says how to fix it');
    if (rule.severity === 'error') assert.equal(result.spec, null, 'an error withholds the resolved spec');

    if (problem.fixes.length > 0) {
      const fixed = applyFix(result, problem.fixes[0]!);
      const after = check(fixed, c.options);
      assert.deepEqual(after.problems.filter((p) => p.ruleId === c.rule || p.ruleId === 'syntax' || p.ruleId.startsWith('schema/')).map((p) => `${p.ruleId}: ${p.message}`), [], `after the fix:\n${fixed}`);
    }
  });
}

test('a loss that ignores the distance meets only distance-unused, whatever the distance says', () => {
  const result = check('experiment: x\npairs: { positives: augmentation }\nloss: { type: siglip }\ndistance: { type: dot, normalize: false }\narchitecture: { normalizeOutput: false }\n');
  assert.deepEqual(result.problems.map((p) => p.ruleId), ['distance-unused']);
});

test('a rule that needs the dataset size is skipped when the size is unknown', () => {
  const result = check('experiment: x\ndata: { source: rows.csv, labelColumn: y }\nstrategy: { batchSize: 60000 }\n', { fileExists: () => true });
  assert.deepEqual(result.problems.map((p) => p.ruleId), []);
});

test('the datasetInfo hook decides the split size of image folders', () => {
  const options: CheckOptions = { fileExists: () => true, datasetInfo: () => ({ size: 40, labelled: true, kind: 'images' }) };
  const result = check('experiment: x\ndata: { source: shapes, split: { testFraction: 0.25 } }\nstrategy: { batchSize: 64 }\n', options);
  const problem = result.problems.find((p) => p.ruleId === 'batch-larger-than-split');
  assert.ok(problem);
  assert.match(problem.message, /only 30 samples/);
});

test('a flat (unlabelled) image folder with label positives is an error pointing at the source', () => {
  const options: CheckOptions = { fileExists: () => true, datasetInfo: () => ({ size: 40, labelled: false, kind: 'images' }) };
  const result = check('experiment: x\ndata: { source: photos }\n', options);
  const problem = result.problems.find((p) => p.ruleId === 'label-positives-without-labels');
  assert.ok(problem);
  assert.match(problem.message, /no class sub-folders/);
  assert.equal(result.document.text.slice(result.document.offsetAt(problem.range.start), result.document.offsetAt(problem.range.end)), 'photos');
});

test('fixes keep JSON documents valid JSON', () => {
  const result = check('{\n  "experiment": "x",\n  "loss": { "type": "circle" },\n  "distance": { "type": "euclidean" }\n}\n', {}, '/tmp/contrastive-lab-tests/x.json');
  const problem = result.problems.find((p) => p.ruleId === 'circle-needs-cosine');
  assert.ok(problem);
  const fixed = applyFix(result, problem.fixes[0]!);
  assert.deepEqual(JSON.parse(fixed).distance, { type: 'cosine' });
});

test('a fix that inserts a missing block goes at the right indentation', () => {
  const result = check('experiment: x\narchitecture:\n  prediction: { layers: [32, 64] }\n');
  const problem = result.problems.find((p) => p.ruleId === 'prediction-head-collapse')!;
  const fixed = applyFix(result, problem.fixes[0]!);
  assert.equal(check(fixed).spec?.strategy.stopGradient, true);
});
