// The two towers of a run: a network tower (backbone → representation → projection, the one-tower
// ContrastiveModel) for an image or numeric side, or a text tower (tokenizer → token embeddings →
// mean → projection) for a text side. Each names its weights `<a|b>/…` for the optimiser, the
// finite guard and the checkpoint; a locked tower keeps its weights (and batch-norm statistics).
import { tf } from '../../contrastive/backend';
import { ContrastiveModel } from '../../contrastive/models';
import { derivedRandom } from '../../contrastive/random';
import { TextTower } from '../../contrastive/towers/textTower';
import { Tokenizer } from '../../contrastive/towers/tokenizer';
import { towerOutputSize } from '../../spec/towerFacts';
import type { TowerSpec } from '../../spec/types';
import { gatherRows } from '../gatherRows';
import { loadParts, readRunWeights, type RunWeights } from '../initFrom';
import { initializeSeeded } from '../seededInit';
import type { SideInput } from './pairedSplit';

export type TowerName = 'a' | 'b';

export interface NamedWeight {
  readonly name: string;
  readonly variable: tf.Variable;
  readonly trainable: boolean;
}

export interface Tower {
  readonly name: TowerName;
  readonly locked: boolean;
  /** Its output size: the shared embedding size. */
  readonly outputSize: number;
  /** The tokenizer of a text tower (stored with the run), else null. */
  readonly tokenizer: Tokenizer | null;
  /** Raw embeddings of the pairs `indices` (this tower's side). */
  embed(indices: Int32Array, training: boolean, dropoutSeed?: number): tf.Tensor2D;
  /** A text tower's embeddings of any texts (zero-shot prompts, search queries); null for a network tower. */
  embedTexts(texts: readonly string[]): tf.Tensor2D | null;
  /** A network tower's embeddings of `count` new samples already scaled as its side (search queries); null for a text tower. */
  embedSamples(values: Float32Array, count: number): tf.Tensor2D | null;
  /** Its weights, named `<a|b>/…`; none trainable when it is locked. */
  readonly weights: readonly NamedWeight[];
  dispose(): void;
}

function networkTower(name: TowerName, spec: TowerSpec, side: Extract<SideInput, { kind: 'samples' }>, seed: number, init: RunWeights | null): Tower {
  const model = ContrastiveModel.build({ backbone: spec.backbone, representationSize: spec.representationSize, projection: spec.projection, prediction: null, normalizeOutput: false }, side.samples.sampleShape);
  initializeSeeded(model, derivedRandom(seed, 'tower', name).nextSeed());
  if (init !== null) loadParts(model, init, spec.projection !== null ? ['backbone', 'representation', 'projection'] : ['backbone', 'representation']);
  const weights = model.namedVariables().map((v) => ({ name: `${name}/${v.name}`, variable: v.variable, trainable: v.trainable && !spec.locked }));
  return {
    name,
    locked: spec.locked,
    outputSize: towerOutputSize(spec),
    tokenizer: null,
    // A locked tower runs in inference mode: its batch-norm statistics stay as loaded, too.
    embed: (indices, training, dropoutSeed) => {
      const train = training && !spec.locked;
      return tf.tidy(() => model.forward(gatherRows(side.samples, indices), train && dropoutSeed !== undefined ? { training: true, dropoutSeed } : { training: train }).projection);
    },
    embedTexts: () => null,
    embedSamples: (values, count) => tf.tidy(() => model.forward(tf.tensor(values, [count, ...side.samples.sampleShape]), { training: false }).projection),
    weights,
    dispose: () => model.dispose(),
  };
}

function textTower(name: TowerName, spec: TowerSpec, side: Extract<SideInput, { kind: 'text' }>, train: Int32Array, seed: number): Tower {
  // The vocabulary comes from the training texts only: held-out words are unknown, as they would be for new text.
  const tokenizer = Tokenizer.fromTexts(Array.from(train, (i) => side.texts[i]!), { maxSize: spec.vocabularySize, minCount: 1, maxLength: spec.maxLength });
  const tower = new TextTower(tokenizer, spec.tokenSize, spec.embeddingSize, derivedRandom(seed, 'tower', name).nextSeed());
  const weights = [
    { name: `${name}/text/embeddings`, variable: tower.embeddings, trainable: !spec.locked },
    { name: `${name}/text/kernel`, variable: tower.kernel, trainable: !spec.locked },
    { name: `${name}/text/bias`, variable: tower.bias, trainable: !spec.locked },
  ];
  return {
    name,
    locked: spec.locked,
    outputSize: spec.embeddingSize,
    tokenizer,
    embed: (indices) => tower.embedTexts(Array.from(indices, (i) => side.texts[i]!)),
    embedTexts: (texts) => tower.embedTexts(texts),
    embedSamples: () => null,
    weights,
    dispose: () => tower.dispose(),
  };
}

/**
 * Builds tower `name` for its side. `initFrom`: the absolute run directory whose network the tower
 * starts from (null for a fresh tower, and for a resumed run, whose checkpoint holds the weights).
 */
export function buildTower(name: TowerName, spec: TowerSpec, side: SideInput, train: Int32Array, seed: number, initFrom: string | null): Tower {
  if (spec.type === 'text') {
    if (side.kind !== 'text') throw new Error(`architecture.towers.${name} is a text tower but side ${name} of data.pairs holds ${side.what === 'image' ? 'images' : 'numbers'}; make it a network tower (type: network).`);
    return textTower(name, spec, side, train, seed);
  }
  if (side.kind !== 'samples') throw new Error(`architecture.towers.${name} is a network tower but side ${name} of data.pairs holds texts; make it a text tower (type: text).`);
  return networkTower(name, spec, side, seed, initFrom !== null ? readRunWeights(initFrom) : null);
}
