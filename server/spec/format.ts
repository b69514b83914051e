// How a problem is printed for humans: `file:line:col: severity rule-id message`.
import type { SpecProblem } from './problems';

export function formatProblem(problem: SpecProblem, file: string = problem.file): string {
  return `${file}:${problem.line}:${problem.column}: ${problem.severity} ${problem.ruleId} ${problem.message}`;
}
