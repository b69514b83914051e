// The PyTorch peer of `npm run bench`'s simclr section runs at its best: OPENBLAS_CORETYPE /
// OPENBLAS_L2_SIZE removed from its environment alone, its thread count set explicitly, and what it
// ran on (BLAS, oneDNN, dense kernel) reported. The peer script itself runs (one MLP step) where
// /usr/bin/python3 can import torch.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { printSimclrBench, pytorchEnv, type SimclrBenchResult } from '../../bench/simclr';

const ROOT = join(__dirname, '..', '..');
const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : `${PYTHON} cannot import torch; install python3-torch to run the bench's PyTorch peer`;

test('the peer environment drops the OpenBLAS overrides and pins every thread count, for the child alone', () => {
  const base = { PATH: '/usr/bin', OPENBLAS_CORETYPE: 'Haswell', OPENBLAS_L2_SIZE: '512', OMP_NUM_THREADS: '8' };
  const before = { ...process.env };
  const env = pytorchEnv(1, base);
  assert.equal(env.OPENBLAS_CORETYPE, undefined);
  assert.equal(env.OPENBLAS_L2_SIZE, undefined);
  assert.equal(env.PATH, '/usr/bin');
  for (const name of ['OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS']) assert.equal(env[name], '1', name);
  assert.equal(pytorchEnv(2, base).OMP_NUM_THREADS, '2');
  assert.equal(env.OMP_WAIT_POLICY, undefined);
  assert.equal(pytorchEnv(2, base, 'passive').OMP_WAIT_POLICY, 'PASSIVE');
  // Neither the given environment nor this process's (which tests and CI inherit) is changed.
  assert.equal(base.OPENBLAS_CORETYPE, 'Haswell');
  assert.ok(Object.keys(before).every((k) => process.env[k] === before[k]) && Object.keys(process.env).length === Object.keys(before).length, 'process.env changed');
});

test('the simclr section prints the peer it ran and ratios against PyTorch at our thread count and on every core', () => {
  const result: SimclrBenchResult = {
    backend: 'wasm', threads: 1, allCoresThreads: 2, pytorchNote: null, torchVersion: '1.13.1',
    figures: [{ recipe: 'mlp', msPerStep: 100, samplesPerSecond: 2560, pytorchSamplesPerSecond: 5120, pytorchAllCoresSamplesPerSecond: 10240 }],
    peers: [
      { threads: 1, ompWait: 'default', samplesPerSecond: { mlp: 5120 }, torch: '1.13.1', blas: 'openblas', blasDetail: 'openblas-pthread/libblas.so.3, coretype: default', mkldnn: true, dense: 'linear', denseLinearMs: 6.5, denseConv1x1Ms: 30 },
      { threads: 2, ompWait: 'passive', samplesPerSecond: { mlp: 10240 }, torch: '1.13.1', blas: 'openblas', blasDetail: 'openblas-pthread/libblas.so.3, coretype: default', mkldnn: true, dense: 'linear', denseLinearMs: 3.5, denseConv1x1Ms: 20 },
    ],
  };
  const lines: string[] = [];
  printSimclrBench(result, (line) => lines.push(line));
  assert.ok(lines.includes('bench peer pytorch 1.13.1 threads 1 blas openblas (openblas-pthread/libblas.so.3, coretype: default) mkldnn yes dense linear (linear 6.5 ms, conv1x1 30.0 ms) omp-wait default samples/s: mlp 5120.0'), lines.join('\n'));
  assert.ok(lines.some((l) => l.startsWith('bench peer pytorch 1.13.1 threads 2 ')));
  assert.ok(lines.includes('bench simclr-mlp-vs-pytorch 0.50 ratio'));
  assert.ok(lines.includes('bench simclr-mlp-vs-pytorch-2threads 0.25 ratio'));
  assert.ok(lines.includes('bench simclr-mlp-pytorch-samples-per-s 5120.0 samples/s'));
  assert.ok(lines.includes('bench simclr-mlp-pytorch-2threads-samples-per-s 10240.0 samples/s'));
});

test('the peer script reports its threads, BLAS, oneDNN and dense kernel', { skip }, () => {
  const env = pytorchEnv(1, { ...process.env, OPENBLAS_CORETYPE: 'Haswell', OPENBLAS_L2_SIZE: '512' });
  const r = spawnSync(PYTHON, [join(ROOT, 'bench/pytorch_simclr.py'), '1', '1', 'mlp'], { encoding: 'utf8', env, timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
  assert.equal(out.threads, 1);
  assert.ok(typeof out.mlp === 'number' && out.mlp > 0);
  assert.equal(typeof out.blas, 'string');
  assert.equal(typeof out.mkldnn, 'boolean');
  assert.ok(out.dense === 'linear' || out.dense === 'conv1x1');
  assert.deepEqual(out.openblas_env, []);
  if (out.blas === 'openblas') assert.match(String(out.blas_detail), /coretype: default/);
});
