// Checks the library against a folder of reference fixtures on a tfjs backend (the tfjs engine's
// side of `npm run conformance`, i.e. `contrastive-lab conformance`): one line per failure, then
// `N passed, M failed`.
import { initBackend, type BackendRequest } from '../backend';
import { formatReport, runConformance } from './runner';

/** Initialises the backend, checks every fixture in `dir`, prints the report; resolves to the exit code. */
export async function checkFolder(dir: string, backend: BackendRequest, verbose: boolean, out: (line: string) => void): Promise<number> {
  const choice = await initBackend(backend);
  out(`backend: ${choice.name} (${choice.reason})`);
  const report = runConformance(dir);
  if (report.results.length === 0) {
    process.stderr.write(`${dir}: no *.json fixtures here, so nothing was checked (the format: test/fixtures/reference/README.md).\n`);
    return 1;
  }
  if (verbose) for (const r of report.results) if (r.failures.length === 0) out(`ok   ${r.name}`);
  for (const line of formatReport(report)) out(line);
  return report.failed > 0 ? 1 : 0;
}
