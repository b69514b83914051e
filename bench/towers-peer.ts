// `node --import tsx bench/towers-peer.ts <two-tower spec>...`: a two-tower recipe on both sides of the
// comparison the issue asks for — the tfjs trainer (a real run, `trainNewRun`) and a PyTorch reference
// of the same recipe (bench/pytorch_two_towers.py) trained on the same pairs, the same scaled images,
// the same tokenizer (bags of words over the run's vocabulary) and the same seeded batch plan; only the
// initial weights differ. Prints zero-shot accuracy and recall@k both ways side by side:
//   towers <spec> tfjs zero-shot <acc> a→b R@k ... b→a R@k ... seconds <s>
//   towers <spec> pytorch zero-shot <acc> ...
// An MLP image tower (side a) and a text tower (side b) only; torch from /usr/bin/python3 (1 thread).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { initBackend } from '../server/contrastive/backend';
import { createSampler } from '../server/contrastive/pairs/sampler';
import { Tokenizer } from '../server/contrastive/towers/tokenizer';
import type { EvalMetric, MetricLine } from '../server/runs/format';
import { readJsonLines } from '../server/runs/jsonl';
import { runPaths } from '../server/runs/paths';
import { checkSpecFile } from '../server/spec/check';
import type { ResolvedSpec } from '../server/spec/types';
import { trainNewRun } from '../server/trainer/start';
import { loadPairedSplit, type PairedSplit } from '../server/trainer/towers/pairedSplit';

const PYTHON = '/usr/bin/python3';
const script = join(__dirname, 'pytorch_two_towers.py');

interface Figures {
  readonly zeroShot: number;
  readonly recall: { readonly aToB: Readonly<Record<string, number>>; readonly bToA: Readonly<Record<string, number>> };
  readonly seconds: number;
}

/** Each text's mean bag of words (count × vocabulary), as the text tower forms it. */
function bags(tokenizer: Tokenizer, texts: readonly string[]): Float32Array {
  const { ids, mask } = tokenizer.encode(texts);
  const v = tokenizer.vocabulary.length;
  const L = tokenizer.maxLength;
  const out = new Float32Array(texts.length * v);
  texts.forEach((_t, i) => {
    let n = 0;
    for (let k = 0; k < L; k++) n += mask[i * L + k]!;
    for (let k = 0; k < L; k++) if (mask[i * L + k] === 1) out[i * v + ids[i * L + k]!]! += 1 / n;
  });
  return out;
}

function exportRecipe(spec: ResolvedSpec, data: PairedSplit, dir: string): void {
  const towers = spec.architecture.towers!;
  const [a, b] = [towers.a, towers.b];
  if (a.type !== 'network' || a.backbone.type !== 'mlp' || b.type !== 'text' || data.a.kind !== 'samples' || data.b.kind !== 'text') throw new Error('towers-peer compares an MLP network tower (side a) with a text tower (side b)');
  if (data.labels === null || data.classCaptions === null) throw new Error('towers-peer needs labelled pairs with class captions (zero-shot)');
  const texts = data.b.texts;
  const tokenizer = Tokenizer.fromTexts(Array.from(data.train, (i) => texts[i]!), { maxSize: b.vocabularySize, minCount: 1, maxLength: b.maxLength });
  const sampler = createSampler({ type: 'random' }, { indices: data.train, labels: null }, { batchSize: spec.strategy.batchSize, seed: spec.strategy.seed, dropLast: true });
  const plan: Int32Array[] = [];
  for (let epoch = 1; epoch <= spec.strategy.epochs; epoch++) plan.push(...sampler.batches(epoch));
  const batches = new Int32Array(plan.length * spec.strategy.batchSize);
  plan.forEach((rows, i) => batches.set(rows, i * spec.strategy.batchSize));
  const write = (name: string, values: Float32Array | Int32Array) => writeFileSync(join(dir, name), Buffer.from(values.buffer, values.byteOffset, values.byteLength));
  write('images.f32', data.a.samples.values);
  write('bag.f32', bags(tokenizer, texts));
  write('classes.f32', bags(tokenizer, data.classCaptions));
  write('labels.i32', data.labels);
  write('test.i32', data.test);
  write('batches.i32', batches);
  const loss = spec.loss;
  writeFileSync(join(dir, 'recipe.json'), JSON.stringify({
    count: texts.length, inputSize: data.a.samples.values.length / texts.length, vocabulary: tokenizer.vocabulary.length, classes: data.classCaptions.length,
    hidden: a.backbone.layers, representationSize: a.representationSize, projection: a.projection?.layers ?? [], tokenSize: b.tokenSize, embeddingSize: b.embeddingSize,
    loss: loss.type, temperature: loss.type === 'infoNCE' ? loss.temperature : null, logitScale: loss.type === 'siglip' ? loss.logitScale : null, logitBias: loss.type === 'siglip' ? loss.logitBias : null,
    learningRate: spec.strategy.optimizer.learningRate, batchSize: spec.strategy.batchSize, steps: plan.length, seed: spec.strategy.seed, threads: 1,
    ks: spec.eval.retrieval?.recallAtK ?? [1, 5, 10], texts,
  }));
}

