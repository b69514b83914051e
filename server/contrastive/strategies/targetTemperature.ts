// Target temperature (DINO, Caron et al. 2021): the teacher's distribution is sharpened with a low
// temperature and the student's smoothed with a higher one; the loss is the cross-entropy
//   H(softmax(teacher/τt), softmax(student/τs)) = −Σ_j p_t(j)·log p_s(j), averaged over rows,
// with no gradient through the teacher. Where the trainer applies it: when
// strategy.targetTemperature is set, both branches produce similarity logits against the same
// anchors — row i of the student is the online embedding of view 1 against the target embeddings
// of view 2 (the batch), row i of the teacher is the target embedding of view 1 against the same —
// and this cross-entropy (symmetrised over the two views) is added to the spec's loss.
import { tf } from '../backend';
import { stopGradient } from './stopGradient';

/** strategy.targetTemperature. */
export interface TargetTemperatureOptions {
  /** Temperature of the target (teacher) distribution: lower sharpens it. */
  readonly teacher: number;
  /** Temperature of the online (student) distribution: higher smooths it. */
  readonly student: number;
}

export function targetTemperatureLoss(teacherLogits: tf.Tensor2D, studentLogits: tf.Tensor2D, spec: TargetTemperatureOptions): tf.Scalar {
  if (!tf.util.arraysEqual(teacherLogits.shape, studentLogits.shape)) {
    throw new Error(`Target temperature: teacher logits [${teacherLogits.shape.join(', ')}] and student logits [${studentLogits.shape.join(', ')}] must have the same shape.`);
  }
  if (!(spec.teacher > 0) || !(spec.student > 0)) throw new Error(`strategy.targetTemperature needs positive temperatures (teacher ${spec.teacher}, student ${spec.student}).`);
  return tf.tidy(() => {
    const teacher = tf.softmax(tf.div(stopGradient(teacherLogits), spec.teacher));
    const studentLog = tf.logSoftmax(tf.div(studentLogits, spec.student));
    return tf.neg(tf.mean(tf.sum(tf.mul(teacher, studentLog), 1))) as tf.Scalar;
  });
}
