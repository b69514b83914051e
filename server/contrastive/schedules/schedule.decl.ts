import { BOTH_ENGINES, int, num, schedule } from '../declare';

const warmupEpochs = (def: number) => int('Epochs of linear warm-up from 0 to the learning rate. Warm-up protects large-batch and LARS training from early divergence. Must be shorter than training.', def, { minimum: 0, maximum: 1000 }, [def, 1, 10]);

export const constant = schedule('constant', 'A constant learning rate (after optional warm-up). Simple and predictable; fine for short runs, but a decaying schedule usually ends at a better loss.', { warmupEpochs: warmupEpochs(0) }, { engines: BOTH_ENGINES });
export const cosine = schedule('cosine', 'Cosine decay to `minLearningRate` over training (SGDR without restarts), after optional warm-up. The standard schedule of SimCLR, BYOL, MoCo v2.', {
  warmupEpochs: warmupEpochs(0),
  minLearningRate: num('Learning rate at the end of training.', 0, { minimum: 0 }, [0, 0.00001]),
}, { engines: BOTH_ENGINES });
export const warmup = schedule('warmup', 'Linear warm-up from 0 to the learning rate, then constant. Protects large batches and LARS from divergence in the first steps.', { warmupEpochs: warmupEpochs(1) }, { engines: BOTH_ENGINES });
