// The code lens on a spec's `sweep:` key: how many runs the sweep trains, and a click runs it.
import type { CodeLens } from 'vscode-languageserver';
import type { SpecDocument } from '../spec/document';
import { isRecord } from '../spec/schema';
import { asParameter, sweepRunCount } from '../spec/sweep';

export const RUN_SWEEP_COMMAND = 'contrastiveLab.runSweep';

/** How many runs the written sweep block trains, when it is shaped well enough to count (it may have errors elsewhere). */
export function sweepRunTotal(specValue: unknown): { readonly runs: number; readonly halving: boolean } | undefined {
  const sweep = isRecord(specValue) ? specValue.sweep : undefined;
  if (!isRecord(sweep) || !isRecord(sweep.parameters)) return undefined;
  const parameters: Record<string, NonNullable<ReturnType<typeof asParameter>>> = {};
  for (const [path, written] of Object.entries(sweep.parameters)) {
    const parameter = asParameter(written);
    if (parameter === undefined) return undefined;
    parameters[path] = parameter;
  }
  if (Object.keys(parameters).length === 0) return undefined;
  const strategy = sweep.strategy === 'random' ? 'random' : 'grid';
  const count = typeof sweep.count === 'number' && Number.isInteger(sweep.count) && sweep.count > 0 ? sweep.count : 8;
  return { runs: sweepRunCount({ strategy, count, parameters }, specValue), halving: isRecord(sweep.halving) };
}

export function sweepLens(document: SpecDocument, uri: string): CodeLens | undefined {
  const total = sweepRunTotal(document.value);
  const range = document.keyRangeOf(['sweep']);
  if (total === undefined || range === undefined) return undefined;
  const title = `▶ Run sweep: ${total.runs} run${total.runs === 1 ? '' : 's'}${total.halving ? ' (successive halving stops the weaker ones early)' : ''}`;
  return { range, command: { title, command: RUN_SWEEP_COMMAND, arguments: [uri] } };
}
