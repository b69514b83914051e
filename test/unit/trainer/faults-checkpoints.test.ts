// Fault injection, part 2: damaged checkpoints (resume falls back to the newest intact one and says
// which it skipped), a full disk (the run fails naming the file, keeps its last good checkpoint and
// leaves no temp files), paths that cannot hold files (/proc: an error, not a hang), SIGTERM while
// the final embeddings and UMAP are computed, `list` where `train` puts runs, and `conformance`
// with nothing to check.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import type { RunEvent, RunRecord } from '../../../server/runs/format';
import { readJsonLines } from '../../../server/runs/jsonl';
import { runPaths } from '../../../server/runs/paths';
import { readRunRecord } from '../../../server/runs/record';
import { assertRecoversOrNames, BIN, cli, cliBatch, copyRun, exists, FAULT_SPEC, FAULTS, injectFault, intactStep, markStopped, metricSteps, NEWEST, OLDER, TOTAL_STEPS, trainBaseRun, type CliResult, type Fault } from './faultHelpers';
import { tempDir } from './helpers';

const CHECKPOINT_FILES = ['state.json', 'manifest.json', 'tensors.bin'];

interface Case {
  readonly what: string;
  readonly damaged: string;
  readonly dir: string;
  readonly resumed: string;
  results: (CliResult | null)[];
}

let base = '';
let work = '';
let specPath = '';
const cases: Case[] = [];
const commands = (dir: string, resumed: string): string[][] => [
  ['list', join(dir, '..')],
  ['neighbors', dir, '--query', '3', '-k', '2', '--backend', 'cpu'],
  ['export', dir, '--format', 'tfjs'],
  ['embed', dir, '--no-umap', '--backend', 'cpu'],
  ['export', dir, '--format', 'projector'],
  ['resume', resumed, '--no-umap', '--backend', 'cpu'],
];
const NAMES = ['list', 'neighbors', 'export tfjs', 'embed', 'export projector', 'resume'];

before(async () => {
  ({ base, work, specPath } = await trainBaseRun('faults-checkpoints'));
  const add = (what: string, relative: string, damage: (file: string) => void): void => {
    const dir = copyRun(base, work);
    damage(join(dir, relative));
    const resumed = copyRun(base, work);
    markStopped(resumed);
    damage(join(resumed, relative));
    cases.push({ what, damaged: relative, dir, resumed, results: [] });
  };
  for (const file of CHECKPOINT_FILES) for (const fault of FAULTS) add(`${fault} ${NEWEST}/${file}`, `${NEWEST}/${file}`, (f) => injectFault(f, fault as Fault));
  add(`deleted ${NEWEST}/`, NEWEST, (f) => rmDir(f));
  const results = await cliBatch(cases.flatMap((c) => commands(c.dir, c.resumed)), work, 400_000);
  cases.forEach((c, n) => (c.results = results.slice(n * NAMES.length, (n + 1) * NAMES.length)));
});

function rmDir(dir: string): void {
  spawnSync('rm', ['-rf', dir]);
}

test('a damaged newest checkpoint: every command recovers from the older one and says which file it skipped', () => {
  assert.equal(cases.length, CHECKPOINT_FILES.length * FAULTS.length + 1);
  for (const c of cases) {
    const r = (k: number): CliResult => {
      assert.ok(c.results[k], `${c.what}: \`${NAMES[k]}\` never finished (a hang?)`);
      return c.results[k]!;
    };
    NAMES.forEach((name, k) => assertRecoversOrNames(`${c.what}, ${name}`, r(k), join(k === 5 ? c.resumed : c.dir, c.damaged)));
    for (const k of [2, 3]) {
      assert.equal(r(k).code, 0, `${c.what}, ${NAMES[k]}: should use the older checkpoint\n${r(k).stderr}`);
      if (!c.what.startsWith('deleted')) assert.ok(r(k).stderr.includes(join(c.dir, c.damaged)), `${c.what}, ${NAMES[k]}: the skipped file is named\n${r(k).stderr}`);
    }
    const resume = r(5);
    assert.equal(resume.code, 0, `${c.what}, resume should fall back\n${resume.stderr}`);
    const record = readRunRecord(c.resumed);
    assert.equal(record.status, 'completed');
    assert.equal(record.step, TOTAL_STEPS, 'no completed step is lost');
    assert.equal(record.lastCheckpoint, NEWEST);
    assert.deepEqual(metricSteps(c.resumed), Array.from({ length: TOTAL_STEPS }, (_, i) => i + 1));
    const recovered = readJsonLines<RunEvent>(runPaths(c.resumed).events).lines.filter((e) => e.event === 'recovered');
    const expected = c.what.startsWith('deleted') ? `${join(c.resumed, NEWEST)} is missing` : join(c.resumed, c.damaged);
    assert.ok(recovered.some((e) => e.level === 'warning' && e.message.includes(expected)), `${c.what}: resume says what it skipped (${expected}):\n${recovered.map((e) => e.message).join('\n')}`);
    assert.match(resume.stdout, new RegExp(`resumed from checkpoints/${OLDER.split('/')[1]}`));
    assert.equal(intactStep(c.resumed), TOTAL_STEPS);
  }
});

