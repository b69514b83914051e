// A linear classifier head on the representation (pretrain, then fine-tune): logits = x·W + b, one
// output per class of the data. Its weights start at zero, so every class starts alike whatever the
// seed and the first steps move the head before the network (the head's W carries the gradient back).
import { tf } from '../backend';

export class ClassifierHead {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;

  constructor(readonly features: number, readonly classes: number) {
    if (!(classes >= 2)) throw new Error(`a classifier head needs labelled data with at least 2 classes, but the data has ${classes}; use labelled data (a class per sub-folder, or data.labelColumn).`);
    this.kernel = tf.variable(tf.zeros([features, classes]), true);
    this.bias = tf.variable(tf.zeros([classes]), true);
  }

  /** The weights with the names that key checkpoints and the optimiser's slots. */
  namedVariables(): { readonly name: string; readonly variable: tf.Variable }[] {
    return [{ name: 'classifier/kernel', variable: this.kernel }, { name: 'classifier/bias', variable: this.bias }];
  }

  /** The class logits of a batch of representations. */
  logits(features: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.add(tf.matMul(features, this.kernel), this.bias) as tf.Tensor2D);
  }

  /** The predicted class of each row. */
  predict(features: tf.Tensor2D): Int32Array {
    const predicted = tf.tidy(() => tf.argMax(this.logits(features), 1));
    try {
      return Int32Array.from(predicted.dataSync() as Int32Array);
    } finally {
      predicted.dispose();
    }
  }

  dispose(): void {
    this.kernel.dispose();
    this.bias.dispose();
  }
}
