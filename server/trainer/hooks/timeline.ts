// At every evaluation (every eval.every epochs and after the last), before it is judged: the probe
// set's embeddings into timeline/ (server/runs/timeline/store.ts), so the map and the gallery can
// step through how the space formed. Non-finite embeddings are not kept: the evaluation that
// follows fails the run and says why.
import { writeTimelineProbe, writeTimelineStep } from '../../runs/timeline/store';
import { probeRows, timelineProbe } from '../probeSet';
import type { TrainingHook } from '../trainer';
import type { RunContext } from './context';

export function timelineHook(p: RunContext): TrainingHook {
  const { run, spec } = p;
  const probe = probeRows(p.data);
  return {
    onEpochEnd({ epoch }) {
      if (epoch % spec.eval.every !== 0 && epoch !== p.epochs) return;
      run.phase = 'evaluation';
      const layer = spec.eval.layer;
      const vectors = p.parts.embed(probe.rows, layer);
      if (!vectors.every(Number.isFinite)) return;
      writeTimelineProbe(p.runDir, timelineProbe(p.data, probe, p.parts.outputDim(layer), layer));
      writeTimelineStep(p.runDir, run.position.step, vectors);
    },
  };
}
