// The runs folder as the extension sees it: run.json + metrics.jsonl read into tree items, kept
// current incrementally, and new runs picked up by the watcher within a second.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { hostname } from 'node:os';
import type { RunRecord } from '../../../server/runs/format';
import { MetricsTail, RunReader } from '../../../server/runs/reader';
import { isResumable, presentRun, progressText, runProgress, tableStatus } from '../../../extension/runs/runPresentation';
import { RunStore } from '../../../extension/runs/runStore';
import { RunWatcher } from '../../../extension/runs/runWatcher';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-ext-runs-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function record(id: string, change: Partial<RunRecord> = {}): RunRecord {
  return {
    formatVersion: 1, id, name: id, experiment: 'e', specPath: '/ws/a.contrastive.yaml', specHash: 'h', status: 'running', pid: 4242,
    hostname: hostname(), backend: 'wasm', seed: 1, epochs: 4, stepsPerEpoch: 10, createdAt: `2026-01-01T00:00:0${id.length % 10}Z`,
    startedAt: '2026-01-01T00:00:01Z', endedAt: null, step: 0, epoch: 0, bestKnnAccuracy: null, lastCheckpoint: null, error: null, ...change,
  };
}

function writeRun(root: string, id: string, change: Partial<RunRecord> = {}, metrics: object[] = []): string {
  const dir = path.join(root, id);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify(record(id, change)));
  fs.writeFileSync(path.join(dir, 'metrics.jsonl'), metrics.map((m) => JSON.stringify(m) + '\n').join(''));
  return dir;
}

const step = (n: number, epoch: number, loss: number): object => ({ kind: 'step', step: n, epoch, time: n, loss, lr: 0.1, samplesPerSec: 100 });
const evaluation = (epoch: number, knn: number): object => ({ kind: 'eval', step: epoch * 10, epoch, time: 1, knnAccuracy: knn, linearProbeAccuracy: null, precisionAt1: null, recallAtK: null, mapAtR: null, collapseStd: 0.1, collapseHealthyStd: 0.17 });

test('a running run shows its progress, epoch and loss; its context enables stop', () => {
  const dir = writeRun(tmp, 'live', {}, [step(1, 1, 2.5), step(15, 2, 1.25), evaluation(1, 0.8)]);
  const run = new RunReader(dir, { isAlive: () => true }).read();
  assert.equal(run.status, 'running');
  assert.equal(runProgress(run), 15 / 40);
  assert.equal(progressText(run), 'epoch 2/4 · loss 1.25');
  const look = presentRun(run);
  assert.equal(look.description, '37.5% · kNN 80.0%');
  assert.equal(look.icon, 'sync~spin');
  assert.equal(look.contextValue, 'run:running');
});

test('a running run whose trainer died reads interrupted and, with a checkpoint, resumable', () => {
  const dir = writeRun(tmp, 'killed', { lastCheckpoint: 'checkpoints/epoch-1' }, [step(12, 2, 1)]);
  const run = new RunReader(dir, { isAlive: () => false }).read();
  assert.equal(run.status, 'interrupted');
  assert.ok(isResumable(run));
  assert.equal(presentRun(run).contextValue, 'run:interrupted:resumable');
  assert.match(presentRun(run).tooltip, /Resume Run continues from the last checkpoint/);
});

test('a completed run with embeddings offers the neighbour commands and shows its best accuracy', () => {
  const dir = writeRun(tmp, 'done', { status: 'completed', pid: null, bestKnnAccuracy: 0.91 }, [evaluation(1, 0.85), evaluation(2, 0.93)]);
  fs.mkdirSync(path.join(dir, 'embeddings'));
  fs.writeFileSync(path.join(dir, 'embeddings', 'meta.json'), '{}');
  const run = new RunReader(dir).read();
  assert.equal(run.bestKnnAccuracy, 0.93);
  assert.equal(presentRun(run).description, 'completed · kNN 93.0%');
  assert.equal(presentRun(run).contextValue, 'run:completed:embeddings');
});

test('a failed run explains where it failed', () => {
  const dir = writeRun(tmp, 'nan', { status: 'failed', pid: null, error: { message: 'loss became NaN', where: 'step 41 (epoch 2)' } });
  const run = new RunReader(dir).read();
  assert.equal(presentRun(run).icon, 'error');
  assert.match(presentRun(run).tooltip, /error: loss became NaN \(at step 41 \(epoch 2\)\)/);
});

test('metrics are read incrementally; a torn last line waits; a rewritten file starts over', () => {
  const file = path.join(tmp, 'follow.jsonl');
  fs.writeFileSync(file, JSON.stringify(step(1, 1, 3)) + '\n' + '{"kind":"step","st');
  const follower = new MetricsTail(file);
  assert.equal(follower.readNew().lines.length, 1);
  fs.appendFileSync(file, 'ep":2,"epoch":1,"time":2,"loss":2,"lr":0.1,"samplesPerSec":1}\nnot json\n');
  const second = follower.readNew();
  assert.deepEqual(second.lines.map((l) => l.step), [2], 'the completed torn line arrives once; damaged lines are skipped');
  assert.equal(follower.summary().lastLoss, 2);
  assert.deepEqual(follower.readNew().lines, []);
  fs.writeFileSync(file, JSON.stringify(step(1, 1, 9)) + '\n');
  const reread = follower.readNew();
  assert.ok(reread.reset);
  assert.equal(follower.summary().lastLoss, 9);
});

test('a folder without run.json is not a run', () => {
  fs.mkdirSync(path.join(tmp, 'not-a-run'));
  assert.throws(() => new RunReader(path.join(tmp, 'not-a-run')).read(), /not-a-run[/\\]run\.json: no run\.json here/);
});

