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
import { ContrastiveModel } from '../contrastive/models';
import { clipByGlobalNorm, createOptimizer, type ParameterUpdate } from '../contrastive/optim';
import { MemoryQueue } from '../contrastive/pairs/memoryQueue';
import { createSchedule } from '../contrastive/schedules';
import { EmaTarget } from '../contrastive/strategies';
import type { Embedder } from './embed';
import { planMethod } from './methods/pick';
import type { Forward, NegativesQueue, StepBatch } from './methods/types';
import { checkStep, type GuardedTensor, type NonFiniteFault } from './finiteGuard';
import { initializeSeeded } from './seededInit';

export interface BatchPlan {
  readonly stepsPerEpoch: number;
  plan(epoch: number): Int32Array[];
}

export interface TrainingParts extends Embedder {
  readonly batches: BatchPlan;
  /** One optimisation step; `fault` names the first non-finite input, loss, gradient or weight (the run must stop). */
  trainStep(indices: Int32Array, step: number, totalSteps: number): Promise<{ loss: number; lr: number; fault: NonFiniteFault | null }>;
  /** The likely causes of a NaN/Inf loss for this recipe, as advice. */
  nanHint(): string;
  restore(checkpoint: LoadedCheckpoint): void;
  /** What a checkpoint holds: small JSON state and the tensors, read off the backend once. */
  checkpointState(): { readonly extra: Record<string, unknown>; readonly tensors: TensorGroups };
  readonly model: ContrastiveModel;
  /** Warnings about the recipe (collapse risks), for the run's events. */
  readonly warnings: readonly string[];
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
  const model = ContrastiveModel.build(spec.architecture, inputShape);
  initializeSeeded(model, seed);
  const distance = createDistance(spec.distance);
  const loss = createLoss(spec.loss, distance);
  const miner = createMiner(spec.pairs.mining, distance);
  // The method says what to build: an EMA target, a queue of negatives, one or two views a batch.
  const plan = planMethod(spec, loss, miner);
  const emaSchedule = plan.ema;
  const ema = emaSchedule !== null ? new EmaTarget(model) : null;
  // Dropout masks are seeded by (run seed, step, branch, call within the step): the method calls
  // the network in a fixed order, so a replayed step draws the same masks and each step new ones.
  const dropoutPosition = { step: 0, calls: 0 };
  const forwardOf = (m: ContrastiveModel, branch: 'online' | 'target'): Forward => (x, training) => {
    const dropoutSeed = training ? derivedRandom(seed, 'dropout', dropoutPosition.step, branch, dropoutPosition.calls++).nextSeed() : undefined;
    const r = m.forward(x, dropoutSeed === undefined ? { training } : { training, dropoutSeed });
    return { representation: r.representation, projection: r.projection, prediction: r.prediction ?? null };
  };
  const projectionSize = spec.architecture.projection !== null ? spec.architecture.projection.layers[spec.architecture.projection.layers.length - 1]! : spec.architecture.representationSize;
  const memory = plan.queueSize !== null ? new MemoryQueue(plan.queueSize, projectionSize) : null;
  const queue: NegativesQueue | null =
    memory === null
      ? null
      : {
          contents: () => {
            if (memory.count === 0) return null;
            const c = memory.contents();
            return { embeddings: c.keys, labels: c.labels };
          },
        };
  const method = plan.build({ online: forwardOf(model, 'online'), ema: ema !== null ? forwardOf(ema.target, 'target') : null, queue });
  const named = [
    ...model.namedVariables().filter((v) => v.trainable).map((v) => ({ name: v.name, variable: v.variable })),
    ...loss.trainableVariables.map((variable, i) => ({ name: `loss/${i}`, variable })),
  ];
  const trainable = named.map((n) => n.variable);
  const optimizer = createOptimizer(spec.strategy.optimizer);
  const schedule = createSchedule(spec.strategy.schedule, spec.strategy.optimizer.learningRate);
  const augmentViews = plan.views === 'two' ? twoViewAugmenter(spec.pairs.views, seed) : null;
  const weakOnly = plan.views === 'one' && spec.pairs.views.weak.length > 0 ? buildSeededPipeline(spec.pairs.views.weak) : null;
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

