// The trainer's output stream and command lines, as the extension builds and reads them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BACKEND_REQUESTS } from '../../../server/contrastive/backend.decl';
import { parseJsonObject } from '../../../server/runs/jsonl';
import { LineSplitter } from '../../../server/runs/tail';
import { describeInvocation, exportInvocation, resumeInvocation, trainInvocation, type TrainerEnvironment } from '../../../extension/trainer/trainerCommand';
import { formatEvent } from '../../../extension/trainer/trainerSessions';

const env: TrainerEnvironment = { cliPath: '/ext/dist/cli.js', nodePathSetting: '', hostExecPath: '/opt/code/code', backend: 'auto', runsFolder: '/ws/runs' };

test('an event split across stdout chunks is reassembled into one line', () => {
  const lines = new LineSplitter();
  assert.deepEqual(lines.push('{"kind":"step","st'), []);
  assert.deepEqual(lines.push('ep":1}\n{"kind":"eval"'), ['{"kind":"step","step":1}']);
  assert.deepEqual(lines.push('}\r\n'), ['{"kind":"eval"}']);
  assert.deepEqual(lines.push('tail without newline'), []);
  assert.deepEqual(lines.flush(), ['tail without newline']);
});

test('only JSON objects count as events; log text and arrays do not', () => {
  assert.deepEqual(parseJsonObject('  {"event":"started","runId":"r1"} '), { event: 'started', runId: 'r1' });
  assert.equal(parseJsonObject('epoch 1/2 ████ loss 0.3'), undefined);
  assert.equal(parseJsonObject('{"torn":'), undefined);
  assert.equal(parseJsonObject('[1,2]'), undefined);
});

test('an event is logged with its name and message first', () => {
  assert.equal(formatEvent({ event: 'checkpoint', message: 'saved epoch 1', runId: 'r1' }), '[checkpoint] saved epoch 1 {"runId":"r1"}');
  assert.equal(formatEvent({ kind: 'step', step: 3 }), '[event] {"kind":"step","step":3}');
});

test('train runs the bundled CLI with the host runtime as Node, streaming JSON into the runs folder', () => {
  const inv = trainInvocation(env, '/ws/specs/a.contrastive.yaml');
  assert.equal(inv.command, '/opt/code/code');
  assert.deepEqual(inv.env, { ELECTRON_RUN_AS_NODE: '1' });
  assert.deepEqual(inv.args, ['/ext/dist/cli.js', 'train', '/ws/specs/a.contrastive.yaml', '--json', '--out', '/ws/runs']);
  assert.equal(inv.cwd, '/ws/specs');
});

test('a configured Node path and backend are honoured', () => {
  const inv = trainInvocation({ ...env, nodePathSetting: ' /usr/bin/node ', backend: 'wasm' }, '/ws/a.contrastive.json');
  assert.equal(inv.command, '/usr/bin/node');
  assert.deepEqual(inv.env, {});
  assert.deepEqual(inv.args.slice(-2), ['--backend', 'wasm']);
});

test('resume and export address the run directory', () => {
  assert.deepEqual(resumeInvocation(env, '/ws/runs/r1').args, ['/ext/dist/cli.js', 'resume', '/ws/runs/r1', '--json']);
  assert.deepEqual(exportInvocation(env, '/ws/runs/r1', '/tmp/out').args, ['/ext/dist/cli.js', 'export', '/ws/runs/r1', '--format', 'projector', '--out', '/tmp/out']);
});

test('the logged command line can be pasted into a shell', () => {
  const inv = trainInvocation({ ...env, nodePathSetting: 'node' }, "/ws/my spec's.contrastive.yaml");
  assert.equal(describeInvocation(inv), `node /ext/dist/cli.js train '/ws/my spec'\\''s.contrastive.yaml' --json --out /ws/runs`);
});

test('the backend setting offers exactly the backends a spec and the CLI accept, in the same order', () => {
  const manifest = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { enum?: string[]; markdownEnumDescriptions?: string[] }> } };
  };
  const setting = manifest.contributes.configuration.properties['contrastiveLab.backend'];
  assert.deepEqual(setting?.enum, [...BACKEND_REQUESTS]);
  assert.equal(setting?.markdownEnumDescriptions?.length, BACKEND_REQUESTS.length);
});
