// The network a run trains, built from the ArchitectureSpec: backbone → representation layer →
// projection head → optional prediction head, as three tfjs layers models so each output can be
// read (the representation for evaluation, the projection for the loss, the prediction for
// BYOL/SimSiam). Initialisers are seeded: the same seed builds the same weights.
import { tf } from '../contrastive/backend';
import type { Activation, ArchitectureSpec, BackboneSpec, HeadSpec } from '../spec/types';
import type { Forward, NetworkOutputs } from './objective';

export interface Network {
  readonly forward: Forward;
  readonly trainableVariables: tf.Variable[];
  /** Output size of the projection head (the representation size without one). */
  readonly projectionSize: number;
  /** The models, for export: encoder (input → representation), projector, predictor. */
  readonly models: { readonly encoder: tf.LayersModel; readonly projector: tf.LayersModel | null; readonly predictor: tf.LayersModel | null };
  /** Every weight (trainable and batch-norm statistics), in a fixed order. */
  getWeights(): tf.Tensor[];
  setWeights(weights: readonly tf.Tensor[]): void;
  dispose(): void;
}

type Initializer = ReturnType<typeof tf.initializers.glorotUniform>;

class SeedSource {
  constructor(private next: number) {}
  kernel(): Initializer {
    return tf.initializers.glorotUniform({ seed: this.next++ });
  }
  convKernel(): Initializer {
    return tf.initializers.heNormal({ seed: this.next++ });
  }
}

function activation(name: Activation): tf.layers.Layer {
  return tf.layers.activation({ activation: name === 'swish' ? 'swish' : name });
}

function denseBlock(x: tf.SymbolicTensor, units: number, act: Activation | null, batchNorm: boolean, seeds: SeedSource, dropout = 0): tf.SymbolicTensor {
  let y = tf.layers.dense({ units, kernelInitializer: seeds.kernel(), useBias: !batchNorm || act === null }).apply(x) as tf.SymbolicTensor;
  if (batchNorm && act !== null) y = tf.layers.batchNormalization().apply(y) as tf.SymbolicTensor;
  if (act !== null) y = activation(act).apply(y) as tf.SymbolicTensor;
  if (dropout > 0) y = tf.layers.dropout({ rate: dropout, seed: 0 }).apply(y) as tf.SymbolicTensor;
  return y;
}

function conv(x: tf.SymbolicTensor, filters: number, kernelSize: number, strides: number, seeds: SeedSource, useBias: boolean): tf.SymbolicTensor {
  return tf.layers.conv2d({ filters, kernelSize, strides, padding: 'same', kernelInitializer: seeds.convKernel(), useBias }).apply(x) as tf.SymbolicTensor;
}

function backbone(input: tf.SymbolicTensor, spec: BackboneSpec, seeds: SeedSource): tf.SymbolicTensor {
  if (spec.type === 'mlp') {
    let x = input.shape.length > 2 ? (tf.layers.flatten().apply(input) as tf.SymbolicTensor) : input;
    for (const units of spec.layers) x = denseBlock(x, units, spec.activation, spec.batchNorm, seeds, spec.dropout);
    return x;
  }
  if (input.shape.length !== 4) throw new Error(`architecture.backbone: a ${spec.type} needs image data [height, width, channels]; use an mlp backbone for vectors.`);
  if (spec.type === 'convnet') {
    let x = input;
    for (const filters of spec.channels) {
      x = conv(x, filters, spec.kernelSize, 1, seeds, !spec.batchNorm);
      if (spec.batchNorm) x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
      x = activation(spec.activation).apply(x) as tf.SymbolicTensor;
      x = tf.layers.maxPooling2d({ poolSize: 2, padding: 'same' }).apply(x) as tf.SymbolicTensor;
    }
    return tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  }
  // A small residual network: a stem, then stages of basic blocks (conv-bn-act-conv-bn + skip),
  // halving the resolution at each new stage, then global average pooling.
  let x = conv(input, spec.channels[0] ?? 16, 3, 1, seeds, false);
  x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
  x = activation(spec.activation).apply(x) as tf.SymbolicTensor;
  spec.channels.forEach((filters, stage) => {
    for (let block = 0; block < spec.blocksPerStage; block++) {
      const strides = stage > 0 && block === 0 ? 2 : 1;
      const inChannels = x.shape[x.shape.length - 1];
      let y = conv(x, filters, 3, strides, seeds, false);
      y = tf.layers.batchNormalization().apply(y) as tf.SymbolicTensor;
      y = activation(spec.activation).apply(y) as tf.SymbolicTensor;
      y = conv(y, filters, 3, 1, seeds, false);
      y = tf.layers.batchNormalization().apply(y) as tf.SymbolicTensor;
      const skip = strides !== 1 || inChannels !== filters ? conv(x, filters, 1, strides, seeds, false) : x;
      x = activation(spec.activation).apply(tf.layers.add().apply([y, skip]) as tf.SymbolicTensor) as tf.SymbolicTensor;
    }
  });
  return tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
}

function head(inputSize: number, spec: HeadSpec, seeds: SeedSource, name: string): tf.LayersModel {
  const input = tf.input({ shape: [inputSize] });
  let x = input;
  spec.layers.forEach((units, i) => {
    const last = i === spec.layers.length - 1;
    x = denseBlock(x, units, last ? null : spec.activation, spec.batchNorm, seeds);
  });
  return tf.model({ inputs: input, outputs: x, name });
}

export function createNetwork(spec: ArchitectureSpec, inputShape: readonly number[], seed: number): Network {
  const seeds = new SeedSource((seed * 1000 + 17) >>> 0);
  const input = tf.input({ shape: [...inputShape] });
  const features = backbone(input, spec.backbone, seeds);
  const representation = tf.layers.dense({ units: spec.representationSize, kernelInitializer: seeds.kernel() }).apply(features) as tf.SymbolicTensor;
  const encoder = tf.model({ inputs: input, outputs: representation, name: 'encoder' });
  const projector = spec.projection !== null && spec.projection.layers.length > 0 ? head(spec.representationSize, spec.projection, seeds, 'projector') : null;
  const projectionSize = projector !== null ? spec.projection!.layers[spec.projection!.layers.length - 1]! : spec.representationSize;
  const predictor = spec.prediction !== null && spec.prediction.layers.length > 0 ? head(projectionSize, spec.prediction, seeds, 'predictor') : null;
  const models = [encoder, projector, predictor].filter((m): m is tf.LayersModel => m !== null);

  const forward: Forward = (x, training): NetworkOutputs => {
    const rep = encoder.apply(x, { training }) as tf.Tensor2D;
    const proj = projector !== null ? (projector.apply(rep, { training }) as tf.Tensor2D) : rep;
    const pred = predictor !== null ? (predictor.apply(proj, { training }) as tf.Tensor2D) : null;
    return { representation: rep, projection: proj, prediction: pred };
  };
  const trainableVariables = models.flatMap((m) => m.trainableWeights.map((w) => w.read() as tf.Variable));

  return {
    forward,
    trainableVariables,
    projectionSize,
    models: { encoder, projector, predictor },
    getWeights: () => models.flatMap((m) => m.getWeights()),
    setWeights(weights) {
      let at = 0;
      for (const m of models) {
        const count = m.weights.length;
        m.setWeights(weights.slice(at, at + count) as tf.Tensor[]);
        at += count;
      }
      if (at !== weights.length) throw new Error(`network: ${weights.length} weights given, the architecture has ${at}; does the checkpoint belong to this spec?`);
    },
    dispose() {
      for (const m of models) m.dispose();
    },
  };
}
