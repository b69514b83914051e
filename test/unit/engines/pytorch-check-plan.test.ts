// The engine's --check says what the run will use — the process count and each process's device
// (`auto` resolved), the distributed backend, torch — and the launcher shows it; what the processes
// cannot do (share a global batch unequally, a GPU this torch lacks) is refused by the check, before
// any run directory exists. Skipped where /usr/bin/python3 cannot import torch.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadData } from '../../../server/contrastive/data/load';
import { EngineProcess } from '../../../server/trainer/engines/engineProcess';
import { describePlan, PythonEngineError, trainWithPyTorch } from '../../../server/trainer/engines/pytorch';
import { enginePackageRoot, engineEnv } from '../../../server/trainer/engines/python';
import { writeLoadedSplit } from '../../../server/trainer/exportSplit';
import { manualStop, tempDir, writeSpec } from '../trainer/helpers';

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch; import sys; sys.exit(1 if torch.cuda.is_available() else 0)'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : probe.status === 1 ? 'this machine has a CUDA GPU (the expectations below are the CPU\'s)' : `${PYTHON} cannot import torch; install python3-torch to test the PyTorch engine`;

const SPEC = (batchSize: number, processes = 1) => `experiment: plan
data:
  source: builtin:digits
  limit: 100
pairs: { positives: labels }
loss: { type: supCon, temperature: 0.1 }
architecture:
  backbone: { type: mlp, layers: [16] }
  representationSize: 8
strategy: { epochs: 1, batchSize: ${batchSize} }
run: { processes: ${processes} }
`;

test('--check reports the process count and the device each process will use, or why the processes cannot train', { skip }, async () => {
  const dir = tempDir('pt-plan');
  const written = writeSpec(dir, SPEC(30));
  const split = join(dir, 'split');
  writeLoadedSplit(await loadData(written.spec.data, { specDir: dir, cacheDir: null }), split);
  writeFileSync(join(split, 'spec.json'), JSON.stringify(written.spec));
  const engine = EngineProcess.start(PYTHON, engineEnv(enginePackageRoot()));
  try {
    const torch = await engine.ready();
    const check = (device: string, processes: number) => engine.check(['--check', '--spec', join(split, 'spec.json'), '--data', split, '--device', device, '--processes', String(processes)]);

    const alone = await check('auto', 1);
    assert.equal(alone.code, 0, alone.stderr);
    assert.deepEqual(alone.plan, { processes: 1, devices: ['cpu'], distributedBackend: null, torch });
    const two = await check('auto', 2);
    assert.deepEqual(two.plan, { processes: 2, devices: ['cpu', 'cpu'], distributedBackend: 'gloo', torch });
    assert.equal(describePlan(two.plan!, 1), `PyTorch engine: torch ${torch}, 2 processes on cpu (DistributedDataParallel, gloo), 1 thread each`);
    assert.equal(describePlan(alone.plan!, 2), `PyTorch engine: torch ${torch}, 1 process on cpu, 2 threads`);

    const uneven = await check('cpu', 4);
    assert.equal(uneven.code, 1);
    assert.equal(uneven.plan, null);
    assert.match(uneven.stderr, /strategy\.batchSize 30 is not divisible by run\.processes 4/);
    const gpus = await check('cuda', 2);
    assert.equal(gpus.code, 1);
    assert.match(gpus.stderr, /run\.device is cuda but this torch .* sees no CUDA GPU/);
  } finally {
    engine.close();
    await engine.closed;
  }
});

test('a global batch the processes cannot share equally is refused before any run directory exists', { skip }, async () => {
  const dir = tempDir('pt-plan-uneven');
  const written = writeSpec(dir, SPEC(30, 4));
  await assert.rejects(trainWithPyTorch({ spec: written.spec, specPath: written.path, specText: written.text, outRoot: join(dir, 'runs') }, { mode: 'silent', stop: manualStop(), umap: false, threads: 1, python: PYTHON }),
    (e: unknown) => e instanceof PythonEngineError && /the engine refused the spec: strategy\.batchSize 30 is not divisible by run\.processes 4/.test(e.message));
  const runs = join(dir, 'runs');
  assert.deepEqual(existsSync(runs) ? readdirSync(runs).filter((n) => !n.startsWith('.')) : [], []);
});
