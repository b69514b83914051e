// The conformance command's mapping of NON-default fixture params (the settings the reference
// README lists besides the defaults). Each reference fixture is rewritten with the other setting's
// params, and its `expected` recomputed from independent float64 implementations of the
// definitions (gradients by central finite differences, mined tuples by brute force); the command
// must then pass them all, on cpu and wasm. This checks that params reach the right constructor
// arguments — a wrong mapping fails here even though the default fixtures pass.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { initBackend } from '../../../server/contrastive/backend';
import { formatReport, runConformance } from '../../../server/contrastive/conformance/runner';
import * as ref from './losses-float64-reference';

type M = ref.M;
type Json = Record<string, unknown>;
interface FixtureJson {
  name: string;
  family: string;
  mode?: string;
  params: Json;
  inputs: { embeddings: M; labels: number[] | null; refEmbeddings: M | null; views: Json | null; probeWeights?: M };
  expected: Json;
}

const fixtures = join(__dirname, '..', '..', 'fixtures', 'reference');
const load = (file: string): FixtureJson => JSON.parse(readFileSync(join(fixtures, file), 'utf8')) as FixtureJson;
const grad = (f: (inputs: M[]) => number, inputs: M[]) => ref.numericalGradients(f, inputs);

/** Rewrites a labelled-loss fixture: new params, loss and gradEmbeddings from `reference`. */
function labelledLoss(file: string, name: string, params: Json, reference: (x: M, y: number[]) => number, gradientReference?: (x: M, y: number[]) => number): FixtureJson {
  const f = load(file);
  const y = f.inputs.labels ?? [];
  const x = f.inputs.embeddings;
  f.name = name;
  f.params = { ...f.params, ...params };
  f.expected = { loss: reference(x, y), gradEmbeddings: grad(([a]) => (gradientReference ?? reference)(a ?? [], y), [x])[0] };
  return f;
}

function twoViewLoss(file: string, name: string, params: Json, reference: (v1: M, v2: M) => number, labelled: boolean): FixtureJson {
  const f = load(file);
  const views = f.inputs.views as { view1: M; view2: M };
  const [g1, g2] = grad(([a, b]) => reference(a ?? [], b ?? []), [views.view1, views.view2]);
  f.name = name;
  f.params = { ...f.params, ...params };
  f.expected = labelled
    ? { loss: reference(views.view1, views.view2), gradView1: g1, gradView2: g2, gradEmbeddings: [...(g1 ?? []), ...(g2 ?? [])] }
    : { loss: reference(views.view1, views.view2), gradView1: g1, gradView2: g2, gradEmbeddings: g1, gradRefEmbeddings: g2 };
  return f;
}

function distanceFixture(file: string, name: string, params: Json, reference: (a: M, b: M) => M): FixtureJson {
  const f = load(file);
  const x = f.inputs.embeddings;
  const y = f.mode === 'cross' ? (f.inputs.refEmbeddings ?? []) : x;
  const w = f.inputs.probeWeights ?? [];
  const probe = (d: M) => d.reduce((s, r, i) => s + r.reduce((t, v, j) => t + v * (w[i]?.[j] ?? 0), 0), 0);
  f.name = name;
  f.params = { ...f.params, ...params };
  if (f.mode === 'cross') {
    const [ga, gb] = grad(([a, b]) => probe(reference(a ?? [], b ?? [])), [x, y]);
    f.expected = { matrix: reference(x, y), gradEmbeddings: ga, gradRefEmbeddings: gb };
  } else {
    f.expected = { matrix: reference(x, x), gradEmbeddings: grad(([a]) => probe(reference(a ?? [], a ?? [])), [x])[0] };
  }
  return f;
}

// ---- brute-force float64 miners, from the fixtures' definitions ----------------------------
function tripletMiner(x: M, y: number[], margin: number, kind: string): number[][] {
  const d = ref.euclid(ref.normalize(x), ref.normalize(x));
  const out: number[][] = [];
  y.forEach((ya, a) =>
    y.forEach((yp, p) =>
      y.forEach((yn, n) => {
        if (a === p || ya !== yp || yn === ya) return;
        const tm = (d[a]?.[n] ?? 0) - (d[a]?.[p] ?? 0);
        const keep = kind === 'all' ? tm <= margin : kind === 'hard' ? tm <= 0 : kind === 'semihard' ? tm > 0 && tm <= margin : tm > margin;
        if (keep) out.push([a, p, n]);
      }),
    ),
  );
  return out;
}

function batchHardCosine(x: M, y: number[]): number[][] {
  const s = ref.cosine(x, x);
  const out: number[][] = [];
  y.forEach((ya, a) => {
    const pos = y.map((v, j) => [v, j] as const).filter(([v, j]) => v === ya && j !== a).map(([, j]) => j);
    const neg = y.map((v, j) => [v, j] as const).filter(([v]) => v !== ya).map(([, j]) => j);
    if (pos.length === 0 || neg.length === 0) return;
    const row = s[a] ?? [];
    const p = pos.reduce((best, j) => ((row[j] ?? 0) < (row[best] ?? 0) ? j : best));
    const n = neg.reduce((best, j) => ((row[j] ?? 0) > (row[best] ?? 0) ? j : best));
    out.push([a, p, n]);
  });
  return out;
}

