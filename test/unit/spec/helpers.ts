// Shared helpers for the spec pipeline tests.
import { checkSpecText, type CheckOptions, type CheckResult } from '../../../server/spec';
import { applyEdits } from '../../../server/spec/edits';
import type { SpecFix } from '../../../server/spec/problems';

export const SPEC_FILE = '/tmp/contrastive-lab-tests/specs/x.contrastive.yaml';

/**
 * A spec text with the expected underlined span wrapped in «…». Returns the clean text and the
 * span's offsets.
 */
export function marked(source: string): { text: string; start: number; end: number } {
  const start = source.indexOf('«');
  const end = source.indexOf('»');
  if (start < 0 || end < start) throw new Error(`test spec has no «…» marker: ${source}`);
  return { text: source.replace('«', '').replace('»', ''), start, end: end - 1 };
}

export function check(text: string, options: CheckOptions = {}, file = SPEC_FILE): CheckResult {
  return checkSpecText(text, file, options);
}

export function applyFix(result: CheckResult, fix: SpecFix): string {
  return applyEdits(result.document, result.document.text, fix.edits);
}
