// Work on a finished (or stopped) run from its newest checkpoint: recompute the embeddings
// (`contrastive-lab embed`) and export the trained network as a tfjs layers model (`export --format tfjs`).
import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { describeCause, ensureDir, FileError, readJsonObject, removeQuietly, writeFileChecked as writeFileSync } from '../shared/files';
import { dirname, join } from 'node:path';
import { initBackend, tf, type BackendRequest } from '../contrastive/backend';
import { loadData } from '../contrastive/data/load';
import { ContrastiveModel } from '../contrastive/models';
import { appendJsonLine } from '../runs/jsonl';
import type { RunEvent } from '../runs/format';
import { runPaths } from '../runs/paths';
import { processAlive, readRunRecord } from '../runs/record';
import type { ResolvedSpec } from '../spec/types';
import { describeSkipped, loadNewestIntactCheckpoint, restoreChecked, type LoadedCheckpoint } from './checkpoint';
import { writeRunEmbeddings, type Embedder, type WrittenEmbeddings } from './embed';
import { queryPyTorchRun } from './engines/pytorchEmbed';
import { pytorchRunAsTfjs } from './engines/pytorchExport';
import { buildTrainingParts } from './parts';

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function readRunSpec(runDir: string): ResolvedSpec {
  const file = runPaths(runDir).specJson;
  if (!existsSync(file)) throw new Error(`${file}: missing; is ${runDir} a run directory?`);
  return readJsonObject<ResolvedSpec>(file, 'recorded spec');
}

/** Re-embedding, exporting and querying read one network; a two-tower run has two (not yet supported there). */
function refuseTwoTowers(runDir: string, spec: ResolvedSpec, what: string): void {
  if ((spec.architecture.towers ?? null) !== null) throw new Error(`${runDir} is a two-tower run (architecture.towers): ${what} reads a one-tower network and does not handle two towers yet; its figures are in metrics.jsonl, its towers in its checkpoints.`);
}

function latestCheckpoint(runDir: string): LoadedCheckpoint {
  const { checkpoint, skipped } = loadNewestIntactCheckpoint(runDir);
  // Said on stderr so stdout stays the command's result; the run's files are left as they are.
  for (const line of describeSkipped(skipped)) process.stderr.write(`note: ${line}${checkpoint ? `; using ${checkpoint.name}` : ''}\n`);
  if (checkpoint === null && skipped.length > 0) throw new FileError(runPaths(runDir).checkpoints, `no intact checkpoint: ${skipped.map((s) => s.reason).join('; ')}`);
  if (checkpoint === null) throw new Error(`${runPaths(runDir).checkpoints}: no checkpoint yet; the run has to train at least one epoch (or be stopped) first.`);
  return checkpoint;
}

export async function reembedRun(runDir: string, options: { backend: BackendRequest | null; umap: boolean }): Promise<WrittenEmbeddings> {
  const record = readRunRecord(runDir);
  const spec = readRunSpec(runDir);
  refuseTwoTowers(runDir, spec, 'writing embeddings');
  // A PyTorch run's torch checkpoints are read by its engine (engines/pytorchEmbed.ts), which picks the newest intact one.
  const checkpoint = record.engine === 'pytorch' ? null : latestCheckpoint(runDir);
  // Temp files of an earlier embed that was killed (SIGTERM/SIGKILL mid-write); a live writer's stay.
  for (const n of safeReaddir(runPaths(runDir).embeddings)) {
    const m = /\.(\d+)\.tmp$/.exec(n);
    if (m !== null && !processAlive(Number(m[1]))) removeQuietly(join(runPaths(runDir).embeddings, n));
  }
  await initBackend(options.backend ?? spec.run.backend);
  const data = await loadData(spec.data, { specDir: dirname(record.specPath), cacheDir: join(dirname(runDir), '.cache') });
  if (checkpoint === null) {
    // Every sample through the engine in one call (one torch start-up), then the same files as a tfjs run's.
    const { dataset } = data;
    const threads = spec.run.threads > 0 ? spec.run.threads : availableParallelism();
    const reply = await queryPyTorchRun(runDir, { inputs: { values: dataset.x, shape: [dataset.count, ...dataset.sampleShape], outputs: [spec.eval.layer] } }, { threads });
    const embedded = reply.outputs.get(spec.eval.layer);
    if (embedded === undefined) throw new Error(`${runDir}: the PyTorch engine returned no ${spec.eval.layer} embeddings`);
    const position = { step: reply.step, epoch: reply.batchInEpoch === 0 ? reply.epoch - 1 : reply.epoch, umap: options.umap };
    return recordReembedded(runDir, reply.checkpoint, reply.step, await writeRunEmbeddings(runDir, precomputed(embedded.values, embedded.dim), data, spec, position));
  }
  const parts = buildTrainingParts(spec, data);
  try {
    restoreChecked(runDir, checkpoint, () => parts.restore(checkpoint));
    const { step, epoch, batchInEpoch } = checkpoint.state.position;
    const written = await writeRunEmbeddings(runDir, parts, data, spec, { step, epoch: batchInEpoch === 0 ? epoch - 1 : epoch, umap: options.umap });
    return recordReembedded(runDir, checkpoint.name, step, written);
  } finally {
    parts.dispose();
  }
}

