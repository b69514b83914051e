// Two towers train on both engines, but the PyTorch engine has no locked tower and no tower started
// from an earlier run yet (LiT / SigLIT): such a spec is refused in one line naming the field, before
// torch starts and before any run directory exists — never trained as if the field were absent. The
// language server says the same as a warning at that field, and the engine's own check (the spec
// handed to it directly) refuses the same fields with exit 2.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkSpecText } from '../../../server/spec/check';
import { PythonEngineError, trainWithPyTorch } from '../../../server/trainer/engines/pytorch';
import { enginePackageRoot } from '../../../server/trainer/engines/python';
import { manualStop, tempDir, writeSpec } from '../trainer/helpers';

const PYTHON = '/usr/bin/python3';

const SPEC = `experiment: towers
data:
  pairs: { source: builtin:digits-captions }
loss: { type: siglip }
architecture:
  towers:
    a: { type: network, locked: true, init: { from: runs/earlier } }
    b: { type: text }
`;

test('the PyTorch engine refuses a locked tower in one line naming the field, before a run directory exists', async () => {
  const dir = tempDir('towers-pytorch');
  const { path, spec, text } = writeSpec(dir, SPEC);
  const onPyTorch = { ...spec, run: { ...spec.run, engine: 'pytorch' as const } };
  const error = await trainWithPyTorch({ spec: onPyTorch, specPath: path, specText: text, outRoot: join(dir, 'runs') }, { mode: 'silent', stop: manualStop(), umap: false, threads: 1, python: '/nonexistent/python' }).then(() => null, (e: unknown) => e);
  assert.ok(error instanceof PythonEngineError, String(error));
  assert.equal(error.message, 'run.engine pytorch: architecture.towers.a.locked (a locked tower) is not implemented on the PyTorch engine yet. Choose another ingredient, or train with run.engine: tfjs (`--engine tfjs`).');
  assert.equal(existsSync(join(dir, 'runs')), false);
});

test('the language server warns at the tower\'s locked and init when run.engine is pytorch, and not at a plain two-tower spec', () => {
  const result = checkSpecText(`${SPEC}run: { engine: pytorch }\n`, '/tmp/contrastive-lab-tests/towers.contrastive.yaml');
  const warnings = result.problems.filter((p) => p.ruleId === 'engine-unsupported');
  assert.deepEqual(warnings.map((w) => [w.severity, w.line]), [['warning', 7], ['warning', 7]]);
  assert.match(warnings[0]!.message, /^architecture\.towers\.a\.locked \(a locked tower\) is not implemented on the PyTorch engine yet/);
  assert.match(warnings[1]!.message, /^architecture\.towers\.a\.init \(a tower from an earlier run\) is not implemented on the PyTorch engine yet/);
  const plain = checkSpecText(`${SPEC.replace('locked: true, init: { from: runs/earlier }', 'backbone: { type: mlp }')}run: { engine: pytorch }\n`, '/tmp/contrastive-lab-tests/towers.contrastive.yaml');
  assert.deepEqual(plain.problems.filter((p) => p.ruleId === 'engine-unsupported'), []);
});

const torch = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });

test('the engine\'s own check refuses the same fields (exit 2, one line)', { skip: torch.status === 0 ? false : `${PYTHON} cannot import torch` }, () => {
  const dir = tempDir('towers-engine-check');
  const { spec } = writeSpec(dir, SPEC);
  const split = join(dir, 'split');
  mkdirSync(split);
  writeFileSync(join(split, 'meta.json'), JSON.stringify({ count: 1, sampleShape: [28, 28, 1], trainCount: 1, testCount: 0, classCaptions: null }));
  const check = (towers: unknown) => {
    writeFileSync(join(dir, 'spec.json'), JSON.stringify({ ...spec, architecture: { ...spec.architecture, towers } }));
    return spawnSync(PYTHON, ['-m', 'contrastive_lab_torch.engine', '--check', '--spec', join(dir, 'spec.json'), '--data', split], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: enginePackageRoot() } });
  };
  const towers = spec.architecture.towers!;
  const locked = check(towers);
  assert.equal(locked.status, 2, locked.stderr);
  assert.equal(locked.stderr.trim(), 'architecture.towers.a.locked true (a locked tower) is not implemented on the PyTorch engine yet; train this spec on tfjs');
  const init = check({ ...towers, a: { ...towers.a, locked: false } });
  assert.equal(init.status, 2, init.stderr);
  assert.match(init.stderr.trim(), /^architecture\.towers\.a\.init \{"from": "runs\/earlier"\} \(a tower from an earlier run\) is not implemented on the PyTorch engine yet/);
  const plain = check({ ...towers, a: { ...towers.a, locked: false, init: null } });
  assert.equal(plain.status, 0, plain.stderr);
});
