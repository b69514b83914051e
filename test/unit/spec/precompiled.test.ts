// The schema validator is precompiled (server/spec/generated/validate-schema.js): it must be up to
// date with the schema, report exactly what ajv's compiler would, and checking a spec must not load
// ajv's compiler (which costs about a second and generates code with `new Function`).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Ajv, { type ErrorObject } from 'ajv';
import { parse } from 'yaml';
import { loadSchema } from '../../../server/spec';
import validateSchema from '../../../server/spec/generated/validate-schema';

const root = join(__dirname, '../../..');

test('the committed validator is what schemas/generate.ts produces', async () => {
  const generator = await import('../../../schemas/generate');
  const committed = readFileSync(join(root, 'server/spec/generated/validate-schema.js'), 'utf8');
  assert.ok(committed === generator.validatorText, 'server/spec/generated/validate-schema.js is out of date: run `npx tsx schemas/generate.ts` and commit the result');
});

/** Every path to a value inside `value` (objects and arrays included). */
function* paths(value: unknown, prefix: (string | number)[] = []): Generator<(string | number)[]> {
  if (value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value)) {
    const path = [...prefix, Array.isArray(value) ? Number(key) : key];
    yield path;
    yield* paths(child, path);
  }
}

function replaced(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node = copy;
  for (const segment of path.slice(0, -1)) node = node[segment] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = replacement;
  return copy;
}

test('the precompiled validator reports exactly the errors ajv compiles from the full schema', async () => {
  const { AJV_OPTIONS } = await import('../../../schemas/generate');
  const compiled = new Ajv(AJV_OPTIONS).compile(loadSchema());
  const examples = readdirSync(join(root, 'examples'))
    .filter((f) => f.endsWith('.contrastive.yaml'))
    .map((f) => parse(readFileSync(join(root, 'examples', f), 'utf8')) as unknown);
  const wrongValues: unknown[] = ['text', -1, 0, 2.5, 1e9, true, null, {}, [], [1, 1], { type: 'nonsense' }, { unknownOption: 1 }];
  let compared = 0;
  let invalid = 0;
  const errorsOf = (validate: { (value: unknown): boolean; errors?: ErrorObject[] | null }, value: unknown) => (validate(value) ? [] : validate.errors);
  for (const example of examples) {
    const values = [example, ...[...paths(example)].flatMap((path) => wrongValues.map((wrong) => replaced(example, path, wrong)))];
    for (const value of values) {
      const expected = errorsOf(compiled, value);
      assert.deepEqual(errorsOf(validateSchema, value), expected, JSON.stringify(value));
      compared++;
      if (expected && expected.length > 0) invalid++;
    }
  }
  assert.ok(compared > 2000 && invalid > 1000, `${compared} values compared, ${invalid} invalid`);
});

test('checking a spec does not load the ajv compiler', () => {
  const script = [
    "const { checkSpecText } = require('./server/spec/index.ts');",
    "const result = checkSpecText('experiment: x\\nloss: { type: bogus }\\nstrategy: { epochs: two }\\n', 'x.contrastive.yaml');",
    "const ajv = Object.keys(require.cache).filter((k) => /node_modules[\\\\/]ajv[\\\\/]/.test(k) && !/[\\\\/]runtime[\\\\/]/.test(k));",
    'console.log(JSON.stringify({ problems: result.problems.map((p) => p.ruleId), ajv }));',
  ].join('\n');
  const output = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, encoding: 'utf8' })) as { problems: string[]; ajv: string[] };
  assert.deepEqual(output.problems.sort(), ['schema/enum', 'schema/type']);
  assert.deepEqual(output.ajv, []);
});