  const viewNames = plan.views === 'two' ? ['view 1 (pairs.views.weak)', 'view 2 (pairs.views.strong)'] : [weakOnly !== null ? 'the batch (after pairs.views.weak)' : 'the batch'];
  const batchInputs = (batch: StepBatch): GuardedTensor[] => [batch.view1, ...(batch.view2 ? [batch.view2] : [])].map((tensor, i) => ({ name: viewNames[i]!, tensor }));
  // Every weight the step may have changed: trainable ones, batch-norm statistics (updated by the
  // forward pass itself), the EMA target and the loss's own parameters.
  const guarded: GuardedTensor[] = [
    ...model.namedVariables().map((v) => ({ name: v.name, tensor: v.variable })),
    ...loss.trainableVariables.map((tensor, i) => ({ name: `loss/${i}`, tensor })),
    ...(ema !== null ? ema.target.namedVariables().map((v) => ({ name: `target/${v.name}`, tensor: v.variable })) : []),
  ];

  const outputDim = (layer: 'representation' | 'projection'): number => (layer === 'projection' ? projectionSize : spec.architecture.representationSize);

  return {
    model,
    warnings: plan.warnings,
    batches: { stepsPerEpoch, plan: (epoch) => sampler.batches(epoch) },
    async trainStep(indices, step, totalSteps) {
      const lr = schedule(step - 1, totalSteps, stepsPerEpoch);
      const batch = makeBatch(indices, step);
      dropoutPosition.step = step;
      dropoutPosition.calls = 0;
      let keys: tf.Tensor2D | null = null;
      let keyLabels: Int32Array | null = null;
      try {
        const { value, grads } = tf.variableGrads(() => {
          const result = method.step(batch);
          keys = result.keys;
          keyLabels = result.keyLabels;
          return result.loss;
        }, trainable);
        const updates: ParameterUpdate[] = named.filter((n) => grads[n.variable.name] !== undefined).map((n) => ({ ...n, gradient: grads[n.variable.name]! }));
        const clipped = spec.strategy.gradientClipNorm !== null ? clipByGlobalNorm(updates, spec.strategy.gradientClipNorm).gradients : null;
        // The update is applied before the check so that one read covers loss, gradients and the new
        // weights; a fault fails the run, and the last good checkpoint on disk is what remains.
        optimizer.applyGradients(clipped ?? updates, lr);
        if (ema !== null && emaSchedule !== null) ema.update(step - 1, totalSteps, emaSchedule);
        const { loss: lossValue, fault } = await checkStep({
          inputs: batchInputs(batch),
          loss: value,
          gradients: updates.map((u) => ({ name: u.name, tensor: u.gradient })),
          parameters: guarded,
        });
        value.dispose();
        if (fault === null && memory !== null && keys !== null && keyLabels !== null) memory.enqueue(keys, keyLabels);
        tf.dispose([...Object.values(grads), ...(clipped ?? []).map((c) => c.gradient)]);
        return { loss: lossValue, lr, fault };
      } finally {
        tf.dispose([batch.view1, ...(batch.view2 ? [batch.view2] : [])]);
        if (keys !== null) (keys as tf.Tensor).dispose();
      }
    },
    nanHint() {
      const hints = [`lower strategy.optimizer.learningRate (now ${spec.strategy.optimizer.learningRate})`];
      if ('temperature' in spec.loss) hints.push(`raise loss.temperature (now ${spec.loss.temperature}); a small temperature makes exp() overflow`);
      if (spec.strategy.gradientClipNorm === null) hints.push('set strategy.gradientClipNorm (e.g. 1.0)');
      // VICReg and Barlow Twins are meant for unnormalised outputs (their own variance / batch
      // normalisation); telling them to normalise contradicts the vicreg-normalized-output rule.
      const wantsUnnormalised = spec.loss.type === 'vicreg' || spec.loss.type === 'barlowTwins';
      if (!spec.architecture.normalizeOutput && !wantsUnnormalised) hints.push('set architecture.normalizeOutput: true');
      return `Likely causes: ${hints.join('; ')}.`;
    },
    embed(indices, layer) {
      const dim = outputDim(layer);
      const out = new Float32Array(indices.length * dim);
      const chunk = 1024;
      for (let start = 0; start < indices.length; start += chunk) {
        const part = indices.subarray(start, Math.min(indices.length, start + chunk));
        const values = tf.tidy(() => {
          const outputs = model.forward(tf.gather(allX, tf.tensor1d(part, 'int32')), { training: false });
          return (layer === 'projection' ? outputs.projection : outputs.representation).dataSync() as Float32Array;
        });
        out.set(values, start * dim);
      }
      return out;
    },
    outputDim,
    restore(checkpoint) {
      const g = checkpoint.groups;
      const load = (m: ContrastiveModel, stored: readonly StoredTensor[]): void => {
        const tensors = stored.map((t) => tf.tensor(t.values, [...t.shape]));
        try {
          m.setWeights(tensors);
        } finally {
          tf.dispose(tensors);
        }
      };
      load(model, g['model'] ?? []);
      if (ema !== null) load(ema.target, g['target'] ?? []);
      assignStored(loss.trainableVariables, g['loss'] ?? [], 'loss parameters');
      const slotNames = ((checkpoint.state.extra['optimizer'] ?? {}) as { slots?: string[] }).slots ?? [];
      const slotTensors = g['optimizer'] ?? [];
      const slots: Record<string, tf.Tensor> = {};
      slotNames.forEach((name, i) => {
        const t = slotTensors[i]!;
        slots[name] = tf.tensor(t.values, [...t.shape]);
      });
      const step = ((checkpoint.state.extra['optimizer'] ?? {}) as { step?: number }).step ?? 0;
      try {
        optimizer.setState({ type: spec.strategy.optimizer.type, step, slots });
      } finally {
        tf.dispose(Object.values(slots));
      }
      if (memory !== null) {
        const q = (checkpoint.state.extra['queue'] ?? null) as { pointer: number; filled: number } | null;
        const [keys, labels, ids] = g['queue'] ?? [];
        if (q !== null && keys && labels && ids) {
          memory.setState({ size: memory.size, dim: memory.dim, pointer: q.pointer, filled: q.filled, keys: keys.values, labels: Int32Array.from(labels.values), ids: Int32Array.from(ids.values) });
        }
      }
    },
    checkpointState() {
      const state = optimizer.getState();
      const slotNames = Object.keys(state.slots).sort();
      const optimizerSlots = toStored(slotNames.map((n) => state.slots[n]!));
      tf.dispose(Object.values(state.slots));
      const weights = model.getWeights();
      const targetWeights = ema?.target.getWeights() ?? [];
      const q = memory?.getState();
      try {
        const extra = { inputShape, optimizer: { step: state.step, slots: slotNames }, ...(q ? { queue: { pointer: q.pointer, filled: q.filled } } : {}) };
        const tensors = {
          model: toStored(weights),
          ...(ema !== null ? { target: toStored(targetWeights) } : {}),
          loss: toStored(loss.trainableVariables),
          optimizer: optimizerSlots,
          ...(q ? { queue: [{ shape: [q.size, q.dim], values: q.keys }, { shape: [q.size], values: Float32Array.from(q.labels) }, { shape: [q.size], values: Float32Array.from(q.ids) }] } : {}),
        };
        return { extra, tensors };
      } finally {
        tf.dispose([...weights, ...targetWeights]);
      }
    },
    dispose() {
      allX.dispose();
      model.dispose();
      ema?.dispose();
      loss.dispose();
      optimizer.dispose();
      memory?.dispose();
    },
  };
}
