// The run queue across a kill: `queue start` is killed outright (kill -9 of it and its trainer) in
// the middle of a run; the next `queue start` resumes that run from its checkpoint and goes on; every
// run ends completed exactly once, and a run that fails does not stop the queue. Also the lock: two
// writers never lose an entry.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { RunEvent } from '../../../server/runs/format';
import { readJsonLines } from '../../../server/runs/jsonl';
import { runPaths } from '../../../server/runs/paths';
import { enqueue, newEntry, readQueue } from '../../../server/runs/queue/queueFile';
import { effectiveStatus, readRunRecord } from '../../../server/runs/record';
import { tempDir, TINY_SPEC } from '../trainer/helpers';

const root = join(__dirname, '../../..');
const tsx = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;
// The built CLI when there is one (npm test builds first): a queue starts a process per run, and the bundle starts in a fraction of tsx's time.
const bundle = join(root, 'dist/cli.js');
const cliArgs = existsSync(bundle) ? [bundle] : ['--import', tsx, join(root, 'server/cli/main.ts')];

function cli(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...cliArgs, ...args], { cwd, encoding: 'utf8', timeout: 240_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function events(runDir: string): RunEvent[] {
  return readJsonLines<RunEvent>(runPaths(runDir).events).lines;
}

// Long enough (12 short epochs) that the kill lands after the first checkpoint and before the end.
const spec = (name: string, seed: number): string => TINY_SPEC.replace('experiment: tiny', `experiment: ${name}`).replace('  epochs: 2', '  epochs: 12').replace('  seed: 7', `  seed: ${seed}`).replace(/  linearProbe: .*\n/, '');

describe('run queue', () => {
  it('survives kill -9 mid-run: the next start resumes the killed run and goes on; each run completes exactly once; a failed run does not stop it', async () => {
    const dir = tempDir('queue-kill');
    writeFileSync(join(dir, 'a.contrastive.yaml'), spec('a', 1));
    writeFileSync(join(dir, 'b.contrastive.yaml'), spec('b', 2));
    // A run whose data disappears after it was queued: it fails when it starts.
    writeFileSync(join(dir, 'points.csv'), `x,y,label\n${Array.from({ length: 40 }, (_, i) => `${i % 7},${i % 5},${i % 2}`).join('\n')}\n`);
    writeFileSync(join(dir, 'c.contrastive.yaml'), 'experiment: c\ndata:\n  source: points.csv\n  labelColumn: label\nstrategy:\n  epochs: 1\n  batchSize: 8\n');
    const added = cli(dir, 'queue', 'add', 'a.contrastive.yaml', 'c.contrastive.yaml', 'b.contrastive.yaml', '--out', 'runs');
    assert.equal(added.status, 0, added.stderr);
    assert.match(added.stdout, /queued 3 runs in runs\/queue\.json/);
    rmSync(join(dir, 'points.csv'));
    const runs = join(dir, 'runs');
    const [a, c, b] = readQueue(runs).entries.map((e) => join(runs, e.run));
    assert.equal(effectiveStatus(readRunRecord(a!)), 'queued');

    // Its own process group, so the kill takes the runner and its trainer together.
    const first = spawn(process.execPath, [...cliArgs, 'queue', 'start', 'runs', '--parallel', '1', '--threads', '1', '--no-umap'], { cwd: dir, detached: true, stdio: 'ignore' });
    const deadline = Date.now() + 180_000;
    while (readRunRecord(a!).lastCheckpoint === null) {
      assert.ok(Date.now() < deadline, 'the first run never checkpointed');
      assert.notEqual(readRunRecord(a!).status, 'completed', 'the first run ended before the kill; make it longer');
      await sleep(50);
    }
    process.kill(-first.pid!, 'SIGKILL');
    await new Promise((r) => first.once('exit', r));
    await sleep(200);
    assert.equal(effectiveStatus(readRunRecord(a!)), 'interrupted');
    assert.equal(readQueue(runs).entries[0]!.state, 'running', 'the queue file still says the killed runner had it');

    const second = cli(dir, 'queue', 'start', 'runs', '--parallel', '1', '--threads', '1', '--no-umap');
    assert.equal(second.status, 1, `a run failed, so the exit code is 1\n${second.stdout}\n${second.stderr}`);
    assert.match(second.stdout, /was interrupted; it resumes from its last checkpoint/);
    assert.match(second.stdout, /failed: .*the queue goes on/);
    assert.match(second.stdout, /queue finished: 2 completed, 1 failed, 0 stopped/);
    for (const run of [a!, b!]) {
      assert.equal(readRunRecord(run).status, 'completed', run);
      assert.equal(events(run).filter((e) => e.event === 'completed').length, 1, `${run} completed exactly once`);
    }
    assert.ok(events(a!).some((e) => e.event === 'resumed' && /resumed from checkpoints\//.test(e.message)), 'the killed run continued from its checkpoint');
    assert.equal(events(b!).filter((e) => e.event === 'started' || e.event === 'resumed').length, 1, 'the run after it started once');
    assert.equal(readRunRecord(c!).status, 'failed');
    const queue = readQueue(runs);
    assert.deepEqual(queue.entries.map((e) => [e.state, e.outcome]), [['done', 'completed'], ['done', 'failed'], ['done', 'completed']]);
    assert.equal(queue.runner, null);

    const list = cli(dir, 'queue', 'list', 'runs');
    assert.match(list.stdout, /3 entries, not running/);
  });

  it('two processes adding at once lose no entry (queue.lock)', async () => {
    const dir = tempDir('queue-lock');
    const script = (tag: string): string => `const { enqueue, newEntry } = require(${JSON.stringify(join(root, 'server/runs/queue/queueFile.ts'))});\nfor (let i = 0; i < 40; i++) enqueue(${JSON.stringify(dir)}, [newEntry('${tag}-' + i)]);\n`;
    writeFileSync(join(dir, 'one.cjs'), script('one'));
    writeFileSync(join(dir, 'two.cjs'), script('two'));
    const run = (file: string): Promise<number | null> => new Promise((resolve) => spawn(process.execPath, ['--import', tsx, join(dir, file)], { stdio: 'inherit' }).once('exit', resolve));
    assert.deepEqual(await Promise.all([run('one.cjs'), run('two.cjs')]), [0, 0]);
    const entries = readQueue(dir).entries.map((e) => e.run);
    assert.equal(entries.length, 80);
    assert.equal(new Set(entries).size, 80);
    // An entry already waiting is not queued twice.
    assert.equal(enqueue(dir, [newEntry('one-3'), newEntry('three')]), 1);
    assert.equal(JSON.parse(readFileSync(join(dir, 'queue.json'), 'utf8')).entries.length, 81);
  });
});
