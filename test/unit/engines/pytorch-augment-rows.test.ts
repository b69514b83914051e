// Several PyTorch processes augment only their own rows of the global batch: every augmentation op,
// made for rows [lo, hi) alone, gives those rows of the whole batch's views bit for bit
// (engines/pytorch/tests/augment_rows.py). Skipped where /usr/bin/python3 cannot import torch.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(__dirname, '..', '..', '..');
const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : `${PYTHON} cannot import torch; install python3-torch to test the PyTorch engine`;

test('each process makes the views of its own rows: the rows of one process\'s views, for every op', { skip }, () => {
  const r = spawnSync(PYTHON, [join(ROOT, 'engines', 'pytorch', 'tests', 'augment_rows.py')], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: join(ROOT, 'engines', 'pytorch'), OMP_NUM_THREADS: '1' } });
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /^12 passed, 0 failed$/m);
});
