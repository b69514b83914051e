// engine-unsupported on the run's placement: several processes or a GPU are the PyTorch engine's; on
// tfjs the language server warns at run.processes / run.device (quick fix: run.engine pytorch), and
// `contrastive-lab train` refuses the spec saying why (and that --engine pytorch would take it).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { check } from './helpers';

function placementFindings(text: string): { path: string; message: string; fixes: string[] }[] {
  return check(text)
    .problems.filter((p) => p.ruleId === 'engine-unsupported')
    .map((p) => ({ path: p.path.join('.'), message: p.message, fixes: p.fixes.map((f) => f.title) }));
}

test('on tfjs, run.processes above 1 and a GPU run.device are warned about at their fields, with a fix that trains on PyTorch', () => {
  const found = placementFindings('experiment: x\nrun: { processes: 2, device: cuda:1 }\n');
  assert.deepEqual(found.map((f) => f.path), ['run.processes', 'run.device']);
  assert.match(found[0]!.message, /run\.processes is 2, but the TensorFlow\.js engine \(run\.engine: tfjs\) trains in one process/);
  assert.match(found[1]!.message, /run\.device is cuda:1, but the TensorFlow\.js engine \(run\.engine: tfjs\) trains on the CPU/);
  assert.deepEqual(found[0]!.fixes, ['Train on PyTorch (run.engine: pytorch)']);
});

test('one process on the CPU (or auto) is fine on tfjs, and any placement is fine on PyTorch', () => {
  assert.deepEqual(placementFindings('experiment: x\nrun: { processes: 1, device: cpu }\n'), []);
  assert.deepEqual(placementFindings('experiment: x\nrun: { device: auto }\n'), []);
  assert.deepEqual(placementFindings('experiment: x\nrun: { engine: pytorch, processes: 4, device: cuda, syncBatchNorm: true }\n'), []);
});

test('run.device takes auto, cpu, cuda, cuda:N and mps only', () => {
  const errors = (device: string) => check(`experiment: x\nrun: { engine: pytorch, device: "${device}" }\n`).problems.filter((p) => p.severity === 'error').map((p) => p.path.join('.'));
  for (const ok of ['auto', 'cpu', 'cuda', 'cuda:0', 'cuda:12', 'mps']) assert.deepEqual(errors(ok), [], ok);
  for (const bad of ['gpu', 'cuda:', 'cuda:x', 'CPU']) assert.deepEqual(errors(bad), ['run.device'], bad);
});

test('`train` refuses several processes on the tfjs engine before anything is written, and an unknown --device', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'cl-placement-'));
  try {
    const spec = join(dir, 'x.contrastive.yaml');
    writeFileSync(spec, 'experiment: x\ndata: { source: builtin:digits, limit: 100 }\nstrategy: { batchSize: 20 }\n');
    const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, '../../../server/cli/main.ts'), 'train', spec, '--out', join(dir, 'runs'), ...args], { encoding: 'utf8', timeout: 150_000 });
    const processes = cli('--processes', '2');
    assert.equal(processes.status, 1, processes.stderr);
    assert.match(processes.stderr, /run\.processes is 2, but the TensorFlow\.js engine .* need run\.engine: pytorch \(`--engine pytorch`\)/);
    const bad = cli('--device', 'gpu');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--device must be auto, cpu, cuda, cuda:N or mps, got "gpu"/);
    assert.equal(spawnSync('ls', [join(dir, 'runs')]).status !== 0, true, 'no run directory was made');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
