// How a finished session is reported by the CLI: the exit code and the closing lines.
import type { OutputMode } from '../trainer/reporter';
import type { SessionOutcome } from '../trainer/session';

export const RUN_EXIT_CODES = `Exit codes: 0 completed or stopped on request, 1 the spec has errors or training failed
(run.json says why), 2 wrong command-line usage.`;

export function modeFor(json: boolean): OutputMode {
  if (json) return 'json';
  return process.stdout.isTTY ? 'tty' : 'plain';
}

export function exitCodeFor(outcome: SessionOutcome): number {
  return outcome.status === 'failed' ? 1 : 0;
}

export function printOutcome(outcome: SessionOutcome, wall: string): void {
  const lines: string[] = [];
  if (outcome.status === 'completed') {
    const acc = outcome.lastEval?.knnAccuracy;
    if (acc !== null && acc !== undefined) lines.push(`final kNN accuracy: ${(acc * 100).toFixed(2)}% on the held-out samples`);
    const classified = outcome.lastEval?.classifierAccuracy;
    if (classified != null) lines.push(`final classifier accuracy: ${(classified * 100).toFixed(2)}% on the held-out samples`);
    const zeroShot = outcome.lastEval?.zeroShotAccuracy;
    if (zeroShot != null) lines.push(`final zero-shot accuracy: ${(zeroShot * 100).toFixed(2)}% on the held-out pairs`);
    lines.push(`completed in ${wall}`);
  } else if (outcome.status === 'stopped') {
    lines.push(`stopped after step ${outcome.record.step}; continue with: contrastive-lab resume ${outcome.runDir}`);
  }
  // A failure was already printed once, on stderr, by the run's `failed` event.
  lines.push(`run: ${outcome.runDir}`);
  process.stdout.write(lines.join('\n') + '\n');
}