function multiSimilarityMiner(x: M, y: number[], epsilon: number): { posPairs: number[][]; negPairs: number[][] } {
  const s = ref.cosine(x, x);
  const posPairs: number[][] = [];
  const negPairs: number[][] = [];
  y.forEach((ya, i) => {
    const row = s[i] ?? [];
    const pos = y.map((v, j) => [v, j] as const).filter(([v, j]) => v === ya && j !== i).map(([, j]) => j);
    const neg = y.map((v, j) => [v, j] as const).filter(([v]) => v !== ya).map(([, j]) => j);
    if (pos.length === 0 || neg.length === 0) return;
    const maxNeg = Math.max(...neg.map((k) => row[k] ?? 0));
    const minPos = Math.min(...pos.map((j) => row[j] ?? 0));
    for (const j of pos) if ((row[j] ?? 0) - epsilon < maxNeg) posPairs.push([i, j]);
    for (const k of neg) if ((row[k] ?? 0) + epsilon > minPos) negPairs.push([i, k]);
  });
  return { posPairs, negPairs };
}

function minerFixture(file: string, name: string, params: Json, expected: (x: M, y: number[]) => Json): FixtureJson {
  const f = load(file);
  f.name = name;
  f.params = { ...f.params, ...params };
  f.expected = expected(f.inputs.embeddings, f.inputs.labels ?? []);
  return f;
}

const cosineParams = { type: 'CosineSimilarity', p: 2, normalizeEmbeddings: true, power: 1, isInverted: true };

