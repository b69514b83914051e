// An empty data file, or a CSV with a header and no rows: `validate` and `train` say so in one
// message (with the fix: add rows) instead of the size rules' contradictory advice ("Use k ≤ 0",
// "Use at most 0, e.g. 2", "Its columns are: ."). The loader says the same when it meets one.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { loadData } from '../../../server/contrastive/data/load';
import { dataSpec } from '../data/helpers';

const root = join(__dirname, '../../..');
const tsx = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;
const cli = (args: string[], cwd: string) => {
  const r = spawnSync(process.execPath, ['--import', tsx, join(root, 'server/cli/main.ts'), ...args], { cwd, encoding: 'utf8', timeout: 60000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

const spec = (source: string): string => [
  'experiment: empty',
  'data:',
  `  source: ${source}`,
  '  labelColumn: label',
  'pairs: { positives: labels, negatives: { type: batch } }',
  'loss: { type: supCon, temperature: 0.1 }',
  'architecture:',
  '  backbone: { type: mlp, layers: [8] }',
  '  representationSize: 8',
  '  projection: { layers: [8] }',
  'strategy: { epochs: 1, batchSize: 64 }',
  'eval: { knn: { k: 10 } }',
  '',
].join('\n');

const cases = [
  { file: 'empty.csv', text: '', says: 'empty.csv: the file is empty; add rows: a header line naming the columns, then one line per sample.' },
  { file: 'blank.csv', text: '\n\n', says: 'blank.csv: the file is empty; add rows' },
  { file: 'header.csv', text: 'x,y,label\n', says: 'header.csv: has a header but no data rows; add rows below the header, one line per sample.' },
  { file: 'empty.jsonl', text: '', says: 'empty.jsonl: the file is empty; add rows: one JSON object per line' },
];

test('validate and train: an empty csv/jsonl file or a header-only CSV gets one message naming the file, and no size-rule advice', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cl-empty-'));
  try {
    for (const c of cases) {
      writeFileSync(join(dir, c.file), c.text);
      writeFileSync(join(dir, 's.contrastive.yaml'), spec(c.file));
      for (const command of ['validate', 'train']) {
        const r = cli([command, 's.contrastive.yaml'], dir);
        assert.equal(r.code, 1, `${command} ${c.file}: ${r.out}${r.err}`);
        const problems = (r.out + r.err).split('\n').filter((line) => /^s\.contrastive\.yaml:\d+:\d+: /.test(line));
        assert.equal(problems.length, 1, `${command} ${c.file}: ${problems.join('\n')}`);
        assert.match(problems[0]!, /^s\.contrastive\.yaml:3:11: error data-file-empty /);
        assert.ok(problems[0]!.includes(c.says), `${command} ${c.file}: ${problems[0]}`);
        assert.equal(problems[0]!.split(c.file).length - 1, 1, `the path once: ${problems[0]}`);
        assert.doesNotMatch(r.out + r.err, /k ≤ 0|at most 0|columns are: \.|only 0 samples/);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('validate: a CSV with one data row gets no contradictory batch advice ("at most 1, e.g. 2"), and "1 sample"', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cl-empty-'));
  try {
    writeFileSync(join(dir, 'one.csv'), 'x,y,label\n1,2,a\n');
    writeFileSync(join(dir, 's.contrastive.yaml'), spec('one.csv'));
    const r = cli(['validate', 's.contrastive.yaml'], dir);
    assert.equal(r.code, 1);
    assert.match(r.out, /batch-larger-than-split .*only 1 sample \(of 1,.*a batch needs at least 2 samples\. Add samples to `one\.csv`\./);
    assert.doesNotMatch(r.out, /at most 1, e\.g\. 2|1 samples/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the loader says the same when it meets an empty file (e.g. emptied before a resume)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cl-empty-'));
  try {
    for (const c of cases) {
      writeFileSync(join(dir, c.file), c.text);
      const format = c.file.endsWith('.csv') ? 'csv' : 'jsonl';
      await assert.rejects(loadData(dataSpec({ source: c.file, format, labelColumn: 'label' }), { specDir: dir, cacheDir: null }), (e: Error) => {
        assert.ok(e.message.endsWith(c.says.slice(c.file.length)) || e.message.includes(c.says.slice(c.file.length)), e.message);
        assert.equal(e.message.split(c.file).length - 1, 1, e.message);
        return true;
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
