// Fault injection, part 3: faults the first two parts do not make. A checkpoint manifest that is
// valid JSON with intact checksums but whose entries overlap (resume falls back to the older
// checkpoint); spec.json edited to another architecture (resume/embed/export name spec.json and the
// checkpoint, no bare tensor-shape error); an export that fails half-way (no half-written files
// left); an embeddings rewrite that fails half-way (meta.json, the completeness marker, is gone);
// FIFOs where a spec or a run file should be (an error, not a hang).
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { listImageFolder } from '../../../server/contrastive/data/imageFolder';
import { ensureDir } from '../../../server/shared/files';
import { effectiveStatus, readRunRecord } from '../../../server/runs/record';
import { assertRecoversOrNames, cliBatch, copyRun, markStopped, metricSteps, NEWEST, OLDER, TOTAL_STEPS, trainBaseRun, type CliResult } from './faultHelpers';

let base = '';
let work = '';
let specPath = '';
const dirs: Record<string, string> = {};
let results: (CliResult | null)[] = [];
const jobs: string[][] = [];
const at: Record<string, number> = {};
const job = (name: string, args: string[]): void => {
  at[name] = jobs.length;
  jobs.push(args);
};
const result = (name: string): CliResult => {
  const r = results[at[name]!];
  assert.ok(r, `${name}: never finished (a hang?)`);
  return r;
};

function mkfifo(path: string): void {
  rmSync(path, { recursive: true, force: true });
  execFileSync('mkfifo', [path]);
}

before(async () => {
  ({ base, work, specPath } = await trainBaseRun('faults-hidden'));

  // Overlapping manifest entries: the first tensor claims one more column, checksums untouched.
  const overlap = (dirs['overlap'] = copyRun(base, work));
  markStopped(overlap);
  const manifestFile = join(overlap, NEWEST, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { entries: { shape: number[]; length: number }[] };
  const first = manifest.entries[0]!;
  first.shape = [first.shape[0]!, first.shape[1]! + 1];
  first.length = first.shape[0]! * first.shape[1]!;
  writeFileSync(manifestFile, JSON.stringify(manifest));
  job('overlap resume', ['resume', overlap, '--no-umap', '--backend', 'cpu']);

  // spec.json edited to a wider backbone after training.
  const edited = (dirs['edited'] = copyRun(base, work));
  markStopped(edited);
  const specFile = join(edited, 'spec.json');
  const spec = JSON.parse(readFileSync(specFile, 'utf8')) as { architecture: { backbone: { layers: number[] } } };
  spec.architecture.backbone.layers = [48];
  writeFileSync(specFile, JSON.stringify(spec, null, 2));
  job('edited resume', ['resume', edited, '--no-umap', '--backend', 'cpu']);
  job('edited embed', ['embed', edited, '--no-umap', '--backend', 'cpu']);
  job('edited export', ['export', edited, '--format', 'tfjs', '--out', join(work, 'edited-export')]);

  // Exports whose second file cannot be written (a folder stands where the file goes).
  const exported = (dirs['exported'] = copyRun(base, work));
  mkdirSync(join(work, 'tfjs-out', 'model.json'), { recursive: true });
  mkdirSync(join(work, 'projector-out', 'metadata.tsv'), { recursive: true });
  job('tfjs export fails', ['export', exported, '--format', 'tfjs', '--out', join(work, 'tfjs-out')]);
  job('projector export fails', ['export', exported, '--format', 'projector', '--out', join(work, 'projector-out')]);

  // An embeddings rewrite that fails after vectors.f32 (pca.f32 cannot be replaced).
  const embedded = (dirs['embedded'] = copyRun(base, work));
  rmSync(join(embedded, 'embeddings', 'pca.f32'));
  mkdirSync(join(embedded, 'embeddings', 'pca.f32', 'x'), { recursive: true });
  job('embed fails', ['embed', embedded, '--no-umap', '--backend', 'cpu']);
  job('neighbors after failed embed', ['neighbors', embedded, '--query', '1', '-k', '2']);

  // FIFOs: a spec, a data file, a run file.
  mkfifo(join(work, 'pipe.contrastive.yaml'));
  job('validate fifo', ['validate', join(work, 'pipe.contrastive.yaml')]);
  job('train fifo', ['train', join(work, 'pipe.contrastive.yaml')]);
  mkfifo(join(work, 'pipe.csv'));
  writeFileSync(join(work, 'csv.contrastive.yaml'), readFileSync(specPath, 'utf8').replace('source: builtin:digits\n  limit: 600', 'source: pipe.csv\n  format: csv\n  labelColumn: label'));
  job('train fifo data', ['train', join(work, 'csv.contrastive.yaml'), '--out', join(work, 'csv-runs'), '--backend', 'cpu']);
  const piped = (dirs['piped'] = copyRun(base, work));
  mkfifo(join(piped, 'embeddings', 'meta.json'));
  job('neighbors fifo meta', ['neighbors', piped, '--query', '1', '-k', '2']);

  // metrics.jsonl cut short on a line boundary (nothing torn): the steps without lines are said.
  const cut = (dirs['cut'] = copyRun(base, work));
  markStopped(cut);
  writeFileSync(join(cut, 'metrics.jsonl'), readFileSync(join(cut, 'metrics.jsonl'), 'utf8').split('\n').slice(0, 3).join('\n') + '\n');
  job('cut metrics resume', ['resume', cut, '--no-umap', '--backend', 'cpu']);

  // A symlink loop where a run folder or a runs folder is named.
  symlinkSync(join(work, 'loop-b'), join(work, 'loop-a'));
  symlinkSync(join(work, 'loop-a'), join(work, 'loop-b'));
  job('list loop', ['list', join(work, 'loop-a')]);
  job('neighbors loop', ['neighbors', join(work, 'loop-a'), '--query', '1']);
  job('resume loop', ['resume', join(work, 'loop-a')]);

  // Temp files an embed killed mid-write left (its pid is gone).
  const killed = (dirs['killed'] = copyRun(base, work));
  writeFileSync(join(killed, 'embeddings', 'vectors.f32.999999.tmp'), 'half written');
  job('embed after killed embed', ['embed', killed, '--no-umap', '--backend', 'cpu']);

  results = await cliBatch(jobs, work, 240_000);
});

test('a manifest whose entries overlap (valid JSON, checksums intact) is damage: resume falls back to the older checkpoint', () => {
  const dir = dirs['overlap']!;
  const r = result('overlap resume');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout + r.stderr, new RegExp(`${join(dir, NEWEST, 'manifest.json').replace(/[.]/g, '\\.')}: lists tensor model\\[\\d+\\] at offset`));
  assert.match(r.stdout + r.stderr, new RegExp(`older ${OLDER.replace('checkpoints/', '')}`));
  const record = readRunRecord(dir);
  assert.equal(record.status, 'completed');
  assert.equal(record.step, TOTAL_STEPS);
  assert.deepEqual(metricSteps(dir), Array.from({ length: TOTAL_STEPS }, (_, i) => i + 1));
});

