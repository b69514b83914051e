// What a user reads when something is wrong: each error once, each path once, and nothing skipped
// in silence. Runs the built CLI (bin/contrastive-lab.js) as a user would.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RunEvent } from '../../../server/runs/format';
import { readJsonLines } from '../../../server/runs/jsonl';
import { runPaths } from '../../../server/runs/paths';
import { cli, ROOT } from './faultHelpers';
import { tempDir, vectorSpec } from './helpers';

const VECTORS = (source: string, epochs = 1): string => vectorSpec(source, { experiment: 'msgs', epochs, eval: '{ knn: { k: 3 } }' });

const events = (runDir: string): RunEvent[] => readJsonLines<RunEvent>(runPaths(runDir).events).lines;
const runDirOf = (stdout: string): string => /run directory: (\S+)/.exec(stdout)![1]!;
const count = (text: string, part: string): number => text.split(part).length - 1;

test('a run that fails from a NaN prints its error once on the terminal; events.jsonl keeps the nan and failed events', async () => {
  const dir = tempDir('msg-nan');
  const rows = ['x,y,label'];
  for (let i = 0; i < 40; i++) rows.push(`${i % 2 === 0 ? 3e38 : -3e38},${3e38},${i % 4}`);
  writeFileSync(join(dir, 'huge.csv'), rows.join('\n'));
  writeFileSync(join(dir, 'nan.contrastive.yaml'), VECTORS('huge.csv'));
  const r = await cli(['train', 'nan.contrastive.yaml', '--backend', 'cpu', '--no-umap'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stderr.split('\n').filter((line) => /became (NaN|Infinity|-Infinity)/.test(line));
  assert.equal(lines.length, 1, `the error once:\n${r.stderr}`);
  assert.match(lines[0]!, /^error: run failed at step 1 \(epoch 1\): the loss became/);
  assert.doesNotMatch(r.stdout, /became/);
  const kinds = events(runDirOf(r.stdout)).map((e) => `${e.level} ${e.event}`);
  assert.ok(kinds.includes('error nan') && kinds.includes('error failed'), kinds.join(', '));
});

test('files in an image folder that are not images are named in a warning, on the terminal and in events.jsonl', async () => {
  const dir = tempDir('msg-images');
  for (const shape of ['circle', 'square']) {
    mkdirSync(join(dir, 'data/shapes', shape), { recursive: true });
    for (const file of readdirSync(join(ROOT, 'examples/data/shapes', shape)).slice(0, 8)) cpSync(join(ROOT, 'examples/data/shapes', shape, file), join(dir, 'data/shapes', shape, file));
  }
  writeFileSync(join(dir, 'data/shapes/.DS_Store'), 'finder');
  writeFileSync(join(dir, 'data/shapes/notes.txt'), 'where the shapes came from');
  writeFileSync(join(dir, 'shapes.contrastive.yaml'), `experiment: shapes
data:
  source: data/shapes
  imageSize: 16
  channels: 1
  split: { testFraction: 0.25, seed: 0 }
pairs: { positives: labels, negatives: { type: batch } }
loss: { type: supCon, temperature: 0.1 }
architecture:
  backbone: { type: mlp, layers: [8] }
  representationSize: 4
  projection: null
strategy: { epochs: 1, batchSize: 6 }
eval: { knn: { k: 3 } }
`);
  const r = await cli(['train', 'shapes.contrastive.yaml', '--backend', 'cpu', '--no-umap'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const said = 'data/shapes: skipped 2 files that are not images (.DS_Store, notes.txt)';
  assert.ok(r.stdout.includes(`warning: ${said}`), r.stdout);
  const warning = events(runDirOf(r.stdout)).find((e) => e.message === said);
  assert.equal(warning?.level, 'warning');
  assert.equal(warning?.event, 'log');
  assert.deepEqual(warning?.data, { skipped: ['.DS_Store', 'notes.txt'] });
});

test('error messages name their path once: missing run folder, torn run.json and meta.json, missing data file, read-only output folder', async () => {
  const dir = tempDir('msg-paths');
  writeFileSync(join(dir, 'v.csv'), ['x,y,label', ...Array.from({ length: 40 }, (_, i) => `${Math.sin(i)},${Math.cos(i)},${i % 2}`)].join('\n'));
  writeFileSync(join(dir, 'v.contrastive.yaml'), VECTORS('v.csv'));
  const trained = await cli(['train', 'v.contrastive.yaml', '--backend', 'cpu', '--no-umap'], { cwd: dir });
  assert.equal(trained.code, 0, trained.stderr);
  const base = runDirOf(trained.stdout);
  const copy = (name: string): string => {
    const to = join(dir, 'copies', name);
    cpSync(base, to, { recursive: true });
    return to;
  };
  const tornRun = copy('torn-run');
  truncateSync(runPaths(tornRun).runJson, 40);
  const tornMeta = copy('torn-meta');
  const meta = join(tornMeta, 'embeddings/meta.json');
  truncateSync(meta, 30);
  const missing = join(dir, 'nowhere');
  // A stopped run whose data file has gone: resume meets the missing file in the loader.
  const noData = copy('no-data');
  const record = JSON.parse(readFileSync(runPaths(noData).runJson, 'utf8')) as Record<string, unknown>;
  writeFileSync(runPaths(noData).runJson, JSON.stringify({ ...record, status: 'stopped', pid: null }));
  const cases: { what: string; args: string[]; path: string }[] = [
    { what: 'list of a missing folder', args: ['list', missing], path: missing },
    { what: 'resume of a missing run folder', args: ['resume', missing], path: missing },
    { what: 'embed of a missing run folder', args: ['embed', missing], path: missing },
    { what: 'neighbors of a missing run folder', args: ['neighbors', missing, '--query', '0'], path: missing },
    { what: 'resume of a torn run.json', args: ['resume', tornRun], path: runPaths(tornRun).runJson },
    { what: 'export of a torn meta.json', args: ['export', tornMeta, '--format', 'projector', '--out', join(dir, 'out')], path: meta },
    { what: 'neighbors of a torn meta.json', args: ['neighbors', tornMeta, '--query', '0'], path: meta },
    { what: 'resume with its data file gone', args: ['resume', noData, '--backend', 'cpu'], path: join(dir, 'gone.csv') },
  ];
  // The data file goes after the copies are made (the recorded spec names it).
  const spec = JSON.parse(readFileSync(runPaths(noData).specJson, 'utf8')) as { data: { source: string } };
  writeFileSync(runPaths(noData).specJson, JSON.stringify({ ...spec, data: { ...spec.data, source: 'gone.csv' } }));
  const readOnly = join(dir, 'readonly');
  mkdirSync(readOnly);
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', readOnly]).status === 0;
  if (mounted) cases.push({ what: 'train into a read-only folder', args: ['train', 'v.contrastive.yaml', '--out', join(readOnly, 'runs'), '--backend', 'cpu'], path: join(readOnly, 'runs') });
  try {
    for (const c of cases) {
      const r = await cli(c.args, { cwd: dir });
      assert.equal(r.code, 1, `${c.what}: exit ${r.code}\n${r.stdout}${r.stderr}`);
      const errors = r.stderr.split('\n').filter((line) => line.includes(c.path));
      assert.equal(errors.length, 1, `${c.what}: one line names ${c.path}:\n${r.stderr}`);
      assert.equal(count(errors[0]!, c.path), 1, `${c.what}: the path twice in\n${errors[0]}`);
      if (c.what.startsWith('train into')) assert.match(errors[0]!, /read-only \(EROFS\)/);
    }
  } finally {
    if (mounted) spawnSync('umount', [readOnly]);
  }
  if (!mounted) rmSync(readOnly, { recursive: true, force: true });
});
