// Everything a run trains with, built from the resolved spec — the one place the trainer reads the
// spec's data plan, network, loss, miner, augmentations, optimiser, schedule and clipping: the batch
// plan, the online network (and its EMA target), the method, the negatives queue. The step
// (step.ts), its batches (batch.ts) and the checkpoint state (trainingState.ts) take them built.
import { buildSeededPipeline } from '../contrastive/augment/pipeline';
import { tf } from '../contrastive/backend';
import type { SplitDataset } from '../contrastive/data/types';
import { createDistance } from '../contrastive/distances';
import { ClassifierHead } from '../contrastive/heads/classifier';
import { createLoss } from '../contrastive/losses';
import { lossFacts } from '../contrastive/losses/declarations';
import { createMiner } from '../contrastive/miners';
import { ContrastiveModel } from '../contrastive/models';
import { createOptimizer } from '../contrastive/optim';
import { MemoryQueue } from '../contrastive/pairs/memoryQueue';
import { createSampler } from '../contrastive/pairs/sampler';
import { twoViewAugmenter } from '../contrastive/pairs/twoViews';
import { derivedRandom } from '../contrastive/random';
import { createSchedule } from '../contrastive/schedules';
import { EmaTarget } from '../contrastive/strategies';
import type { ResolvedSpec } from '../spec/types';
import { batchBuilder } from './batch';
import { withPrefetch } from './batchPrefetch';
import type { LoadedCheckpoint } from './checkpoint';
import type { Embedder } from './embed';
import type { GuardedTensor, NonFiniteFault } from './finiteGuard';
import { gatherRows } from './gatherRows';
import { loadParts, readRunWeights, weightsOfParts } from './initFrom';
import { planMethod } from './methods/pick';
import type { Forward, NegativesQueue } from './methods/types';
import { initializeSeeded } from './seededInit';
import { stepper } from './step';
import { captureState, restoreState, type StatefulParts, type TrainingState } from './trainingState';

export interface BatchPlan {
  readonly stepsPerEpoch: number;
  plan(epoch: number): Int32Array[];
}

export interface TrainingParts extends Embedder {
  readonly batches: BatchPlan;
  /** One optimisation step (`next`: the following step's batch, to make meanwhile); `fault` names the first non-finite input, loss, gradient or weight (the run must stop). */
  trainStep(indices: Int32Array, step: number, totalSteps: number, next?: Int32Array): Promise<{ loss: number; lr: number; fault: NonFiniteFault | null }>;
  /** The likely causes of a NaN/Inf loss for this recipe, as advice. */
  nanHint(): string;
  restore(checkpoint: LoadedCheckpoint): void;
  /** What a checkpoint holds: small JSON state and the tensors, read off the backend once. */
  checkpointState(): TrainingState;
  readonly model: ContrastiveModel;
  /** The classifier head's predicted class of each sample (dataset indices), or null without a classifier. */
  readonly classify: ((indices: Int32Array) => Int32Array) | null;
  /** Warnings about the recipe (collapse risks), for the run's events. */
  readonly warnings: readonly string[];
  dispose(): void;
}

/** The likely causes of a NaN/Inf loss for this recipe. */
function nanHint(spec: ResolvedSpec): string {
  const hints = [`lower strategy.optimizer.learningRate (now ${spec.strategy.optimizer.learningRate})`];
  if ('temperature' in spec.loss) hints.push(`raise loss.temperature (now ${spec.loss.temperature}); a small temperature makes exp() overflow`);
  if (spec.strategy.gradientClipNorm === null) hints.push('set strategy.gradientClipNorm (e.g. 1.0)');
  // Losses on per-dimension statistics (VICReg, Barlow Twins) are meant for unnormalised outputs;
  // telling them to normalise contradicts the vicreg-normalized-output rule.
  if (!spec.architecture.normalizeOutput && !lossFacts(spec.loss.type).expander) hints.push('set architecture.normalizeOutput: true');
  return `Likely causes: ${hints.join('; ')}.`;
}

/** The classes a classifier head needs: the data's class names, else the largest label + 1. */
function classCount(dataset: SplitDataset['dataset']): number {
  if (dataset.classNames !== null) return dataset.classNames.length;
  return dataset.labels === null ? 0 : dataset.labels.reduce((m, l) => Math.max(m, l + 1), 0);
}

/**
 * `initFrom`: the run directory (absolute) whose weights `spec.init` loads into the new network, or
 * null when they are not to be loaded (a resumed run's checkpoint holds them already).
 */