test('spec.json edited to another architecture: resume, embed and export fail naming spec.json and the checkpoint, once', () => {
  const dir = dirs['edited']!;
  for (const name of ['edited resume', 'edited embed', 'edited export']) {
    const r = result(name);
    assertRecoversOrNames(name, r, join(dir, 'spec.json'));
    assert.equal(r.code, 1, `${name}: ${r.stderr}`);
    assert.ok(r.stderr.includes(join(dir, NEWEST, 'tensors.bin')), `${name}: names the checkpoint\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /setWeights/, `${name}: says it in words`);
    assert.equal(r.stderr.split(join(dir, 'spec.json')).length - 1, 1, `${name}: spec.json named once\n${r.stderr}`);
  }
  assert.ok(!existsSync(join(work, 'edited-export')), 'the failed export leaves no folder');
  assert.equal(readRunRecord(dir).lastCheckpoint, NEWEST, 'the checkpoint is kept');
});

test('an export that fails half-way names the file and leaves nothing it began', () => {
  const tfjs = result('tfjs export fails');
  assert.equal(tfjs.code, 1, tfjs.stderr);
  assert.ok(tfjs.stderr.includes(join(work, 'tfjs-out', 'model.json')), tfjs.stderr);
  assert.deepEqual(readdirSync(join(work, 'tfjs-out')), ['model.json'], 'weights.bin written before the failure is removed');
  const projector = result('projector export fails');
  assert.equal(projector.code, 1, projector.stderr);
  assert.ok(projector.stderr.includes(join(work, 'projector-out', 'metadata.tsv')), projector.stderr);
  assert.deepEqual(readdirSync(join(work, 'projector-out')), ['metadata.tsv'], 'tensors.tsv written before the failure is removed');
});

test('an embeddings rewrite that fails half-way leaves no meta.json beside a mix of old and new files', () => {
  const dir = dirs['embedded']!;
  const r = result('embed fails');
  assert.equal(r.code, 1, r.stderr);
  assert.ok(r.stderr.includes(join(dir, 'embeddings', 'pca.f32')), r.stderr);
  assert.ok(!existsSync(join(dir, 'embeddings', 'meta.json')), 'the marker is gone');
  const n = result('neighbors after failed embed');
  assert.equal(n.code, 1);
  assert.ok(n.stderr.includes(join(dir, 'embeddings', 'meta.json')), n.stderr);
});

test('a FIFO where a spec, a data file or a run file should be is an error naming it, not a hang', () => {
  const fifo = join(work, 'pipe.contrastive.yaml');
  for (const name of ['validate fifo', 'train fifo']) {
    const r = result(name);
    assert.equal(r.code, 1, `${name}: ${r.stderr}`);
    assert.match(r.stdout + r.stderr, /named pipe \(FIFO\)/, name);
    assert.ok((r.stdout + r.stderr).includes('pipe.contrastive.yaml'), `${name} names ${fifo}`);
  }
  const data = result('train fifo data');
  assert.equal(data.code, 1, data.stderr);
  assert.ok((data.stdout + data.stderr).includes(join(work, 'pipe.csv')), data.stdout + data.stderr);
  const meta = result('neighbors fifo meta');
  assertRecoversOrNames('neighbors fifo meta', meta, join(dirs['piped']!, 'embeddings', 'meta.json'));
  assert.equal(meta.code, 1);
});

test('a zero-byte file in an image folder is said to be empty, naming it (not "unsupported format")', () => {
  const folder = join(work, 'images');
  mkdirSync(join(folder, 'a'), { recursive: true });
  writeFileSync(join(folder, 'a', 'one.png'), Buffer.from('placeholder, never decoded'));
  writeFileSync(join(folder, 'a', 'zero.png'), '');
  assert.throws(() => listImageFolder(folder), (e: Error) => e.message.startsWith(join(folder, 'a', 'zero.png')) && /is empty \(0 bytes\)/.test(e.message));
});

test('a run recorded as running whose pid now belongs to an unrelated process (sleep) is interrupted; a node process keeps it running', async () => {
  const dir = copyRun(base, work);
  const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
  const node = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 200));
    const record = { ...readRunRecord(dir), status: 'running' as const, hostname: hostname() };
    assert.equal(effectiveStatus({ ...record, pid: sleeper.pid! }), 'interrupted');
    assert.equal(effectiveStatus({ ...record, pid: node.pid! }), 'running');
  } finally {
    sleeper.kill();
    node.kill();
  }
});

test('a runs or export folder that is a file, or a path too long, is named once', () => {
  const file = join(work, 'a-file');
  writeFileSync(file, 'x');
  assert.throws(() => ensureDir(file, 'runs folder'), (e: Error) => e.message === `${file}: is a file, not a folder; it cannot be the runs folder`);
  const long = join(work, ...Array.from({ length: 25 }, () => 'd'.repeat(200)));
  assert.throws(() => ensureDir(long, 'runs folder'), (e: Error) => e.message.split(long).length === 2 && /ENAMETOOLONG/.test(e.message));
});

test('metrics.jsonl cut short on a line boundary: resume says which steps lost their lines (terminal and events.jsonl)', () => {
  const dir = dirs['cut']!;
  const r = result('cut metrics resume');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /metrics\.jsonl: no metric lines for \d+ steps \(steps \d+–8\) before step-00000008/);
  assert.match(readFileSync(join(dir, 'events.jsonl'), 'utf8'), /"event":"recovered","message":"[^"]*no metric lines for/);
});

test('a symlink loop is said to be one (ELOOP), not "no such folder"', () => {
  for (const name of ['list loop', 'neighbors loop', 'resume loop']) {
    const r = result(name);
    assert.equal(r.code, 1, `${name}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, `${name}: one line\n${r.stderr}`);
    assert.match(r.stderr, new RegExp(`${join(work, 'loop-a')}: cannot be opened: too many symbolic links in the path \\(ELOOP\\)`), name);
  }
});

test('embed removes the temp files of an earlier embed that was killed mid-write', () => {
  const r = result('embed after killed embed');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(join(dirs['killed']!, 'embeddings')).filter((n) => n.endsWith('.tmp')), []);
});
