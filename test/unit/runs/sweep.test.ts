// Sweep expansion (grid counts, seeded random draws, log ranges, integer paths), the child runs a
// sweep creates (spec.json's trial, run.json's sweep id, queued in the queue), and the successive
// halving decisions on a fixture of results, and the queue applying them to its entries.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { MetricLine } from '../../../server/runs/format';
import { runPaths } from '../../../server/runs/paths';
import { effectiveStatus, readRunRecord } from '../../../server/runs/record';
import { createSweepRuns, loadSweepSource, planSweep, SweepError } from '../../../server/runs/sweep/expand';
import { decideHalving, resultAt, rungEpochs, type HalvingRun } from '../../../server/runs/sweep/halving';
import { readManifest, writeManifest } from '../../../server/runs/sweep/manifest';
import { newEntry, type QueueEntry } from '../../../server/runs/queue/queueFile';
import { applyHalving } from '../../../server/runs/queue/runner';
import { loadRows } from '../../../server/runs/table/load';
import { buildView, parseViewQuery } from '../../../server/runs/table/view';
import { assignments, sweepRunCount, type SweepSpec } from '../../../server/spec/sweep';
import { tempDir, TINY_SPEC } from '../trainer/helpers';

const base = { experiment: 'x', loss: { type: 'infoNCE', temperature: 0.1 } };
const sweep = (s: Partial<SweepSpec>): SweepSpec => ({ name: '', strategy: 'grid', count: 8, seed: 0, parameters: {}, halving: null, trial: null, ...s });

describe('sweep expansion', () => {
  it('a grid is every combination: the product of the list lengths, a range giving `steps` points (geometric with log, rounded on integer paths)', () => {
    const grid = sweep({ parameters: { 'loss.temperature': { values: [0.05, 0.1, 0.2] }, 'strategy.batchSize': { range: { min: 16, max: 64, log: true, steps: 3 } } } });
    assert.equal(sweepRunCount(grid, base), 9);
    const all = assignments(grid, base, 0, 100);
    assert.equal(all.length, 9, 'no combination past the last');
    assert.deepEqual(all.map((a) => a['strategy.batchSize']).slice(0, 3), [16, 32, 64]);
    assert.deepEqual([...new Set(all.map((a) => JSON.stringify(a)))].length, 9, 'every combination once');
    assert.deepEqual(all[4], { 'loss.temperature': 0.1, 'strategy.batchSize': 32 });
    // A linear range on an integer path: evenly spaced, rounded.
    assert.deepEqual(assignments(sweep({ parameters: { 'strategy.epochs': { range: { min: 1, max: 4, steps: 3 } } } }), base, 0, 9).map((a) => a['strategy.epochs']), [1, 3, 4]);
  });

  it('random draws are reproducible from the seed, differ with another seed, and an extension draws the same first runs', () => {
    const random = sweep({ strategy: 'random', count: 6, seed: 7, parameters: { 'loss.temperature': { values: [0.05, 0.1, 0.2, 0.5] }, 'strategy.optimizer.learningRate': { range: { min: 0.0001, max: 0.01, log: true } } } });
    const first = assignments(random, base, 0, 6);
    assert.equal(first.length, 6);
    assert.deepEqual(assignments(random, base, 0, 6), first);
    assert.notDeepEqual(assignments({ ...random, seed: 8 }, base, 0, 6), first);
    assert.deepEqual(assignments(random, base, 0, 10).slice(0, 6), first);
    assert.deepEqual(assignments(random, base, 6, 10), assignments(random, base, 0, 10).slice(6));
    assert.equal(sweepRunCount(random, base), 6);
  });

  it('a log range is sampled log-uniformly within its ends; a linear one uniformly', () => {
    const draws = (log: boolean): number[] => assignments(sweep({ strategy: 'random', parameters: { 'strategy.optimizer.learningRate': { range: { min: 0.0001, max: 0.01, log } } } }), base, 0, 400).map((a) => a['strategy.optimizer.learningRate'] as number);
    const logDraws = draws(true);
    assert.ok(logDraws.every((v) => v >= 0.0001 && v <= 0.01));
    // Log-uniform: about half below the geometric midpoint 1e-3; uniform: about 9 %.
    const below = (values: number[]): number => values.filter((v) => v < 0.001).length / values.length;
    assert.ok(below(logDraws) > 0.4 && below(logDraws) < 0.6, `log: ${below(logDraws)}`);
    assert.ok(below(draws(false)) < 0.2, `linear: ${below(draws(false))}`);
  });
});

