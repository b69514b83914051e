// Bad input gets located diagnostics — never a crash, a hang or a stack trace.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkSpecFile, formatProblem, type SpecProblem } from '../../../server/spec';
import { check } from './helpers';

function only(problems: readonly SpecProblem[], ruleId: string): SpecProblem {
  const found = problems.filter((p) => p.ruleId === ruleId);
  assert.equal(found.length, 1, `expected one ${ruleId}, got: ${problems.map((p) => formatProblem(p)).join('\n')}`);
  return found[0]!;
}

const at = (p: SpecProblem) => [p.line, p.column];

test('invalid YAML: a located syntax error, no spec', () => {
  const result = check('experiment: x\nloss: { type: supCon\nstrategy: 3\n');
  assert.equal(result.spec, null);
  assert.ok(result.problems.length > 0);
  assert.ok(result.problems.every((p) => p.ruleId === 'syntax' && p.severity === 'error'));
  assert.ok(result.problems[0]!.line >= 2);
});

test('a wrong type names the field, the expected type and the value', () => {
  const p = only(check('experiment: x\nstrategy:\n  epochs: five\n').problems, 'schema/type');
  assert.deepEqual(p.path, ['strategy', 'epochs']);
  assert.deepEqual(at(p), [3, 11]);
  assert.match(p.message, /`strategy\.epochs` must be a whole number, not "five"/);
});

test('an unknown key is reported on the key with a did-you-mean fix', () => {
  const result = check('experiment: x\nloss:\n  type: infoNCE\n  temprature: 0.2\n');
  const p = only(result.problems, 'schema/additionalProperties');
  assert.deepEqual(at(p), [4, 3]);
  assert.deepEqual(p.path, ['loss', 'temprature']);
  assert.match(p.message, /Did you mean `temperature`\?/);
  assert.equal(p.fixes[0]?.edits[0]?.newText, 'temperature');
});

test('an unknown loss type lists the allowed types and suggests the closest', () => {
  const p = only(check('experiment: x\nloss: { type: supcon }\n').problems, 'schema/enum');
  assert.deepEqual(at(p), [2, 15]);
  assert.match(p.message, /Did you mean `supCon`\?/);
  assert.match(p.message, /infoNCE/);
  assert.equal(p.fixes[0]?.edits[0]?.newText, 'supCon');
});

test('an option of another loss type is unknown for this type', () => {
  const p = only(check('experiment: x\nloss: { type: triplet, temperature: 0.1 }\n').problems, 'schema/additionalProperties');
  assert.match(p.message, /`loss` \(type `triplet`\)/);
  assert.match(p.message, /margin, swap, smoothLoss/);
});

test('a polymorphic object without `type` lists the types', () => {
  const p = only(check('experiment: x\nloss:\n  temperature: 0.1\n').problems, 'schema/required');
  assert.match(p.message, /needs a `type`: one of contrastive, triplet/);
});

test('a missing `type` is one problem whose fix picks the type the written options belong to', () => {
  const problems = check('experiment: x\nloss:\n  alpha: 2\n  beta: 50\n').problems;
  assert.deepEqual(problems.map((p) => p.ruleId), ['schema/required'], 'no second diagnostic for the same missing type');
  assert.equal(problems[0]!.fixes[0]?.title, 'Add `type: multiSimilarity`');
  assert.equal(only(check('experiment: x\nloss:\n  margin: 0.2\n').problems, 'schema/required').fixes[0]?.title, 'Add `type: triplet`');
});

test('a `type` that is not text is one problem that lists the choices', () => {
  const problems = check('experiment: x\nloss:\n  type: 3\n').problems;
  assert.deepEqual(problems.map((p) => p.ruleId), ['schema/enum']);
  assert.match(problems[0]!.message, /must be a known loss type, not 3/);
});

test('out-of-range numbers state the limit', () => {
  const p = only(check('experiment: x\nloss: { type: infoNCE, temperature: 0 }\n').problems, 'schema/exclusiveMinimum');
  assert.match(p.message, /must be > 0, not 0/);
});

test('an empty file is an error: a spec names at least its experiment', () => {
  for (const text of ['', '\n\n', '# only a comment\n']) {
    const result = check(text);
    const p = only(result.problems, 'schema/required');
    assert.equal(result.spec, null);
    assert.match(p.message, /empty/);
    assert.equal(p.line, 1);
  }
});

test('a spec without `experiment` gets a fix that adds it, named after the file', () => {
  const p = only(check('loss: { type: supCon }\n', {}, '/tmp/x/digits-run.contrastive.yaml').problems, 'schema/required');
  assert.equal(p.fixes[0]?.edits[0]?.newText, 'experiment: digits-run\n');
});

