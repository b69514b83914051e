import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { initBackend } from '../../../server/contrastive/backend';
import { createDistance } from '../../../server/contrastive/distances';
import { createLoss } from '../../../server/contrastive/losses';
import { createMiner } from '../../../server/contrastive/miners';
import { checkSpecText } from '../../../server/spec/check';
import type { ResolvedSpec } from '../../../server/spec/types';
import { planMethod } from '../../../server/trainer/methods/pick';

const examples = join(__dirname, '../../../examples');

function resolveExample(name: string, edit: (text: string) => string = (t) => t): ResolvedSpec {
  const path = join(examples, `${name}.contrastive.yaml`);
  const result = checkSpecText(edit(readFileSync(path, 'utf8')), path);
  assert.ok(result.spec !== null, `${name}: ${result.problems.map((p) => p.message).join('; ')}`);
  return result.spec;
}

function plan(spec: ResolvedSpec) {
  const distance = createDistance(spec.distance);
  const loss = createLoss(spec.loss, distance);
  try {
    return planMethod(spec, loss, createMiner(spec.pairs.mining, distance));
  } finally {
    loss.dispose();
  }
}

test('the method is picked from the spec: one family per example, with what the trainer must build', async () => {
  await initBackend('cpu');
  const expected: Record<string, { family: string; ema: boolean; queue: boolean; views: 'one' | 'two' }> = {
    simclr: { family: 'simclr', ema: false, queue: false, views: 'two' },
    'moco-queue': { family: 'moco', ema: true, queue: true, views: 'two' },
    byol: { family: 'byol', ema: true, queue: false, views: 'two' },
    simsiam: { family: 'simsiam', ema: false, queue: false, views: 'two' },
    supcon: { family: 'supervised', ema: false, queue: false, views: 'one' },
    'triplet-batch-hard': { family: 'supervised', ema: false, queue: false, views: 'one' },
    'barlow-twins': { family: 'redundancyReduction', ema: false, queue: false, views: 'two' },
    vicreg: { family: 'redundancyReduction', ema: false, queue: false, views: 'two' },
    siglip: { family: 'siglip', ema: false, queue: false, views: 'two' },
  };
  for (const [name, want] of Object.entries(expected)) {
    const p = plan(resolveExample(name));
    assert.deepEqual({ family: p.family, ema: p.ema !== null, queue: p.queueSize !== null, views: p.views }, want, name);
  }
});

test('a queue on labelled positives is MoCo on the labelled batch; the queue size comes from the spec', async () => {
  await initBackend('cpu');
  const p = plan(resolveExample('supcon', (t) => t.replace('negatives: { type: batch }', 'negatives: { type: queue, size: 512 }')));
  assert.deepEqual({ family: p.family, queueSize: p.queueSize, views: p.views }, { family: 'moco', queueSize: 512, views: 'one' });
});

test('negative cosine without an EMA target is SimSiam, and its missing stop-gradient is warned about', async () => {
  await initBackend('cpu');
  const p = plan(resolveExample('simsiam', (t) => t.replace('  stopGradient: true\n', '')));
  assert.equal(p.family, 'simsiam');
  assert.ok(p.warnings.some((w) => /stop-gradient is applied to the target branch anyway/.test(w)));
});
