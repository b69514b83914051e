// The timeline: a fixed, stratified probe set whose embeddings every evaluation keeps (the tfjs
// trainer's side; the PyTorch engine's is in the run-directory contract test), the aligned 2-D maps
// (a rotated copy of a step lands where the step was), and how a query's neighbours changed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadData } from '../../../server/contrastive/data/load';
import { readEmbeddings } from '../../../server/runs/embeddings';
import { runPaths } from '../../../server/runs/paths';
import { stratifiedSample } from '../../../server/runs/stratifiedSample';
import { alignedMaps } from '../../../server/runs/timeline/align';
import { nearestRows, neighbourChange, readTimeline, readTimelineMaps } from '../../../server/runs/timeline/read';
import { listTimelineSteps, readTimelineProbe, readTimelineStep } from '../../../server/runs/timeline/store';
import { PROBE_SIZE, probeRows } from '../../../server/trainer/probeSet';
import { trainNewRun } from '../../../server/trainer/start';
import { manualStop, tempDir, TINY_SPEC, writeSpec } from '../trainer/helpers';

function mulberry(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('a stratified sample keeps every group\'s share, is seeded, and takes everything when asked for more', () => {
  // 700 of group 0, 200 of group 1, 100 unlabelled (-1)
  const groups = Int32Array.from({ length: 1000 }, (_, i) => (i % 10 < 7 ? 0 : i % 10 < 9 ? 1 : -1));
  const sample = stratifiedSample(groups, 100, 5);
  assert.equal(sample.length, 100);
  const count = (g: number) => Array.from(sample).filter((i) => groups[i] === g).length;
  assert.deepEqual([count(0), count(1), count(-1)], [70, 20, 10]);
  assert.deepEqual(Array.from(sample), [...sample].sort((a, b) => a - b), 'ascending');
  assert.equal(new Set(sample).size, 100, 'no row twice');
  assert.deepEqual(stratifiedSample(groups, 100, 5), sample, 'same seed, same rows');
  assert.notDeepEqual(stratifiedSample(groups, 100, 6), sample, 'another seed, other rows');
  // shares that do not divide evenly: largest remainders, and the size is exact
  const odd = stratifiedSample(Int32Array.from({ length: 10 }, (_, i) => (i < 5 ? 0 : i < 8 ? 1 : 2)), 4, 1);
  assert.equal(odd.length, 4);
  assert.deepEqual(Array.from(stratifiedSample(groups.subarray(0, 7), 50, 5)), [0, 1, 2, 3, 4, 5, 6]);
});

test('the trainer keeps the same probe samples\' embeddings at every evaluation, stratified over the held-out split', async () => {
  const dir = tempDir('timeline');
  const text = TINY_SPEC.replace('epochs: 2', 'epochs: 3').replace('  linearProbe: { labelFraction: 0.5, epochs: 5 }\n', '');
  const written = writeSpec(dir, text);
  const outcome = await trainNewRun({ spec: written.spec, specPath: written.path, specText: written.text, outRoot: join(dir, 'runs') }, { mode: 'silent', backend: 'cpu', stop: manualStop(), umap: false });
  assert.equal(outcome.status, 'completed');
  const runDir = outcome.runDir;

  const split = await loadData(written.spec.data, { specDir: dir, cacheDir: null });
  const probe = readTimelineProbe(runDir);
  // 300 digits, 20 % held out: fewer than PROBE_SIZE, so the probe set is the whole held-out split
  assert.ok(split.test.length < PROBE_SIZE);
  assert.deepEqual(probe.rows, Array.from(split.test).sort((a, b) => a - b));
  assert.equal(probe.split, 'test');
  assert.equal(probe.dim, 16);
  assert.equal(probe.layer, 'representation');
  const stored = readEmbeddings(runDir);
  assert.deepEqual(probe.ids, probe.rows.map((r) => stored.samples.ids[r]));
  assert.deepEqual(probe.labels, probe.rows.map((r) => stored.samples.labels[r]));
  assert.ok(probe.rows.every((r) => stored.samples.split[r] === 'test'));

  // one step file per evaluation, at the evaluation's step, and its frames joined with the eval lines
  const steps = listTimelineSteps(runDir);
  const perEpoch = outcome.record.stepsPerEpoch!;
  assert.deepEqual(steps, [perEpoch, 2 * perEpoch, 3 * perEpoch]);
  const timeline = readTimeline(runDir);
  assert.deepEqual(timeline.frames.map((f) => f.epoch), [1, 2, 3]);
  assert.ok(timeline.frames.every((f) => f.knnAccuracy !== null));
  assert.equal(timeline.metric, 'cosine');
  // the last step's probe embeddings are the final embeddings' rows of those samples
  const last = readTimelineStep(runDir, probe, steps[2]!);
  probe.rows.forEach((r, p) => {
    for (let d = 0; d < 16; d++) assert.ok(Math.abs(last[p * 16 + d]! - stored.vectors[r * 16 + d]!) < 1e-5, `probe ${p}, dimension ${d}`);
  });
  // the space changed between the first and the last evaluation
  const first = readTimelineStep(runDir, probe, steps[0]!);
  assert.ok(first.some((v, i) => Math.abs(v - last[i]!) > 1e-3));
  const maps = readTimelineMaps(runDir, timeline);
  assert.equal(maps.length, 3);
  assert.ok(maps.every((m) => m.length === probe.count * 2 && m.every(Number.isFinite)));
  assert.ok(readFileSync(runPaths(runDir).timelineProbe, 'utf8').includes('"formatVersion": 1'));
});

test('the probe set is a stratified sample of the held-out split, the same for every run on that split', async () => {
  const dir = tempDir('probe');
  const spec = (seed: number) => writeSpec(dir, TINY_SPEC.replace('limit: 300', 'limit: null').replace('seed: 7', `seed: ${seed}`)).spec;
  const split = await loadData(spec(7).data, { specDir: dir, cacheDir: null });
  const probe = probeRows(split);
  assert.equal(probe.rows.length, PROBE_SIZE);
  assert.equal(probe.split, 'test');
  const held = new Set(split.test);
  assert.ok(Array.from(probe.rows).every((r) => held.has(r)));
  // each digit keeps its share of the held-out split (within the one sample rounding gives)
  const labels = split.dataset.labels!;
  for (let digit = 0; digit < 10; digit++) {
    const inTest = Array.from(split.test).filter((i) => labels[i] === digit).length;
    const inProbe = Array.from(probe.rows).filter((i) => labels[i] === digit).length;
    assert.ok(Math.abs(inProbe - (inTest * PROBE_SIZE) / split.test.length) < 1, `digit ${digit}: ${inProbe} of ${inTest}`);
  }
  // another training seed, the same data split: the same probe samples
  assert.deepEqual(probeRows(await loadData(spec(99).data, { specDir: dir, cacheDir: null })).rows, probe.rows);
});

/** A random orthogonal dim × dim matrix (Gram–Schmidt on Gaussian-ish columns). */
function randomRotation(dim: number, random: () => number): Float64Array {
  const q = new Float64Array(dim * dim);
  for (let c = 0; c < dim; c++) {
    const v = Float64Array.from({ length: dim }, () => random() - 0.5);
    for (let p = 0; p < c; p++) {
      let dot = 0;
      for (let r = 0; r < dim; r++) dot += v[r]! * q[r * dim + p]!;
      for (let r = 0; r < dim; r++) v[r] = v[r]! - dot * q[r * dim + p]!;
    }
    const norm = Math.hypot(...v);
    for (let r = 0; r < dim; r++) q[r * dim + c] = v[r]! / norm;
  }
  return q;
}

test('alignment: a step whose embeddings are a rotated, scaled and moved copy of the previous lands in place, and a turned map is turned back', () => {
  const random = mulberry(3);
  const count = 300, dim = 12;
  // three clusters with distinct spreads along different axes, so the PCA is well defined
  const base = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) for (let d = 0; d < dim; d++) base[i * dim + d] = (d === i % 3 ? 4 : 0) + (random() - 0.5) * (d < 3 ? 2 - d * 0.5 : 0.3);
  const q = randomRotation(dim, random);
  const rotated = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) {
    for (let c = 0; c < dim; c++) {
      let s = 0;
      for (let r = 0; r < dim; r++) s += base[i * dim + r]! * q[r * dim + c]!;
      rotated[i * dim + c] = 2.5 * s + 7; // rotated, scaled and moved
    }
  }
  const [a, b] = alignedMaps(2, count, dim, (i) => (i === 0 ? base : rotated));
  const worst = Math.max(...a!.map((v, i) => Math.abs(v - b![i]!)));
  assert.ok(worst < 1e-3, `the rotated copy moved by up to ${worst}`);
  // a map turned by 90° (far from the previous step before alignment) is turned back
  const [own] = alignedMaps(1, count, dim, () => base);
  const turned = new Float32Array(count * 2);
  for (let i = 0; i < count; i++) {
    turned[2 * i] = -own![2 * i + 1]!;
    turned[2 * i + 1] = own![2 * i]!;
  }
  assert.ok(Math.max(...own!.map((v, i) => Math.abs(v - turned[i]!))) > 0.5, 'the turn moves the points before alignment');
  const [x, y] = alignedMaps(2, count, 2, (i) => (i === 0 ? own! : turned));
  assert.ok(Math.max(...x!.map((v, i) => Math.abs(v - y![i]!))) < 1e-4, 'a 90° turn of the map itself is undone');
});

