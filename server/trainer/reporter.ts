// Every metric and event of a run goes through here: appended to metrics.jsonl / events.jsonl,
// echoed as one JSON line on stdout with --json (the extension parses the stream), and shown as a
// progress bar plus readable lines on a terminal otherwise.
import type { EventLevel, EventName, MetricLine, RunEvent, StreamLine } from '../runs/format';
import { appendJsonLine } from '../runs/jsonl';
import { labelPercent } from '../runs/labelFraction';
import { runPaths } from '../runs/paths';
import { renderProgress, type ProgressState } from './progress';

export type OutputMode = 'json' | 'tty' | 'plain' | 'silent';

export interface Output {
  write(text: string): void;
}

export class Reporter {
  private readonly paths;
  private progressShown = false;
  private lastPlainProgress = 0;

  constructor(
    runDir: string,
    private readonly runId: string,
    private readonly mode: OutputMode,
    private readonly out: Output = process.stdout,
    private readonly err: Output = process.stderr,
  ) {
    this.paths = runPaths(runDir);
  }

  metric(line: MetricLine): void {
    appendJsonLine(this.paths.metrics, line);
    this.show(line);
  }

  /**
   * Shows a line that is already in the run directory (another engine's process wrote it): on the
   * --json stream, or as the terminal lines metric() and event() print.
   */
  echo(line: MetricLine | RunEvent): void {
    if (line.kind !== 'event') return this.show(line);
    if (this.mode === 'json') return this.stream(line);
    this.display(line.level, line.message);
  }

  private show(line: MetricLine): void {
    if (this.mode === 'json') this.stream(line);
    if (line.kind === 'eval' && (this.mode === 'tty' || this.mode === 'plain')) {
      const parts = [`epoch ${line.epoch}`];
      if (line.knnAccuracy !== null) parts.push(`kNN accuracy ${(line.knnAccuracy * 100).toFixed(2)}%`);
      if (line.linearProbeAccuracy !== null) parts.push(`linear probe ${(line.linearProbeAccuracy * 100).toFixed(2)}%`);
      if (line.classifierAccuracy != null) parts.push(`classifier ${(line.classifierAccuracy * 100).toFixed(2)}%`);
      if (line.precisionAt1 !== null) parts.push(`P@1 ${(line.precisionAt1 * 100).toFixed(2)}%`);
      if (line.mapAtR !== null) parts.push(`MAP@R ${line.mapAtR.toFixed(3)}`);
      if (line.zeroShotAccuracy != null) parts.push(`zero-shot ${(line.zeroShotAccuracy * 100).toFixed(2)}%`);
      if (line.crossModalRecallAtK != null) {
        const ks = Object.keys(line.crossModalRecallAtK.aToB);
        const figures = (r: Readonly<Record<string, number>>) => ks.map((k) => r[k]!.toFixed(3)).join('/');
        parts.push(`R@${ks.join('/')} a→b ${figures(line.crossModalRecallAtK.aToB)}, b→a ${figures(line.crossModalRecallAtK.bToA)}`);
      }
      for (const [key, f] of Object.entries(line.fewShot ?? {})) parts.push(`${key} ${(f.accuracy * 100).toFixed(2)} ± ${(f.ci95 * 100).toFixed(2)}%`);
      for (const p of line.labelEfficiency ?? []) parts.push(`${labelPercent(p.fraction)} labels: probe ${(p.linearProbe * 100).toFixed(2)}%, kNN ${(p.knn * 100).toFixed(2)}%`);
      parts.push(`collapse std ${line.collapseStd.toFixed(4)} (healthy ≈ ${line.collapseHealthyStd.toFixed(4)})`);
      this.say(parts.join('  '));
    }
  }

  event(level: EventLevel, event: EventName, message: string, extra: { step?: number; epoch?: number; data?: Record<string, unknown> } = {}): void {
    this.record(level, event, message, extra);
    if (this.mode !== 'json') this.display(level, message);
  }

  /** An event's line on the terminal: errors on stderr, warnings marked. */
  private display(level: EventLevel, message: string): void {
    if (level === 'error') this.sayError(message);
    else if (this.mode !== 'silent') this.say(level === 'info' ? message : `${level}: ${message}`);
  }

  /**
   * An event for events.jsonl and the --json stream, not the terminal: for an error the closing
   * `failed` event repeats (a `nan` error is followed by `run failed at step …: <the same text>`).
   */
  record(level: EventLevel, event: EventName, message: string, extra: { step?: number; epoch?: number; data?: Record<string, unknown> } = {}): void {
    const line: RunEvent = { kind: 'event', time: new Date().toISOString(), level, event, message, ...extra };
    appendJsonLine(this.paths.events, line);
    if (this.mode === 'json') this.stream(line);
  }

  progress(state: ProgressState): void {
    if (this.mode === 'tty') {
      this.out.write(`\r\x1b[2K${renderProgress(state)}`);
      this.progressShown = true;
    } else if (this.mode === 'plain') {
      // Without a terminal, a line every few seconds is enough to see that it moves.
      const now = Date.now();
      if (now - this.lastPlainProgress > 5000 || state.stepInEpoch === state.stepsPerEpoch) {
        this.lastPlainProgress = now;
        this.out.write(renderProgress(state).replace(/[█░]+ /, '') + '\n');
      }
    }
  }

  /** A line for the human only (nothing is written to the run directory). */
  say(text: string): void {
    if (this.mode === 'json' || this.mode === 'silent') return;
    if (this.progressShown) {
      this.out.write('\r\x1b[2K');
      this.progressShown = false;
    }
    this.out.write(text + '\n');
  }

  /** An error line for the human, on stderr (once: the closing summary does not repeat it). */
  sayError(text: string): void {
    if (this.mode === 'json' || this.mode === 'silent') return;
    if (this.progressShown) {
      this.out.write('\r\x1b[2K');
      this.progressShown = false;
    }
    this.err.write(`error: ${text}\n`);
  }

  private stream(line: MetricLine | RunEvent): void {
    const streamed: StreamLine = { ...line, runId: this.runId };
    this.out.write(JSON.stringify(streamed) + '\n');
  }
}
