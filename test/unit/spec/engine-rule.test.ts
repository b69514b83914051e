// engine-unsupported: with run.engine pytorch, every ingredient the PyTorch engine lacks would be
// warned about at its own field; it now implements every ingredient and evaluation of the schema
// (each declaration's `engines` fact says so), so none is; and specs on tfjs are left alone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check } from './helpers';

function engineFindings(text: string): { path: string; message: string }[] {
  return check(text).problems.filter((p) => p.ruleId === 'engine-unsupported').map((p) => ({ path: p.path.join('.'), message: p.message }));
}

test('a PyTorch spec made of ingredients the engine implements draws no engine warning', () => {
  assert.deepEqual(engineFindings('experiment: x\nrun: { engine: pytorch }\n'), []);
  assert.deepEqual(engineFindings('experiment: x\nrun: { engine: pytorch }\npairs:\n  positives: augmentation\n  negatives: { type: none }\nloss: { type: vicreg }\ndistance: { type: kl }\n'), [], 'vicreg never reads the distance');
});

test('the ingredients the PyTorch engine gained (divergences, resnet, the triplet and multi-similarity miners, circle, siglip, the linear probe) draw no engine warning', () => {
  assert.deepEqual(engineFindings(`experiment: x
run: { engine: pytorch }
loss: { type: triplet }
distance: { type: kl }
architecture:
  backbone: { type: resnet }
pairs:
  mining: { type: semiHard }
eval:
  linearProbe: {}
`), []);
  assert.deepEqual(engineFindings('experiment: x\nrun: { engine: pytorch }\nloss: { type: circle }\npairs:\n  mining: { type: multiSimilarity }\n'), []);
  assert.deepEqual(engineFindings('experiment: x\nrun: { engine: pytorch }\npairs:\n  positives: augmentation\nloss: { type: siglip }\n'), []);
});

test('the same ingredients on tfjs draw no engine warning', () => {
  assert.deepEqual(engineFindings('experiment: x\nloss: { type: circle }\narchitecture:\n  backbone: { type: resnet }\neval:\n  linearProbe: {}\n'), []);
});
