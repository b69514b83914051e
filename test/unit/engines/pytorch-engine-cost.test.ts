// What the PyTorch engine spends besides training (issue 16, part 6: the engine against a plain loop):
// `train --engine pytorch` never loads tfjs when it draws no UMAP map, and still writes the sprite
// sheet and the maps' header; the guard after every step (a sum per weight, every entry only when a
// sum is not finite) fails a NaN or infinite weight and passes finite weights whose sum overflows.
// Skipped (with the reason) where /usr/bin/python3 cannot import torch.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { EmbeddingsMeta } from '../../../server/runs/format';
import { runPaths } from '../../../server/runs/paths';
import { readRunRecord } from '../../../server/runs/record';
import { tempDir } from '../trainer/helpers';

const ROOT = join(__dirname, '..', '..', '..');
const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : `${PYTHON} cannot import torch; install python3-torch to test the PyTorch engine`;
const bundleMissing = existsSync(join(ROOT, 'dist', 'cli.js')) ? false : 'dist/cli.js is missing: run `npm run build`';

const SPEC = `experiment: engine-cost
data:
  source: builtin:digits
  limit: 1000
  split: { testFraction: 0.2, seed: 0 }
pairs:
  positives: labels
  negatives: { type: batch }
loss: { type: supCon, temperature: 0.1 }
architecture:
  backbone: { type: mlp, layers: [32] }
  representationSize: 16
  projection: { layers: [16] }
strategy:
  epochs: 1
  batchSize: 100
run: { engine: pytorch, threads: 1 }
`;

test('train --engine pytorch without UMAP never loads tfjs, and still writes the sprite sheet', { skip: skip || bundleMissing }, () => {
  const dir = tempDir('pytorch-cost');
  const spec = join(dir, 'cost.contrastive.yaml');
  writeFileSync(spec, SPEC);
  // A preload records every module the CLI loads (as test/unit/cli-lazy.test.ts does).
  const preload = join(dir, 'record-loads.cjs');
  const report = join(dir, 'loads.json');
  writeFileSync(preload, `
const Module = require('node:module');
const seen = new Set();
const load = Module._load;
Module._load = function (request, parent, isMain) {
  try { seen.add(Module._resolveFilename(request, parent, isMain)); } catch { seen.add(request); }
  return load.apply(this, arguments);
};
process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(report)}, JSON.stringify([...seen, ...Object.keys(require.cache)])));
`);
  const r = spawnSync(process.execPath, ['--require', preload, join(ROOT, 'bin', 'contrastive-lab.js'), 'train', spec, '--out', join(dir, 'runs'), '--no-umap', '--json'], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  assert.equal(r.status, 0, `train failed: ${r.stderr}`);
  const loaded = JSON.parse(readFileSync(report, 'utf8')) as string[];
  assert.deepEqual(loaded.filter((m) => /@tensorflow/.test(m)), [], 'tfjs was loaded for a PyTorch run without UMAP');
  const runs = readdirSync(join(dir, 'runs')).filter((d) => !d.startsWith('.'));
  assert.equal(runs.length, 1);
  const runDir = join(dir, 'runs', runs[0]!);
  assert.equal(readRunRecord(runDir).status, 'completed');
  const meta = JSON.parse(readFileSync(runPaths(runDir).embeddingsMeta, 'utf8')) as EmbeddingsMeta;
  assert.ok(meta.sprite !== null, 'meta.json names no sprite sheet');
  assert.ok(existsSync(runPaths(runDir).sprite), 'sprite.png is missing');
  assert.deepEqual(meta.projections, ['pca']);
});

test('train --engine pytorch starts the engine while the spec is checked; a spec with errors ends it (no process left behind)', { skip: skip || bundleMissing }, async () => {
  const dir = tempDir('pytorch-early');
  const spec = join(dir, 'bad.contrastive.yaml');
  writeFileSync(spec, 'experiment: bad\nloss: { type: nope }\n');
  // An interpreter that says its pid, then is the real one.
  const pidFile = join(dir, 'engine.pid');
  const python = join(dir, 'python.sh');
  writeFileSync(python, `#!/bin/sh\necho $$ > ${pidFile}\nexec ${PYTHON} "$@"\n`, { mode: 0o755 });
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'contrastive-lab.js'), 'train', spec, '--engine', 'pytorch'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, CONTRASTIVE_LAB_PYTHON: python } });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /the spec has errors/);
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  assert.ok(pid > 0, 'the engine was started ahead of the check');
  // Its input was closed: it ends once torch is imported.
  const alive = (): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (let waited = 0; alive() && waited < 30_000; waited += 100) await new Promise((done) => setTimeout(done, 100));
  assert.equal(alive(), false, `the engine process ${pid} is still running`);
});

test('the step guard fails a NaN or infinite weight (or loss) and passes finite weights whose float32 sum overflows', { skip }, () => {
  const r = spawnSync(PYTHON, [join(ROOT, 'engines', 'pytorch', 'tests', 'finite_check.py')], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: join(ROOT, 'engines', 'pytorch') }, timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const verdicts = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, string>;
  const failed = "nonFinite at step 7 (epoch 1), events ['nan']";
  assert.deepEqual(verdicts, {
    normal: 'finite, events []',
    'nan weight': failed,
    'inf weight': failed,
    '+inf and -inf weights': failed,
    'finite weights whose sum overflows': 'finite, events []',
    'nan loss': failed,
  });
});
