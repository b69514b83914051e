// The facts each ingredient declares (server/contrastive/**/*.decl.ts) are checked against what the
// implementations do and what the PyTorch engine mirrors, so a declaration cannot claim what is not
// true — the drift that let SigLIP (which never reads `distance`) escape the distance-unused rule.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { augmentationFor } from '../../../server/contrastive/augment/registry';
import { initBackend, tf } from '../../../server/contrastive/backend';
import type { Engine } from '../../../server/contrastive/declare';
import { createDistance } from '../../../server/contrastive/distances';
import type { Distance } from '../../../server/contrastive/distances/types';
import { createLoss } from '../../../server/contrastive/losses';
import { LOSSES, type LossOptions } from '../../../server/contrastive/losses/declarations';
import { EVALUATIONS, INGREDIENTS, type IngredientKind } from '../../../server/spec/experiment';
import { LOSSES_IGNORING_DISTANCE } from '../../../server/spec';
import { resolveSpec } from '../../../server/spec/resolve';
import type { AugmentationOp } from '../../../server/spec/types';
import { lossOnAnyInput } from '../contrastive/lossOnAnyInput';

const root = join(__dirname, '../../..');

/** The options of a declaration at their defaults (the resolver fills them in). */
function defaults<T>(kind: IngredientKind, type: string): T {
  const spec = resolveSpec({ experiment: 'facts', ...(kind === 'loss' ? { loss: { type } } : { pairs: { positives: 'augmentation', views: { weak: [{ type }], strong: [] } } }) });
  return (kind === 'loss' ? spec.loss : spec.pairs.views.weak[0]) as T;
}

before(async () => {
  await initBackend('wasm');
});

test('a loss declares usesDistance exactly when its value changes with the distance', () => {
  const x = tf.randomNormal([8, 6], 0, 0.5, 'float32', 11) as tf.Tensor2D;
  const y = tf.randomNormal([8, 6], 0, 0.5, 'float32', 12) as tf.Tensor2D;
  const labels = Int32Array.from([0, 0, 1, 1, 2, 2, 3, 3]);
  // Both similarities (circle accepts nothing else); the raw dot product also sees vector lengths.
  const distances = [createDistance({ type: 'cosine' }), createDistance({ type: 'dot', normalize: false })];
  try {
    for (const declaration of LOSSES) {
      const values = distances.map((distance) => {
        const loss = createLoss(defaults<LossOptions>('loss', declaration.type), distance);
        const value = lossOnAnyInput(loss, x, y, labels);
        const number = value.dataSync()[0]!;
        value.dispose();
        loss.dispose();
        return number;
      });
      assert.ok(values.every(Number.isFinite), `${declaration.type}: ${values}`);
      const changed = Math.abs(values[0]! - values[1]!) > 1e-6 * Math.max(1, Math.abs(values[0]!));
      assert.equal(declaration.facts.usesDistance, changed, `${declaration.type} declares usesDistance: ${declaration.facts.usesDistance}, but cosine → ${values[0]}, dot → ${values[1]}`);
    }
  } finally {
    tf.dispose([x, y]);
  }
  assert.deepEqual([...LOSSES_IGNORING_DISTANCE].sort(), ['barlowTwins', 'crossEntropy', 'negativeCosine', 'siglip', 'vicreg'], 'the losses the distance-unused rule covers');
});

test('a loss has trainable parameters exactly when its declared learnable option is on', () => {
  const distance = createDistance({ type: 'cosine' });
  for (const declaration of LOSSES) {
    const option = declaration.facts.learnable;
    const settings = option === false ? [false] : [false, true];
    for (const on of settings) {
      const spec = { ...defaults<LossOptions>('loss', declaration.type), ...(option === false ? {} : { [option]: on }) } as LossOptions;
      const loss = createLoss(spec, distance);
      assert.equal(loss.trainableVariables.length > 0, on, `${declaration.type} with ${String(option)} = ${on}`);
      loss.dispose();
    }
  }
});

