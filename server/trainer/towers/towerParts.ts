// Everything a two-tower run trains with, built from the resolved spec: the two towers, the loss
// across them (SigLIP with its learnable t′ and b, or CLIP's symmetric InfoNCE), the optimiser over
// the unlocked towers' weights (and the loss's), the batch plan over the training pairs, the step,
// and what a checkpoint holds (both towers, the loss, the optimiser, the tokenizers' vocabularies).
import { tf } from '../../contrastive/backend';
import { clipByGlobalNorm, createOptimizer, type ParameterUpdate } from '../../contrastive/optim';
import { createSampler } from '../../contrastive/pairs/sampler';
import { derivedRandom } from '../../contrastive/random';
import { createSchedule } from '../../contrastive/schedules';
import { SigLIPLoss } from '../../contrastive/losses/siglip';
import { symmetricInfoNCE } from '../../contrastive/towers/crossLoss';
import type { TokenizerJson } from '../../contrastive/towers/tokenizer';
import type { ResolvedSpec } from '../../spec/types';
import { initRunDir } from '../../spec/initSource';
import type { LoadedCheckpoint, StoredTensor } from '../checkpoint';
import { checkStep, type NonFiniteFault } from '../finiteGuard';
import type { BatchPlan } from '../parts';
import { toStored, type TrainingState } from '../trainingState';
import type { PairedSplit } from './pairedSplit';
import { buildTower, type Tower } from './towers';

export interface TowerParts {
  readonly batches: BatchPlan;
  trainStep(indices: Int32Array, step: number, totalSteps: number): Promise<{ loss: number; lr: number; fault: NonFiniteFault | null }>;
  nanHint(): string;
  readonly towers: { readonly a: Tower; readonly b: Tower };
  /** The tokenizers of the text towers, by tower, as stored in the run. */
  tokenizers(): Partial<Record<'a' | 'b', TokenizerJson>>;
  checkpointState(): TrainingState;
  restore(checkpoint: LoadedCheckpoint): void;
  dispose(): void;
}

function nanHint(spec: ResolvedSpec): string {
  const hints = [`lower strategy.optimizer.learningRate (now ${spec.strategy.optimizer.learningRate})`];
  if (spec.loss.type === 'infoNCE') hints.push(`raise loss.temperature (now ${spec.loss.temperature})`);
  if (spec.strategy.gradientClipNorm === null) hints.push('set strategy.gradientClipNorm (e.g. 1.0)');
  return `Likely causes: ${hints.join('; ')}.`;
}

