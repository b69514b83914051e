// The one run-directory reader: incremental tailing (held-back partial line, truncation, a file
// replaced by a rename, a start near the end), the summary the CLI and the editor share, and the
// kind of failure run.json records — with older run.json files that have only the message.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { RunRecord } from '../../../server/runs/format';
import { learningProblem, runErrorKind } from '../../../server/runs/learning';
import { RunReader } from '../../../server/runs/reader';
import { writeRunRecord } from '../../../server/runs/record';
import { FileTail } from '../../../server/runs/tail';
import { runErrorOf, TrainingError } from '../../../server/trainer/trainingError';
import { DataError } from '../../../server/contrastive/data/errors';

const CLI_MAIN = join(__dirname, '..', '..', '..', 'server', 'cli', 'main.ts');
const tmp = mkdtempSync(join(tmpdir(), 'cl-reader-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function record(id: string, change: Partial<RunRecord> = {}): RunRecord {
  return {
    formatVersion: 1, id, name: id, experiment: 'e', specPath: '/x.yaml', specHash: 'h', status: 'completed', pid: null,
    hostname: hostname(), backend: 'wasm', seed: 0, epochs: 2, stepsPerEpoch: 10, createdAt: '2026-01-01T00:00:00.000Z',
    startedAt: '2026-01-01T00:00:00.000Z', endedAt: null, step: 10, epoch: 1, bestKnnAccuracy: null,
    lastCheckpoint: null, error: null, ...change,
  };
}

const step = (n: number, loss: number): string => JSON.stringify({ kind: 'step', step: n, epoch: 1, time: n / 10, loss, lr: 0.1, samplesPerSec: 1 }) + '\n';

test('a tail returns each complete line once, holds back a partial one, and starts over when the file is truncated or replaced', () => {
  const file = join(tmp, 'tail.jsonl');
  writeFileSync(file, 'one\r\ntwo\nthr');
  const tail = new FileTail(file);
  assert.deepEqual(tail.read(), { lines: ['one', 'two'], reset: false });
  appendFileSync(file, 'ee\n');
  assert.deepEqual(tail.read(), { lines: ['three'], reset: false });
  assert.deepEqual(tail.read(), { lines: [], reset: false });
  // Replaced through a rename by a longer file (resume trims, then the trainer appends): a new inode.
  writeFileSync(`${file}.new`, 'a\nb\nc\nd\ne\nf\ng\n');
  renameSync(`${file}.new`, file);
  assert.deepEqual(tail.read(), { lines: ['a', 'b', 'c', 'd', 'e', 'f', 'g'], reset: true });
  writeFileSync(file, 'x\n');
  assert.deepEqual(tail.read(), { lines: ['x'], reset: true }, 'shorter than what was read: truncated');
  appendFileSync(file, 'unterminated');
  assert.deepEqual(tail.read(true).lines, ['unterminated'], 'the writer ended: the last line counts');
  assert.deepEqual(new FileTail(join(tmp, 'missing')).read(), { lines: [], reset: false });
});

test('a tail that starts near the end keeps a first line that begins exactly at the cut', () => {
  const file = join(tmp, 'cut.txt');
  writeFileSync(file, 'aaaa\nbbbb\ncccc\n');
  assert.deepEqual(new FileTail(file, { startBytesFromEnd: 10 }).read().lines, ['bbbb', 'cccc']);
  assert.deepEqual(new FileTail(file, { startBytesFromEnd: 8 }).read().lines, ['cccc'], 'the cut went through bbbb');
});

test('a reader kept between reads parses only appended metric lines and summarises the run as list and the Runs view show it', () => {
  const dir = join(tmp, 'run');
  mkdirSync(dir);
  writeRunRecord(dir, record('run', { bestKnnAccuracy: 0.5 }));
  writeFileSync(join(dir, 'metrics.jsonl'), step(1, 3) + step(2, 2));
  const reader = new RunReader(dir);
  const first = reader.read();
  assert.equal(first.metrics.lastLoss, 2);
  assert.equal(first.bestKnnAccuracy, 0.5, 'run.json\'s best until an evaluation beats it');
  assert.equal(first.durationSec, 0.2, 'no endedAt and not running: the last metric line\'s time');
  appendFileSync(join(dir, 'metrics.jsonl'), JSON.stringify({ kind: 'eval', step: 2, epoch: 1, time: 0.3, knnAccuracy: 0.75 }) + '\n');
  const second = reader.read();
  assert.equal(second.bestKnnAccuracy, 0.75);
  assert.equal(second.metrics.lastEval?.knnAccuracy, 0.75);
  assert.equal(second.metrics.lastStep, 2, 'earlier lines are remembered, not re-read');
  assert.equal(second.name, 'run');
  assert.equal(second.hasEmbeddings, false);
});

test('run.json records the kind of failure; an older run.json with only the message still reads as NaN', () => {
  const nan = new TrainingError('the loss became NaN at step 3', 'step 3 (epoch 1)', { kind: 'nonFinite', step: 3, epoch: 1, value: 'NaN' });
  assert.deepEqual(runErrorOf(nan, { where: 'ignored' }), { kind: 'nonFinite', step: 3, epoch: 1, value: 'NaN', message: 'the loss became NaN at step 3', where: 'step 3 (epoch 1)' });
  assert.deepEqual(runErrorOf(new DataError('data/x.csv:4', 'ragged row'), { where: 'setup' }), { kind: 'data', message: 'data/x.csv:4: ragged row', where: 'data/x.csv:4' });
  assert.equal(runErrorOf(new RangeError('Array buffer allocation failed'), { where: 'step 2 (epoch 1)', step: 2, epoch: 1 }).kind, 'outOfMemory');
  assert.deepEqual(runErrorOf(new Error('boom'), { where: 'setup' }), { kind: 'other', message: 'boom', where: 'setup' });

  const kinded = record('k', { status: 'failed', error: { kind: 'nonFinite', message: 'a gradient became Infinity', where: 'step 3 (epoch 1)', step: 3, epoch: 1, value: 'Infinity' } });
  assert.deepEqual(learningProblem(kinded), { label: 'Infinity at step 3 (epoch 1)', inlineLabel: 'Infinity at step 3, epoch 1', message: 'a gradient became Infinity' });
  const legacy = record('l', { status: 'failed', error: { message: 'the loss became NaN at step 8 (epoch 1, learning rate 0.001).', where: 'step 8 (epoch 1)' } });
  assert.equal(runErrorKind(legacy.error!), 'nonFinite');
  assert.equal(learningProblem(legacy)?.inlineLabel, 'NaN at step 8, epoch 1');
  assert.equal(learningProblem(record('o', { status: 'failed', error: { kind: 'other', message: 'became NaN in a message only', where: 'setup' } })), null, 'the kind decides, not the words');
});

test('list puts one level of brackets around a failure\'s place', () => {
  const root = join(tmp, 'list');
  const dir = join(root, 'nan-run');
  mkdirSync(dir, { recursive: true });
  writeRunRecord(dir, record('nan-run', { status: 'failed', endedAt: '2026-01-01T00:00:05.000Z', error: { kind: 'nonFinite', message: 'the loss became NaN at step 3 (epoch 1).', where: 'step 3 (epoch 1)', step: 3, epoch: 1, value: 'NaN' } }));
  // A child process: the test runner reports on this process's stdout.
  const list = (...flags: string[]): string => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', CLI_MAIN, 'list', root, ...flags], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  const out = list() + list('--json');
  assert.match(out, /nan-run\s+failed \(NaN at step 3, epoch 1\)\s/);
  assert.doesNotMatch(out, /\(epoch 1\)\)/);
  const json = JSON.parse(out.trim().split('\n').pop()!) as { error: { kind: string }; learning: string };
  assert.equal(json.error.kind, 'nonFinite');
  assert.equal(json.learning, 'NaN at step 3 (epoch 1)');
});