export function buildTrainingParts(spec: ResolvedSpec, data: SplitDataset, initFrom: string | null = null): TrainingParts {
  const { dataset } = data;
  const seed = spec.strategy.seed;
  const sampler = createSampler(spec.pairs.sampler, { indices: data.train, labels: dataset.labels }, { batchSize: spec.strategy.batchSize, seed, dropLast: true });
  if (sampler.batchesPerEpoch < 1) {
    throw new Error(`strategy.batchSize ${spec.strategy.batchSize} is larger than the ${data.train.length} training samples; lower the batch size or use more data.`);
  }
  const inputShape = [...dataset.sampleShape];
  const samples = { values: dataset.x, sampleShape: inputShape };
  const model = ContrastiveModel.build(spec.architecture, inputShape);
  initializeSeeded(model, seed);
  if (spec.init !== null && initFrom !== null) loadParts(model, readRunWeights(initFrom), spec.init.parts);
  // Frozen parts keep their weights: the optimiser never sees them.
  const frozen = spec.init !== null && spec.init.freeze ? weightsOfParts(model, spec.init.parts) : new Set<string>();
  const distance = createDistance(spec.distance);
  const loss = createLoss(spec.loss, distance);
  const miner = createMiner(spec.pairs.mining, distance);
  // The method says what to build: an EMA target, a queue of negatives, one or two views a batch.
  const plan = planMethod(spec, loss, miner);
  const ema = plan.ema !== null ? new EmaTarget(model) : null;
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
  const classifier = plan.classifier ? new ClassifierHead(spec.architecture.representationSize, classCount(dataset)) : null;
  const method = plan.build({ online: forwardOf(model, 'online'), ema: ema !== null ? forwardOf(ema.target, 'target') : null, queue, classifier });
  const optimizer = createOptimizer(spec.strategy.optimizer);
  const labels = spec.data.useLabels ? dataset.labels : null;
  const weakOnly = plan.views === 'one' && spec.pairs.views.weak.length > 0;
  const batches = withPrefetch(
    batchBuilder({
      samples,
      labels,
      twoViews: plan.views === 'two' ? twoViewAugmenter(spec.pairs.views, seed) : null,
      weakOnly: weakOnly ? buildSeededPipeline(spec.pairs.views.weak) : null,
      seed,
    }),
    { samples, labels, seed, batchSize: spec.strategy.batchSize, views: plan.views === 'two' ? spec.pairs.views : weakOnly ? { weakOnly: spec.pairs.views.weak } : null },
  );
  // Every weight the step may have changed: trainable ones, batch-norm statistics (updated by the
  // forward pass itself), the EMA target and the loss's own parameters.
  const guarded: GuardedTensor[] = [
    ...model.namedVariables().map((v) => ({ name: v.name, tensor: v.variable })),
    ...loss.trainableVariables.map((tensor, i) => ({ name: `loss/${i}`, tensor })),
    ...(classifier !== null ? classifier.namedVariables().map((v) => ({ name: v.name, tensor: v.variable })) : []),
    ...(ema !== null ? ema.target.namedVariables().map((v) => ({ name: `target/${v.name}`, tensor: v.variable })) : []),
  ];
  const trainStep = stepper({
    method,
    batches,
    trainable: [
      ...model.namedVariables().filter((v) => v.trainable && !frozen.has(v.name)).map((v) => ({ name: v.name, variable: v.variable })),
      ...loss.trainableVariables.map((variable, i) => ({ name: `loss/${i}`, variable })),
      ...(classifier?.namedVariables() ?? []),
    ],
    guarded,
    optimizer,
    schedule: createSchedule(spec.strategy.schedule, spec.strategy.optimizer.learningRate),
    stepsPerEpoch: sampler.batchesPerEpoch,
    clipNorm: spec.strategy.gradientClipNorm,
    ema: ema !== null && plan.ema !== null ? { target: ema, schedule: plan.ema } : null,
    memory,
    dropoutPosition,
  });
  const state: StatefulParts = { inputShape, model, ema, loss, classifier, optimizer, optimizerType: spec.strategy.optimizer.type, memory };
  const outputDim = (layer: 'representation' | 'projection'): number => (layer === 'projection' ? projectionSize : spec.architecture.representationSize);

  return {
    model,
    warnings: plan.warnings,
    batches: { stepsPerEpoch: sampler.batchesPerEpoch, plan: (epoch) => sampler.batches(epoch) },
    trainStep,
    nanHint: () => nanHint(spec),
    embed(indices, layer) {
      const dim = outputDim(layer);
      const out = new Float32Array(indices.length * dim);
      const chunk = 1024;
      for (let start = 0; start < indices.length; start += chunk) {
        const part = indices.subarray(start, Math.min(indices.length, start + chunk));
        // tidy returns the tensor, not its values: tidy walks whatever it returns, element by
        // element for a typed array, which cost more than the forward pass itself.
        // The representation alone when that is what is read: the heads are not computed for it.
        const embedded = tf.tidy(() => (layer === 'projection' ? model.forward(gatherRows(samples, part), { training: false }).projection : model.representation(gatherRows(samples, part))));
        out.set(embedded.dataSync() as Float32Array, start * dim);
        embedded.dispose();
      }
      return out;
    },
    outputDim,
    classify: classifier === null ? null : (indices) => {
      const out = new Int32Array(indices.length);
      const chunk = 1024;
      for (let start = 0; start < indices.length; start += chunk) {
        const part = indices.subarray(start, Math.min(indices.length, start + chunk));
        const representation = tf.tidy(() => model.forward(gatherRows(samples, part), { training: false }).representation);
        out.set(classifier.predict(representation), start);
        representation.dispose();
      }
      return out;
    },
    restore: (checkpoint) => restoreState(state, checkpoint),
    checkpointState: () => captureState(state),
    dispose() {
      batches.dispose();
      model.dispose();
      ema?.dispose();
      loss.dispose();
      classifier?.dispose();
      optimizer.dispose();
      memory?.dispose();
    },
  };
}