test('a root that is not a mapping is a type error', () => {
  const p = only(check('- experiment\n- x\n').problems, 'schema/type');
  assert.match(p.message, /A spec is a mapping of options/);
});

test('the shorthand `loss: supcon` gets a fix to `{ type: supCon }`', () => {
  const result = check('experiment: x\nloss: supcon\n');
  const p = only(result.problems, 'schema/type');
  assert.deepEqual(at(p), [2, 7]);
  assert.equal(p.fixes[0]?.edits[0]?.newText, '{ type: supCon }');
});

test('YAML tags (!!binary, !!set) do not produce non-JSON values', () => {
  const result = check('experiment: x\ndescription: !!binary aGVsbG8=\nrun: !!set { a, b }\n');
  assert.equal(result.spec, null);
  assert.ok(result.problems.some((p) => p.ruleId === 'syntax' && /tags/.test(p.message)));
  assert.ok(result.problems.length < 10, result.problems.map((p) => p.message).join('\n'));
});

test('several YAML documents in one file are a located error', () => {
  const p = only(check('experiment: x\n---\nexperiment: y\n').problems, 'syntax');
  assert.equal(p.line, 2);
  assert.match(p.message, /one YAML document/);
});

test('thousands of unknown keys are summarised, not listed one by one', () => {
  const text = `experiment: x\n${Array.from({ length: 1000 }, (_, i) => `unknown${i}: 1`).join('\n')}\n`; // well under the entry limit
  const problems = check(text).problems;
  assert.equal(problems.length, 201);
  assert.match(problems[200]!.message, /and 800 more schema problems/);
});

test('binary garbage is refused as binary, located at the start', () => {
  const garbage = String.fromCharCode(...Array.from({ length: 2048 }, (_, i) => (i * 7919) % 256));
  const p = only(check(garbage).problems, 'syntax');
  assert.match(p.message, /binary/);
  assert.deepEqual(at(p), [1, 1]);
  const undecodable = Buffer.from(Array.from({ length: 512 }, (_, i) => 0x80 + (i % 64))).toString('utf8');
  assert.match(only(check(`experiment: x\n${undecodable}`).problems, 'syntax').message, /binary/);
});

test('a YAML alias bomb (billion laughs) is stopped with a located error', { timeout: 20000 }, () => {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const name = String.fromCharCode(97 + i);
    lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  lines.push('experiment: x');
  const p = only(check(`${lines.join('\n')}\n`).problems, 'syntax');
  assert.match(p.message, /Too many YAML aliases/);
  assert.equal(p.line, 2);
});

