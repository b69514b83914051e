// The model a contrastive run trains: backbone → representation layer → optional projection head →
// optional prediction head, as ONE tfjs layers model (its outputs: representation, then the heads'
// raw outputs), driven by custom training steps. L2 normalisation of what the loss sees is applied
// in forward(), outside the layers model, so the exported model gives raw features.
import { tf } from '../backend';
import type { BackboneOptions } from './backbones/declarations';
import { BACKBONE_NEEDS_IMAGES, buildBackbone } from './backbones/index';
import { fileSystemHandler } from './fileIO';
import { buildHead, type HeadOptions } from './head';
import { apply, dense, type Symbolic } from './layerParts';
import { DropoutSeed } from './seededDropout';

/** The network: backbone → representation → optional projection and prediction heads. */
export interface ArchitectureOptions {
  readonly backbone: BackboneOptions;
  /** Size of the representation layer after the backbone: the features used downstream. */
  readonly representationSize: number;
  /** null = no projection head (the loss sees the representation). */
  readonly projection: HeadOptions | null;
  /** null = no prediction head (BYOL / SimSiam use one on the online branch). */
  readonly prediction: HeadOptions | null;
  /** L2-normalise the outputs that the loss sees. */
  readonly normalizeOutput: boolean;
}

export interface ForwardOptions {
  /** Training mode: batch norm uses batch statistics (and updates its moving averages), dropout drops. */
  readonly training: boolean;
  /** Seeds the dropout masks of this pass (training only): the same seed draws the same masks. The
   * trainer derives one per (run seed, step, call), so a resumed run replays its masks exactly.
   * Without it, masks are drawn from tfjs' unseeded generator. */
  readonly dropoutSeed?: number;
}

export interface ForwardResult {
  /** The representation layer's output (raw): the features used downstream. */
  readonly representation: tf.Tensor2D;
  /** What the loss sees: the projection head's output, or the representation when there is no head; L2-normalised when the spec says so. */
  readonly projection: tf.Tensor2D;
  /** The prediction head's output (online branch of BYOL/SimSiam), normalised like `projection`. */
  readonly prediction?: tf.Tensor2D;
}

/** A weight with the stable name that keys checkpoints and optimiser state. */
export interface NamedVariable {
  readonly name: string;
  readonly variable: tf.Variable;
  readonly trainable: boolean;
}

/** Stored in model.json's userDefinedMetadata so load() can rebuild the wrapper. */
interface ModelMetadata {
  readonly architecture: ArchitectureOptions;
  readonly inputShape: readonly number[];
}
const METADATA_KEY = 'contrastiveLab';

/** Divides each row by its L2 norm; the floor keeps the gradient finite for a zero row. */
export function l2Normalize(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.mul(x, tf.rsqrt(tf.maximum(tf.sum(tf.square(x), 1, true), 1e-24))) as tf.Tensor2D);
}

function checkInput(arch: ArchitectureOptions, inputShape: readonly number[]): void {
  if (inputShape.length === 0 || inputShape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new Error(`The model input shape [${inputShape.join(', ')}] is invalid: give positive integer sizes, [features] for vectors or [height, width, channels] for images.`);
  }
  if (BACKBONE_NEEDS_IMAGES[arch.backbone.type] && inputShape.length !== 3) {
    throw new Error(`architecture.backbone.type "${arch.backbone.type}" needs image data ([height, width, channels]), but the data gives vectors of shape [${inputShape.join(', ')}]. Use backbone type "mlp" for vector data.`);
  }
  if (arch.prediction !== null && arch.projection !== null) {
    const projected = arch.projection.layers[arch.projection.layers.length - 1];
    const predicted = arch.prediction.layers[arch.prediction.layers.length - 1];
    if (projected !== predicted) {
      throw new Error(`architecture.prediction.layers ends with ${predicted} but architecture.projection.layers ends with ${projected}; the prediction head predicts the projection, so make the last sizes equal.`);
    }
  }
}

export class ContrastiveModel {
  private constructor(
    /** The single tfjs layers model (backbone + heads), for export and downstream use. */
    readonly layersModel: tf.LayersModel,
    readonly architecture: ArchitectureOptions,
    readonly inputShape: readonly number[],
    private readonly dropoutSeed: DropoutSeed,
  ) {}

  /** Builds a freshly initialised model for samples of shape `inputShape` ([d] or [h, w, c]). */
  static build(architecture: ArchitectureOptions, inputShape: readonly number[]): ContrastiveModel {
    checkInput(architecture, inputShape);
    const input = tf.input({ shape: [...inputShape], name: 'input' });
    const dropoutSeed = new DropoutSeed();
    const features = buildBackbone(architecture.backbone, input, dropoutSeed);
    const representation = apply(dense(architecture.representationSize, 'representation'), features);
    const outputs: Symbolic[] = [representation];
    let projection = representation;
    if (architecture.projection !== null) {
      projection = buildHead(architecture.projection, representation, 'projection');
      outputs.push(projection);
    }
    if (architecture.prediction !== null) outputs.push(buildHead(architecture.prediction, projection, 'prediction'));
    const layersModel = tf.model({ inputs: input, outputs, name: 'contrastive_model' });
    const metadata: ModelMetadata = { architecture, inputShape: [...inputShape] };
    layersModel.setUserDefinedMetadata({ [METADATA_KEY]: metadata });
    return new ContrastiveModel(layersModel, architecture, inputShape, dropoutSeed);
  }

