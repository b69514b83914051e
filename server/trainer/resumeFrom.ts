// Resuming a run inside its session: the newest intact checkpoint restored into the parts, the loop
// position taken from it, and metrics.jsonl cut back to the checkpoint's step (damaged lines and steps
// without a line said as `recovered` warnings), so the metrics read as one continuous run. One-tower
// and two-tower sessions share it.
import type { MetricLine } from '../runs/format';
import { filterJsonLines, readJsonLines } from '../runs/jsonl';
import { runPaths } from '../runs/paths';
import { plural } from '../shared/plural';
import { restoreChecked, type LoadedCheckpoint } from './checkpoint';
import { findResumePoint } from './recovery';
import type { Reporter } from './reporter';
import type { RunState } from './trainer';

/**
 * Resumes `run` from its newest intact checkpoint (restored into the parts by `restore`): the loop
 * position, and metrics.jsonl cut back to the checkpoint's step, so the metrics read as one run.
 */
export function resumeFromCheckpoint(runDir: string, run: RunState, reporter: Reporter, restore: (checkpoint: LoadedCheckpoint) => void): void {
  const paths = runPaths(runDir);
  const { checkpoint, notes } = findResumePoint(runDir, run.record.lastCheckpoint);
  for (const note of notes) reporter.event('warning', 'recovered', note);
  if (checkpoint !== null) {
    restoreChecked(runDir, checkpoint, () => restore(checkpoint));
    run.position = checkpoint.state.position;
    const kept = run.position.step;
    // Work after the checkpoint is redone, so its lines go: the metrics read as one continuous run.
    const filtered = filterJsonLines<MetricLine>(paths.metrics, (line) => line.step <= kept);
    if (filtered.damaged.length > 0) reporter.event('warning', 'recovered', `${paths.metrics}: dropped ${plural(filtered.damaged.length, 'damaged line')} (line ${filtered.damaged.join(', ')}); the steps after ${checkpoint.name} are redone`, { data: { damaged: filtered.damaged } });
    // Steps the checkpoint covers but the file has no line for (cut short on a line boundary, lines deleted) are said, not silently missing.
    const missing = missingSteps(readJsonLines<MetricLine>(paths.metrics).lines, kept);
    if (missing.length > 0) reporter.event('warning', 'recovered', `${paths.metrics}: no metric lines for ${plural(missing.length, 'step')} (${stepRanges(missing)}) before ${checkpoint.name}; those lines are lost, the trained weights are not`, { data: { missingSteps: missing.length } });
    reporter.event('info', 'resumed', `resumed from checkpoints/${checkpoint.name} (step ${run.position.step}, epoch ${run.position.epoch})`, { step: run.position.step, epoch: run.position.epoch });
  } else {
    filterJsonLines<MetricLine>(paths.metrics, () => false);
    reporter.event('info', 'resumed', 'no checkpoint yet: starting from the beginning', { step: 0, epoch: 1 });
  }
}

/** Steps 1..upTo that have no step line. */
function missingSteps(lines: readonly MetricLine[], upTo: number): number[] {
  const seen = new Set(lines.filter((l) => l.kind === 'step').map((l) => l.step));
  const missing: number[] = [];
  for (let s = 1; s <= upTo; s++) if (!seen.has(s)) missing.push(s);
  return missing;
}

/** "3, 6–18": consecutive steps as ranges. */
function stepRanges(steps: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < steps.length; ) {
    let j = i;
    while (j + 1 < steps.length && steps[j + 1] === steps[j]! + 1) j++;
    parts.push(i === j ? `step ${steps[i]}` : `steps ${steps[i]}–${steps[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}