test('when no checkpoint is intact, resume fails naming every damaged file and changes nothing', async () => {
  const dir = copyRun(base, work);
  markStopped(dir);
  injectFault(join(dir, NEWEST, 'tensors.bin'), 'truncate');
  injectFault(join(dir, OLDER, 'state.json'), 'garbage');
  const metricsBefore = readFileSync(runPaths(dir).metrics, 'utf8');
  const r = await cli(['resume', dir, '--no-umap', '--backend', 'cpu']);
  assert.equal(r.code, 1);
  assert.ok(r.stderr.includes(join(dir, NEWEST, 'tensors.bin')) && r.stderr.includes(join(dir, OLDER, 'state.json')), r.stderr);
  assert.equal(r.stdout.includes(join(dir, NEWEST, 'tensors.bin')), false, 'an error is printed once, on stderr');
  assert.equal(readFileSync(runPaths(dir).metrics, 'utf8'), metricsBefore, 'the metrics of the completed steps are kept');
  assert.deepEqual(readdirSync(runPaths(dir).checkpoints).sort(), [OLDER, NEWEST].map((n) => n.split('/')[1]), 'the damaged checkpoints are kept for inspection');
});

function mountTmpfs(dir: string, size: string): boolean {
  if (process.getuid?.() !== 0) return false;
  mkdirSync(dir, { recursive: true });
  return spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]).status === 0;
}

function tempFilesUnder(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name.endsWith('.tmp')) found.push(join(d, e.name));
      if (e.isDirectory()) walk(join(d, e.name));
    }
  };
  walk(dir);
  return found;
}

