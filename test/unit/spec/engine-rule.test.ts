// engine-unsupported: with run.engine pytorch, every ingredient the PyTorch engine lacks is warned
// about at its own field (the loss, a distance the loss reads, a view's op, the backbone, the
// linear probe); ingredients it has, and every spec on tfjs, are left alone.
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

test('each ingredient the PyTorch engine lacks is named at its field, with what it has instead', () => {
  const found = engineFindings(`experiment: x
run: { engine: pytorch }
loss: { type: triplet }
distance: { type: kl }
architecture:
  backbone: { type: resnet }
pairs:
  mining: { type: semiHard }
eval:
  linearProbe: {}
`);
  assert.deepEqual(found.map((f) => f.path).sort(), ['architecture.backbone.type', 'distance.type', 'eval.linearProbe', 'pairs.mining.type']);
  const distance = found.find((f) => f.path === 'distance.type')!;
  assert.match(distance.message, /distance\.type "kl" is not implemented on the PyTorch engine/);
  assert.match(distance.message, /It has: euclidean, squaredEuclidean, cosine, dot, manhattan;/);
});

test('the same ingredients on tfjs draw no engine warning', () => {
  assert.deepEqual(engineFindings('experiment: x\nloss: { type: circle }\narchitecture:\n  backbone: { type: resnet }\neval:\n  linearProbe: {}\n'), []);
});
