// A run's saved network, ready to embed new samples exactly as the run embedded its own: the
// newest intact checkpoint's weights, the checkpoint's input shape, the run's normalisation (fitted
// on the run's training split when it depends on statistics) and the layer its embeddings come from.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tf } from '../contrastive/backend';
import { loadRaw, splitIndices } from '../contrastive/data/load';
import { applyNormalisation, fitNormalisation, needsStatistics, type NormalisationFit } from '../contrastive/data/normalize';
import type { DatasetKind } from '../contrastive/data/types';
import { runPaths } from '../runs/paths';
import { readRunRecord } from '../runs/record';
import { readJsonObject } from '../shared/files';
import type { ResolvedSpec } from '../spec/types';
import { modelFromCheckpoint } from '../trainer/afterRun';
import { describeSkipped, listCheckpoints, loadNewestIntactCheckpoint, type LoadedCheckpoint } from '../trainer/checkpoint';

export interface RunModel {
  readonly spec: ResolvedSpec;
  readonly kind: DatasetKind;
  /** What one sample is: [height, width, channels] or [features]. */
  readonly inputShape: readonly number[];
  readonly layer: 'representation' | 'projection';
  readonly dim: number;
  /** `step-<N>`: the checkpoint the weights come from. */
  readonly checkpoint: string;
  readonly step: number;
  /** Embeddings of `count` samples given as the run's loader read them (images 0..255), normalised here. */
  embed(rawValues: Float32Array, count: number): Promise<Float32Array>;
  dispose(): void;
}

const EMBED_CHUNK = 256;

export function readRunSpec(runDir: string): ResolvedSpec {
  const file = runPaths(runDir).specJson;
  if (!existsSync(file)) throw new Error(`${file}: missing; is ${runDir} a run directory?`);
  return readJsonObject<ResolvedSpec>(file, 'recorded spec');
}

/** The run's newest intact checkpoint (damaged ones are reported through `warn`), or an error saying what to do. */
export function newestCheckpoint(runDir: string, warn: (line: string) => void): LoadedCheckpoint {
  const { checkpoint, skipped } = loadNewestIntactCheckpoint(runDir);
  for (const line of describeSkipped(skipped)) warn(`${line}${checkpoint ? `; using ${checkpoint.name}` : ''}`);
  if (checkpoint === null) {
    const why = skipped.length > 0 ? `no intact checkpoint (${skipped.map((s) => s.reason).join('; ')})` : 'no saved model (no checkpoint yet)';
    throw new Error(`${runPaths(runDir).checkpoints}: ${why}; train the run for at least one epoch, or \`contrastive-lab resume ${runDir}\`, then search again.`);
  }
  return checkpoint;
}

/** The run's normalisation: statistics of its training split (its data is read again) only when the mode needs them. */
async function runNormalisation(runDir: string, spec: ResolvedSpec, kind: DatasetKind, inputShape: readonly number[]): Promise<NormalisationFit> {
  if (!needsStatistics(spec.data.normalize, kind)) return fitNormalisation(new Float32Array(0), inputShape, kind, [], spec.data.normalize);
  const record = readRunRecord(runDir);
  let raw: Awaited<ReturnType<typeof loadRaw>>;
  try {
    raw = await loadRaw(spec.data, { specDir: dirname(record.specPath), cacheDir: join(dirname(runDir), '.cache') });
  } catch (e) {
    throw new Error(`${(e as Error).message.replace(/\.$/, '')}. The run scales its inputs with statistics of its training data (data.normalize: ${spec.data.normalize}), so searching it needs that data where the run found it.`);
  }
  const { keep, train } = splitIndices(raw.count, spec.data.limit, spec.data.split.testFraction, spec.data.split.seed);
  // The training rows in the decoded file's numbering, in the same order loadData sums them.
  return fitNormalisation(raw.values, raw.sampleShape, raw.kind, Int32Array.from(train, (t) => keep[t]!), spec.data.normalize);
}

/** The size of the run's embeddings: the layer its evaluation (and embeddings/) uses. */
function layerOf(spec: ResolvedSpec): { layer: 'representation' | 'projection'; dim: number } {
  const layer = spec.eval.layer;
  const projection = spec.architecture.projection;
  return { layer, dim: layer === 'projection' && projection !== null ? projection.layers[projection.layers.length - 1]! : spec.architecture.representationSize };
}