function build(): FixtureJson[] {
  const list: FixtureJson[] = [
    labelledLoss('ContrastiveLoss__default__seed0.json', 'Contrastive pos0.2 neg1.4', { posMargin: 0.2, negMargin: 1.4 }, (x, y) => ref.contrastive(x, y, 0.2, 1.4)),
    labelledLoss('TripletMarginLoss__default__seed0.json', 'TripletMargin margin0.2', { margin: 0.2 }, (x, y) => ref.triplet(x, y, 0.2)),
    labelledLoss('NPairsLoss__default__seed0.json', 'NPairs unnormalized', { distance: { type: 'DotProductSimilarity', p: 2, normalizeEmbeddings: false, power: 1, isInverted: true } }, (x, y) => ref.nPairsUnnormalized(x, y)),
    labelledLoss('LiftedStructureLoss__default__seed0.json', 'Lifted neg0.6 pos0.1', { negMargin: 0.6, posMargin: 0.1 }, (x, y) => ref.lifted(x, y, 0.1, 0.6)),
    labelledLoss('GeneralizedLiftedStructureLoss__default__seed0.json', 'GeneralizedLifted neg0.6 pos0.1', { negMargin: 0.6, posMargin: 0.1 }, (x, y) => ref.generalizedLifted(x, y, 0.1, 0.6)),
    labelledLoss('NTXentLoss__default__seed0.json', 'NTXent tau0.5', { temperature: 0.5 }, (x, y) => ref.ntxent(x, y, 0.5)),
    labelledLoss('CircleLoss__default__seed0.json', 'Circle m0.25 gamma128', { m: 0.25, gamma: 128 }, (x, y) => ref.circle(x, y, 0.25, 128), (x, y) => ref.circle(x, y, 0.25, 128, ref.cosine(load('CircleLoss__default__seed0.json').inputs.embeddings, load('CircleLoss__default__seed0.json').inputs.embeddings))),
    labelledLoss('MultiSimilarityLoss__default__seed0.json', 'MultiSimilarity a1 b20 base0.3', { alpha: 1, beta: 20, base: 0.3 }, (x, y) => ref.multiSimilarity(x, y, 1, 20, 0.3)),
    labelledLoss('SupConLoss__default__seed0.json', 'SupCon tau0.5', { temperature: 0.5 }, (x, y) => ref.supCon(x, y, 0.5)),
    twoViewLoss('NTXentLoss_SimCLR__default__seed0.json', 'SimCLR tau0.5', { temperature: 0.5 }, (a, b) => ref.ntxent([...a, ...b], [...a.map((_r, i) => i), ...b.map((_r, i) => i)], 0.5), true),
    twoViewLoss('VICRegLoss__default__seed0.json', 'VICReg l10 m5 n2', { invarianceLambda: 10, varianceMu: 5, covarianceV: 2 }, (a, b) => ref.vicreg(a, b, 10, 5, 2, 1e-4), false),
    twoViewLoss('BarlowTwinsLoss__lambda0.005__seed0.json', 'BarlowTwins lambda0.05', { lambda: 0.05, lambd: 0.05 }, (a, b) => ref.barlowTwins(a, b, 0.05), false),
    distanceFixture('LpDistance_p2__normalized__cross__seed0.json', 'Lp p2 unnormalized cross', { normalizeEmbeddings: false }, ref.euclid),
    distanceFixture('LpDistance_p2__normalized__self__seed0.json', 'Lp p2 unnormalized power2 self', { normalizeEmbeddings: false, power: 2 }, ref.sqEuclid),
    distanceFixture('LpDistance_p1__normalized__self__seed0.json', 'Lp p1 unnormalized self', { normalizeEmbeddings: false }, ref.manhattan),
    distanceFixture('DotProductSimilarity__normalized__cross__seed0.json', 'Dot unnormalized cross', { normalizeEmbeddings: false }, ref.dots),
    distanceFixture('KLDivergence__T1__cross__seed0.json', 'KL T0.5 cross', { temperature: 0.5 }, (a, b) => ref.kl(a, b, 0.5)),
    distanceFixture('JensenShannonDivergence__T1__self__seed0.json', 'JS T0.5 self', { temperature: 0.5 }, (a, b) => ref.js(a, b, 0.5)),
    distanceFixture('Wasserstein1D__T1__cross__seed0.json', 'W1 T0.5 cross', { temperature: 0.5 }, (a, b) => ref.w1(a, b, 0.5)),
    minerFixture('BatchHardMiner__default__seed0.json', 'BatchHard cosine', { distance: cosineParams }, (x, y) => ({ triplets: batchHardCosine(x, y) })),
    minerFixture('MultiSimilarityMiner__default__seed0.json', 'MultiSimilarityMiner eps0.3', { epsilon: 0.3 }, (x, y) => multiSimilarityMiner(x, y, 0.3)),
  ];
  for (const kind of ['all', 'hard', 'semihard', 'easy']) {
    list.push(minerFixture(`TripletMarginMiner_${kind}__margin0.2__seed0.json`, `TripletMarginMiner ${kind} margin0.5`, { margin: 0.5 }, (x, y) => ({ triplets: tripletMiner(x, y, 0.5, kind) })));
  }

  const snn = load('SoftNearestNeighborLoss__T1__seed0.json');
  const sv = snn.inputs.views as { view1: M; view2: M };
  const snnRef = (t: number) => ([a, b]: M[]) => ref.softNearestNeighbor(a ?? [], b ?? [], t);
  const [s1, s2] = grad(snnRef(0.5), [sv.view1, sv.view2]);
  list.push({ ...snn, name: 'SNN T0.5', params: { ...snn.params, temperature: 0.5 }, expected: { loss: snnRef(0.5)([sv.view1, sv.view2]), gradView1: s1, gradView2: s2, gradEmbeddings: [...(s1 ?? []), ...(s2 ?? [])], gradTemperature: ref.numericalDerivative((t) => snnRef(t)([sv.view1, sv.view2]), 0.5) } });

  const sig = load('SigLIPLoss__default__seed0.json');
  const gv = sig.inputs.views as { view1: M; view2: M };
  const [g1, g2] = grad(([a, b]) => ref.siglip(a ?? [], b ?? [], Math.log(5), -3), [gv.view1, gv.view2]);
  list.push({
    ...sig,
    name: 'SigLIP ln5 -3',
    params: { ...sig.params, logitScale: Math.log(5), logitBias: -3, temperature: 5 },
    expected: {
      loss: ref.siglip(gv.view1, gv.view2, Math.log(5), -3),
      gradView1: g1,
      gradView2: g2,
      gradLogitScale: ref.numericalDerivative((t) => ref.siglip(gv.view1, gv.view2, t, -3), Math.log(5)),
      gradLogitBias: ref.numericalDerivative((b) => ref.siglip(gv.view1, gv.view2, Math.log(5), b), -3),
    },
  });

  const byol = load('NegativeCosineLoss__simsiam__seed0.json');
  const ov = byol.inputs.views as { online: M; target: M };
  const [go] = grad(([p]) => ref.negativeCosine(p ?? [], ov.target, 'byol'), [ov.online]);
  const zeros = ov.target.map((r) => r.map(() => 0));
  list.push({ ...byol, name: 'NegativeCosine byol', params: { ...byol.params, variant: 'byol' }, expected: { loss: ref.negativeCosine(ov.online, ov.target, 'byol'), gradOnline: go, gradEmbeddings: go, gradTarget: zeros, gradRefEmbeddings: zeros } });
  return list;
}

describe('conformance with the non-default settings of every family', () => {
  const dir = mkdtempSync(join(tmpdir(), 'conformance-settings-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const list = build();
  list.forEach((f, i) => writeFileSync(join(dir, `${String(i).padStart(2, '0')}.json`), JSON.stringify(f)));

  for (const backend of ['cpu', 'wasm'] as const) {
    test(`all ${list.length} rewritten fixtures pass on ${backend}`, async () => {
      await initBackend(backend);
      const report = runConformance(dir);
      assert.equal(report.failed, 0, formatReport(report).join('\n'));
      assert.equal(report.passed, list.length);
    });
  }
});
