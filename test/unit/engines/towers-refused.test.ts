// Two towers are tfjs-only for now: the PyTorch engine refuses such a spec in one line naming the
// field, before torch starts and before any run directory exists — it never trains one network on
// data.source instead. The language server says the same as a warning at architecture.towers.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkSpecText } from '../../../server/spec/check';
import { PythonEngineError, trainWithPyTorch } from '../../../server/trainer/engines/pytorch';
import { manualStop, tempDir, writeSpec } from '../trainer/helpers';

const SPEC = `experiment: towers
data:
  pairs: { source: builtin:digits-captions }
loss: { type: siglip }
architecture:
  towers: { a: { type: network }, b: { type: text } }
`;

test('the PyTorch engine refuses a two-tower spec in one line, before a run directory exists', async () => {
  const dir = tempDir('towers-pytorch');
  const { path, spec, text } = writeSpec(dir, SPEC);
  const onPyTorch = { ...spec, run: { ...spec.run, engine: 'pytorch' as const } };
  const error = await trainWithPyTorch({ spec: onPyTorch, specPath: path, specText: text, outRoot: join(dir, 'runs') }, { mode: 'silent', stop: manualStop(), umap: false, threads: 1, python: '/nonexistent/python' }).then(() => null, (e: unknown) => e);
  assert.ok(error instanceof PythonEngineError, String(error));
  assert.equal(error.message, 'run.engine pytorch: architecture.towers (two towers on paired data) is not implemented on the PyTorch engine yet. Choose another ingredient, or train with run.engine: tfjs (`--engine tfjs`).');
  assert.equal(existsSync(join(dir, 'runs')), false);
});

test('the language server warns at architecture.towers when run.engine is pytorch', () => {
  const result = checkSpecText(`${SPEC}run: { engine: pytorch }\n`, '/tmp/contrastive-lab-tests/towers.contrastive.yaml');
  const warning = result.problems.find((p) => p.ruleId === 'engine-unsupported');
  assert.ok(warning);
  assert.equal(warning.severity, 'warning');
  assert.equal(warning.line, 6);
  assert.match(warning.message, /not implemented on the PyTorch engine/);
});
