// Everything a run trains with, built from the resolved spec: the batch plan, the augmentations,
// the online network (and its EMA target), loss, miner, optimiser with its schedule, gradient
// clipping and the negatives queue — with the state a checkpoint needs to continue exactly.
import { tf } from '../contrastive/backend';
import type { SplitDataset } from '../contrastive/data/types';
import { createDistance } from '../contrastive/distances';
import { createLoss } from '../contrastive/losses';
import { createMiner } from '../contrastive/miners';
import { buildSeededPipeline } from '../contrastive/augment/pipeline';
import { twoViewAugmenter } from '../contrastive/pairs/twoViews';
import { createSampler } from '../contrastive/pairs/sampler';
import { derivedRandom } from '../contrastive/random';
import type { ResolvedSpec } from '../spec/types';
import type { LoadedCheckpoint, StoredTensor, TensorGroups } from './checkpoint';
import type { Embedder } from './embed';
import { createNetwork, type Network } from './network';
import { createObjective, type StepBatch } from './objective';
import { createStepOptimizer, learningRateAt } from './optimizer';
import { KeyQueue } from './keyQueue';
import { emaTauAt, updateEma } from './ema';

export interface BatchPlan {
  readonly stepsPerEpoch: number;
  plan(epoch: number): Int32Array[];
}

export interface TrainingParts extends Embedder {
  readonly batches: BatchPlan;
  trainStep(indices: Int32Array, step: number, totalSteps: number): Promise<{ loss: number; lr: number }>;
  /** The likely causes of a NaN/Inf loss for this recipe, as advice. */
  nanHint(): string;
  restore(checkpoint: LoadedCheckpoint): void;
  extraState(): Record<string, unknown>;
  tensorState(): TensorGroups;
  readonly network: Network;
  dispose(): void;
}

export function toStored(tensors: readonly tf.Tensor[]): StoredTensor[] {
  return tensors.map((t) => ({ shape: [...t.shape], values: Float32Array.from(t.dataSync() as Float32Array) }));
}

function assignStored(variables: readonly tf.Variable[], stored: readonly StoredTensor[] | undefined, what: string): void {
  if (stored === undefined || stored.length !== variables.length) {
    throw new Error(`the checkpoint's ${what} has ${stored?.length ?? 0} tensors but this run has ${variables.length}; was spec.json edited after the run started?`);
  }
  variables.forEach((v, i) => {
    const s = stored[i]!;
    if (s.values.length !== v.size) throw new Error(`the checkpoint's ${what} tensor ${i} has ${s.values.length} values, expected ${v.size} (shape [${v.shape.join(', ')}])`);
    v.assign(tf.tensor(s.values, v.shape, 'float32'));
  });
}

function globalNormClip(grads: tf.NamedTensorMap, maxNorm: number): tf.NamedTensorMap {
  const names = Object.keys(grads);
  const total = tf.tidy(() => tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n]!))))).dataSync()[0]!);
  if (!(total > maxNorm)) return grads;
  const scale = maxNorm / (total + 1e-6);
  const clipped: tf.NamedTensorMap = {};
  for (const n of names) {
    clipped[n] = tf.mul(grads[n]!, scale);
    grads[n]!.dispose();
  }
  return clipped;
}

