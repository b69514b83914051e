// How a run looks in the Runs tree and the status bar: pure functions of a snapshot, so the
// wording and the context flags (which decide the context menu) are unit-tested without VS Code.
import type { EffectiveStatus } from '../../server/runs/format';
import type { RunSummary } from '../../server/runs/reader';
import { waitsInQueue } from '../../server/runs/record';

export interface RunItemPresentation {
  readonly label: string;
  readonly description: string;
  readonly tooltip: string;
  /** A codicon id. */
  readonly icon: string;
  /** A theme colour id for the icon, when the status deserves one. */
  readonly iconColor: string | undefined;
  /** `run:<status>[:resumable][:embeddings]`; the manifest's `viewItem` clauses match on these flags. */
  readonly contextValue: string;
}

const ICONS: Readonly<Record<EffectiveStatus, { icon: string; color: string | undefined }>> = {
  queued: { icon: 'clock', color: undefined },
  running: { icon: 'sync~spin', color: 'charts.blue' },
  completed: { icon: 'pass', color: 'testing.iconPassed' },
  failed: { icon: 'error', color: 'testing.iconFailed' },
  stopped: { icon: 'debug-pause', color: 'charts.yellow' },
  interrupted: { icon: 'warning', color: 'charts.orange' },
};

/** A trainer is working on it: running, or starting up. A run waiting in the run queue is not active yet. */
export function isActive(run: RunSummary): boolean {
  return run.status === 'running' || (run.status === 'queued' && !waitsInQueue(run.record));
}

/** Fraction of the planned training done, from the newest step line (or run.json); undefined when unknown. */
export function runProgress(run: RunSummary): number | undefined {
  if (run.status === 'completed') return 1;
  const { epochs, stepsPerEpoch } = run.record;
  const step = run.metrics.lastStep ?? run.record.step;
  if (stepsPerEpoch !== null && stepsPerEpoch > 0 && epochs > 0) return clamp01(step / (stepsPerEpoch * epochs));
  const epoch = run.metrics.lastEpoch;
  if (epoch !== undefined && epochs > 0) return clamp01((epoch - 1) / epochs); // the current epoch is unfinished
  return undefined;
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

export function isResumable(run: RunSummary): boolean {
  return run.record.lastCheckpoint !== null && (run.status === 'stopped' || run.status === 'interrupted' || run.status === 'failed');
}

/** "epoch 3/10 · loss 0.412" — the live part shared by the tree and the status bar. */
export function progressText(run: RunSummary): string {
  const parts: string[] = [];
  const epoch = run.metrics.lastEpoch ?? (run.record.epoch > 0 ? run.record.epoch : undefined);
  if (epoch !== undefined) parts.push(`epoch ${epoch}/${run.record.epochs}`);
  if (run.metrics.lastLoss !== undefined) parts.push(`loss ${run.metrics.lastLoss.toPrecision(3)}`);
  return parts.join(' · ');
}

export function presentRun(run: RunSummary): RunItemPresentation {
  const problem = run.learning;
  // A finished run that learned nothing gets the warning icon, whatever its status says.
  const { icon, color } = problem !== null && run.status === 'completed' ? { icon: 'warning', color: 'list.warningForeground' } : ICONS[run.status];
  const best = run.bestKnnAccuracy;
  const description: string[] = [];
  const progress = isActive(run) ? runProgress(run) : undefined;
  description.push(progress === undefined ? run.status : formatPercent(progress));
  if (problem !== null) description.push(problem.label);
  if (best !== null) description.push(`kNN ${formatPercent(best)}`);
  const r = run.record;
  const tooltip = [
    `${run.name} (${run.id})`,
    `status: ${run.status}${run.status === 'interrupted' ? ' (the trainer process is gone; Resume Run continues from the last checkpoint)' : ''}`,
    progressText(run),
    best !== null ? `best kNN accuracy: ${formatPercent(best)}` : '',
    r.backend ? `backend: ${r.backend}` : '',
    r.specPath ? `spec: ${r.specPath}` : '',
    r.startedAt ? `started: ${r.startedAt}` : '',
    r.endedAt ? `ended: ${r.endedAt}` : '',
    r.error ? `error: ${r.error.message}${r.error.where ? ` (at ${r.error.where})` : ''}` : '',
    problem !== null && r.status !== 'failed' ? `learned nothing useful: ${problem.message}` : '',
    `folder: ${run.dir}`,
  ].filter((line) => line.length > 0);
  const flags = [`run:${run.status}`];
  if (isResumable(run)) flags.push('resumable');
  if (run.hasEmbeddings) flags.push('embeddings');
  return { label: run.name, description: description.join(' · '), tooltip: tooltip.join('\n'), icon, iconColor: color, contextValue: flags.join(':') };
}

/** The status-bar entry that opens the experiments table: what trains and waits in the queue, else how many runs there are; undefined when there are none. */
export function tableStatus(runs: readonly RunSummary[]): { readonly text: string; readonly tooltip: string } | undefined {
  if (runs.length === 0) return undefined;
  const running = runs.filter(isActive).length;
  const queued = runs.filter((r) => r.status === 'queued' && waitsInQueue(r.record)).length;
  const parts = [...(running > 0 ? [`${running} running`] : []), ...(queued > 0 ? [`${queued} queued`] : [])];
  const total = `${runs.length} ${runs.length === 1 ? 'run' : 'runs'}`;
  return {
    text: `$(table) ${parts.length > 0 ? parts.join(' · ') : total}`,
    tooltip: `Contrastive Lab: open the experiments table (${total}${parts.length > 0 ? `: ${running} training, ${queued} waiting in the run queue` : ''})`,
  };
}