/** A loss's value on given embeddings (labelled losses read `labels`; two-view losses take x and y as the views). */
function lossValue(options: LossOptions, distance: Distance, x: readonly number[][], y: readonly number[][] = x, labels = Int32Array.from(x, (_, i) => i)): number {
  const loss = createLoss(options, distance);
  const [a, b] = [tf.tensor2d(x as number[][]), tf.tensor2d(y as number[][])];
  try {
    const value = lossOnAnyInput(loss, a, b, labels);
    const number = value.dataSync()[0]!;
    value.dispose();
    return number;
  } finally {
    tf.dispose([a, b]);
    loss.dispose();
  }
}

test('a loss declares softmaxLogits exactly when it is a cross-entropy over similarities: shift-invariant and never hinged to zero', () => {
  // Four classes of two; with the raw dot product, same-class similarity is gap² + shift², the rest shift².
  const labels = Int32Array.from([0, 0, 1, 1, 2, 2, 3, 3]);
  const clustered = (gap: number, shift: number) => Array.from(labels, (label) => [...[0, 1, 2, 3].map((k) => (k === label ? gap : 0)), shift]);
  const dot = createDistance({ type: 'dot', normalize: false });
  for (const declaration of LOSSES.filter((d) => d.facts.usesDistance)) {
    // Temperature 1, so that a softmax keeps a visible value at a gap that satisfies every margin.
    const base = defaults<LossOptions>('loss', declaration.type);
    const options = ('temperature' in base ? { ...base, temperature: 1 } : base) as LossOptions;
    const [plain, shifted] = [0, 1].map((shift) => lossValue(options, dot, clustered(0.5, shift), undefined, labels));
    const shiftInvariant = Math.abs(plain! - shifted!) <= 1e-5 * Math.max(1, Math.abs(plain!));
    const wide = lossValue(options, dot, clustered(3, 0), undefined, labels);
    assert.equal(declaration.facts.softmaxLogits, shiftInvariant && wide > 1e-4, `${declaration.type} declares softmaxLogits: ${declaration.facts.softmaxLogits}, but +1 on every similarity: ${plain} → ${shifted}; positives 9 above negatives: ${wide}`);
  }
  for (const declaration of LOSSES.filter((d) => !d.facts.usesDistance)) assert.equal(declaration.facts.softmaxLogits, false, `${declaration.type} never reads the distance's similarities`);
});

test('a loss declares minimisedByCollapse exactly when a constant output scores as well as distinct aligned views', () => {
  const cosine = createDistance({ type: 'cosine' });
  const distinct = Array.from({ length: 8 }, (_, i) => Array.from({ length: 8 }, (_, k) => (k === i ? 4 : 0)));
  const constant = Array.from({ length: 8 }, () => Array.from({ length: 8 }, (_, k) => (k === 0 ? 1 : 0.5)));
  for (const declaration of LOSSES) {
    if (declaration.facts.needsNegatives) {
      // Pushing negatives apart is what a collapsed output fails at.
      assert.equal(declaration.facts.minimisedByCollapse, false, `${declaration.type} needs negatives`);
      continue;
    }
    const options = defaults<LossOptions>('loss', declaration.type);
    const [collapsed, spread] = [lossValue(options, cosine, constant), lossValue(options, cosine, distinct)];
    assert.equal(declaration.facts.minimisedByCollapse, collapsed <= spread + 1e-5, `${declaration.type} declares minimisedByCollapse: ${declaration.facts.minimisedByCollapse}, but constant → ${collapsed}, distinct → ${spread}`);
  }
});

test('a loss declares expander exactly when its value changes under a rotation of the output space (it reads per-dimension statistics)', () => {
  const x = tf.randomNormal([8, 6], 0, 1, 'float32', 21).arraySync() as number[][];
  const y = tf.randomNormal([8, 6], 0, 1, 'float32', 22).arraySync() as number[][];
  // A rotation of the first two coordinates: it keeps every length, angle and distance.
  const [c, s] = [Math.cos(0.6), Math.sin(0.6)];
  const rotate = (rows: number[][]) => rows.map(([a = 0, b = 0, ...rest]) => [c * a - s * b, s * a + c * b, ...rest]);
  const labels = Int32Array.from([0, 0, 1, 1, 2, 2, 3, 3]);
  const cosine = createDistance({ type: 'cosine' });
  for (const declaration of LOSSES) {
    const options = defaults<LossOptions>('loss', declaration.type);
    // A classifying loss reads class logits, not the network's output space: no rotation applies.
    const probe = createLoss(options, cosine);
    probe.dispose();
    if (probe.input === 'classes') continue;
    const [plain, rotated] = [lossValue(options, cosine, x, y, labels), lossValue(options, cosine, rotate(x), rotate(y), labels)];
    const changed = Math.abs(plain - rotated) > 1e-4 * Math.max(1, Math.abs(plain));
    assert.equal(declaration.facts.expander, changed, `${declaration.type} declares expander: ${declaration.facts.expander}, but rotating the outputs: ${plain} → ${rotated}`);
  }
});

