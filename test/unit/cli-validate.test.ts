// The `contrastive-lab` CLI: help, bad usage (exit 2, no stack trace) and `validate`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

const root = join(__dirname, '../..');
// tsx's loader by absolute URL, so the CLI can run from any working directory.
const tsx = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;
const cli = (args: string[], cwd = root) => {
  const r = spawnSync(process.execPath, ['--import', tsx, join(root, 'server/cli/main.ts'), ...args], { cwd, encoding: 'utf8', timeout: 60000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const noStack = (text: string) => assert.doesNotMatch(text, /\n\s+at .+:\d+:\d+/);

test('--help lists the commands; <cmd> --help shows its usage', () => {
  const main = cli(['--help']);
  assert.equal(main.code, 0);
  assert.match(main.out, /validate\s+Check spec files/);
  const validate = cli(['validate', '--help']);
  assert.equal(validate.code, 0);
  assert.match(validate.out, /^Usage: contrastive-lab validate/);
});

test('unknown commands and flags: a helpful message, exit 2, no stack trace', () => {
  const command = cli(['valdate']);
  assert.equal(command.code, 2);
  assert.match(command.err, /unknown command 'valdate'\. Did you mean 'validate'\?/);
  const flag = cli(['validate', '--jsn', 'x.yaml']);
  assert.equal(flag.code, 2);
  assert.match(flag.err, /Unknown option --jsn\. Did you mean --json\?/);
  const none = cli(['validate']);
  assert.equal(none.code, 2);
  assert.match(none.err, /Name at least one spec file/);
  for (const r of [command, flag, none]) noStack(r.err);
});

test('validate: all examples pass with exit 0', () => {
  const files = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.contrastive.yaml')).map((f) => `examples/${f}`);
  const r = cli(['validate', ...files]);
  assert.equal(r.code, 0, r.out + r.err);
  // The one warning an example may carry: SigLIT starts from the SimCLR example's run, which a fresh
  // checkout has not trained yet (runs are not kept with the specs).
  const warnings = r.out.split('\n').filter((line) => / warning /.test(line));
  assert.ok(warnings.every((line) => /warning init-run-missing /.test(line)), warnings.join('\n'));
  assert.match(r.out, new RegExp(`^${files.length} files checked: 0 errors, ${warnings.length} warnings?[.]`, 'm'));
});

test('train refuses a spec whose init.from run does not exist yet, before making a run directory; validate only warns', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cl-cli-'));
  try {
    writeFileSync(join(dir, 'ft.contrastive.yaml'), 'experiment: ft\nloss: { type: crossEntropy }\ninit: { from: runs/pretrained }\n');
    const validate = cli(['validate', 'ft.contrastive.yaml'], dir);
    assert.equal(validate.code, 0, validate.out + validate.err);
    assert.match(validate.out, /ft\.contrastive\.yaml:3:\d+: warning init-run-missing No run directory at `runs\/pretrained`/);
    const train = cli(['train', 'ft.contrastive.yaml'], dir);
    assert.equal(train.code, 1, train.out + train.err);
    assert.match(train.err, /error init-run-missing .*Training refuses to start until that run exists/);
    assert.deepEqual(readdirSync(dir), ['ft.contrastive.yaml'], 'no run directory');
    noStack(train.err);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('validate: a folder stands for the spec files under it', () => {
  const r = cli(['validate', 'examples']);
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /^\d+ files checked: 0 errors/m);
  const empty = cli(['validate', 'schemas']);
  assert.equal(empty.code, 2);
  assert.match(empty.err, /No spec files/);
});

test('validate: problems print as file:line:col: severity rule-id message with relative paths; exit 1 on errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cl-cli-'));
  try {
    writeFileSync(join(dir, 'bad.contrastive.yaml'), 'experiment: x\nloss: { type: circle }\ndistance: { type: euclidean }\n');
    writeFileSync(join(dir, 'warn.contrastive.yaml'), 'experiment: y\narchitecture:\n  prediction: { layers: [32, 64] }\n');
    writeFileSync(join(dir, 'garbage.contrastive.yaml'), Buffer.from([0, 1, 2, 3, 255, 254]));
    const r = cli(['validate', 'bad.contrastive.yaml', 'warn.contrastive.yaml', 'garbage.contrastive.yaml', 'missing.yaml'], dir);
    assert.equal(r.code, 1);
    const lines = r.out.trim().split('\n');
    assert.ok(lines.includes('bad.contrastive.yaml:3:19: error circle-needs-cosine ' + lines.find((l) => l.startsWith('bad.contrastive.yaml:3:19'))!.split('circle-needs-cosine ')[1]));
    assert.ok(lines.some((l) => /^warn\.contrastive\.yaml:3:3: warning prediction-head-collapse /.test(l)));
    assert.ok(lines.some((l) => /^garbage\.contrastive\.yaml:1:1: error syntax .*binary/.test(l)));
    assert.ok(lines.some((l) => /^missing\.yaml:1:1: error io .*does not exist/.test(l)));
    assert.match(lines[lines.length - 1]!, /^4 files checked: 3 errors, 1 warning in 3 files\.$/);
    noStack(r.out + r.err);

    const onlyWarnings = cli(['validate', 'warn.contrastive.yaml'], dir);
    assert.equal(onlyWarnings.code, 0, 'warnings alone do not fail');

    const json = cli(['validate', '--json', 'bad.contrastive.yaml'], dir);
    assert.equal(json.code, 1);
    const problems = JSON.parse(json.out) as { file: string; ruleId: string; range: unknown; fixes: unknown[] }[];
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.file, 'bad.contrastive.yaml');
    assert.equal(problems[0]!.ruleId, 'circle-needs-cosine');
    assert.equal(problems[0]!.fixes.length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('validate --fix applies the suggested fixes to the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cl-fix-'));
  try {
    const file = join(dir, 'fixme.contrastive.yaml');
    writeFileSync(file, 'experiment: x\nloss:\n  type: supcon\n  temprature: 0.2\npairs:\n  negatives: { type: none }\n');
    const first = cli(['validate', '--fix', 'fixme.contrastive.yaml'], dir);
    assert.match(first.err, /applied 3 fixes/);
    assert.equal(first.code, 0, `${first.out}\n${readFileSync(file, 'utf8')}`);
    assert.equal(readFileSync(file, 'utf8'), 'experiment: x\nloss:\n  type: supCon\n  temperature: 0.2\npairs:\n  negatives: { type: batch }\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('validate --fix adds a missing top-level section below experiment:, not above it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cl-fix-'));
  try {
    const file = join(dir, 'small.contrastive.yaml');
    writeFileSync(file, 'experiment: small\ndata:\n  source: builtin:digits\n  limit: 20\nstrategy: { batchSize: 8 }\n');
    const r = cli(['validate', '--fix', 'small.contrastive.yaml'], dir);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.err, /applied 1 fix/);
    assert.equal(readFileSync(file, 'utf8'), 'experiment: small\ndata:\n  source: builtin:digits\n  limit: 20\nstrategy: { batchSize: 8 }\neval: { knn: { k: 16 } }\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