describe('sweep children', () => {
  const specWith = (sweepBlock: string): string => `${TINY_SPEC.replace('  epochs: 2', '  epochs: 1')}sweep:\n${sweepBlock}`;

  it('creates one queued run per child: spec.json has the values and sweep.trial, run.json the sweep id, the record lists them', () => {
    const dir = tempDir('sweep-children');
    const file = join(dir, 'tiny.contrastive.yaml');
    writeFileSync(file, specWith('  name: temps\n  parameters:\n    loss.temperature: {values: [0.05, 0.2]}\n    strategy.batchSize: {values: [30, 60]}\n'));
    const source = loadSweepSource(file);
    const plan = planSweep(source, { now: new Date('2026-01-02T03:04:05Z') });
    assert.equal(plan.id, '20260102-030405-temps');
    const root = join(dir, 'runs');
    const created = createSweepRuns(plan, root);
    assert.equal(created.length, 4);
    for (const child of created) {
      const runDir = join(root, child.run);
      const spec = JSON.parse(readFileSync(runPaths(runDir).specJson, 'utf8'));
      assert.equal(spec.loss.temperature, child.assignment['loss.temperature']);
      assert.equal(spec.strategy.batchSize, child.assignment['strategy.batchSize']);
      assert.deepEqual(spec.sweep.trial, { sweepId: plan.id, index: child.index, assignment: child.assignment });
      const record = readRunRecord(runDir);
      assert.deepEqual(record.sweep, { id: plan.id, index: child.index });
      assert.equal(record.pid, null);
      assert.equal(effectiveStatus(record), 'queued', 'waiting in the queue, not interrupted');
      assert.match(record.name, /^tiny-\d$/);
    }
    assert.deepEqual(readManifest(root, plan.id).children.map((c) => c.run), created.map((c) => c.run));

    // The runs table: a sweep column, the swept paths as the parameters that differ, nothing of the sweep block itself.
    const { rows } = loadRows([root]);
    assert.deepEqual(rows.map((r) => r.cells.get('sweep')), created.map(() => plan.id));
    const view = buildView(rows, { filters: parseViewQuery(rows, [`sweep = ${plan.id}`], undefined).filters });
    assert.equal(view.rows.length, 4);
    // Each child's run.name differs too, but the run column shows it: it is offered, not listed again.
    assert.deepEqual(view.columns.filter((c) => c.kind === 'param').map((c) => c.key), ['loss.temperature', 'strategy.batchSize']);
    assert.ok(view.available.some((c) => c.key === 'run.name' && c.changed), 'run.name stays available, marked as differing');
    assert.ok(view.columns.some((c) => c.key === 'sweep'));
    assert.ok(!view.available.some((c) => c.key.startsWith('sweep.')), 'the sweep block is not a parameter');
  });

  it('a table without sweeps has no sweep column', () => {
    assert.ok(!buildView([]).available.some((c) => c.key === 'sweep'));
  });

  it('extends a random sweep with new draws, and refuses a sweep whose child is not a valid spec without creating anything', () => {
    const dir = tempDir('sweep-extend');
    const file = join(dir, 'tiny.contrastive.yaml');
    writeFileSync(file, specWith('  strategy: random\n  count: 2\n  seed: 3\n  parameters:\n    loss.temperature: {range: {min: 0.05, max: 0.5, log: true}}\n'));
    const root = join(dir, 'runs');
    const first = planSweep(loadSweepSource(file));
    createSweepRuns(first, root);
    const more = planSweep(loadSweepSource(file), { extend: { root, id: first.id }, add: 3 });
    assert.deepEqual(more.children.map((c) => c.index), [2, 3, 4]);
    assert.deepEqual(more.children.map((c) => c.assignment), assignments(loadSweepSource(file).spec.sweep, {}, 2, 5));
    createSweepRuns(more, root);
    assert.equal(readManifest(root, first.id).children.length, 5);

    const badDir = tempDir('sweep-bad');
    const bad = join(badDir, 'tiny.contrastive.yaml');
    // 600 is a valid batch size on its own, but larger than the 240 training samples: a rule refuses that child.
    writeFileSync(bad, specWith('  parameters:\n    strategy.batchSize: {values: [60, 600]}\n'));
    assert.throws(() => planSweep(loadSweepSource(bad)), (e: unknown) => e instanceof SweepError && /1 of 2 children are not valid specs; nothing was created\.\nchild 1 \(strategy\.batchSize=600\)/.test(e.message));
    assert.equal(existsSync(join(badDir, 'runs')), false);
  });

  it('reads a *.sweep.yaml that names its base spec', () => {
    const dir = tempDir('sweep-file');
    writeFileSync(join(dir, 'tiny.contrastive.yaml'), TINY_SPEC);
    const file = join(dir, 'temps.sweep.yaml');
    writeFileSync(file, 'base: tiny.contrastive.yaml\nsweep:\n  parameters:\n    loss.temperature: {values: [0.05, 0.1, 0.2]}\n');
    const plan = planSweep(loadSweepSource(file));
    assert.equal(plan.children.length, 3);
    createSweepRuns(plan, join(dir, 'runs'));
    assert.equal(readdirSync(join(dir, 'runs')).filter((f) => f.startsWith('2')).length, 3);
    writeFileSync(file, 'base: tiny.contrastive.yaml\nsweep:\n  parameters:\n    loss.temperatur: {values: [0.05]}\n');
    assert.throws(() => loadSweepSource(file), (e: unknown) => e instanceof SweepError && e.problems.some((p) => p.ruleId === 'sweep-unknown-path'));
  });
});