test('an augmentation declares imageOnly exactly when its implementation takes images', () => {
  for (const declaration of INGREDIENTS.augmentation) {
    const implementation = augmentationFor(defaults<AugmentationOp>('augmentation', declaration.type));
    assert.equal(implementation.input === 'image', declaration.facts.imageOnly, declaration.type);
  }
});

/** A Python set the PyTorch engine's spec check defines (`NAME = {...}`, `A | {...}`, `A - {...}`). */
function pythonSet(source: string, name: string): Set<string> {
  const match = new RegExp(`^${name} = ([^\\n]*(?:\\n[ \\t]+[^\\n]*)*)`, 'm').exec(source);
  assert.ok(match, `${name} is not defined in spec.py`);
  let result = new Set<string>();
  let operator = '|';
  for (const term of match[1]!.split(/\s*([|-])\s*(?![^{]*})/)) {
    if (term === '|' || term === '-') {
      operator = term;
      continue;
    }
    const values = term.trim().startsWith('{') ? new Set([...term.matchAll(/"([^"]+)"/g)].map((m) => m[1]!)) : pythonSet(source, term.trim());
    result = operator === '|' ? new Set([...result, ...values]) : new Set([...result].filter((v) => !values.has(v)));
  }
  return result;
}

test('the engines each ingredient declares are the ones the PyTorch engine accepts', () => {
  const source = readFileSync(join(root, 'engines/pytorch/contrastive_lab_torch/spec.py'), 'utf8');
  const mirrored: Record<IngredientKind, Set<string>> = {
    loss: pythonSet(source, 'LOSSES'),
    distance: pythonSet(source, 'DISTANCES'),
    mining: new Set(['none', ...pythonSet(source, 'MINERS')]),
    negatives: pythonSet(source, 'NEGATIVES'),
    sampler: pythonSet(source, 'SAMPLERS'),
    augmentation: pythonSet(source, 'AUGMENTATIONS'),
    backbone: pythonSet(source, 'BACKBONES'),
    optimizer: pythonSet(source, 'OPTIMIZERS'),
    schedule: pythonSet(source, 'SCHEDULES'),
  };
  for (const [kind, declarations] of Object.entries(INGREDIENTS) as [IngredientKind, readonly { readonly type: string; readonly facts: { readonly engines: readonly Engine[] } }[]][]) {
    for (const declaration of declarations) {
      assert.ok(declaration.facts.engines.includes('tfjs'), `${kind} ${declaration.type}: the library implements it`);
      assert.equal(declaration.facts.engines.includes('pytorch'), mirrored[kind].has(declaration.type), `${kind} ${declaration.type}: declared engines vs engines/pytorch/contrastive_lab_torch/spec.py`);
    }
    assert.deepEqual([...mirrored[kind]].filter((type) => !declarations.some((d) => d.type === type)), [], `${kind}: the PyTorch engine accepts an undeclared type`);
  }
  const computed = Object.entries(EVALUATIONS).filter(([, e]) => e.engines.includes('pytorch')).map(([name]) => name);
  assert.deepEqual(computed.sort(), [...pythonSet(source, 'EVALUATIONS')].sort(), 'the evaluations declared for pytorch (server/spec/experiment.ts) vs EVALUATIONS in spec.py');
});

test('the declarations load without tfjs (the language server reads them)', () => {
  const script = "require('./server/spec/experiment'); require('./server/spec/ingredients'); console.log(JSON.stringify(Object.keys(require.cache).filter((f) => f.includes('@tensorflow'))));";
  const loaded = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, encoding: 'utf8' })) as string[];
  assert.deepEqual(loaded, []);
});
