// `export --format tfjs` of a PyTorch run: the engine converts the weights of its newest intact
// checkpoint to the tfjs layers model of the same architecture (contrastive_lab_torch/tfjs_weights.py:
// tfjs names, kernel layouts, the order of a flattened feature map), they are set into that model
// (server/contrastive/models), and the same samples are embedded through both networks in one engine
// call: an output further from PyTorch's than EXPORT_TOLERANCE fails the export, naming it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../contrastive/backend';
import { ContrastiveModel } from '../../contrastive/models';
import { derivedRandom } from '../../contrastive/random';
import { runPaths } from '../../runs/paths';
import type { ResolvedSpec } from '../../spec/types';
import { listCheckpoints } from '../checkpoint';
import { queryPyTorchRun, type PyTorchModelReply, type PyTorchOutput, type TfjsWeight } from './pytorchEmbed';

/** Largest difference allowed between an output of the exported model and PyTorch's, relative to the output's scale (at least 1). */
export const EXPORT_TOLERANCE = 1e-4;
/** Samples embedded through both networks. */
const CHECK_SAMPLES = 8;

export interface ConvertedRun {
  /** The tfjs model holding the run's weights (the caller disposes it). */
  readonly model: ContrastiveModel;
  readonly checkpoint: string;
  readonly inputShape: readonly number[];
  /** The largest scaled difference seen over every output (≤ EXPORT_TOLERANCE). */
  readonly largestDifference: number;
}

/** The PyTorch run's network as a tfjs model, checked against the engine's own outputs. */
export async function pytorchRunAsTfjs(runDir: string, spec: ResolvedSpec): Promise<ConvertedRun> {
  const inputShape = recordedInputShape(runDir);
  const size = inputShape.reduce((a, b) => a * b, 1);
  // Standard-normal samples: every unit of the network sees positive and negative inputs.
  const rng = derivedRandom(0, 'export-check');
  const values = Float32Array.from({ length: CHECK_SAMPLES * size }, () => rng.normal());
  const outputs: PyTorchOutput[] = ['representation'];
  if (spec.architecture.projection !== null) outputs.push('projection');
  if (spec.architecture.prediction !== null) outputs.push('prediction');
  const reply = await queryPyTorchRun(runDir, { inputs: { values, shape: [CHECK_SAMPLES, ...inputShape], outputs }, tfjsWeights: true });
  const model = ContrastiveModel.build(spec.architecture, reply.inputShape);
  try {
    setConvertedWeights(model, reply.tfjsWeights ?? [], `${runDir} (${reply.checkpoint})`);
    const largestDifference = compareOutputs(model, values, reply, `${runDir} (${reply.checkpoint})`);
    return { model, checkpoint: reply.checkpoint, inputShape: reply.inputShape, largestDifference };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** The input shape the run's checkpoints record (the same in every one: the run's data). */
function recordedInputShape(runDir: string): number[] {
  const names = listCheckpoints(runDir);
  if (names.length === 0) throw new Error(`${runPaths(runDir).checkpoints}: no checkpoint yet; the run has to train at least one epoch (or be stopped) first.`);
  const problems: string[] = [];
  for (const name of [...names].reverse()) {
    const file = join(runPaths(runDir).checkpoints, name, 'state.json');
    try {
      const shape = (JSON.parse(readFileSync(file, 'utf8')) as { extra?: { inputShape?: unknown } }).extra?.inputShape;
      if (Array.isArray(shape) && shape.length > 0 && shape.every((d) => Number.isInteger(d) && d > 0)) return shape as number[];
      problems.push(`${file}: no extra.inputShape`);
    } catch (e) {
      problems.push(`${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  throw new Error(`no checkpoint of ${runDir} records its input shape (${problems.join('; ')}); resume the run or train it again to export.`);
}

/** Every tfjs weight from the converted list, by name; a weight on one side only or of another shape is an error naming it. */
function setConvertedWeights(model: ContrastiveModel, weights: readonly TfjsWeight[], where: string): void {
  const converted = new Map(weights.map((w) => [w.name, w]));
  const variables = model.namedVariables();
  const wanted = new Set(variables.map((v) => v.name));
  const missing = variables.filter((v) => !converted.has(v.name)).map((v) => v.name);
  const extra = weights.filter((w) => !wanted.has(w.name)).map((w) => w.name);
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(`${where}: the PyTorch network does not map one to one onto the tfjs model of this architecture: ${[
      missing.length > 0 ? `tfjs weights with no PyTorch counterpart: ${missing.join(', ')}` : '',
      extra.length > 0 ? `PyTorch weights the tfjs model lacks: ${extra.join(', ')}` : '',
    ].filter((s) => s !== '').join('; ')}. The conversion is engines/pytorch/contrastive_lab_torch/tfjs_weights.py.`);
  }
  const tensors = variables.map(({ name, variable }) => {
    const w = converted.get(name)!;
    if (!tf.util.arraysEqual([...w.shape], variable.shape)) throw new Error(`${where}: weight ${name} is [${w.shape.join(', ')}] from PyTorch but [${variable.shape.join(', ')}] in the tfjs model; the conversion (engines/pytorch/contrastive_lab_torch/tfjs_weights.py) does not lay it out as tfjs does.`);
    return tf.tensor(w.values, [...w.shape]);
  });
  try {
    model.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
}

/** The largest scaled difference between the tfjs model's outputs and PyTorch's on the check samples; above EXPORT_TOLERANCE it throws naming the output. */
function compareOutputs(model: ContrastiveModel, values: Float32Array, reply: PyTorchModelReply, where: string): number {
  const x = tf.tensor(values, [CHECK_SAMPLES, ...reply.inputShape]);
  const result = model.forward(x, { training: false });
  try {
    let largest = 0;
    for (const [layer, expected] of reply.outputs) {
      const tensor = layer === 'representation' ? result.representation : layer === 'projection' ? result.projection : result.prediction;
      if (tensor === undefined) throw new Error(`${where}: the tfjs model has no ${layer} output, but the PyTorch network has`);
      const actual = tensor.dataSync();
      let scale = 1;
      for (const v of expected.values) scale = Math.max(scale, Math.abs(v));
      let worst = 0;
      for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected.values[i]!));
      if (actual.length !== expected.values.length || !(worst / scale <= EXPORT_TOLERANCE)) {
        throw new Error(`${where}: the exported tfjs model's ${layer} output differs from the PyTorch network's by ${actual.length !== expected.values.length ? `its size (${actual.length} values against ${expected.values.length})` : `${(worst / scale).toExponential(2)} (more than ${EXPORT_TOLERANCE})`} on the same samples; the conversion (engines/pytorch/contrastive_lab_torch/tfjs_weights.py) does not reproduce this network, so nothing was exported.`);
      }
      largest = Math.max(largest, worst / scale);
    }
    return largest;
  } finally {
    tf.dispose([x, result.representation, result.projection, ...(result.prediction !== undefined ? [result.prediction] : [])]);
  }
}