test('a 10 MB file is refused with a located error (no parse)', { timeout: 20000 }, () => {
  const text = `experiment: x\ndescription: "${'x'.repeat(10 * 1024 * 1024)}"\n`;
  const p = only(check(text).problems, 'syntax');
  assert.match(p.message, /at most 5 MB/);
  const dir = mkdtempSync(join(tmpdir(), 'cl-big-'));
  try {
    const file = join(dir, 'big.contrastive.yaml');
    writeFileSync(file, text);
    const fromFile = only(checkSpecFile(file).problems, 'io');
    assert.match(fromFile.message, /at most 5 MB/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a large but allowed file (about 2 MB of comments) parses', { timeout: 30000 }, () => {
  const text = `experiment: x\n${`# ${'padding '.repeat(16)}\n`.repeat(15000)}strategy: { epochs: 2 }\n`;
  const result = check(text);
  assert.deepEqual(result.problems, []);
  assert.equal(result.spec?.strategy.epochs, 2);
});

test('generated junk with too many entries is refused before parsing (bounded time)', { timeout: 20000 }, () => {
  const manyKeys = `experiment: x\n${Array.from({ length: 40000 }, (_, i) => `k${i}: 1`).join('\n')}\n`;
  const p = only(check(manyKeys).problems, 'syntax');
  assert.match(p.message, /more than 20,000 lines or list entries/);
  assert.equal(p.line, 20000);
  const longList = `experiment: x\ndescription: [${Array(100000).fill('1').join(',')}]\n`;
  assert.match(only(check(longList).problems, 'syntax').message, /more than 20,000/);
});

test('absurd nesting is a located error, never a stack overflow', { timeout: 30000 }, () => {
  const flow = check(`experiment: x\ndescription: ${'['.repeat(100000)}${']'.repeat(100000)}\n`).problems;
  assert.match(only(flow, 'syntax').message, /nested more than 64 levels/);
  const block = check(`experiment: x\n${Array.from({ length: 2500 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} 1\n`).problems;
  assert.ok(block.length > 0);
  assert.ok(block.every((p) => p.ruleId === 'syntax'));
  assert.match(block[0]!.message, /nested too deeply/);
});

test('CRLF line endings: same positions as LF', () => {
  const p = only(check('experiment: x\r\nloss: { type: circle }\r\ndistance: { type: euclidean }\r\n').problems, 'circle-needs-cosine');
  assert.deepEqual(at(p), [3, 19]);
});

test('1e309 and .inf are located errors, not Infinity', () => {
  const result = check('experiment: x\nstrategy:\n  optimizer: { type: adam, learningRate: 1e309 }\n  gradientClipNorm: .inf\n');
  const problems = result.problems.filter((p) => p.ruleId === 'syntax');
  assert.equal(problems.length, 2);
  assert.deepEqual(at(problems[0]!), [3, 42]);
  assert.match(problems[0]!.message, /1e309 is not finite/);
  assert.equal(result.spec, null);
});

test('tab indentation is a located error that says to use spaces', () => {
  const p = check('experiment: x\nstrategy:\n\tepochs: 3\n').problems[0]!;
  assert.equal(p.ruleId, 'syntax');
  assert.equal(p.line, 3);
  assert.match(p.message, /Tabs|tab/);
});

test('duplicate keys are located at the second occurrence', () => {
  const p = only(check('experiment: x\nloss: { type: supCon }\nloss: { type: infoNCE }\n').problems, 'syntax');
  assert.deepEqual(at(p), [3, 1]);
  assert.match(p.message, /The key `loss` appears twice/);
  const nested = only(check('experiment: x\nloss: { type: supCon, type: infoNCE }\n').problems, 'syntax');
  assert.deepEqual(at(nested), [2, 23]);
});

test('unicode: columns are UTF-16 positions and names survive', () => {
  const result = check('experiment: "数字 🚀"\ndescription: "α→β"\nloss: { type: supCon, températur: 1 }\n');
  const p = only(result.problems, 'schema/additionalProperties');
  assert.deepEqual(at(p), [3, 23]);
  const ok = check('experiment: "数字 🚀"\n');
  assert.equal(ok.spec?.experiment, '数字 🚀');
  assert.equal(ok.spec?.run.name, '数字 🚀');
});

test('a BOM at the start is accepted', () => {
  assert.deepEqual(check('\ufeffexperiment: x\n').problems, []);
});

test('JSON specs: valid JSON resolves, a JSON syntax error is reported as JSON', () => {
  const json = '/tmp/x/spec.json';
  const ok = check('{ "experiment": "x", "loss": { "type": "infoNCE" } }', {}, json);
  assert.deepEqual(ok.problems, []);
  assert.equal(ok.spec?.loss.type, 'infoNCE');
  const bad = check('{\n  "experiment": "x",\n  "loss": { "type": "infoNCE" },\n}\n', {}, json);
  const p = only(bad.problems, 'syntax');
  assert.match(p.message, /^Invalid JSON/);
  assert.equal(p.line, 4);
  const truncated = only(check('{ "experiment": "x"', {}, json).problems, 'syntax');
  assert.match(truncated.message, /Invalid JSON/);
});

test('an unreadable or missing spec file is a located problem, not an exception', () => {
  const p = only(checkSpecFile('/tmp/definitely/not/here.contrastive.yaml').problems, 'io');
  assert.match(p.message, /does not exist/);
  const dir = mkdtempSync(join(tmpdir(), 'cl-dir-'));
  try {
    assert.match(only(checkSpecFile(dir).problems, 'io').message, /folder/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('random mutations of a valid spec never throw', () => {
  const base = 'experiment: x\nloss: { type: infoNCE, temperature: 0.2 }\npairs:\n  positives: augmentation\n  views:\n    strong: [{ type: cutout, size: 4 }]\nstrategy: { batchSize: 64, ema: { tauStart: 0.9 } }\n';
  let seed = 1;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const alphabet = ['{', '}', '[', ']', ':', ' ', '\n', '\t', '-', '&a', '*a', '"', "'", '#', 'x', '1e999', ',', '!!str', '%'];
  for (let i = 0; i < 300; i++) {
    const chars = [...base];
    for (let k = 0; k < 3; k++) chars.splice(Math.floor(random() * chars.length), Math.floor(random() * 3), alphabet[Math.floor(random() * alphabet.length)]!);
    const result = check(chars.join(''));
    for (const p of result.problems) {
      assert.ok(p.line >= 1 && p.column >= 1);
      assert.ok(p.message.length > 0);
    }
  }
});
