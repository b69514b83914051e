// Checks a loss fixture: the loss value and its gradients with respect to every input (embeddings,
// refEmbeddings, views) and every learnable parameter (SigLIP t′ and b, SNN temperature, NCE c).
import { tf } from '../backend';
import { DotProductSimilarity } from '../distances/dot';
import { LpDistance } from '../distances/lp';
import type { Distance } from '../distances/types';
import { BarlowTwinsLoss } from '../losses/barlow-twins';
import { CircleLoss } from '../losses/circle';
import { ContrastiveLoss } from '../losses/contrastive';
import { GeneralizedLiftedStructureLoss } from '../losses/generalized-lifted-structure';
import { InfoNCELoss } from '../losses/info-nce';
import { LiftedStructureLoss } from '../losses/lifted-structure';
import { MultiSimilarityLoss } from '../losses/multi-similarity';
import { NegativeCosineLoss } from '../losses/negative-cosine';
import { NCELoss } from '../losses/nce';
import { NPairsLoss } from '../losses/n-pairs';
import { SigLIPLoss } from '../losses/siglip';
import { SoftNearestNeighborLoss } from '../losses/soft-nearest-neighbor';
import { SupConLoss } from '../losses/sup-con';
import { TripletMarginLoss } from '../losses/triplet';
import type { Loss, LossInput } from '../losses/types';
import { VICRegLoss } from '../losses/vicreg';
import { compareGradient, compareValues } from './compare';
import type { Fixture, Matrix } from './fixture';
import { booleanParam, FixtureFormatError, fixtureDistance, numberParam } from './map-params';

interface Built {
  readonly loss: Loss;
  /** Learnable parameters and the expected-gradient key of each. */
  readonly parameters: ReadonlyArray<{ readonly key: string; readonly variable: tf.Variable }>;
}

const cosine = (): Distance => new DotProductSimilarity('cosine', true);
const euclidean = (): Distance => new LpDistance({ p: 2, normalize: true, power: 1 });