/** The `embeddings` event of a re-embedding. */
function recordReembedded(runDir: string, checkpointName: string, step: number, written: WrittenEmbeddings): WrittenEmbeddings {
  const event: RunEvent = { kind: 'event', time: new Date().toISOString(), level: 'info', event: 'embeddings', message: `embeddings rewritten from ${checkpointName}: ${written.count} × ${written.dim}`, step, data: { count: written.count, dim: written.dim, files: written.files } };
  appendJsonLine(runPaths(runDir).events, event);
  return written;
}

/** Embeddings already computed (count × dim, row-major) served by sample index. */
function precomputed(values: Float32Array, dim: number): Embedder {
  return {
    embed: (indices) => {
      const out = new Float32Array(indices.length * dim);
      indices.forEach((row, i) => out.set(values.subarray(row * dim, (row + 1) * dim), i * dim));
      return out;
    },
    outputDim: () => dim,
  };
}

/** The spec's network for samples of `inputShape` with the checkpoint's weights (the caller disposes it). */
export function modelFromCheckpoint(runDir: string, spec: ResolvedSpec, checkpoint: LoadedCheckpoint, inputShape: readonly number[]): ContrastiveModel {
  refuseTwoTowers(runDir, spec, 'restoring the network');
  const model = ContrastiveModel.build(spec.architecture, inputShape);
  const stored = checkpoint.groups['model'] ?? [];
  const tensors = stored.map((t) => tf.tensor(t.values, [...t.shape]));
  try {
    restoreChecked(runDir, checkpoint, () => model.setWeights(tensors));
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    tf.dispose(tensors);
  }
  return model;
}

/** The run's trained network as a tfjs model, from its newest tfjs checkpoint (the caller disposes it). */
function restoredTfjsModel(runDir: string, spec: ResolvedSpec): { model: ContrastiveModel; checkpoint: string; inputShape: readonly number[] } {
  const checkpoint = latestCheckpoint(runDir);
  const inputShape = checkpoint.state.extra['inputShape'] as number[] | undefined;
  if (!Array.isArray(inputShape)) throw new Error(`${checkpoint.name}: this checkpoint does not record the input shape; run \`contrastive-lab resume\` or train again to export.`);
  return { model: modelFromCheckpoint(runDir, spec, checkpoint, inputShape), checkpoint: checkpoint.name, inputShape };
}

export async function exportTfjs(runDir: string, outDir: string): Promise<string[]> {
  const spec = readRunSpec(runDir);
  await initBackend('cpu');
  // A PyTorch run's weights come converted from its engine, checked against its outputs (engines/pytorchExport.ts).
  const converted = readRunRecord(runDir).engine === 'pytorch' ? await pytorchRunAsTfjs(runDir, spec) : null;
  const { model, checkpoint, inputShape } = converted ?? restoredTfjsModel(runDir, spec);
  try {
    ensureDir(outDir, 'export folder');
    try {
      await model.save(outDir);
    } catch (e) {
      if (e instanceof FileError) throw e;
      throw new FileError(outDir, `the model could not be written: ${describeCause(e)}`);
    }
  } finally {
    model.dispose();
  }
  const outputs = ['representation', ...(spec.architecture.projection ? ['projection'] : []), ...(spec.architecture.prediction ? ['prediction'] : [])];
  writeFileSync(join(outDir, 'README.md'), `# ${spec.experiment}: the trained network (tfjs layers model)

Exported from run \`${readRunRecord(runDir).id}\` at ${checkpoint}${converted !== null ? ` (trained on the PyTorch engine; converted weights whose outputs matched PyTorch's within ${converted.largestDifference.toExponential(1)} on check samples)` : ''}. Input: samples of shape
[${inputShape.join(', ')}], normalised as in the run (data.normalize: ${spec.data.normalize}).
Outputs, in order: ${outputs.map((o) => `\`${o}\``).join(', ')} (raw; the run ${spec.architecture.normalizeOutput ? 'L2-normalised the head outputs for its loss' : 'used them as they are'}).

\`\`\`js
// Node with @tensorflow/tfjs-node (in a browser: serve this folder, load https://…/model.json).
const tf = require('@tensorflow/tfjs-node');
const model = await tf.loadLayersModel('file://${outDir}/model.json');
const x = tf.zeros([1, ${inputShape.join(', ')}]);                 // a batch of samples
const [representation] = [].concat(model.predict(x));          // outputs in the order above
// A classifier on top of the frozen representation (fine-tune: leave encoder.trainable = true):
const encoder = tf.model({ inputs: model.inputs, outputs: model.outputs[0] });
encoder.trainable = false;
const input = tf.input({ shape: [${inputShape.join(', ')}] });
const probs = tf.layers.dense({ units: 10, activation: 'softmax' }).apply(encoder.apply(input));
const classifier = tf.model({ inputs: input, outputs: probs });
classifier.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
\`\`\`
`);
  return ['model.json', 'weights.bin', 'README.md'];
}
