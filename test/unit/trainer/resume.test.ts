import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { MetricLine } from '../../../server/runs/format';
import { readJsonLines } from '../../../server/runs/jsonl';
import { listRuns } from '../../../server/runs/list';
import { runPaths } from '../../../server/runs/paths';
import { effectiveStatus, readRunRecord } from '../../../server/runs/record';
import { loadLatestCheckpoint } from '../../../server/trainer/checkpoint';
import { resumeRun, trainNewRun } from '../../../server/trainer/start';
import { manualStop, tempDir, TINY_SPEC, writeSpec } from './helpers';

const ROOT = join(__dirname, '..', '..', '..');

/** What must match between runs: every step's loss and lr, every evaluation, in order. */
function trace(runDir: string): unknown[] {
  return readJsonLines<MetricLine>(runPaths(runDir).metrics).lines.map((l) =>
    l.kind === 'step' ? { step: l.step, epoch: l.epoch, loss: l.loss, lr: l.lr } : { ...l, time: 0 },
  );
}

function finalWeights(runDir: string): Float32Array[] {
  const checkpoint = loadLatestCheckpoint(runDir)!;
  return [...(checkpoint.groups['model'] ?? []), ...(checkpoint.groups['optimizer'] ?? [])].map((t) => t.values);
}

// A queue of negatives and an EMA target make the state a checkpoint must carry as large as it gets.
const MOCO_SPEC = TINY_SPEC.replace('negatives: { type: batch }', 'negatives: { type: queue, size: 120 }')
  .replace('  seed: 7\n', '  seed: 7\n  stopGradient: true\n  ema: { tauStart: 0.9, tauEnd: 0.99 }\n');

test('a run stopped mid-epoch and resumed ends with the same weights and metrics as one that never stopped', async () => {
  const dir = tempDir('resume');
  const { path, spec, text } = writeSpec(dir, MOCO_SPEC);
  const controls = { mode: 'silent' as const, backend: 'cpu' as const, umap: false };
  const whole = await trainNewRun({ spec, specPath: path, specText: text, outRoot: join(dir, 'whole') }, { ...controls, stop: manualStop() });
  assert.equal(whole.status, 'completed', JSON.stringify(whole.record.error));

  const stop = manualStop();
  const first = await trainNewRun({ spec, specPath: path, specText: text, outRoot: join(dir, 'split') }, { ...controls, stop, onStep: (step) => step === 3 && stop.request('SIGTERM') });
  assert.equal(first.status, 'stopped');
  const stopped = readRunRecord(first.runDir);
  assert.equal(stopped.status, 'stopped');
  assert.equal(stopped.step, 3);
  assert.equal(stopped.lastCheckpoint, 'checkpoints/step-00000003');
  assert.equal(existsSync(runPaths(first.runDir).embeddings), false);

  const resumed = await resumeRun(first.runDir, { ...controls, stop: manualStop() });
  assert.equal(resumed.status, 'completed', JSON.stringify(resumed.record.error));
  assert.deepEqual(trace(first.runDir), trace(whole.runDir));
  const a = finalWeights(whole.runDir);
  const b = finalWeights(first.runDir);
  assert.equal(a.length, b.length);
  a.forEach((w, i) => assert.deepEqual(b[i], w, `weight tensor ${i} differs`));
  await assert.rejects(resumeRun(first.runDir, { ...controls, stop: manualStop() }), /has completed; there is nothing to resume/);
});

// Dropout in the backbone: its masks must come from the run seed and step, not a global generator.
const DROPOUT_SPEC = TINY_SPEC.replace('backbone: { type: mlp, layers: [32] }', 'backbone: { type: mlp, layers: [32], dropout: 0.2 }');