test('neighbour change: the k nearest at two steps match a brute-force search, with the samples that entered and left', () => {
  const count = 6, dim = 2;
  // step A: sample 0 near 1 and 2; step B: sample 0 moved next to 4 and 5
  const a = Float32Array.from([0, 0, 1, 0, 0, 1, 10, 10, 20, 20, 21, 20]);
  const b = Float32Array.from([20, 19, 1, 0, 0, 1, 10, 10, 20, 20, 21, 20]);
  assert.deepEqual(nearestRows(a, count, dim, 0, 2, 'euclidean').map((n) => n.position), [1, 2]);
  assert.deepEqual(nearestRows(b, count, dim, 0, 2, 'euclidean').map((n) => n.position), [4, 5]);
  // cosine: direction only
  const c = Float32Array.from([1, 0, 5, 0.1, 0, 3, -1, 0, 2, 2, 0.1, -4]);
  assert.deepEqual(nearestRows(c, count, dim, 0, 3, 'cosine').map((n) => n.position), [1, 4, 5]);
  // against a brute force on random vectors
  const random = mulberry(11);
  const v = Float32Array.from({ length: 200 * 8 }, () => random() - 0.5);
  const brute = Array.from({ length: 200 }, (_, r) => r).filter((r) => r !== 17).map((r) => {
    let s = 0;
    for (let d = 0; d < 8; d++) s += (v[17 * 8 + d]! - v[r * 8 + d]!) ** 2;
    return { r, d: Math.sqrt(s) };
  }).sort((x, y) => x.d - y.d).slice(0, 10).map((x) => x.r);
  assert.deepEqual(nearestRows(v, 200, 8, 17, 10, 'euclidean').map((n) => n.position), brute);
});