describe('successive halving', () => {
  it('rungs grow by eta up to the full run', () => {
    assert.deepEqual(rungEpochs(1, 3, 9), [1, 3, 9]);
    assert.deepEqual(rungEpochs(1, 3, 10), [1, 3, 9, 10]);
    assert.deepEqual(rungEpochs(2, 2, 5), [2, 4, 5]);
    assert.deepEqual(rungEpochs(5, 3, 5), [5]);
  });

  it('reads a run\'s result at a rung: the latest evaluation up to it, or the mean loss of that epoch', () => {
    const lines = [
      { kind: 'step', step: 1, epoch: 1, time: 1, loss: 2, lr: 0.1, samplesPerSec: 1 },
      { kind: 'step', step: 2, epoch: 1, time: 2, loss: 1, lr: 0.1, samplesPerSec: 1 },
      { kind: 'eval', step: 2, epoch: 1, time: 2, knnAccuracy: 0.5, linearProbeAccuracy: null, precisionAt1: null, recallAtK: null, mapAtR: null, collapseStd: 0.1, collapseHealthyStd: 0.1 },
      { kind: 'step', step: 3, epoch: 2, time: 3, loss: 0.5, lr: 0.1, samplesPerSec: 1 },
      { kind: 'eval', step: 3, epoch: 2, time: 3, knnAccuracy: 0.7, linearProbeAccuracy: null, precisionAt1: null, recallAtK: null, mapAtR: null, collapseStd: 0.1, collapseHealthyStd: 0.1 },
    ] as MetricLine[];
    assert.equal(resultAt(lines, 'knnAccuracy', 1), 0.5);
    assert.equal(resultAt(lines, 'knnAccuracy', 3), 0.7);
    assert.equal(resultAt(lines, 'loss', 1), 1.5);
    assert.equal(resultAt(lines, 'linearProbeAccuracy', 2), null);
  });

  const at = (index: number, target: number, results: (number | null)[], o: Partial<HalvingRun> = {}): HalvingRun => ({ index, target, settled: true, pruned: false, results, ...o });

  it('keeps the best 1/eta at a rung once every run has reached it, and stops the others', () => {
    const accuracies = [0.61, 0.93, 0.72, 0.88, 0.5, 0.97, 0.64, 0.7, 0.81];
    const rung0 = accuracies.map((a, i) => at(i, 0, [a]));
    assert.deepEqual(decideHalving(rung0, 3, 3, true), { promote: [5, 1, 3], prune: [8, 2, 7, 6, 0, 4] });
    // One run still training toward the rung: no decision there yet.
    assert.deepEqual(decideHalving(rung0.map((r) => (r.index === 4 ? { ...r, settled: false, results: [] } : r)), 3, 3, true), { promote: [], prune: [] });
    // Rung 1: the three promoted runs report; the best one goes on to the full run. Rung 0 is not decided twice.
    const rung1 = rung0.map((r) => ([5, 1, 3].includes(r.index) ? { ...r, target: 1, results: [r.results[0]!, { 5: 0.95, 1: 0.97, 3: 0.9 }[r.index as 5 | 1 | 3]] } : { ...r, pruned: true }));
    assert.deepEqual(decideHalving(rung1, 3, 3, true), { promote: [1], prune: [5, 3] });
  });

  it('ranks by the lowest loss when the metric is the loss, and puts failed runs last', () => {
    const runs = [at(0, 0, [0.9]), at(1, 0, [0.4]), at(2, 0, [null]), at(3, 0, [0.6])];
    assert.deepEqual(decideHalving(runs, 2, 2, false), { promote: [1, 3], prune: [0, 2] });
  });

  it('a sweep extended with more runs decides rung 0 again: better new runs go on, and so does a run pruned earlier once the larger quota reaches it', () => {
    const before = [at(0, 1, [0.9, null], { settled: false }), at(1, 0, [0.8], { pruned: true }), at(2, 0, [0.3], { pruned: true })];
    // Three runs, eta 3: only run 0 went on. Three more runs, all below run 1: the quota is two, so run 1 (pruned before) resumes.
    assert.deepEqual(decideHalving([...before, at(3, 0, [0.5]), at(4, 0, [0.4]), at(5, 0, [0.1])], 3, 3, true), { promote: [1], prune: [3, 4, 5] });
    // A new run better than every other goes on instead.
    assert.deepEqual(decideHalving([...before, at(3, 0, [0.99]), at(4, 0, [0.4]), at(5, 0, [0.1])], 3, 3, true), { promote: [3], prune: [4, 5] });
  });
});