test('with backbone dropout, a stopped-and-resumed run still equals one that never stopped, bit for bit', async () => {
  const dir = tempDir('resume-dropout');
  const { path, spec, text } = writeSpec(dir, DROPOUT_SPEC);
  assert.equal(spec.architecture.backbone.type === 'mlp' && spec.architecture.backbone.dropout, 0.2);
  const controls = { mode: 'silent' as const, backend: 'cpu' as const, umap: false };
  const whole = await trainNewRun({ spec, specPath: path, specText: text, outRoot: join(dir, 'whole') }, { ...controls, stop: manualStop() });
  assert.equal(whole.status, 'completed', JSON.stringify(whole.record.error));
  const again = await trainNewRun({ spec, specPath: path, specText: text, outRoot: join(dir, 'again') }, { ...controls, stop: manualStop() });
  const stop = manualStop();
  const first = await trainNewRun({ spec, specPath: path, specText: text, outRoot: join(dir, 'split') }, { ...controls, stop, onStep: (step) => step === 3 && stop.request('SIGTERM') });
  assert.equal(first.status, 'stopped');
  const resumed = await resumeRun(first.runDir, { ...controls, stop: manualStop() });
  assert.equal(resumed.status, 'completed', JSON.stringify(resumed.record.error));
  assert.deepEqual(trace(again.runDir), trace(whole.runDir), 'two runs with the same seed differ');
  assert.deepEqual(trace(first.runDir), trace(whole.runDir));
  const a = finalWeights(whole.runDir);
  const b = finalWeights(first.runDir);
  assert.equal(a.length, b.length);
  a.forEach((w, i) => assert.deepEqual(b[i], w, `weight tensor ${i} differs`));
  finalWeights(again.runDir).forEach((w, i) => assert.deepEqual(w, a[i], `weight tensor ${i} differs between two same-seed runs`));
});

test('SIGKILL leaves a readable directory reported as interrupted, and resume finishes it', async () => {
  const dir = tempDir('kill');
  const { path } = writeSpec(dir, TINY_SPEC.replace('epochs: 2', 'epochs: 6'));
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server/cli/main.ts'), 'train', path, '--out', join(dir, 'runs'), '--backend', 'cpu', '--json', '--no-umap'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buffered = '';
  // Kill the trainer as soon as it reports its second checkpoint, mid-run.
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      for (const part of parts) {
        lines.push(part);
        const line = JSON.parse(part) as { event?: string; step?: number };
        if (line.event === 'checkpoint' && line.step === 8) {
          child.kill('SIGKILL');
          resolve();
        }
      }
    });
    child.on('exit', () => resolve());
    child.on('error', reject);
  });
  await new Promise((r) => child.on('close', r));
  assert.ok(lines.length > 5, 'the trainer streamed JSON lines before it was killed');
  assert.ok(lines.every((l) => typeof (JSON.parse(l) as { runId?: unknown }).runId === 'string'));
  const runDir = join(dir, 'runs', readdirSync(join(dir, 'runs')).find((n) => !n.startsWith('.'))!);
  const record = readRunRecord(runDir);
  assert.equal(record.status, 'running');
  assert.equal(effectiveStatus(record), 'interrupted');
  assert.equal(listRuns(join(dir, 'runs')).runs[0]!.status, 'interrupted');
  assert.ok(readJsonLines<MetricLine>(runPaths(runDir).metrics).lines.length >= 8);

  const resumed = await resumeRun(runDir, { mode: 'silent', backend: 'cpu', stop: manualStop(), umap: false });
  assert.equal(resumed.status, 'completed', JSON.stringify(resumed.record.error));
  const steps = readJsonLines<MetricLine>(runPaths(runDir).metrics).lines.filter((l) => l.kind === 'step').map((l) => l.step);
  assert.deepEqual(steps, Array.from({ length: 24 }, (_, i) => i + 1), 'every step once: lines past the checkpoint were redone, not duplicated');
  assert.match(readFileSync(runPaths(runDir).events, 'utf8'), /resumed from checkpoints\/step-00000008/);
});

test('SIGTERM finishes the step, checkpoints, marks the run stopped and exits 0', async () => {
  const dir = tempDir('sigterm');
  const { path } = writeSpec(dir, TINY_SPEC.replace('epochs: 2', 'epochs: 6'));
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server/cli/main.ts'), 'train', path, '--out', join(dir, 'runs'), '--backend', 'cpu', '--json', '--no-umap'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let buffered = '';
  let signalled = false;
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    if (!signalled && buffered.includes('"kind":"step"')) {
      signalled = true;
      child.kill('SIGTERM');
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  assert.equal(code, 0);
  const runDir = join(dir, 'runs', readdirSync(join(dir, 'runs')).find((n) => !n.startsWith('.'))!);
  const record = readRunRecord(runDir);
  assert.equal(record.status, 'stopped');
  assert.equal(record.pid, null);
  assert.ok(record.step >= 1 && record.step < 24);
  assert.equal(record.lastCheckpoint, `checkpoints/step-${String(record.step).padStart(8, '0')}`);
  assert.match(buffered, /"event":"stopped"/);
});
