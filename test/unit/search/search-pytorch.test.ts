// Search on a run trained by the PyTorch engine: the queries are normalised here with the run's
// statistics and embedded by the engine (embedWithPyTorchRun) with the newest checkpoint.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SearchResults } from '../../../server/search/protocol';
import { tempDir, vectorSpec, writeSpec } from '../trainer/helpers';
import { cli, writeVectorCsv } from './searchHelpers';

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : `${PYTHON} cannot import torch; install python3-torch to test search on PyTorch runs`;

test('search on a PyTorch run: every row of its standardised data finds itself at distance 0', { skip }, async () => {
  const saved = { python: process.env.CONTRASTIVE_LAB_PYTHON, omp: process.env.OMP_NUM_THREADS };
  process.env.CONTRASTIVE_LAB_PYTHON = PYTHON;
  process.env.OMP_NUM_THREADS = '1';
  try {
    const dir = tempDir('search-pytorch');
    writeVectorCsv(join(dir, 'rows.csv'));
    const { path } = writeSpec(dir, vectorSpec('rows.csv', { normalize: 'standardize' }));
    const trained = await cli(['train', path, '--engine', 'pytorch', '--out', join(dir, 'runs'), '--threads', '1', '--no-umap']);
    assert.equal(trained.code, 0, trained.stderr);
    const runDir = join(dir, 'runs', readdirSync(join(dir, 'runs')).find((n) => !n.startsWith('.'))!);
    const r = await cli(['search', runDir, join(dir, 'rows.csv'), '-k', '1', '--json', '--backend', 'cpu']);
    assert.equal(r.code, 0, r.stderr);
    const results = (JSON.parse(r.stdout) as SearchResults).results;
    assert.equal(results.length, 40);
    for (const q of results) assert.ok(q.neighbors[0]!.distance < 1e-5, `${q.query}: nearest ${q.neighbors[0]!.id} at ${q.neighbors[0]!.distance}`);
    const wide = join(dir, 'wide.csv');
    writeFileSync(wide, 'a,b,c,d\n1,2,3,4\n');
    const bad = await cli(['search', runDir, wide, '--backend', 'cpu']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /wide\.csv: each row has 4 values; the run was trained on vectors of 3 features/);
  } finally {
    if (saved.python === undefined) delete process.env.CONTRASTIVE_LAB_PYTHON;
    else process.env.CONTRASTIVE_LAB_PYTHON = saved.python;
    if (saved.omp === undefined) delete process.env.OMP_NUM_THREADS;
    else process.env.OMP_NUM_THREADS = saved.omp;
  }
});