/** Fixture family → the library's loss, built from the fixture's params. */
const builders: Record<string, (f: Fixture) => Built> = {
  ContrastiveLoss: (f) => stateless(new ContrastiveLoss(fixtureDistance(f, euclidean), { posMargin: numberParam(f, 'posMargin', 0), negMargin: numberParam(f, 'negMargin', 1) })),
  TripletMarginLoss: (f) => {
    const perAnchor = f.params.tripletsPerAnchor;
    if (perAnchor !== undefined && perAnchor !== 'all') throw new FixtureFormatError(`tripletsPerAnchor=${JSON.stringify(perAnchor)} samples triplets at random and cannot be reproduced; only "all" is supported`);
    return stateless(new TripletMarginLoss(fixtureDistance(f, euclidean), { margin: numberParam(f, 'margin', 0.05), swap: booleanParam(f, 'swap', false), smoothLoss: booleanParam(f, 'smoothLoss', false) }));
  },
  NPairsLoss: (f) => stateless(new NPairsLoss(fixtureDistance(f, () => new DotProductSimilarity('dot', true)))),
  LiftedStructureLoss: (f) => stateless(new LiftedStructureLoss(fixtureDistance(f, euclidean), { posMargin: numberParam(f, 'posMargin', 0), negMargin: numberParam(f, 'negMargin', 1) })),
  GeneralizedLiftedStructureLoss: (f) => stateless(new GeneralizedLiftedStructureLoss(fixtureDistance(f, euclidean), { posMargin: numberParam(f, 'posMargin', 0), negMargin: numberParam(f, 'negMargin', 1) })),
  NTXentLoss: (f) => stateless(new InfoNCELoss(fixtureDistance(f, cosine), { temperature: numberParam(f, 'temperature', 0.07) })),
  NTXentLoss_SimCLR: (f) => stateless(new InfoNCELoss(fixtureDistance(f, cosine), { temperature: numberParam(f, 'temperature', 0.07) })),
  SupConLoss: (f) => stateless(new SupConLoss(fixtureDistance(f, cosine), { temperature: numberParam(f, 'temperature', 0.1) })),
  CircleLoss: (f) => stateless(new CircleLoss(fixtureDistance(f, cosine), { m: numberParam(f, 'm', 0.4), gamma: numberParam(f, 'gamma', 80) })),
  MultiSimilarityLoss: (f) => stateless(new MultiSimilarityLoss(fixtureDistance(f, cosine), { alpha: numberParam(f, 'alpha', 2), beta: numberParam(f, 'beta', 50), base: numberParam(f, 'base', 0.5) })),
  SoftNearestNeighborLoss: (f) => {
    // The reference: squared euclidean distance on raw embeddings; learnable so dL/dT exists.
    const loss = new SoftNearestNeighborLoss(fixtureDistance(f, () => new LpDistance({ p: 2, normalize: false, power: 2 })), { temperature: numberParam(f, 'temperature', 1), learnTemperature: true });
    return { loss, parameters: [{ key: 'gradTemperature', variable: loss.temperature }] };
  },
  VICRegLoss: (f) =>
    stateless(
      new VICRegLoss({
        invarianceWeight: numberParam(f, 'invarianceLambda', 25),
        varianceWeight: numberParam(f, 'varianceMu', 25),
        covarianceWeight: numberParam(f, 'covarianceV', 1),
        eps: numberParam(f, 'eps', 1e-4),
      }),
    ),
  BarlowTwinsLoss: (f) => stateless(new BarlowTwinsLoss({ lambda: numberParam(f, 'lambda', 5e-3) })),
  SigLIPLoss: (f) => {
    const loss = new SigLIPLoss({ logitScale: numberParam(f, 'logitScale', Math.log(10)), logitBias: numberParam(f, 'logitBias', -10), learnable: true });
    return { loss, parameters: [{ key: 'gradLogitScale', variable: loss.logitScale }, { key: 'gradLogitBias', variable: loss.logitBias }] };
  },
  NCELoss: (f) => nce(f),
  NCELoss_SimCLR: (f) => nce(f),
  NegativeCosineLoss: (f) => {
    const variant = f.params.variant ?? 'simsiam';
    if (variant !== 'simsiam' && variant !== 'byol') throw new FixtureFormatError(`params.variant is ${JSON.stringify(variant)}; expected "simsiam" or "byol"`);
    return stateless(new NegativeCosineLoss({ form: variant }));
  },
};

/** Binary NCE (test/fixtures/reference-nce): learnable so that dL/dc exists. */
function nce(f: Fixture): Built {
  const loss = new NCELoss(fixtureDistance(f, cosine), { temperature: numberParam(f, 'temperature', 0.1), logNormalizer: numberParam(f, 'logNormalizer', 0), learnable: true });
  return { loss, parameters: [{ key: 'gradLogNormalizer', variable: loss.logNormalizer }] };
}

function stateless(loss: Loss): Built {
  return { loss, parameters: [] };
}

export const supportedLossFamilies = Object.keys(builders);

/** The tensors a loss is differentiated against, with the expected-gradient key(s) of each. */
interface Operand {
  readonly tensor: tf.Tensor2D;
  readonly keys: readonly string[];
}