test('the store lists runs newest first and finds a run by its trainer pid', () => {
  const root = path.join(tmp, 'store');
  writeRun(root, 'a', { createdAt: '2026-01-01T00:00:00Z', pid: 11 });
  writeRun(root, 'b', { createdAt: '2026-01-02T00:00:00Z', pid: 22 });
  const store = new RunStore(root, () => true);
  store.refreshAll();
  assert.deepEqual(store.list().map((r) => r.id), ['b', 'a']);
  assert.equal(store.findByPid(11)?.id, 'a');
  fs.rmSync(path.join(root, 'a'), { recursive: true });
  store.refreshAll();
  assert.deepEqual(store.list().map((r) => r.id), ['b']);
});

test('a run started outside the editor (e.g. from the CLI) reaches the store within a second', async () => {
  const root = path.join(tmp, 'watched');
  const store = new RunStore(root, () => true);
  const watcher = new RunWatcher(store); // the folder does not exist yet: the watcher waits for it
  try {
    await new Promise((r) => setTimeout(r, 300));
    const seen = new Promise<number>((resolve) => {
      const t0 = Date.now();
      const sub = store.onDidChange(() => {
        if (store.get('cli-run')) {
          sub.dispose();
          resolve(Date.now() - t0);
        }
      });
    });
    writeRun(root, 'cli-run', {}, [step(1, 1, 1)]);
    const ms = await Promise.race([seen, new Promise<number>((_, reject) => setTimeout(() => reject(new Error('the new run did not appear within 1 s')), 1000))]);
    assert.ok(ms < 1000);
    fs.appendFileSync(path.join(root, 'cli-run', 'metrics.jsonl'), JSON.stringify(step(7, 1, 0.5)) + '\n');
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('an appended metric did not arrive within 1 s')), 1000);
      const sub = store.onDidChange(() => {
        if (store.get('cli-run')?.metrics.lastStep === 7) {
          clearTimeout(timer);
          sub.dispose();
          resolve();
        }
      });
    });
  } finally {
    watcher.dispose();
  }
});

test('the tree reads only the tail of a long metrics file, from a line boundary', () => {
  const file = path.join(tmp, 'long.jsonl');
  fs.writeFileSync(file, Array.from({ length: 5000 }, (_, i) => JSON.stringify(step(i + 1, 1 + Math.floor(i / 1000), 1 / (i + 1))) + '\n').join(''));
  const follower = new MetricsTail(file, 4096);
  const read = follower.readNew();
  assert.ok(read.lines.length > 10 && read.lines.length < 100, `read ${read.lines.length} lines`);
  assert.equal(read.lines[read.lines.length - 1]!.step, 5000);
  assert.equal(read.lines[0]!.step, 5000 - read.lines.length + 1, 'no partial line at the cut');
  assert.equal(follower.summary().lastEpoch, 5);
});

test('a completed run that learned nothing shows a warning: collapsed or chance-level kNN, with the epoch', () => {
  const collapsed = writeRun(tmp, 'flat', { status: 'completed', pid: null, learning: { state: 'collapsed', epoch: 3, message: 'epoch 3: Representation collapse: output std 0.001' } }, [evaluation(3, 0.11)]);
  const look = presentRun(new RunReader(collapsed).read());
  assert.equal(look.icon, 'warning');
  assert.equal(look.description, 'completed · collapsed at epoch 3 · kNN 11.0%');
  assert.match(look.tooltip, /learned nothing useful: epoch 3: Representation collapse/);
  const chance = writeRun(tmp, 'chance', { status: 'completed', pid: null, learning: { state: 'chance', epoch: 2, message: 'epoch 2: kNN accuracy 10.85% is at chance level' } });
  assert.equal(presentRun(new RunReader(chance).read()).description, 'completed · chance-level kNN at epoch 2');
  const healthy = writeRun(tmp, 'fine', { status: 'completed', pid: null, learning: { state: 'healthy', epoch: 2, message: 'epoch 2: No collapse' } });
  assert.equal(presentRun(new RunReader(healthy).read()).icon, 'pass');
});

test('a run stopped by a NaN says so in the tree', () => {
  const dir = writeRun(tmp, 'nan2', { status: 'failed', pid: null, error: { message: 'the loss became NaN at step 8 (epoch 1, learning rate 0.001).', where: 'step 8 (epoch 1)' } });
  assert.equal(presentRun(new RunReader(dir).read()).description, 'failed · NaN at step 8 (epoch 1)');
});

test('the status-bar entry of the experiments table counts runs training and waiting in the queue, else all runs', () => {
  const root = fs.mkdtempSync(path.join(tmp, 'status-'));
  const read = (id: string, change: Partial<RunRecord>, alive = true) => new RunReader(writeRun(root, id, change), { isAlive: () => alive }).read();
  const done = read('done', { status: 'completed', pid: null });
  assert.equal(tableStatus([]), undefined);
  assert.deepEqual(tableStatus([done]), { text: '$(table) 1 run', tooltip: 'Contrastive Lab: open the experiments table (1 run)' });
  const training = read('training', {});
  const waiting = [read('q1', { status: 'queued', pid: null }), read('q2', { status: 'queued', pid: null })];
  assert.deepEqual(tableStatus([done, training, ...waiting]), { text: '$(table) 1 running · 2 queued', tooltip: 'Contrastive Lab: open the experiments table (4 runs: 1 training, 2 waiting in the run queue)' });
  assert.equal(tableStatus([done, ...waiting])!.text, '$(table) 2 queued');
  // A run whose trainer is gone is not counted as training.
  assert.equal(tableStatus([done, read('gone', {}, false)])!.text, '$(table) 2 runs');
});