test('a full disk fails the run naming the file, keeps the last good checkpoint, leaves no temp files; resume elsewhere completes it', async (t) => {
  const small = join(tempDir('disk-full'), 'small');
  // The first checkpoint (~300 kB) fits, the second does not.
  if (!mountTmpfs(small, '420k')) {
    t.skip('needs root to mount a small tmpfs');
    return;
  }
  try {
    const r = await cli(['train', specPath, '--out', join(small, 'runs'), '--no-umap', '--backend', 'cpu']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const [id] = readdirSync(join(small, 'runs')).filter((n) => !n.startsWith('.'));
    const runDir = join(small, 'runs', id!);
    assert.match(r.stderr, /no space left on the device \(ENOSPC\)/);
    assert.match(r.stderr, new RegExp(`${runDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/\\S+: could not be written`), 'the file being written is named');
    assert.equal((r.stderr.match(/ENOSPC/g) ?? []).length, 1, `the error is printed once:\n${r.stderr}`);
    const record = readRunRecord(runDir);
    assert.equal(record.status, 'failed');
    assert.match(record.error!.where, /checkpoint after step \d+|step \d+/);
    assert.deepEqual(tempFilesUnder(runDir), [], 'no temp files are left behind');
    const kept = intactStep(runDir);
    assert.ok(kept !== null && kept >= 4, 'the last good checkpoint is kept');

    // Move it to a disk with room, plant leftovers of a killed writer, and resume.
    const moved = join(work, `moved-${id}`);
    cpSync(runDir, moved, { recursive: true });
    writeFileSync(join(moved, `run.json.${999999}.tmp`), '{"torn');
    mkdirSync(join(moved, 'checkpoints', `.step-00000099.${999999}.tmp`));
    const resumed = await cli(['resume', moved, '--no-umap', '--backend', 'cpu']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(readRunRecord(moved).status, 'completed');
    assert.deepEqual(tempFilesUnder(moved), [], 'leftover temp files are cleaned on the next start');
    assert.match(resumed.stdout, /removed 2 temporary file/);
  } finally {
    spawnSync('umount', [small]);
  }
});

test('an output folder that cannot hold files (/proc) is an error naming it, not a hang', async () => {
  const out = '/proc/contrastive-lab-test/runs';
  const trained = await cli(['train', specPath, '--out', out, '--no-umap', '--backend', 'cpu'], { timeoutMs: 30_000 });
  assert.equal(trained.signal, null, 'train must not hang');
  assert.equal(trained.code, 1);
  assert.match(trained.stderr, /\/proc\/contrastive-lab-test\/runs: cannot be created/);
  const exported = await cli(['export', base, '--format', 'projector', '--out', '/proc/contrastive-lab-test/export'], { timeoutMs: 30_000 });
  assert.equal(exported.signal, null, 'export must not hang');
  assert.equal(exported.code, 1);
  assert.match(exported.stderr, /\/proc\/contrastive-lab-test\/export: cannot be created/);
});

test('SIGTERM while the final embeddings and UMAP are computed stops within a second; resume writes them', async () => {
  const dir = tempDir('sigterm-umap');
  const spec = join(dir, 'umap.contrastive.yaml');
  writeFileSync(spec, FAULT_SPEC.replace('limit: 600', 'limit: 2500').replace('epochs: 2', 'epochs: 1'));
  const child = spawn(process.execPath, [BIN, 'train', spec, '--backend', 'cpu'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let signalledAt = 0;
  child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.stdout.on('data', (d: Buffer) => {
    stdout += String(d);
    if (signalledAt === 0 && stdout.includes('checkpoint saved (end)')) {
      // Into the embeddings phase (the UMAP of 2500 points takes seconds).
      setTimeout(() => {
        signalledAt = Date.now();
        child.kill('SIGTERM');
      }, 300);
    }
  });
  const code = await exited;
  const answeredMs = Date.now() - signalledAt;
  assert.ok(signalledAt > 0, `the run never reached its end checkpoint:\n${stdout}\n${stderr}`);
  assert.equal(code, 0, stderr);
  assert.ok(answeredMs < 1500, `SIGTERM answered after ${answeredMs} ms`);
  assert.match(stdout, /stop requested \(SIGTERM\) while writing the embeddings/);
  const runDir = stdout.match(/run directory: (\S+)/)![1]!;
  assert.equal(readRunRecord(runDir).status, 'stopped');
  assert.equal(exists(runPaths(runDir).embeddingsMeta), false);
  const resumed = await cli(['resume', runDir, '--no-umap', '--backend', 'cpu']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(readRunRecord(runDir).status, 'completed');
  assert.equal(exists(runPaths(runDir).embeddingsMeta), true);
});

test('list finds runs where train puts them, says where it looked, errors on a missing folder and shows why runs failed', async () => {
  const cwd = tempDir('list-default');
  mkdirSync(join(cwd, 'examples', 'runs'), { recursive: true });
  writeFileSync(join(cwd, 'examples', 'x.contrastive.yaml'), FAULT_SPEC);
  const empty = await cli(['list'], { cwd });
  assert.equal(empty.code, 0);
  assert.match(empty.stdout, /no runs in .*examples\/runs/);
  const id = base.split('/').pop()!;
  cpSync(base, join(cwd, 'examples', 'runs', id), { recursive: true });
  const failedDir = join(cwd, 'examples', 'runs', 'failed-run');
  cpSync(base, failedDir, { recursive: true });
  const record = JSON.parse(readFileSync(runPaths(failedDir).runJson, 'utf8')) as RunRecord;
  writeFileSync(runPaths(failedDir).runJson, JSON.stringify({ ...record, id: 'failed-run', status: 'failed', error: { message: '/x/tensors.bin: could not be written: no space left on the device (ENOSPC)', where: 'checkpoint after step 8' } }));
  const listed = await cli(['list'], { cwd });
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, new RegExp(id));
  assert.match(listed.stdout, /failed-run\s+failed[\s\S]*failed at checkpoint after step 8: \/x\/tensors\.bin: could not be written/);
  const nowhere = await cli(['list'], { cwd: tempDir('list-nowhere') });
  assert.equal(nowhere.code, 0);
  assert.match(nowhere.stdout, /no runs yet: looked in runs\. .*contrastive-lab list <runs-folder>/);
  const missing = await cli(['list', join(cwd, 'typo')], { cwd });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /typo: no such folder/);
  assert.equal(missing.stdout, '');
});

test('conformance with no fixtures, or a missing folder, exits 1 saying so', async () => {
  const empty = tempDir('conformance-empty');
  const r = await cli(['conformance', empty, '--backend', 'cpu']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no \*\.json fixtures here/);
  const missing = await cli(['conformance', join(empty, 'nope'), '--backend', 'cpu']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nope" does not exist/);
});
