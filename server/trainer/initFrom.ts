// Starting a network from an earlier run's weights (`init:`; pretrain, then fine-tune): the one
// loader of another run's trained weights. readRunWeights reads the run's newest intact checkpoint
// and names every tensor as that run's network names it (it rebuilds the network from the run's
// spec.json to learn the names); loadParts copies the tensors of the chosen parts into a network
// by name, checking every shape. Also meant for loading one tower of a two-tower model.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tf } from '../contrastive/backend';
import { ContrastiveModel } from '../contrastive/models';
import type { ArchitectureOptions } from '../contrastive/models/contrastiveModel';
import { readInitSource } from '../spec/initSource';
import type { InitPart } from '../spec/init.decl';
import type { ResolvedSpec } from '../spec/types';
import { FileError, readJsonObject } from '../shared/files';
import { runPaths } from '../runs/paths';
import { readRunRecord } from '../runs/record';
import { loadLatestCheckpoint } from './checkpoint';

/** One trained tensor of an earlier run. */
export interface NamedWeight {
  /** The weight's name in the network, e.g. `backbone_dense_1/kernel`, `representation/bias`. */
  readonly name: string;
  readonly part: InitPart;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** An earlier run's trained network, as its newest intact checkpoint holds it. */
export interface RunWeights {
  readonly runDir: string;
  /** `checkpoints/step-<N>`: where the weights come from. */
  readonly checkpoint: string;
  readonly architecture: ArchitectureOptions;
  readonly inputShape: readonly number[];
  /** In the network's order (trainable weights, then batch-norm statistics). */
  readonly weights: readonly NamedWeight[];
}

/** A run that cannot give its weights, or weights that do not fit: said with the run and what to do. */
export class InitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InitError';
  }
}

/** The part of the network a weight belongs to, from the layer names the model builder gives. */
export function weightPart(name: string): InitPart {
  if (name.startsWith('representation/')) return 'representation';
  if (name.startsWith('projection_')) return 'projection';
  if (name.startsWith('prediction_')) return 'prediction';
  return 'backbone';
}

/** Reads the weights of the run in `runDir` (absolute). */
export function readRunWeights(runDir: string): RunWeights {
  const source = readInitSource(runDir, dirname(runDir));
  if (!source.ok) throw new InitError(source.problem);
  const spec = readJsonObject<ResolvedSpec>(runPaths(runDir).specJson, 'recorded spec');
  // A PyTorch run's checkpoint (checkpoint.pt) is not in this loader's format; the PyTorch engine loads it.
  if (existsSync(runPaths(runDir).runJson) && readRunRecord(runDir).engine === 'pytorch') {
    throw new InitError(`the run ${runDir} was trained on the PyTorch engine, whose checkpoints the TensorFlow.js trainer cannot read yet; train this spec with run.engine: pytorch (it loads PyTorch and tfjs runs), or start from a tfjs run`);
  }
  let loaded;
  try {
    loaded = loadLatestCheckpoint(runDir);
  } catch (e) {
    if (e instanceof FileError) throw new InitError(`the run ${runDir} has no intact checkpoint to start from (${e.message}); resume it, or start from another run`);
    throw e;
  }
  if (loaded === null) throw new InitError(`the run ${runDir} has no checkpoint, so it has no weights to start from; resume it, or start from another run`);
  const checkpoint = `checkpoints/${loaded.name}`;
  const inputShape = loaded.state.extra['inputShape'];
  if (!Array.isArray(inputShape) || !inputShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new InitError(`${join(runDir, checkpoint, 'state.json')} does not record the network's input shape (extra.inputShape); the checkpoint cannot be read as a network`);
  }
  // The stored tensors are in the network's weight order: rebuilding the network gives their names.
  const network = ContrastiveModel.build(spec.architecture, inputShape as number[]);
  try {
    const names = network.namedVariables();
    const stored = loaded.groups['model'] ?? [];
    if (stored.length !== names.length) {
      throw new InitError(`${join(runDir, checkpoint)} holds ${stored.length} network tensors but the architecture in ${runPaths(runDir).specJson} has ${names.length}; spec.json was changed after training`);
    }
    const weights = names.map(({ name, variable }, i): NamedWeight => {
      const t = stored[i]!;
      if (!tf.util.arraysEqual([...t.shape], variable.shape)) {
        throw new InitError(`${join(runDir, checkpoint)}: tensor ${i} (${name}) is [${t.shape.join(', ')}] but the architecture in spec.json makes it [${variable.shape.join(', ')}]; spec.json was changed after training`);
      }
      return { name, part: weightPart(name), shape: [...t.shape], values: t.values };
    });
    return { runDir, checkpoint, architecture: spec.architecture, inputShape: inputShape as number[], weights };
  } finally {
    network.dispose();
  }
}

/** The names of the network's weights that belong to `parts`. */
export function weightsOfParts(model: ContrastiveModel, parts: readonly InitPart[]): Set<string> {
  return new Set(model.namedVariables().filter((v) => parts.includes(weightPart(v.name))).map((v) => v.name));
}

/**
 * Copies the weights of `parts` from `source` into `model`, by name. A weight the source lacks or
 * has in another shape is an InitError naming the weight and both shapes; nothing is copied then.
 * Returns how many tensors were copied.
 */
export function loadParts(model: ContrastiveModel, source: RunWeights, parts: readonly InitPart[]): number {
  const byName = new Map(source.weights.map((w) => [w.name, w]));
  const targets = model.namedVariables().filter((v) => parts.includes(weightPart(v.name)));
  for (const part of parts) {
    if (!targets.some((v) => weightPart(v.name) === part)) throw new InitError(`init.parts lists ${part}, but this spec's network has no ${part}; remove it from init.parts`);
  }
  for (const { name, variable } of targets) {
    const w = byName.get(name);
    const part = weightPart(name);
    if (w === undefined) throw new InitError(`init.parts: ${part} cannot be loaded from ${source.runDir}: its network has no weight ${name} (this spec's ${part} is built differently: shape [${variable.shape.join(', ')}] here); give architecture the ${part} that run had`);
    if (!tf.util.arraysEqual([...w.shape], variable.shape)) {
      throw new InitError(`init.parts: ${part} cannot be loaded from ${source.runDir}: weight ${name} is [${w.shape.join(', ')}] in that run but [${variable.shape.join(', ')}] in this spec's network; give architecture the ${part} that run had`);
    }
  }
  for (const { name, variable } of targets) {
    const w = byName.get(name)!;
    const t = tf.tensor(w.values, [...w.shape], 'float32');
    variable.assign(t);
    t.dispose();
  }
  return targets.length;
}
