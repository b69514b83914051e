// How `npm run quality` and `npm run bench -- engines` read a CLI training run (bench/cliTrain.ts):
// a spec the PyTorch engine refuses (an ingredient it lacks: its --check exits 2 naming the field) is
// "refused" — shown as "not on pytorch" — never counted as a failed run; an interpreter that cannot
// train is a failure. Uses a stand-in interpreter, so it runs without torch; needs dist/cli.js.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { trainWithCli } from '../../bench/cliTrain';
import { tempDir } from './trainer/helpers';

const built = existsSync(join(__dirname, '..', '..', 'dist', 'cli.js')) ? false : 'dist/cli.js is not built (npm run build)';

function fakePython(dir: string, onCheck: string): string {
  const file = join(dir, 'python');
  // The launcher starts `-m contrastive_lab_torch.engine --serve`: it says its torch, then reads the `--check ...` command.
  writeFileSync(file, `#!/bin/sh\necho '{"kind": "engine", "torch": "2.1.0"}'\nread command\ncase "$command" in\n  *--check*) ${onCheck} ;;\nesac\n`);
  chmodSync(file, 0o755);
  return file;
}

const SPEC = 'experiment: q\ndata:\n  source: builtin:digits\n  limit: 200\nloss: { type: supCon }\npairs: { positives: labels }\nstrategy: { epochs: 1, batchSize: 32 }\n';

test('an ingredient the PyTorch engine refuses reads "refused" with the field, and no run directory exists', { skip: built }, async () => {
  const dir = tempDir('quality-refused');
  const python = fakePython(dir, `echo 'loss.type "supCon" is not mirrored in PyTorch yet' >&2; exit 2`);
  writeFileSync(join(dir, 'q.contrastive.yaml'), SPEC);
  const result = await trainWithCli(join(dir, 'q.contrastive.yaml'), join(dir, 'runs'), { engine: 'pytorch', env: { ...process.env, CONTRASTIVE_LAB_PYTHON: python } });
  assert.equal(result.kind, 'refused', JSON.stringify(result));
  assert.match(result.kind === 'refused' ? result.message : '', /^run\.engine pytorch: loss\.type "supCon" is not mirrored in PyTorch yet/);
  assert.equal(existsSync(join(dir, 'runs')), false);
});

test('an engine that breaks on the spec for another reason is a failure, not "not on pytorch"', { skip: built }, async () => {
  const dir = tempDir('quality-broken');
  const python = fakePython(dir, `echo 'Traceback: something broke' >&2; exit 1`);
  writeFileSync(join(dir, 'q.contrastive.yaml'), SPEC);
  const result = await trainWithCli(join(dir, 'q.contrastive.yaml'), join(dir, 'runs'), { engine: 'pytorch', env: { ...process.env, CONTRASTIVE_LAB_PYTHON: python } });
  assert.equal(result.kind, 'failed', JSON.stringify(result));
  assert.match(result.kind === 'failed' ? result.message : '', /refused the spec: Traceback: something broke/);
});