/** `resume`: the run continues from a checkpoint, which holds the towers' weights (init is not read again). */
export function buildTowerParts(spec: ResolvedSpec, data: PairedSplit, specDir: string, resume: boolean): TowerParts {
  const towersSpec = spec.architecture.towers;
  if (towersSpec === null) throw new Error('architecture.towers is not set: this is not a two-tower spec.');
  const seed = spec.strategy.seed;
  const initOf = (name: 'a' | 'b') => {
    const init = towersSpec[name].init;
    return init !== null && !resume ? initRunDir(init.from, specDir) : null;
  };
  const a = buildTower('a', towersSpec.a, data.a, data.train, seed, initOf('a'));
  let b: Tower;
  try {
    b = buildTower('b', towersSpec.b, data.b, data.train, seed, initOf('b'));
  } catch (e) {
    a.dispose();
    throw e;
  }
  if (a.outputSize !== b.outputSize) {
    a.dispose();
    b.dispose();
    throw new Error(`architecture.towers: tower a embeds into ${a.outputSize} values but tower b into ${b.outputSize}; both towers must share one embedding size.`);
  }
  const loss = spec.loss;
  if (loss.type !== 'siglip' && loss.type !== 'infoNCE') {
    a.dispose();
    b.dispose();
    throw new Error(`loss.type "${loss.type}" does not train across two towers; use siglip or infoNCE.`);
  }
  const siglip = loss.type === 'siglip' ? new SigLIPLoss({ logitScale: loss.logitScale, logitBias: loss.logitBias, learnable: loss.learnable }) : null;
  const temperature = loss.type === 'infoNCE' ? loss.temperature : 0;
  const lossOf = (x: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar => (siglip !== null ? siglip.compute({ views: { view1: x, view2: y } }) : symmetricInfoNCE(x, y, temperature));

  const sampler = createSampler({ type: 'random' }, { indices: data.train, labels: null }, { batchSize: spec.strategy.batchSize, seed, dropLast: true });
  if (sampler.batchesPerEpoch < 1) {
    a.dispose();
    b.dispose();
    siglip?.dispose();
    throw new Error(`strategy.batchSize ${spec.strategy.batchSize} is larger than the ${data.train.length} training pairs; lower the batch size or use more pairs.`);
  }
  const lossWeights = (siglip?.trainableVariables ?? []).map((variable, i) => ({ name: `loss/${i}`, variable, trainable: true }));
  const all = [...a.weights, ...b.weights, ...lossWeights];
  const trainable = all.filter((w) => w.trainable).map(({ name, variable }) => ({ name, variable }));
  if (trainable.length === 0) {
    a.dispose();
    b.dispose();
    siglip?.dispose();
    throw new Error('both towers are locked and the loss has no parameters of its own: nothing would train. Unlock one tower (architecture.towers.<a|b>.locked: false).');
  }
  const optimizer = createOptimizer(spec.strategy.optimizer);
  const schedule = createSchedule(spec.strategy.schedule, spec.strategy.optimizer.learningRate);
  const stepsPerEpoch = sampler.batchesPerEpoch;
  const variables = trainable.map((t) => t.variable);

  async function trainStep(indices: Int32Array, step: number, totalSteps: number) {
    const lr = schedule(step - 1, totalSteps, stepsPerEpoch);
    const dropout = (tower: 'a' | 'b') => derivedRandom(seed, 'dropout', step, tower).nextSeed();
    const { value, grads } = tf.variableGrads(() => lossOf(a.embed(indices, true, dropout('a')), b.embed(indices, true, dropout('b'))), variables);
    const updates: ParameterUpdate[] = trainable.filter((t) => grads[t.variable.name] !== undefined).map((t) => ({ ...t, gradient: grads[t.variable.name]! }));
    const clipped = spec.strategy.gradientClipNorm !== null ? clipByGlobalNorm(updates, spec.strategy.gradientClipNorm).gradients : null;
    optimizer.applyGradients(clipped ?? updates, lr);
    const { loss: lossValue, fault } = await checkStep({
      inputs: [],
      loss: value,
      gradients: updates.map((u) => ({ name: u.name, tensor: u.gradient })),
      parameters: all.map((w) => ({ name: w.name, tensor: w.variable })),
    });
    value.dispose();
    tf.dispose([...Object.values(grads), ...(clipped ?? []).map((c) => c.gradient)]);
    return { loss: lossValue, lr, fault };
  }

  const tokenizers = (): Partial<Record<'a' | 'b', TokenizerJson>> => Object.fromEntries([a, b].filter((t) => t.tokenizer !== null).map((t) => [t.name, t.tokenizer!.toJSON()]));

  function checkpointState(): TrainingState {
    const state = optimizer.getState();
    const slotNames = Object.keys(state.slots).sort();
    const slots = toStored(slotNames.map((n) => state.slots[n]!));
    tf.dispose(Object.values(state.slots));
    return {
      extra: { towers: { a: towersSpec!.a.type, b: towersSpec!.b.type }, tokenizers: tokenizers(), optimizer: { step: state.step, slots: slotNames } },
      tensors: { towerA: toStored(a.weights.map((w) => w.variable)), towerB: toStored(b.weights.map((w) => w.variable)), loss: toStored(siglip?.trainableVariables ?? []), optimizer: slots },
    };
  }

  function assign(weights: readonly { name: string; variable: tf.Variable }[], stored: readonly StoredTensor[] | undefined, what: string): void {
    if (stored === undefined || stored.length !== weights.length) throw new Error(`the checkpoint's ${what} has ${stored?.length ?? 0} tensors but this run has ${weights.length}; was spec.json edited after the run started?`);
    weights.forEach((w, i) => {
      const s = stored[i]!;
      if (s.values.length !== w.variable.size) throw new Error(`the checkpoint's ${what} tensor ${w.name} has ${s.values.length} values, expected ${w.variable.size} (shape [${w.variable.shape.join(', ')}]); was spec.json or the data changed after the run started?`);
      const t = tf.tensor(s.values, w.variable.shape, 'float32');
      w.variable.assign(t);
      t.dispose();
    });
  }

  function restore(checkpoint: LoadedCheckpoint): void {
    const extra = checkpoint.state.extra as { tokenizers?: Partial<Record<'a' | 'b', TokenizerJson>>; optimizer?: { step?: number; slots?: string[] } };
    // The vocabulary is rebuilt from the training texts; a different one (the data changed) would give other token ids.
    for (const tower of [a, b]) {
      const stored = extra.tokenizers?.[tower.name];
      if (tower.tokenizer !== null && JSON.stringify(stored?.vocabulary) !== JSON.stringify(tower.tokenizer.vocabulary)) {
        throw new Error(`the checkpoint's tokenizer of tower ${tower.name} has another vocabulary than the training texts give now; the paired data changed after the run started, so it cannot be resumed.`);
      }
    }
    const g = checkpoint.groups;
    assign(a.weights, g['towerA'], 'tower a');
    assign(b.weights, g['towerB'], 'tower b');
    assign(lossWeights, g['loss'] ?? [], 'loss parameters');
    const slotNames = extra.optimizer?.slots ?? [];
    const slotTensors = g['optimizer'] ?? [];
    const slots: Record<string, tf.Tensor> = {};
    slotNames.forEach((name, i) => (slots[name] = tf.tensor(slotTensors[i]!.values, [...slotTensors[i]!.shape])));
    try {
      optimizer.setState({ type: spec.strategy.optimizer.type, step: extra.optimizer?.step ?? 0, slots });
    } finally {
      tf.dispose(Object.values(slots));
    }
  }

  return {
    batches: { stepsPerEpoch, plan: (epoch) => sampler.batches(epoch) },
    trainStep,
    nanHint: () => nanHint(spec),
    towers: { a, b },
    tokenizers,
    checkpointState,
    restore,
    dispose() {
      a.dispose();
      b.dispose();
      siglip?.dispose();
      optimizer.dispose();
    },
  };
}
