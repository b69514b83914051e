// Spec differences between compared runs, and turning an example into a new experiment.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXPERIMENT_NAME, exampleSummary, renameExperiment } from '../../../extension/commands/exampleTemplate';
import { flattenSpec, specDifferences } from '../../../extension/panels/specDiff';

const base = { loss: { type: 'infoNCE', temperature: 0.1 }, strategy: { epochs: 5, optimizer: { type: 'adam' } }, architecture: { backbone: { layers: [256, 128] } } };

test('a resolved spec flattens to dotted paths with readable values', () => {
  const flat = flattenSpec({ ...base, pairs: { views: { weak: [{ type: 'flip' }] } }, run: { name: 'a' } });
  assert.equal(flat.get('loss.temperature'), '0.1');
  assert.equal(flat.get('architecture.backbone.layers'), '[256, 128]');
  assert.equal(flat.get('pairs.views.weak.0.type'), 'flip');
  assert.equal(flat.get('run.name'), 'a');
});

test('only fields that differ between runs become rows, with each run\'s value', () => {
  const rows = specDifferences(new Map<string, unknown>([
    ['r1', base],
    ['r2', { ...base, loss: { type: 'infoNCE', temperature: 0.5 } }],
    ['r3', { ...base, strategy: { epochs: 5 } }],
  ]));
  assert.deepEqual(rows.map((r) => r.path), ['loss.temperature', 'strategy.optimizer.type']);
  assert.deepEqual(rows[0]!.values, { r1: '0.1', r2: '0.5', r3: '0.1' });
  assert.deepEqual(rows[1]!.values, { r1: 'adam', r2: 'adam' }, 'a run missing the field is left out of the row');
});

test('a single run has no differences', () => {
  assert.deepEqual(specDifferences(new Map([['r1', base]])), []);
});

test('a new experiment is the example renamed', () => {
  const example = '# SimCLR on digits\nexperiment: digits-simclr\ndescription: "Two views, InfoNCE"\nloss: {type: infoNCE}\n';
  assert.equal(exampleSummary(example), 'Two views, InfoNCE');
  assert.equal(exampleSummary('# Just a comment\nexperiment: x\n'), 'Just a comment');
  const renamed = renameExperiment(example, 'mine');
  assert.match(renamed, /^experiment: mine$/m);
  assert.ok(!renamed.includes('digits-simclr'));
  assert.ok(renamed.includes('loss: {type: infoNCE}'));
  assert.equal(renameExperiment('loss: {type: triplet}\n', 'x'), 'experiment: x\nloss: {type: triplet}\n');
});

test('experiment names must be safe file names', () => {
  assert.ok(EXPERIMENT_NAME.test('my-simclr_2.v1'));
  for (const bad of ['', '-x', '../evil', 'a b', 'a/b']) assert.ok(!EXPERIMENT_NAME.test(bad), bad);
});
