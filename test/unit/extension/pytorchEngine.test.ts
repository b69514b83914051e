// The PyTorch engine from the editor, as far as it runs without VS Code: which engine a Start Run
// picks (the spec's run.engine, else the contrastiveLab.engine setting), how the interpreter reaches
// the CLI (env CONTRASTIVE_LAB_PYTHON, read by the CLI's own lookup), the install command the
// missing-torch message offers, and how a session learns its run's id from the stream (a PyTorch
// run's run.json names the engine's pid, not the CLI's).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ENGINES } from '../../../server/contrastive/declare';
import { installCommand } from '../../../server/trainer/engines/python';
import { decideEngine } from '../../../extension/trainer/engineChoice';
import { resumeInvocation, trainInvocation, type TrainerEnvironment } from '../../../extension/trainer/trainerCommand';
import { TrainerSessions } from '../../../extension/trainer/trainerSessions';
import { tempDir } from '../trainer/helpers';

const env: TrainerEnvironment = { cliPath: '/ext/dist/cli.js', nodePathSetting: '', hostExecPath: '/opt/code/code', backend: 'auto', runsFolder: '/ws/runs' };
const root = join(__dirname, '..', '..', '..');

test('the spec\'s run.engine wins over the setting; a spec that names none gets the setting as --engine', () => {
  assert.deepEqual(decideEngine('run:\n  engine: pytorch\n', 'tfjs'), { engine: 'pytorch', flag: undefined });
  assert.deepEqual(decideEngine('{ "run": { "engine": "tfjs", "name": "x" } }', 'pytorch'), { engine: 'tfjs', flag: undefined });
  assert.deepEqual(decideEngine('experiment: a\nrun:\n  name: a\n', 'pytorch'), { engine: 'pytorch', flag: 'pytorch' });
  assert.deepEqual(decideEngine('experiment: a\n', 'tfjs'), { engine: 'tfjs', flag: 'tfjs' });
  // A spec the CLI will refuse (a YAML error, an unknown engine): no check, no flag; the CLI names the problem.
  assert.deepEqual(decideEngine('run: [engine: \n', 'pytorch'), { engine: undefined, flag: undefined });
  assert.deepEqual(decideEngine('run:\n  engine: jax\n', 'pytorch'), { engine: undefined, flag: undefined });
});

test('the engine setting offers exactly the engines a spec accepts', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { enum?: string[]; default?: unknown; markdownEnumDescriptions?: string[] }> } };
    capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
  };
  const setting = manifest.contributes.configuration.properties['contrastiveLab.engine'];
  assert.deepEqual(setting?.enum, [...ENGINES]);
  assert.equal(setting?.default, 'tfjs');
  assert.equal(setting?.markdownEnumDescriptions?.length, ENGINES.length);
  assert.equal(manifest.contributes.configuration.properties['contrastiveLab.pythonPath']?.default, '');
  // An untrusted workspace must not pick the interpreter that runs.
  assert.ok(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.includes('contrastiveLab.pythonPath'));
});

test('the interpreter reaches the CLI as CONTRASTIVE_LAB_PYTHON, on train and resume, with the --engine flag last', () => {
  const train = trainInvocation({ ...env, python: '/venv/bin/python' }, '/ws/a.contrastive.yaml', 'pytorch');
  assert.deepEqual(train.env, { ELECTRON_RUN_AS_NODE: '1', CONTRASTIVE_LAB_PYTHON: '/venv/bin/python' });
  assert.deepEqual(train.args, ['/ext/dist/cli.js', 'train', '/ws/a.contrastive.yaml', '--json', '--out', '/ws/runs', '--engine', 'pytorch']);
  assert.deepEqual(resumeInvocation({ ...env, nodePathSetting: '/usr/bin/node', python: '/venv/bin/python' }, '/ws/runs/r1').env, { CONTRASTIVE_LAB_PYTHON: '/venv/bin/python' });
  assert.deepEqual(trainInvocation(env, '/ws/a.contrastive.yaml').env, { ELECTRON_RUN_AS_NODE: '1' });
});

test('the CLI trains on the interpreter the editor passes: a torch-less one is refused by name, with the install command, before any run exists', { skip: existsSync(join(root, 'dist', 'cli.js')) ? false : 'dist/cli.js is not built (npm run build)' }, () => {
  const dir = tempDir('editor-python');
  const python = join(dir, 'no-torch-python');
  writeFileSync(python, `#!/bin/sh\necho "ModuleNotFoundError: No module named 'torch'" >&2\nexit 1\n`);
  chmodSync(python, 0o755);
  writeFileSync(join(dir, 'a.contrastive.yaml'), 'experiment: a\ndata:\n  source: builtin:digits\n  limit: 200\nloss: { type: supCon }\npairs: { positives: labels }\nstrategy: { epochs: 1, batchSize: 32 }\n');
  const inv = trainInvocation({ ...env, cliPath: join(root, 'dist', 'cli.js'), hostExecPath: process.execPath, runsFolder: join(dir, 'runs'), python }, join(dir, 'a.contrastive.yaml'), 'pytorch');
  const result = spawnSync(inv.command, [...inv.args], { cwd: inv.cwd, env: { ...process.env, ...inv.env }, encoding: 'utf8', timeout: 120_000 });
  assert.equal(result.status, 1, result.stdout + result.stderr);
  assert.match(result.stderr, new RegExp(`${python.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} cannot import torch.*pip install "torch>=1\\.13"`, 's'));
  assert.equal(existsSync(join(dir, 'runs')), false);
});

test('the install command: Debian\'s package for the system python3, pip for any other interpreter (quoted for a shell)', () => {
  if (existsSync('/etc/debian_version')) assert.equal(installCommand('/usr/bin/python3'), 'sudo apt-get install -y python3-torch');
  assert.equal(installCommand('/home/me/.venv/bin/python'), '/home/me/.venv/bin/python -m pip install "torch>=1.13" numpy');
  const spaced = installCommand('/Users/me/My Envs/bin/python3');
  assert.equal(spaced, `'/Users/me/My Envs/bin/python3' -m pip install "torch>=1.13" numpy`);
  // What the terminal button types runs as written: the quoted path is one word to sh.
  assert.equal(execFileSync('sh', ['-c', `set -- ${spaced}; echo "$1"`], { encoding: 'utf8' }).trim(), '/Users/me/My Envs/bin/python3');
});

test('a session learns its run id from the first streamed line, to find a run whose run.json names another pid', async () => {
  const dir = tempDir('session-run-id');
  const sessions = new TrainerSessions({ appendLine: () => undefined }, dir);
  const script = `console.log('starting'); console.log(JSON.stringify({ kind: 'event', event: 'created', runId: 'r-42' })); console.log(JSON.stringify({ kind: 'event', event: 'started', runId: 'other' })); setTimeout(() => {}, 600);`;
  const session = sessions.start({ command: process.execPath, args: ['-e', script], env: {}, cwd: dir }, 'ids');
  assert.equal(session.runId, undefined);
  const end = await session.ended;
  assert.equal(end.code, 0);
  assert.equal(session.runId, 'r-42');
  sessions.dispose();
});
