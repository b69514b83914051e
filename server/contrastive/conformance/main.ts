// `npm run conformance -- <dir> [--backend wasm|cpu|tensorflow|auto]`: checks the library against a
// folder of reference fixtures. Prints one line per failure and ends with `N passed, M failed`;
// exits 1 on any failure (2 on a usage error).
import { initBackend, type BackendRequest } from '../backend';
import { BACKEND_REQUESTS, isBackendRequest } from '../backend.decl';
import { formatReport, runConformance } from './runner';

export const CONFORMANCE_USAGE = `conformance <fixture-folder> [--backend ${BACKEND_REQUESTS.join('|')}] [--verbose]`;

export async function conformanceMain(argv: readonly string[], out: (line: string) => void = console.log): Promise<number> {
  let dir: string | undefined;
  let backend: BackendRequest = 'auto';
  let verbose = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--backend') {
      const value = argv[++i];
      if (!isBackendRequest(value)) {
        out(`--backend needs one of ${BACKEND_REQUESTS.join(', ')} (got ${value ?? 'nothing'}). Usage: ${CONFORMANCE_USAGE}`);
        return 2;
      }
      backend = value;
    } else if (arg === '--verbose') verbose = true;
    else if (arg.startsWith('-')) {
      out(`Unknown option ${arg}. Usage: ${CONFORMANCE_USAGE}`);
      return 2;
    } else if (dir === undefined) dir = arg;
    else {
      out(`Only one fixture folder can be given (got "${dir}" and "${arg}"). Usage: ${CONFORMANCE_USAGE}`);
      return 2;
    }
  }
  if (dir === undefined) {
    out(`Give the folder of fixtures to check. Usage: ${CONFORMANCE_USAGE}`);
    return 2;
  }
  return checkFolder(dir, backend, verbose, out);
}

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

// Inside a bundle (dist/cli.js) `require.main === module` holds for every command; run only as this script.
if (require.main === module && /conformance[\\/]main\.[cm]?[jt]s$/.test(process.argv[1] ?? '')) {
  conformanceMain(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(2);
    },
  );
}
