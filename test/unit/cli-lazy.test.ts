// The built CLI stays light where it can: `--version`, `--help`, `<command> --help` and `validate`
// must not load tfjs (nor umap-js, sharp, mnist). Commands that train or search load their heavy
// modules with `await import()` inside run(); esbuild keeps them in dist/cli.js but evaluates them
// only when called. Each case runs bin/contrastive-lab.js in a child with a preload that hooks
// Module._load and writes, at exit, every module request and resolved file it saw.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { writeEmbeddings } from '../../server/runs/embeddings';

const root = join(__dirname, '../..');
const bin = join(root, 'bin/contrastive-lab.js');
const bundle = join(root, 'dist/cli.js');
const skip = existsSync(bundle) ? false : 'dist/cli.js is missing: run `npm run build` (npm test builds first)';

const work = mkdtempSync(join(tmpdir(), 'cli-lazy-'));
after(() => rmSync(work, { recursive: true, force: true }));

const preload = join(work, 'record-loads.cjs');
writeFileSync(preload, `
const Module = require('node:module');
const { writeFileSync } = require('node:fs');
const seen = new Set();
const load = Module._load;
Module._load = function (request, parent, isMain) {
  seen.add(request);
  try { seen.add(Module._resolveFilename(request, parent, isMain)); } catch {}
  return load.apply(this, arguments);
};
process.on('exit', () => {
  for (const file of Object.keys(require.cache)) seen.add(file);
  writeFileSync(process.env.CLI_LAZY_REPORT, JSON.stringify({ modules: [...seen], maxRssKb: process.resourceUsage().maxRSS, seconds: process.uptime() }));
});
`);

const HEAVY = /@tensorflow|umap-js|[\\/]sharp[\\/]|^sharp$|[\\/]mnist[\\/]|^mnist$/;

function run(args: string[]): { code: number | null; out: string; err: string; heavy: string[]; maxRssKb: number; seconds: number } {
  const report = join(work, `report-${args.join('_').replace(/[^\w.-]/g, '_')}.json`);
  const r = spawnSync(process.execPath, ['--require', preload, bin, ...args], {
    cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...process.env, CLI_LAZY_REPORT: report },
  });
  const recorded = JSON.parse(readFileSync(report, 'utf8')) as { modules: string[]; maxRssKb: number; seconds: number };
  return { code: r.status, out: r.stdout, err: r.stderr, heavy: recorded.modules.filter((m) => HEAVY.test(m)), maxRssKb: recorded.maxRssKb, seconds: recorded.seconds };
}

const light: Array<[string, string[], RegExp]> = [
  ['--version', ['--version'], /^\d+\.\d+\.\d+/],
  ['--help', ['--help'], /Commands:/],
  ['train --help', ['train', '--help'], /^Usage: contrastive-lab train/],
  ['neighbors --help', ['neighbors', '--help'], /^Usage: contrastive-lab neighbors/],
  ['validate', ['validate', 'examples/quickstart.contrastive.yaml'], /1 file checked: 0 errors/],
  ['runs', ['runs', '--all-columns'], /runs in|no runs yet/],
  ['compare --help', ['compare', '--help'], /^Usage: contrastive-lab compare/],
  ['search --help', ['search', '--help'], /^Usage: contrastive-lab search/],
  ['index --help', ['index', '--help'], /^Usage: contrastive-lab index/],
  ['finetune --help', ['finetune', '--help'], /^Usage: contrastive-lab finetune/],
];

for (const [name, args, expected] of light) {
  test(`${name} does not load tfjs`, { skip }, () => {
    const r = run(args);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, expected);
    assert.deepEqual(r.heavy, [], `${name} loaded ${r.heavy.length} heavy module(s), e.g. ${r.heavy.slice(0, 4).join(', ')}`);
  });
}

test('neighbors answers a query without loading tfjs (the search reads vectors.f32 in plain JavaScript)', { skip }, () => {
  const dir = join(work, 'run');
  writeEmbeddings(dir, {
    meta: { formatVersion: 1, count: 3, dim: 2, layer: 'representation', dtype: 'float32', byteOrder: 'little-endian', labelled: false, classNames: null, epoch: 1, step: 1, projections: [], sprite: null },
    vectors: Float32Array.from([0, 0, 1, 0, 3, 0]),
    samples: { ids: ['a', 'b', 'c'], labels: [null, null, null], split: ['train', 'train', 'test'] },
  }, {});
  const r = run(['neighbors', dir, '--query', '0', '-k', '1', '--metric', 'euclidean', '--backend', 'cpu']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /1\. +#1 b {2}label - {2}distance 1\.0000/);
  assert.deepEqual(r.heavy, [], `neighbors loaded ${r.heavy.length} heavy module(s), e.g. ${r.heavy.slice(0, 4).join(', ')}`);
});

test('the hook sees tfjs when a command does load it (embed on a missing run)', { skip }, () => {
  // embed imports the trainer (and tfjs with it) before it reads the run: proves the check can fail.
  const r = run(['embed', join(work, 'no-such-run'), '--backend', 'cpu']);
  assert.notEqual(r.code, 0);
  assert.ok(r.heavy.some((m) => m.includes('@tensorflow')), `expected @tensorflow among the loaded modules, got ${r.heavy.join(', ') || 'none'}`);
});
