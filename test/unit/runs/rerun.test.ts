// Re-run and "edit and run" (server/runs/rerun.ts): the new run is a queued copy of the spec the
// old run trained, beside it, with the chosen values; an invalid value is refused with the spec
// pipeline's own message and creates nothing; a sweep child's copy is not a child of the sweep.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { runPaths } from '../../../server/runs/paths';
import { readQueue } from '../../../server/runs/queue/queueFile';
import { effectiveStatus, readRunRecord, updateRunRecord } from '../../../server/runs/record';
import { changeProblems, checkRerun, parseValueText, queueRerun, readRerunSource, RerunError, valueAsText, valueAt } from '../../../server/runs/rerun';
import { loadRows } from '../../../server/runs/table/load';
import { flattenSpec } from '../../../server/runs/table/values';
import { checkSpecText } from '../../../server/spec/check';
import { createRunDirectory } from '../../../server/trainer/runDirectory';
import { tempDir, TINY_SPEC, writeSpec } from '../trainer/helpers';

/** A run folder as `train` leaves it, from a spec file in a fresh folder. */
function trainedRun(specText = TINY_SPEC): { runDir: string; specPath: string; spec: unknown } {
  const dir = tempDir('rerun');
  const written = writeSpec(dir, specText);
  const { dir: runDir } = createRunDirectory(join(dir, 'runs'), written.spec, written.path, written.text, written.spec.strategy.epochs, new Date('2026-01-02T03:04:05Z'));
  updateRunRecord(runDir, { status: 'completed', pid: null });
  return { runDir, specPath: written.path, spec: written.spec };
}

const specJson = (runDir: string): unknown => JSON.parse(readFileSync(runPaths(runDir).specJson, 'utf8'));

describe('re-run', () => {
  it('queues a new run folder beside the old one with the same spec, the same spec path and where it came from', () => {
    const { runDir, specPath } = trainedRun();
    const queued = queueRerun(readRerunSource(runDir), {});
    assert.notEqual(queued.dir, runDir);
    assert.equal(dirname(queued.dir), dirname(runDir));
    assert.deepEqual(flattenSpec(specJson(queued.dir)), flattenSpec(specJson(runDir)));
    const record = readRunRecord(queued.dir);
    assert.equal(effectiveStatus(record), 'queued', 'it waits in the queue');
    assert.equal(record.pid, null);
    assert.equal(record.specPath, specPath);
    assert.deepEqual(record.origin, { run: readRunRecord(runDir).id, changes: {} });
    assert.deepEqual(readQueue(dirname(runDir)).entries.map((e) => [e.run, e.state]), [[queued.id, 'waiting']]);
  });

  it('edit and run: the chosen values are in the new spec.json and in origin.changes; nothing else changes', () => {
    const { runDir } = trainedRun();
    const changes = { 'loss.temperature': 0.2, 'strategy.batchSize': 30, 'architecture.backbone.layers': [64, 32] };
    const queued = queueRerun(readRerunSource(runDir), changes);
    const before = flattenSpec(specJson(runDir));
    const after = flattenSpec(specJson(queued.dir));
    const differing = [...after.keys()].filter((k) => JSON.stringify(after.get(k)) !== JSON.stringify(before.get(k))).sort();
    assert.deepEqual(differing, ['architecture.backbone.layers', 'loss.temperature', 'strategy.batchSize']);
    assert.equal(after.get('loss.temperature'), 0.2);
    assert.deepEqual(readRunRecord(queued.dir).origin?.changes, changes);
    // The runs table says where the copy came from and what changed.
    const row = loadRows([dirname(runDir)]).rows.find((r) => r.dir === queued.dir);
    assert.equal(row?.cells.get('origin'), `${readRunRecord(runDir).id} loss.temperature=0.2 strategy.batchSize=30 architecture.backbone.layers=[64,32]`);
  });

  it('an invalid value is refused with the spec pipeline\'s message and creates no run folder', () => {
    const { runDir } = trainedRun();
    const source = readRerunSource(runDir);
    const folders = readdirSync(dirname(runDir));
    // The pipeline's own message for the same value written in a spec file.
    const expected = checkSpecText(TINY_SPEC.replace('temperature: 0.1 }', 'temperature: -1 }'), join(dirname(source.specPath), 'x.contrastive.yaml')).problems.find((p) => p.severity === 'error');
    assert.ok(expected, 'a negative temperature is an error in a spec file');
    assert.throws(() => queueRerun(source, { 'loss.temperature': -1 }), (e: unknown) => e instanceof RerunError && e.message.includes(expected.message) && e.message.includes('loss.temperature'));
    assert.deepEqual(readdirSync(dirname(runDir)), folders);
    // Checked value by value while the user types, too.
    assert.ok(changeProblems(source, {}, 'loss.temperature', 'hot').some((p) => /loss\.temperature/.test(p)));
    assert.deepEqual(changeProblems(source, {}, 'loss.temperature', 0.3), []);
  });

  it('a semantic rule of the pipeline refuses a combination the schema allows', () => {
    const { runDir } = trainedRun();
    // More samples per batch than the 240 training samples of the tiny spec's 300 with a fifth held out.
    assert.throws(() => checkRerun(readRerunSource(runDir), { 'strategy.batchSize': 1000 }), (e: unknown) => e instanceof RerunError && e.problems.some((p) => p.ruleId === 'batch-larger-than-split') && /only 240 samples/.test(e.message));
  });

  it('the copy of a sweep child is not a child of the sweep: no sweep block, no sweep in run.json', () => {
    const spec = `${TINY_SPEC}sweep:\n  parameters:\n    loss.temperature: { values: [0.1, 0.2] }\n  trial: { sweepId: s1, index: 1, assignment: { loss.temperature: 0.2 } }\n`;
    const { runDir } = trainedRun(spec);
    updateRunRecord(runDir, { sweep: { id: 's1', index: 1 } });
    assert.ok(valueAt(specJson(runDir), 'sweep.trial.sweepId') === 's1', 'the old run is a sweep child');
    const queued = queueRerun(readRerunSource(runDir), { 'loss.temperature': 0.3 });
    assert.equal((specJson(queued.dir) as { sweep: unknown }).sweep, null);
    assert.equal(readRunRecord(queued.dir).sweep, undefined);
  });

  it('values are typed as YAML: numbers, booleans, words, lists and objects read as they look', () => {
    assert.deepEqual(parseValueText('0.2'), { value: 0.2 });
    assert.deepEqual(parseValueText('true'), { value: true });
    assert.deepEqual(parseValueText('infoNCE'), { value: 'infoNCE' });
    assert.deepEqual(parseValueText('[32, 64]'), { value: [32, 64] });
    assert.deepEqual(parseValueText('{type: cosine}'), { value: { type: 'cosine' } });
    assert.ok('error' in parseValueText('  '));
    assert.ok('error' in parseValueText('[1, 2'));
    for (const v of [0.2, true, 'infoNCE', 'true', '0.5', [32, 64], { type: 'cosine' }, null]) assert.deepEqual(parseValueText(valueAsText(v)), { value: v }, `round trip of ${JSON.stringify(v)}`);
  });
});
