// Mutation fuzz: thousands of random edits of the example specs — wrong values, wrong types, unknown
// keys, deleted keys and broken text — never make checkSpecText throw, and every result keeps the
// pipeline's promises (located problems, no spec while there is an error, rules never reporting on
// a field that has a schema problem).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse, stringify } from 'yaml';
import { checkSpecText, formatProblem, type CheckResult } from '../../../server/spec';
import { schemaValidator } from '../../../server/spec/schema';
import { overlaps, validPart } from '../../../server/spec/valid-part';

const examplesDir = join(__dirname, '../../../examples');
const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.contrastive.yaml'))
  .sort()
  .map((f) => readFileSync(join(examplesDir, f), 'utf8'));

const MUTATIONS = 3000;
/** Keeps the test bounded on a busy machine; it normally finishes all mutations well before. */
const BUDGET_MS = 20000;

let seed = 20261128;
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const WRONG_VALUES: readonly unknown[] = [
  'text', '', -1, 0, 0.5, 3, 1e9, -1e-9, true, false, null, [], [1], [2, 1], [0.5, 0.5, 0.5], {}, { type: 'nonsense' },
  { type: 'queue' }, { type: 'flip' }, { type: 'supCon' }, { type: 'mlp', layers: ['a'] }, { unknownOption: 1 }, 'builtin:nothing', 'data/missing.csv',
];
const TEXT_PIECES = ['{', '}', '[', ']', ':', ' ', '\n', '-', '&a', '*a', '"', '#', 'x', '1e999', ',', '!!str', 'type: ', '  '];

function* paths(value: unknown, prefix: (string | number)[] = []): Generator<(string | number)[]> {
  if (value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value)) {
    const path = [...prefix, Array.isArray(value) ? Number(key) : key];
    yield path;
    yield* paths(child, path);
  }
}

/** A random edit of the example's value, written back as YAML. */
function mutateValue(text: string): string {
  const value = parse(text) as Record<string, unknown>;
  for (let edits = 1 + Math.floor(random() * 3); edits > 0; edits--) {
    const path = pick([...paths(value)]);
    const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], value) as Record<string | number, unknown>;
    const key = path[path.length - 1]!;
    const action = random();
    if (action < 0.6) parent[key] = structuredClone(pick(WRONG_VALUES));
    else if (action < 0.8 && !Array.isArray(parent)) delete parent[key];
    else if (!Array.isArray(parent)) parent[`${String(key)}x`] = pick(WRONG_VALUES);
  }
  return stringify(value);
}

/** A random splice of the example's text. */
function mutateText(text: string): string {
  const chars = [...text];
  for (let k = 1 + Math.floor(random() * 3); k > 0; k--) chars.splice(Math.floor(random() * chars.length), Math.floor(random() * 4), pick(TEXT_PIECES));
  return chars.join('');
}

function assertPromisesKept(result: CheckResult, text: string): void {
  const where = `${text}\n→\n${result.problems.map((p) => formatProblem(p)).join('\n')}`;
  for (const p of result.problems) {
    assert.ok(p.line >= 1 && p.column >= 1 && p.message.length > 0, where);
  }
  if (result.problems.some((p) => p.severity === 'error')) assert.equal(result.spec, null, where);
  const schemaPaths = result.problems.filter((p) => p.ruleId.startsWith('schema/')).map((p) => p.path);
  for (const p of result.problems) {
    if (p.ruleId === 'syntax' || p.ruleId.startsWith('schema/')) continue;
    assert.ok(!schemaPaths.some((path) => overlaps(path, p.path)), `rule ${p.ruleId} reported on a field with a schema problem:\n${where}`);
  }
}

test('thousands of random mutations of the examples never throw and keep the pipeline promises', { timeout: 60000 }, () => {
  const validate = schemaValidator();
  const started = Date.now();
  let done = 0;
  let withSchemaProblems = 0;
  let rulesAlongsideSchemaProblems = 0;
  for (; done < MUTATIONS && Date.now() - started < BUDGET_MS; done++) {
    const byValue = random() < 0.7;
    const text = byValue ? mutateValue(pick(examples)) : mutateText(pick(examples));
    const result = checkSpecText(text, join(examplesDir, 'mutated.contrastive.yaml'), { fileExists: () => random() < 0.5 });
    assertPromisesKept(result, text);
    const schema = result.problems.filter((p) => p.ruleId.startsWith('schema/'));
    if (schema.length === 0) continue;
    withSchemaProblems++;
    if (result.problems.some((p) => p.ruleId !== 'syntax' && !p.ruleId.startsWith('schema/'))) rulesAlongsideSchemaProblems++;
    // What the rules were given is schema-valid.
    if (!validate(result.document.value)) {
      const part = validPart(result.document.value, validate.errors ?? []);
      if (part) assert.equal(validate(part.value), true, text);
    }
  }
  assert.ok(done >= 300, `only ${done} mutations in ${BUDGET_MS} ms`);
  assert.ok(withSchemaProblems > done / 3, `${withSchemaProblems} of ${done} mutations had schema problems`);
  assert.ok(rulesAlongsideSchemaProblems > withSchemaProblems / 20, `the rules spoke alongside schema problems in ${rulesAlongsideSchemaProblems} of ${withSchemaProblems} mutated specs`);
});
