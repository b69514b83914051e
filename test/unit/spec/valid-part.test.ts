// While a spec has schema errors, the semantic rules still check the parts that are valid — and
// never report from a value substituted for an invalid one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { formatProblem, type CheckOptions, type SpecProblem } from '../../../server/spec';
import { trackReads } from '../../../server/spec/read-tracker';
import { schemaValidator } from '../../../server/spec/schema';
import { validPart } from '../../../server/spec/valid-part';
import { check, marked } from './helpers';

const ids = (problems: readonly SpecProblem[]) => problems.map((p) => p.ruleId).sort();
const show = (problems: readonly SpecProblem[]) => problems.map((p) => formatProblem(p)).join('\n');
const located = (problems: readonly SpecProblem[], ruleId: string) => {
  const found = problems.filter((p) => p.ruleId === ruleId);
  assert.equal(found.length, 1, `expected one ${ruleId}:\n${show(problems)}`);
  return found[0]!;
};

test('an unknown key in `eval` does not hide loss-needs-negatives: both are reported at their ranges', () => {
  const { text } = marked('experiment: x\neval:\n  «evry»: 3\npairs:\n  negatives: { type: none }\nloss: { type: infoNCE }\n');
  const result = check(text);
  assert.equal(result.spec, null);
  assert.deepEqual(ids(result.problems), ['loss-needs-negatives', 'schema/additionalProperties']);
  const unknown = located(result.problems, 'schema/additionalProperties');
  assert.deepEqual([unknown.range.start, unknown.range.end], [{ line: 2, character: 2 }, { line: 2, character: 6 }]);
  const rule = located(result.problems, 'loss-needs-negatives');
  assert.deepEqual([rule.range.start, rule.range.end], [{ line: 4, character: 21 }, { line: 4, character: 25 }]);
  assert.ok(rule.fixes.length > 0, 'the rule keeps its quick fix');
});

test('a missing `experiment` and an unknown loss type still let the other rules speak', () => {
  const noName = check('loss: { type: circle }\ndistance: { type: euclidean }\n');
  assert.deepEqual(ids(noName.problems), ['circle-needs-cosine', 'schema/required']);
  const badLoss = check('experiment: x\nloss: { type: supcn }\npairs:\n  negatives: { type: queue, size: 16 }\nstrategy: { batchSize: 64 }\n');
  assert.deepEqual(ids(badLoss.problems), ['queue-smaller-than-batch', 'queue-without-ema', 'schema/enum']);
});

test('a rule that would read a substituted value stays silent', () => {
  // The default batch size (256) stands in for "big": comparing the queue with it would be a guess.
  const result = check('experiment: x\nstrategy: { batchSize: big }\npairs:\n  negatives: { type: queue, size: 16 }\n');
  assert.deepEqual(ids(result.problems), ['queue-without-ema', 'schema/type']);
  // With a valid batch size the same rule does fire.
  assert.ok(ids(check('experiment: x\nstrategy: { batchSize: 64 }\npairs:\n  negatives: { type: queue, size: 16 }\n').problems).includes('queue-smaller-than-batch'));
});

test('one bad augmentation silences the rules that read the views, not the rules elsewhere', () => {
  const views = 'experiment: x\npairs:\n  negatives: { type: none }\n  views:\n    weak: [{ type: contrast, range: [1.4, 0.6] }]\n';
  assert.deepEqual(ids(check(views).problems), ['loss-needs-negatives', 'range-reversed']);
  const result = check(`${views}    strong: [{ type: flip }, { type: bogus }]\n`);
  assert.deepEqual(ids(result.problems), ['loss-needs-negatives', 'schema/enum'], show(result.problems));
});

test('rules that use the data facts stay silent while `data` has a substituted field', () => {
  const options: CheckOptions = { fileExists: () => true, datasetInfo: () => ({ size: 100, labelled: true, kind: 'vectors' }) };
  const spec = (format: string) => `experiment: x\ndata: { source: v.csv, labelColumn: y, format: ${format} }\nloss: { type: infoNCE }\npairs:\n  positives: augmentation\n  views: { weak: [{ type: flip }], strong: [] }\n`;
  assert.ok(ids(check(spec('csv'), options).problems).includes('image-ops-on-vectors'));
  assert.deepEqual(ids(check(spec('cssv'), options).problems), ['schema/enum']);
});

test('a rule finding on a field that has a schema problem is left to the schema problem', () => {
  const result = check('experiment: x\npairs: { positives: augmentation, negatives: { type: none } }\nloss: { type: vicreg }\ndistance: { type: cosine, scale: 2 }\narchitecture: { normalizeOutput: false }\n');
  assert.deepEqual(ids(result.problems), ['schema/additionalProperties'], show(result.problems));
});

test('the valid part is schema-valid and names what it replaced', () => {
  const value = parse('loss: { type: supcn, temperature: -1 }\nstrategy: { batchSize: big, epochs: 3, ema: { tauStart: 2 } }\npairs: { views: { strong: [{ type: flip }, 7] } }\ndata: { source: "" }\nmystery: 1\n') as unknown;
  const validate = schemaValidator();
  assert.equal(validate(value), false);
  const part = validPart(value, validate.errors ?? []);
  assert.ok(part);
  assert.equal(validate(part.value), true, JSON.stringify(validate.errors));
  const paths = part.replaced.map((p) => p.join('.')).sort();
  assert.deepEqual(paths, ['data.format', 'data.source', 'experiment', 'loss', 'pairs.views', 'pairs.views.strong', 'run.name', 'strategy.batchSize', 'strategy.ema.tauStart']);
  assert.equal((part.value as { strategy: { epochs: number } }).strategy.epochs, 3, 'valid siblings are kept');
  assert.equal(validPart([1, 2], [{ instancePath: '', schemaPath: '#/type', keyword: 'type', params: { type: 'object' } }]), undefined, 'nothing is left of a list');
});

test('the read tracker sees through lists and objects and refuses writes', () => {
  const reads: string[] = [];
  const spec = Object.freeze({ a: Object.freeze([Object.freeze({ b: 1 }), Object.freeze({ b: 2 })]), c: null });
  const seen = trackReads(spec, (path) => reads.push(path.join('.')));
  assert.equal(seen.a.map((item) => item.b).join(','), '1,2');
  assert.deepEqual(Object.keys(seen), ['a', 'c']);
  assert.equal(Array.isArray(seen.a), true);
  assert.equal(JSON.stringify(seen), JSON.stringify(spec));
  assert.ok(reads.includes('a.0.b') && reads.includes('a.1.b') && reads.includes('a'), reads.join(' '));
  assert.throws(() => {
    (seen as { c: unknown }).c = 1;
  }, TypeError);
});