test('neighbourChange reads two stored steps and names what entered and left; an unknown step says which exist', async () => {
  const dir = tempDir('timeline-change');
  const written = writeSpec(dir, TINY_SPEC.replace('  linearProbe: { labelFraction: 0.5, epochs: 5 }\n', ''));
  const outcome = await trainNewRun({ spec: written.spec, specPath: written.path, specText: written.text, outRoot: join(dir, 'runs') }, { mode: 'silent', backend: 'cpu', stop: manualStop(), umap: false });
  const timeline = readTimeline(outcome.runDir);
  const [s1, s2] = timeline.frames.map((f) => f.step);
  const change = neighbourChange(outcome.runDir, timeline, 3, s1!, s2!, 5);
  const at = (step: number) => nearestRows(readTimelineStep(outcome.runDir, timeline.probe, step), timeline.probe.count, timeline.probe.dim, 3, 5, 'cosine').map((n) => n.position);
  assert.deepEqual(change.from.neighbours.map((n) => n.position), at(s1!));
  assert.deepEqual(change.to.neighbours.map((n) => n.position), at(s2!));
  assert.deepEqual(change.entered, at(s2!).filter((p) => !at(s1!).includes(p)));
  assert.deepEqual(change.left, at(s1!).filter((p) => !at(s2!).includes(p)));
  assert.equal(change.entered.length, change.left.length);
  assert.throws(() => neighbourChange(outcome.runDir, timeline, 3, 1, s2!, 5), new RegExp(`step 1 has no timeline embeddings.*steps ${s1}, ${s2}`));
  assert.throws(() => neighbourChange(outcome.runDir, timeline, timeline.probe.count, s1!, s2!, 5), /probe sample \d+ does not exist/);
});