  /** Loads a model written by save(dir). The file stores standard Dropout layers (for plain tfjs),
   * so the model is rebuilt from its architecture and given the saved weights, to keep seeded dropout. */
  static async load(dir: string): Promise<ContrastiveModel> {
    const saved = await tf.loadLayersModel(fileSystemHandler(dir));
    try {
      const metadata = (saved.getUserDefinedMetadata() as Record<string, unknown> | undefined)?.[METADATA_KEY] as ModelMetadata | undefined;
      if (metadata === undefined || metadata.architecture === undefined || !Array.isArray(metadata.inputShape)) {
        throw new Error(`The model in ${dir} was not saved by Contrastive Lab (model.json has no userDefinedMetadata.${METADATA_KEY}); load it with tf.loadLayersModel instead.`);
      }
      const model = ContrastiveModel.build(metadata.architecture, metadata.inputShape);
      model.layersModel.setWeights(saved.getWeights());
      return model;
    } finally {
      saved.dispose();
    }
  }

  /** Writes model.json + weights.bin (tfjs layers format) into `dir`. */
  async save(dir: string): Promise<void> {
    await this.layersModel.save(fileSystemHandler(dir));
  }

  forward(x: tf.Tensor, options: ForwardOptions): ForwardResult {
    this.dropoutSeed.current = options.dropoutSeed ?? null;
    try {
      return this.run(x, options.training);
    } finally {
      this.dropoutSeed.current = null;
    }
  }

  /**
   * The representation alone, in inference mode (batch norm on its moving statistics, no dropout):
   * what evaluation and the embeddings read, without computing the heads they would discard. The
   * same values as forward(x, { training: false }).representation.
   */
  representation(x: tf.Tensor): tf.Tensor2D {
    return this.layersModel.execute(x, this.layersModel.outputs[0]!.name) as tf.Tensor2D;
  }

  private run(x: tf.Tensor, training: boolean): ForwardResult {
    return tf.tidy(() => {
      const raw = this.layersModel.apply(x, { training });
      const outs = (Array.isArray(raw) ? raw : [raw]) as tf.Tensor2D[];
      const representation = outs[0]!;
      let index = 1;
      const projectionRaw = this.architecture.projection !== null ? outs[index++]! : representation;
      const predictionRaw = this.architecture.prediction !== null ? outs[index]! : undefined;
      const finish = (t: tf.Tensor2D): tf.Tensor2D => (this.architecture.normalizeOutput ? l2Normalize(t) : t);
      const result: { representation: tf.Tensor2D; projection: tf.Tensor2D; prediction?: tf.Tensor2D } = { representation, projection: finish(projectionRaw) };
      if (predictionRaw !== undefined) result.prediction = finish(predictionRaw);
      return result;
    });
  }

  /** Every weight (trainable first, then batch-norm statistics), with stable names. */
  namedVariables(): NamedVariable[] {
    const named = (ws: tf.LayerVariable[], trainable: boolean): NamedVariable[] => ws.map((w) => ({ name: w.originalName, variable: w.read() as tf.Variable, trainable }));
    return [...named(this.layersModel.trainableWeights, true), ...named(this.layersModel.nonTrainableWeights, false)];
  }

  /** The variables the optimiser updates (pass to tf.variableGrads). */
  get trainableVariables(): tf.Variable[] {
    return this.layersModel.trainableWeights.map((w) => w.read() as tf.Variable);
  }

  /** Copies of every weight, in namedVariables() order (for EMA targets and checkpoints); the caller disposes them. */
  getWeights(): tf.Tensor[] {
    return this.namedVariables().map(({ variable }) => variable.clone());
  }

  /** Replaces every weight, in namedVariables() order; shapes must match. */
  setWeights(weights: readonly tf.Tensor[]): void {
    const vars = this.namedVariables();
    if (weights.length !== vars.length) throw new Error(`setWeights got ${weights.length} tensors for a model with ${vars.length} weights.`);
    vars.forEach(({ name, variable }, i) => {
      const w = weights[i]!;
      if (!tf.util.arraysEqual(w.shape, variable.shape)) {
        throw new Error(`setWeights: weight ${name} has shape [${variable.shape.join(', ')}] but got [${w.shape.join(', ')}]; the weights come from a different architecture.`);
      }
      variable.assign(w);
    });
  }

  /** A second model with the same architecture and a copy of this one's weights (e.g. an EMA target). */
  clone(): ContrastiveModel {
    const copy = ContrastiveModel.build(this.architecture, this.inputShape);
    const weights = this.getWeights();
    copy.setWeights(weights);
    tf.dispose(weights);
    return copy;
  }

  /** Number of trainable scalars. */
  countParameters(): number {
    return this.layersModel.trainableWeights.reduce((n, w) => n + w.read().size, 0);
  }

  dispose(): void {
    this.layersModel.dispose();
  }
}
