// Fails the run at the first step with a non-finite input, loss, gradient or weight, naming the
// tensor and the likely causes; the last good checkpoint on disk is what remains.
import { describeFault } from '../finiteGuard';
import type { Reporter } from '../reporter';
import type { TrainingHook } from '../trainer';
import { TrainingError } from '../trainingError';

export function finiteGuardHook(reporter: Reporter, nanHint: () => string): TrainingHook {
  return {
    onStepEnd({ step, epoch, loss, lr, fault }) {
      if (fault === null) return;
      const message = describeFault(fault, step, epoch, lr, nanHint());
      // In events.jsonl and the stream; the terminal gets it once, as the `failed` line.
      reporter.record('error', 'nan', message, { step, epoch, data: { loss: String(loss), lr, kind: fault.kind, tensor: fault.tensor, value: String(fault.value) } });
      throw new TrainingError(message, `step ${step} (epoch ${epoch})`, { kind: 'nonFinite', step, epoch, value: String(fault.value) });
    },
  };
}