function operands(fixture: Fixture, loss: Loss): { operands: Operand[]; makeInput: (values: tf.Tensor2D[]) => LossInput; concatKey?: string } {
  const { inputs } = fixture;
  const views = inputs.views;
  if (loss.input === 'onlineTarget') {
    if (views === null || !('online' in views)) throw new FixtureFormatError('inputs.views must hold { online, target }');
    return {
      operands: [
        { tensor: tf.tensor2d(views.online), keys: ['gradOnline', 'gradEmbeddings'] },
        { tensor: tf.tensor2d(views.target), keys: ['gradTarget', 'gradRefEmbeddings'] },
      ],
      makeInput: ([online, target]) => ({ views: { online: online as tf.Tensor2D, target: target as tf.Tensor2D } }),
    };
  }
  if (views !== null && 'view1' in views) {
    const ops = [
      { tensor: tf.tensor2d(views.view1), keys: loss.input === 'twoView' ? ['gradView1', 'gradEmbeddings'] : ['gradView1'] },
      { tensor: tf.tensor2d(views.view2), keys: loss.input === 'twoView' ? ['gradView2', 'gradRefEmbeddings'] : ['gradView2'] },
    ];
    return {
      operands: ops,
      makeInput: ([view1, view2]) => ({ views: { view1: view1 as tf.Tensor2D, view2: view2 as tf.Tensor2D } }),
      // Labelled losses on two views see concat(view1, view2): gradEmbeddings is the concatenation.
      ...(loss.input === 'labelled' ? { concatKey: 'gradEmbeddings' } : {}),
    };
  }
  if (inputs.labels === null) throw new FixtureFormatError('a labelled loss needs inputs.labels');
  const labels = inputs.labels;
  const refLabels = inputs.refLabels;
  const ops: Operand[] = [{ tensor: tf.tensor2d(inputs.embeddings), keys: ['gradEmbeddings'] }];
  if (inputs.refEmbeddings !== null) {
    if (refLabels === null) throw new FixtureFormatError('inputs.refEmbeddings is given without inputs.refLabels');
    ops.push({ tensor: tf.tensor2d(inputs.refEmbeddings), keys: ['gradRefEmbeddings'] });
  }
  return {
    operands: ops,
    makeInput: ([embeddings, ref]) => ({
      embeddings: embeddings as tf.Tensor2D,
      labels,
      ...(ref !== undefined && refLabels !== null ? { refEmbeddings: ref, refLabels } : {}),
    }),
  };
}

export function runLossFixture(fixture: Fixture): string[] {
  const builder = builders[fixture.family];
  if (builder === undefined) throw new FixtureFormatError(`loss family "${fixture.family}" is unknown (known: ${supportedLossFamilies.join(', ')})`);
  const { loss, parameters } = builder(fixture);
  const expected = fixture.expected as Record<string, unknown>;
  const failures: (string | null)[] = [];
  try {
    tf.tidy(() => {
      const { operands: ops, makeInput, concatKey } = operands(fixture, loss);
      const f = (...xs: tf.Tensor[]) => loss.compute(makeInput(xs as tf.Tensor2D[]));
      const { value, grads } = tf.valueAndGrads(f)(ops.map((o) => o.tensor));
      failures.push(compareValues('loss', value.dataSync(), expected.loss as number));
      ops.forEach((op, i) => {
        const grad = grads[i];
        for (const key of op.keys) {
          if (expected[key] !== undefined) failures.push(compareGradient(key, grad?.dataSync() ?? [], expected[key] as Matrix));
        }
      });
      if (concatKey !== undefined && expected[concatKey] !== undefined) {
        failures.push(compareGradient(concatKey, tf.concat(grads, 0).dataSync(), expected[concatKey] as Matrix));
      }
      if (parameters.length > 0) {
        const { grads: varGrads } = tf.variableGrads(() => f(...ops.map((o) => o.tensor)), parameters.map((p) => p.variable));
        for (const { key, variable } of parameters) {
          if (expected[key] === undefined) continue;
          failures.push(compareGradient(key, varGrads[variable.name]?.dataSync() ?? [], expected[key] as number));
        }
      }
      if (loss instanceof BarlowTwinsLoss) {
        const parts = loss.parts(makeInput(ops.map((o) => o.tensor)));
        for (const key of ['onDiagonal', 'offDiagonal'] as const) {
          const value = expected[key];
          if (typeof value === 'number') failures.push(compareValues(key, parts[key].dataSync(), value));
        }
      }
      const components = expected.components as Record<string, number> | undefined;
      if (loss instanceof VICRegLoss && components !== undefined) {
        const got = loss.components(makeInput(ops.map((o) => o.tensor)));
        for (const [key, value] of Object.entries(components)) {
          const tensor = got[key as keyof typeof got] as tf.Scalar | undefined;
          failures.push(tensor === undefined ? `components.${key}: the library has no such component` : compareValues(`components.${key}`, tensor.dataSync(), value));
        }
      }
    });
  } finally {
    loss.dispose();
  }
  return failures.filter((x): x is string => x !== null);
}
