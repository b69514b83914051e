// The one-line progress bar shown on a terminal: epoch, step, loss, samples/s, ETA.

export interface ProgressState {
  readonly epoch: number;
  readonly epochs: number;
  readonly stepInEpoch: number;
  readonly stepsPerEpoch: number;
  readonly loss: number;
  readonly samplesPerSec: number;
  /** Seconds left for the whole run, null until it can be estimated. */
  readonly etaSec: number | null;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}:${String(rest).padStart(2, '0')}`;
}

export function renderProgress(p: ProgressState, width = 24): string {
  const fraction = p.stepsPerEpoch > 0 ? Math.min(1, p.stepInEpoch / p.stepsPerEpoch) : 0;
  const filled = Math.round(fraction * width);
  const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
  const eta = p.etaSec === null ? '--:--' : formatDuration(p.etaSec);
  const loss = Number.isFinite(p.loss) ? p.loss.toFixed(4) : String(p.loss);
  return `epoch ${p.epoch}/${p.epochs} ${bar} ${p.stepInEpoch}/${p.stepsPerEpoch}  loss ${loss}  ${Math.round(p.samplesPerSec)} samples/s  ETA ${eta}`;
}
