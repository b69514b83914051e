// What the map's and gallery's hosts send about a run's timeline: every evaluation's aligned map of
// the probe samples (frames × probe × 2, finite), the steps, and a probe query's neighbour change;
// a query outside the probe set and a run without a timeline say what to do.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { galleryTimeline, galleryTimelineChange, MapTimelineSource } from '../../../extension/panels/timelineHost';
import { runPaths } from '../../../server/runs/paths';
import { readTimeline, readTimelineMaps } from '../../../server/runs/timeline/read';
import { trainNewRun } from '../../../server/trainer/start';
import { manualStop, tempDir, TINY_SPEC, writeSpec } from '../trainer/helpers';

test('the timeline hosts send aligned maps, steps and neighbour changes; without a timeline they say why', async () => {
  const dir = tempDir('timeline-host');
  const written = writeSpec(dir, TINY_SPEC.replace('epochs: 2', 'epochs: 3').replace('  linearProbe: { labelFraction: 0.5, epochs: 5 }\n', ''));
  const outcome = await trainNewRun({ spec: written.spec, specPath: written.path, specText: written.text, outRoot: join(dir, 'runs') }, { mode: 'silent', backend: 'cpu', stop: manualStop(), umap: false });
  const runDir = outcome.runDir;
  const timeline = readTimeline(runDir);

  const source = new MapTimelineSource();
  const map = source.message(runDir);
  assert.equal(map.type, 'timeline');
  if (map.type !== 'timeline') return;
  assert.deepEqual(Array.from(map.rows), timeline.probe.rows);
  assert.deepEqual(map.frames.map((f) => f.epoch), [1, 2, 3]);
  assert.equal(map.xy.length, 3 * timeline.probe.count * 2);
  assert.ok(map.xy.every(Number.isFinite));
  const maps = readTimelineMaps(runDir, timeline);
  assert.deepEqual(Array.from(map.xy.subarray(timeline.probe.count * 2, timeline.probe.count * 4)), Array.from(maps[1]!), 'frame 1 is the second aligned map');
  assert.equal(source.message(runDir), map, 'cached while the steps stay the same');

  const gallery = galleryTimeline(runDir);
  assert.equal(gallery.type, 'timeline');
  const labels = Array.from({ length: 300 }, (_, i) => `L${i % 10}`);
  const ids = Array.from({ length: 300 }, (_, i) => `id${i}`);
  const row = timeline.probe.rows[4]!;
  const [first, , last] = timeline.frames.map((f) => f.step);
  const change = galleryTimelineChange(runDir, labels, ids, row, first!, last!, 5);
  assert.equal(change.type, 'timelineChange');
  if (change.type !== 'timelineChange') return;
  assert.equal(change.before.length, 5);
  assert.ok(change.after.every((n) => timeline.probe.rows.includes(n.index) && n.index !== row && n.label === labels[n.index] && n.id === ids[n.index]));
  assert.deepEqual(change.entered, change.after.filter((n) => !change.before.some((b) => b.index === n.index)).map((n) => n.index));
  const outside = Array.from({ length: 300 }, (_, i) => i).find((i) => !timeline.probe.rows.includes(i))!;
  assert.throws(() => galleryTimelineChange(runDir, labels, ids, outside, first!, last!, 5), new RegExp(`sample #${outside} is not in the timeline's probe set \\(${timeline.probe.count} held-out samples`));

  rmSync(runPaths(runDir).timeline, { recursive: true });
  const none = new MapTimelineSource().message(runDir);
  assert.equal(none.type, 'noTimeline');
  assert.match(none.type === 'noTimeline' ? none.message : '', /This run has no timeline.*Train the run again/);
});
