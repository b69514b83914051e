// `conformance --engine pytorch`: the reference fixtures through the PyTorch engine's Python package
// (float64, the tfjs conformance's tolerances) all pass; a fixture that disagrees is reported like on
// tfjs (the field, the position, the deviation) and makes the command exit 1. Skipped where
// /usr/bin/python3 cannot import torch.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../trainer/helpers';

const ROOT = join(__dirname, '..', '..', '..');
const PYTHON = '/usr/bin/python3';
const FIXTURES = join(ROOT, 'test', 'fixtures', 'reference');

const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : `${PYTHON} cannot import torch (${(probe.error?.message ?? probe.stderr ?? '').trim().split('\n').pop() || `exit ${probe.status}`}); install python3-torch to test the PyTorch engine`;

function cli(args: string[]): { code: number | null; lines: string[] } {
  const env: NodeJS.ProcessEnv = { ...process.env, CONTRASTIVE_LAB_PYTHON: PYTHON, OMP_NUM_THREADS: '1' };
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'server', 'cli', 'main.ts'), ...args], { cwd: ROOT, encoding: 'utf8', env, timeout: 180_000 });
  return { code: r.status, lines: `${r.stdout}${r.stderr}`.trim().split('\n') };
}

test('conformance --engine pytorch: every reference fixture passes through the Python package', { skip }, () => {
  const count = (JSON.parse(readFileSync(join(FIXTURES, 'index.json'), 'utf8')) as { count: number }).count;
  const { code, lines } = cli(['conformance', FIXTURES, '--engine', 'pytorch']);
  assert.match(lines[0] ?? '', /^engine: pytorch \(torch \d+\.\d+\S*, float64\)$/, lines.join('\n'));
  assert.equal(lines.at(-1), `${count} passed, 0 failed`, lines.join('\n'));
  assert.equal(code, 0);
});

test('conformance --engine pytorch reports a disagreement like the tfjs conformance, and exits 1', { skip }, () => {
  const dir = tempDir('pt-conformance');
  const edit = (name: string, change: (expected: Record<string, unknown>) => void) => {
    const fixture = JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as { expected: Record<string, unknown> };
    change(fixture.expected);
    writeFileSync(join(dir, name), JSON.stringify(fixture));
  };
  edit('CircleLoss__default__seed0.json', (e) => (e.loss = (e.loss as number) + 0.01));
  edit('SigLIPLoss__default__seed0.json', (e) => (e.gradLogitBias = (e.gradLogitBias as number) + 1));
  edit('TripletMarginMiner_semihard__margin0.2__seed0.json', (e) => (e.triplets as number[][]).pop());
  copyFileSync(join(FIXTURES, 'Wasserstein1D__T1__cross__seed0.json'), join(dir, 'Wasserstein1D__T1__cross__seed0.json'));
  const { code, lines } = cli(['conformance', dir, '--engine', 'pytorch']);
  const failures = lines.filter((l) => l.startsWith('FAIL'));
  assert.equal(failures.length, 3, lines.join('\n'));
  assert.match(failures[0] ?? '', /^FAIL CircleLoss__default__seed0: loss: got \S+, expected \S+ \(deviation 1\.00e-02/);
  assert.match(failures[1] ?? '', /^FAIL SigLIPLoss__default__seed0: gradLogitBias: got .*deviation 1\.00e\+00/);
  assert.match(failures[2] ?? '', /^FAIL TripletMarginMiner_semihard__margin0\.2__seed0: triplets: 43 tuples, expected 42, 1 unexpected/);
  assert.equal(lines.at(-1), '1 passed, 3 failed');
  assert.equal(code, 1);
});

test('conformance: --backend belongs to the tfjs engine', () => {
  const { code, lines } = cli(['conformance', FIXTURES, '--engine', 'pytorch', '--backend', 'cpu']);
  assert.equal(code, 2);
  assert.match(lines.join('\n'), /--backend chooses a TensorFlow\.js backend; it does not apply to --engine pytorch/);
});