describe('successive halving in the queue', () => {
  /** A sweep of `accuracies.length` children in a runs folder, each with the metrics of its evaluations at epochs 1.., and its queue entry. */
  function fixture(accuracies: readonly (readonly number[])[], entries: (run: string, i: number) => Partial<QueueEntry>): { root: string; entries: QueueEntry[]; runs: string[] } {
    const root = tempDir('halving-queue');
    const runs = accuracies.map((_, i) => `20260101-000000-h-${i}`);
    accuracies.forEach((series, i) => {
      mkdirSync(join(root, runs[i]!));
      const lines = series.map((knnAccuracy, e) => JSON.stringify({ kind: 'eval', step: (e + 1) * 4, epoch: e + 1, time: e, knnAccuracy, linearProbeAccuracy: null, precisionAt1: null, recallAtK: null, mapAtR: null, collapseStd: 0.1, collapseHealthyStd: 0.1 }));
      writeFileSync(runPaths(join(root, runs[i]!)).metrics, lines.join('\n') + '\n');
    });
    writeManifest(root, {
      formatVersion: 1,
      id: 'h',
      source: join(root, 'h.contrastive.yaml'),
      createdAt: '2026-01-01T00:00:00.000Z',
      sweep: { name: 'h', strategy: 'grid', count: 8, seed: 0, parameters: {}, halving: { metric: 'knnAccuracy', minEpochs: 1, eta: 2 } },
      rungs: [1, 2, 4],
      children: runs.map((run, index) => ({ index, run, assignment: { 'loss.temperature': index } })),
    });
    return { root, runs, entries: runs.map((run, i) => ({ ...newEntry(run, { sweep: 'h', untilEpoch: 1 }), state: 'done', outcome: 'rung', starts: 1, ...entries(run, i) })) };
  }
  const counts = (): { completed: number; failed: number; stopped: number; pruned: number } => ({ completed: 0, failed: 0, stopped: 0, pruned: 0 });

  it('resumes the best half to the next rung and leaves the rest stopped, reading each run\'s metrics', () => {
    const { root, entries } = fixture([[0.5], [0.9], [0.7], [0.6]], () => ({}));
    const tally = counts();
    const lines: string[] = [];
    const next = applyHalving(root, 'h', entries, tally, (l) => lines.push(l));
    assert.deepEqual(next.map((e) => [e.state, e.outcome, e.untilEpoch]), [['done', 'pruned', 1], ['waiting', null, 2], ['waiting', null, 2], ['done', 'pruned', 1]]);
    assert.equal(tally.pruned, 2);
    assert.ok(lines.some((l) => /h-1 continues to epoch 2/.test(l)) && lines.some((l) => /h-0 stops at epoch 1/.test(l)), lines.join('\n'));
  });

  it('waits while a run is still training toward the rung, and sends the last rung\'s survivor to the end of training', () => {
    const waiting = fixture([[0.5], [0.9], [], [0.6]], (_, i) => (i === 2 ? { state: 'running', outcome: null } : {}));
    assert.deepEqual(applyHalving(waiting.root, 'h', waiting.entries, counts(), () => undefined), waiting.entries);
    // Rung 1 (epoch 2): runs 1 and 2 went on; 2 is better there, and is resumed with no rung left (to strategy.epochs).
    const second = fixture([[0.5], [0.9, 0.91], [0.7, 0.95], [0.6]], (_, i) => (i === 1 || i === 2 ? { untilEpoch: 2 } : { outcome: 'pruned' }));
    const next = applyHalving(second.root, 'h', second.entries, counts(), () => undefined);
    assert.deepEqual(next.map((e) => [e.state, e.outcome, e.untilEpoch]), [['done', 'pruned', 1], ['done', 'pruned', 2], ['waiting', null, null], ['done', 'pruned', 1]]);
  });
});

