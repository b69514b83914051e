// Runs every fixture of a folder against the library on the current backend.
import { FixtureFormatError } from './map-params';
import { loadFixtures } from './fixture';
import { runDistanceFixture } from './run-distance';
import { runLossFixture } from './run-loss';
import { runMinerFixture } from './run-miner';

export interface FixtureResult {
  readonly name: string;
  readonly file: string;
  /** Empty when the fixture passed. */
  readonly failures: readonly string[];
}

export interface ConformanceReport {
  readonly results: readonly FixtureResult[];
  readonly passed: number;
  readonly failed: number;
}

export function runConformance(dir: string): ConformanceReport {
  const results: FixtureResult[] = [];
  for (const { file, fixture } of loadFixtures(dir)) {
    let failures: string[];
    try {
      failures =
        fixture.kind === 'distance' ? runDistanceFixture(fixture) : fixture.kind === 'loss' ? runLossFixture(fixture) : runMinerFixture(fixture);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures = [error instanceof FixtureFormatError ? `cannot run: ${message}` : `error: ${message}`];
    }
    results.push({ name: fixture.name ?? file, file, failures });
  }
  const failed = results.filter((r) => r.failures.length > 0).length;
  return { results, passed: results.length - failed, failed };
}

/** One line per failure, then the summary line `N passed, M failed`. */
export function formatReport(report: ConformanceReport): string[] {
  const lines: string[] = [];
  for (const r of report.results) for (const f of r.failures) lines.push(`FAIL ${r.name}: ${f}`);
  lines.push(`${report.passed} passed, ${report.failed} failed`);
  return lines;
}
