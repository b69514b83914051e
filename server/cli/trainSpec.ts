// The spec `train` starts from: checked with the shared spec pipeline (problems printed exactly as
// `contrastive-lab validate` prints them), then the command-line overrides applied.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { checkSpecFile } from '../spec/check';
import { probeDatasetOnDisk } from '../spec/dataset';
import { formatProblem } from '../spec/format';
import type { SpecProblem } from '../spec/problems';
import type { ResolvedSpec } from '../spec/types';

export type SpecCheck = { readonly ok: true; readonly spec: ResolvedSpec; readonly text: string; readonly problems: readonly SpecProblem[] } | { readonly ok: false; readonly problems: readonly SpecProblem[] };

export function checkSpecForTraining(specPath: string): SpecCheck {
  const result = checkSpecFile(specPath, { datasetInfo: probeDatasetOnDisk });
  if (result.spec === null) return { ok: false, problems: result.problems };
  return { ok: true, spec: result.spec, text: readFileSync(specPath, 'utf8'), problems: result.problems };
}

/**
 * The check for starting a run now: init.from naming a run that does not exist is a warning while
 * editing and in a queue (an earlier job may make it) but nothing to start from now, so it is an
 * error here, said before a run directory is made.
 */
export function checkSpecForTrainingNow(specPath: string): SpecCheck {
  const check = checkSpecForTraining(specPath);
  if (!check.ok || !check.problems.some((p) => p.ruleId === 'init-run-missing')) return check;
  return { ok: false, problems: check.problems.map((p) => (p.ruleId === 'init-run-missing' ? { ...p, severity: 'error' as const } : p)) };
}

/** Prints problems exactly as `contrastive-lab validate` does (paths relative to the working folder). */
export function printProblems(problems: readonly SpecProblem[], write: (line: string) => void): void {
  for (const p of problems) write(formatProblem({ ...p, file: relative(process.cwd(), p.file) || p.file }));
}

/** The spec with command-line overrides applied; this is what spec.json records. */
export function withOverrides(spec: ResolvedSpec, overrides: { epochs?: number; limit?: number; engine?: ResolvedSpec['run']['engine']; processes?: number; device?: string }): ResolvedSpec {
  const { engine, processes, device } = overrides;
  return {
    ...spec,
    run: { ...spec.run, ...(engine !== undefined ? { engine } : {}), ...(processes !== undefined ? { processes } : {}), ...(device !== undefined ? { device } : {}) },
    strategy: overrides.epochs !== undefined ? { ...spec.strategy, epochs: overrides.epochs } : spec.strategy,
    data: overrides.limit !== undefined ? { ...spec.data, limit: overrides.limit } : spec.data,
  };
}