export function buildTrainingParts(spec: ResolvedSpec, data: SplitDataset): TrainingParts {
  const { dataset } = data;
  const seed = spec.strategy.seed;
  const trainLabels = spec.data.useLabels ? dataset.labels : null;
  const sampler = createSampler(spec.pairs.sampler, { indices: data.train, labels: dataset.labels }, { batchSize: spec.strategy.batchSize, seed, dropLast: true });
  if (sampler.batchesPerEpoch < 1) {
    throw new Error(`strategy.batchSize ${spec.strategy.batchSize} is larger than the ${data.train.length} training samples; lower the batch size or use more data.`);
  }
  const inputShape = [...dataset.sampleShape];
  const allX = tf.tensor(dataset.x, [dataset.count, ...inputShape], 'float32');
  const network = createNetwork(spec.architecture, inputShape, seed);
  const target = spec.strategy.ema !== null ? createNetwork(spec.architecture, inputShape, seed) : null;
  if (target !== null) target.setWeights(network.getWeights());
  const distance = createDistance(spec.distance);
  const loss = createLoss(spec.loss, distance);
  const miner = createMiner(spec.pairs.mining, distance);
  const queue = spec.pairs.negatives.type === 'queue' ? new KeyQueue(spec.pairs.negatives.size) : null;
  const objective = createObjective({ spec, loss, miner, online: network.forward, target: target?.forward ?? null, queue });
  const trainable = [...network.trainableVariables, ...loss.trainableVariables];
  const optimizer = createStepOptimizer(spec.strategy.optimizer, trainable);
  const augmentViews = spec.pairs.positives === 'augmentation' ? twoViewAugmenter(spec.pairs.views, seed) : null;
  const weakOnly = spec.pairs.positives === 'labels' && spec.pairs.views.weak.length > 0 ? buildSeededPipeline(spec.pairs.views.weak) : null;
  const stepsPerEpoch = sampler.batchesPerEpoch;

  const makeBatch = (indices: Int32Array, step: number): StepBatch => {
    const labels = trainLabels !== null ? Int32Array.from(indices, (i) => trainLabels[i]!) : null;
    const x = tf.tidy(() => tf.gather(allX, tf.tensor1d(indices, 'int32')));
    if (augmentViews !== null) {
      const { view1, view2 } = augmentViews(x, step);
      x.dispose();
      return { labels, view1, view2 };
    }
    if (weakOnly !== null) {
      const view1 = weakOnly(x, derivedRandom(seed, 'views', 'weak', step));
      x.dispose();
      return { labels, view1, view2: null };
    }
    return { labels, view1: x, view2: null };
  };

  const outputDim = (layer: 'representation' | 'projection'): number => (layer === 'projection' ? network.projectionSize : spec.architecture.representationSize);

  return {
    network,
    batches: { stepsPerEpoch, plan: (epoch) => sampler.batches(epoch) },
    async trainStep(indices, step, totalSteps) {
      const lr = learningRateAt(spec.strategy, step, stepsPerEpoch, totalSteps);
      const batch = makeBatch(indices, step);
      let keys: tf.Tensor2D | null = null;
      let keyLabels: Int32Array | null = null;
      try {
        const { value, grads } = tf.variableGrads(() => {
          const result = objective(batch);
          keys = result.keys;
          keyLabels = result.keyLabels;
          return result.loss;
        }, trainable);
        const clipped = spec.strategy.gradientClipNorm !== null ? globalNormClip(grads, spec.strategy.gradientClipNorm) : grads;
        const lossValue = (await value.data())[0]!;
        value.dispose();
        if (Number.isFinite(lossValue)) {
          optimizer.apply(clipped, lr);
          if (target !== null && spec.strategy.ema !== null) updateEma(target, network, emaTauAt(spec.strategy.ema, step, totalSteps));
          if (queue !== null && keys !== null && keyLabels !== null) queue.push(keys, keyLabels);
        }
        tf.dispose(Object.values(clipped));
        return { loss: lossValue, lr };
      } finally {
        tf.dispose([batch.view1, ...(batch.view2 ? [batch.view2] : [])]);
        if (keys !== null) (keys as tf.Tensor).dispose();
      }
    },
    nanHint() {
      const hints = [`lower strategy.optimizer.learningRate (now ${spec.strategy.optimizer.learningRate})`];
      if ('temperature' in spec.loss) hints.push(`raise loss.temperature (now ${spec.loss.temperature}); a small temperature makes exp() overflow`);
      if (spec.strategy.gradientClipNorm === null) hints.push('set strategy.gradientClipNorm (e.g. 1.0)');
      if (!spec.architecture.normalizeOutput) hints.push('set architecture.normalizeOutput: true');
      return `Likely causes: ${hints.join('; ')}.`;
    },
    embed(indices, layer) {
      const dim = outputDim(layer);
      const out = new Float32Array(indices.length * dim);
      const chunk = 1024;
      for (let start = 0; start < indices.length; start += chunk) {
        const part = indices.subarray(start, Math.min(indices.length, start + chunk));
        const values = tf.tidy(() => {
          const outputs = network.forward(tf.gather(allX, tf.tensor1d(part, 'int32')), false);
          return (layer === 'projection' ? outputs.projection : outputs.representation).dataSync() as Float32Array;
        });
        out.set(values, start * dim);
      }
      return out;
    },
    outputDim,
    restore(checkpoint) {
      const g = checkpoint.groups;
      const load = (net: Network, stored: readonly StoredTensor[]): void => {
        const tensors = stored.map((s) => tf.tensor(s.values, [...s.shape]));
        try {
          net.setWeights(tensors);
        } finally {
          tf.dispose(tensors);
        }
      };
      load(network, g['model'] ?? []);
      if (target !== null) load(target, g['target'] ?? []);
      assignStored(loss.trainableVariables, g['loss'] ?? [], 'loss parameters');
      optimizer.restore(g['optimizer'] ?? [], checkpoint.state.extra['optimizer']);
      if (queue !== null) queue.restore(g['queue'] ?? [], checkpoint.state.extra['queue']);
    },
    extraState() {
      return { optimizer: optimizer.extra(), ...(queue !== null ? { queue: queue.extra() } : {}) };
    },
    tensorState() {
      return {
        model: toStored(network.getWeights()),
        ...(target !== null ? { target: toStored(target.getWeights()) } : {}),
        loss: toStored(loss.trainableVariables),
        optimizer: optimizer.tensors(),
        ...(queue !== null ? { queue: queue.tensors() } : {}),
      };
    },
    dispose() {
      allX.dispose();
      network.dispose();
      target?.dispose();
      loss.dispose();
      optimizer.dispose();
      queue?.dispose();
    },
  };
}
