// The schema and the augmentation registry stay in step: every augmentation the schema offers is
// implemented, every implementation is offered, and each op with the schema's defaults runs on
// data of the kind it is for (28×28 images or vectors) without changing its shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend, tf } from '../../../server/contrastive/backend';
import { Random } from '../../../server/contrastive/random';
import { buildPipeline } from '../../../server/contrastive/augment/pipeline';
import { augmentations, augmentationTypes } from '../../../server/contrastive/augment/registry';
import type { AugmentationOp } from '../../../server/spec/types';

interface SchemaProperty {
  readonly const?: string;
  readonly default?: unknown;
}
interface SchemaDef {
  readonly properties?: Record<string, SchemaProperty>;
}

const schema = JSON.parse(readFileSync(join(__dirname, '../../../schemas/experiment.schema.json'), 'utf8')) as { $defs: Record<string, SchemaDef> };
const opDefs = Object.entries(schema.$defs).filter(([name]) => name.startsWith('augmentation-'));

/** The op a user gets by writing only `type: X`. */
function opWithDefaults(def: SchemaDef): AugmentationOp {
  const op: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(def.properties ?? {})) op[key] = key === 'type' ? property.const : property.default;
  return op as unknown as AugmentationOp;
}

test('every augmentation the schema offers is implemented, and every implementation is offered', () => {
  const offered = opDefs.map(([, def]) => def.properties?.type?.const).sort();
  assert.deepEqual(offered, [...augmentationTypes].sort());
});

test('each augmentation with the schema defaults runs on its kind of data and keeps the shape', async () => {
  await initBackend('wasm');
  const images = tf.randomUniform([8, 28, 28, 1], 0, 1, 'float32', 1);
  const vectors = tf.randomUniform([8, 16], 0, 1, 'float32', 2);
  for (const [name, def] of opDefs) {
    const op = opWithDefaults(def);
    for (const [key, value] of Object.entries(op)) assert.notEqual(value, undefined, `${name}.${key} has no default in the schema`);
    const input = augmentations[op.type].input === 'image' ? images : vectors;
    const out = buildPipeline([{ ...op, probability: 1 } as AugmentationOp], new Random(3))(input);
    assert.deepEqual(out.shape, input.shape, op.type);
    assert.ok((out.dataSync() as Float32Array).every(Number.isFinite), `${op.type} produced non-finite values`);
    out.dispose();
  }
  tf.dispose([images, vectors]);
});