const line = (who: string, spec: string, f: Figures): string =>
  `towers ${spec} ${who} zero-shot ${f.zeroShot.toFixed(4)} a→b R@${Object.keys(f.recall.aToB).join('/')} ${Object.values(f.recall.aToB).map((v) => v.toFixed(3)).join('/')} b→a ${Object.values(f.recall.bToA).map((v) => v.toFixed(3)).join('/')} seconds ${f.seconds.toFixed(1)}`;

async function compare(specPath: string): Promise<void> {
  const checked = checkSpecFile(specPath);
  if (checked.spec === null) throw new Error(`${specPath}: the spec has errors`);
  const spec = checked.spec;
  if (spec.loss.type !== 'infoNCE' && spec.loss.type !== 'siglip') throw new Error(`${specPath}: loss ${spec.loss.type}`);
  if (spec.strategy.optimizer.type !== 'adam' || spec.strategy.schedule.type !== 'constant') throw new Error(`${specPath}: the reference uses Adam with a constant learning rate`);
  const work = mkdtempSync(join(tmpdir(), 'towers-peer-'));
  try {
    const name = basename(specPath).replace('.contrastive.yaml', '');
    const ours = await trainNewRun({ spec: { ...spec, run: { ...spec.run, threads: 1 } }, specPath, specText: '', outRoot: join(work, 'runs') }, { mode: 'silent', backend: 'wasm', threads: 1, stop: { requested: false, reason: null, request() {}, dispose() {} }, umap: false });
    if (ours.status !== 'completed') throw new Error(`${specPath}: the tfjs run ${ours.status}: ${JSON.stringify(ours.record.error)}`);
    const last = readJsonLines<MetricLine>(runPaths(ours.runDir).metrics).lines.filter((l): l is EvalMetric => l.kind === 'eval').at(-1)!;
    console.log(line('tfjs', name, { zeroShot: last.zeroShotAccuracy!, recall: last.crossModalRecallAtK!, seconds: last.time }));
    exportRecipe(spec, await loadPairedSplit(spec, dirname(resolve(specPath))), work);
    const env = { ...process.env };
    delete env['OPENBLAS_CORETYPE'];
    delete env['OPENBLAS_L2_SIZE'];
    const peer = spawnSync(PYTHON, [script, work], { encoding: 'utf8', env, maxBuffer: 1 << 24 });
    if (peer.status !== 0) throw new Error(`the PyTorch reference failed: ${peer.stderr.trim().split('\n').pop()}`);
    console.log(line('pytorch', name, JSON.parse(peer.stdout.trim().split('\n').pop()!) as Figures));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  await initBackend('wasm', { threads: 1 });
  for (const spec of process.argv.slice(2)) await compare(resolve(spec));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