/**
 * Opens a run's newest checkpoint: in this process for a tfjs run (a backend must be initialised),
 * through the PyTorch engine (embedWithPyTorchRun: one Python start-up per embed call) for a PyTorch run.
 */
export async function openRunModel(runDir: string, warn: (line: string) => void): Promise<RunModel> {
  const spec = readRunSpec(runDir);
  return readRunRecord(runDir).engine === 'pytorch' ? openPyTorchModel(runDir, spec) : openTfjsModel(runDir, spec, warn);
}

/**
 * The newest PyTorch checkpoint's position and input shape, from its state.json (no Python start-up:
 * the engine loads the weights when it embeds, and says so when the checkpoint is damaged).
 */
function pyTorchCheckpoint(runDir: string): { name: string; step: number; inputShape: number[] } {
  const names = listCheckpoints(runDir);
  const name = names[names.length - 1];
  if (name === undefined) throw new Error(`${runPaths(runDir).checkpoints}: no saved model (no checkpoint yet); train the run for at least one epoch, or \`contrastive-lab resume ${runDir}\`, then search again.`);
  const file = join(runPaths(runDir).checkpoints, name, 'state.json');
  const state = readJsonObject<{ position?: { step?: unknown }; extra?: { inputShape?: unknown } }>(file, 'checkpoint state');
  const shape = state.extra?.inputShape;
  const step = state.position?.step;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d > 0) || typeof step !== 'number') {
    throw new Error(`${file}: does not record the input shape and step; the checkpoint is damaged: \`contrastive-lab resume ${runDir}\` writes a new one.`);
  }
  return { name, step, inputShape: shape as number[] };
}

async function openPyTorchModel(runDir: string, spec: ResolvedSpec): Promise<RunModel> {
  const described = pyTorchCheckpoint(runDir);
  // Loaded here: the launcher is only needed for PyTorch runs.
  const { embedWithPyTorchRun } = await import('../trainer/engines/pytorchEmbed');
  const shape = [...described.inputShape];
  const kind: DatasetKind = shape.length === 3 ? 'images' : 'vectors';
  const normalisation = await runNormalisation(runDir, spec, kind, shape);
  const { layer, dim } = layerOf(spec);
  return {
    spec,
    kind,
    inputShape: shape,
    layer,
    dim,
    checkpoint: described.name,
    step: described.step,
    embed: (rawValues, count) => embedWithPyTorchRun(runDir, applyNormalisation(rawValues, normalisation), [count, ...shape], { layer }),
    dispose: () => undefined,
  };
}

async function openTfjsModel(runDir: string, spec: ResolvedSpec, warn: (line: string) => void): Promise<RunModel> {
  const checkpoint = newestCheckpoint(runDir, warn);
  const inputShape = checkpoint.state.extra['inputShape'];
  if (!Array.isArray(inputShape) || !inputShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`${join(runPaths(runDir).checkpoints, checkpoint.name, 'state.json')}: does not record the input shape; \`contrastive-lab resume ${runDir}\` writes a checkpoint that does.`);
  }
  const shape = inputShape as number[];
  const kind: DatasetKind = shape.length === 3 ? 'images' : 'vectors';
  const normalisation = await runNormalisation(runDir, spec, kind, shape);
  const model = modelFromCheckpoint(runDir, spec, checkpoint, shape);
  const { layer, dim } = layerOf(spec);
  const per = shape.reduce((a, b) => a * b, 1);
  return {
    spec,
    kind,
    inputShape: shape,
    layer,
    dim,
    checkpoint: checkpoint.name,
    step: checkpoint.state.position.step,
    async embed(rawValues, count) {
      const x = applyNormalisation(rawValues, normalisation);
      const out = new Float32Array(count * dim);
      for (let start = 0; start < count; start += EMBED_CHUNK) {
        const end = Math.min(count, start + EMBED_CHUNK);
        const embedded = tf.tidy(() => {
          const outputs = model.forward(tf.tensor(x.subarray(start * per, end * per), [end - start, ...shape]), { training: false });
          return layer === 'projection' ? outputs.projection : outputs.representation;
        });
        out.set(embedded.dataSync() as Float32Array, start * dim);
        embedded.dispose();
      }
      return out;
    },
    dispose: () => model.dispose(),
  };
}
