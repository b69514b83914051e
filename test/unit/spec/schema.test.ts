// The schema is consistent with itself, with types.ts (through INGREDIENT_TYPES) and with its generator.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { INGREDIENT_TYPES, loadSchema, SCHEMA_EXAMPLES, SCHEMA_ID, SCHEMA_TITLE, type JsonSchema } from '../../../server/spec';
import { checkSpecText, resolveSpec } from '../../../server/spec';

const root = join(__dirname, '../../..');
const schema = loadSchema();

/** Every property schema in the tree, with a printable location. */
function* properties(node: JsonSchema, where: string): Generator<[string, JsonSchema]> {
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    yield [`${where}.${key}`, child];
    yield* properties(child, `${where}.${key}`);
    if (child.items) yield* properties(child.items, `${where}.${key}[]`);
  }
}
const allProperties = (): [string, JsonSchema][] => [
  ...properties(schema, '#'),
  ...Object.entries(schema.$defs ?? {}).flatMap(([name, def]) => [...properties(def, `$defs/${name}`)]),
];

test('the schema exports its $id, title and examples; the examples are valid specs', () => {
  assert.match(SCHEMA_ID, /^https:\/\/.+experiment\.schema\.json$/);
  assert.ok(SCHEMA_TITLE.length > 0);
  assert.ok(SCHEMA_EXAMPLES.length >= 2);
  for (const example of SCHEMA_EXAMPLES) {
    const result = checkSpecText(JSON.stringify(example), '/tmp/example.json', { fileExists: () => true });
    assert.deepEqual(result.problems, [], JSON.stringify(example));
  }
});

test('every `type` const offered by the schema is exactly INGREDIENT_TYPES (the types.ts unions)', () => {
  for (const [kind, types] of Object.entries(INGREDIENT_TYPES)) {
    const fromSchema = Object.keys(schema.$defs ?? {})
      .filter((name) => name.startsWith(`${kind}-`))
      .map((name) => schema.$defs![name]!.properties!.type!.const);
    assert.deepEqual([...fromSchema].sort(), [...types].sort(), kind);
  }
  const kinds = new Set(Object.keys(schema.$defs ?? {}).filter((n) => n.includes('-')).map((n) => n.split('-')[0]));
  assert.deepEqual([...kinds].sort(), Object.keys(INGREDIENT_TYPES).sort());
});

test('every branch is closed, requires `type` and teaches in markdown', () => {
  for (const [name, def] of Object.entries(schema.$defs ?? {})) {
    if (!name.includes('-')) continue;
    assert.equal(def.additionalProperties, false, name);
    assert.deepEqual(def.required, ['type'], name);
    assert.ok((def.markdownDescription ?? '').length > 60, `${name} needs a teaching markdownDescription`);
  }
});

test('every property has a markdownDescription, examples, and a default (except derived ones)', () => {
  // Derived, or required where they appear (the experiment's name, the run `init` starts from).
  const derived = new Set(['#.experiment', '#.data.format', '#.run.name', '#.init.from', '#.data.pairs.folders.a', '#.data.pairs.folders.b', '#.architecture.towers.a.init.from', '#.architecture.towers.b.init.from']);
  for (const [where, property] of allProperties()) {
    if (where.endsWith('.type') && property.const !== undefined) continue; // a branch's tag
    assert.ok((property.markdownDescription ?? '').length > 10, `${where} has no markdownDescription`);
    if (where.endsWith('.type') && property.enum) continue; // the union's tag list
    assert.ok(Array.isArray(property.examples) && property.examples.length > 0, `${where} has no examples`);
    if (!derived.has(where)) assert.ok('default' in property, `${where} has no default`);
  }
});

test('every enum has one markdownEnumDescription per value', () => {
  for (const [where, property] of allProperties()) {
    if (!property.enum) continue;
    assert.equal(property.markdownEnumDescriptions?.length, property.enum.length, where);
  }
});

test('every default validates against its own property schema', () => {
  const ajv = new Ajv({ allErrors: true, discriminator: true, allowUnionTypes: true, keywords: ['markdownDescription', 'markdownEnumDescriptions'] });
  ajv.addSchema(schema as object, 'root');
  for (const [where, property] of allProperties()) {
    if (!('default' in property)) continue;
    const { default: value, ...rest } = property as JsonSchema & { default: unknown };
    const refd = JSON.parse(JSON.stringify(rest).replace(/"#\/\$defs\//g, '"root#/$defs/'));
    const validate = ajv.compile(refd);
    assert.ok(validate(value), `${where}: default ${JSON.stringify(value)} is invalid: ${ajv.errorsText(validate.errors)}`);
  }
});

test('numeric options have ranges', () => {
  const open = new Set(['#.loss.base', '$defs/loss-multiSimilarity.base', '$defs/loss-siglip.logitScale', '$defs/loss-siglip.logitBias']);
  for (const [where, property] of allProperties()) {
    const types = ([] as string[]).concat(property.type ?? []);
    if ((!types.includes('number') && !types.includes('integer')) || property.enum) continue;
    if (open.has(where)) continue;
    const bounded = property.minimum !== undefined || property.exclusiveMinimum !== undefined || property.maximum !== undefined;
    assert.ok(bounded, `${where} has no range`);
  }
});

test('the committed schema is what schemas/generate.ts produces', async () => {
  const generator = await import('../../../schemas/generate');
  const committed = readFileSync(join(root, 'schemas/experiment.schema.json'), 'utf8');
  assert.equal(committed, generator.schemaText, 'run `npx tsx schemas/generate.ts` and commit the result');
});

test('the committed resolved schema is what schemas/generate.ts produces', async () => {
  const generator = await import('../../../schemas/generate');
  const committed = readFileSync(join(root, 'schemas/resolved.schema.json'), 'utf8');
  assert.equal(committed, generator.resolvedSchemaText, 'run `npx tsx schemas/generate.ts` and commit the result');
});

test('every example resolves to a spec the resolved schema accepts, and a field left out is refused', () => {
  const resolvedSchema = JSON.parse(readFileSync(join(root, 'schemas/resolved.schema.json'), 'utf8')) as object;
  const validate = new Ajv({ allErrors: true, discriminator: true, allowUnionTypes: true, keywords: ['markdownDescription', 'markdownEnumDescriptions'] }).compile(resolvedSchema);
  const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.contrastive.yaml'));
  assert.ok(examples.length > 10);
  for (const file of examples) {
    const resolved = structuredClone(resolveSpec(parse(readFileSync(join(root, 'examples', file), 'utf8')))) as unknown as Record<string, Record<string, unknown>>;
    assert.ok(validate(resolved), `${file}: ${JSON.stringify(validate.errors)}`);
    delete resolved.strategy!.seed;
    assert.equal(validate(resolved), false, `${file}: a resolved spec without strategy.seed must be refused`);
  }
});
