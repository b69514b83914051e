// The gallery's search with a file the run has not seen: one `contrastive-lab search <run> <file>
// --json` child process per query (the CLI embeds it with the run's network; the extension host
// never loads a tensor library). Free of VS Code so it is tested against the real CLI.
import { spawn } from 'node:child_process';
import type { SearchResults } from '../../server/search/protocol';
import { describeInvocation, type TrainerInvocation } from '../trainer/trainerCommand';

const DEFAULT_TIMEOUT_MS = 120_000;

/**
 * Runs the search and resolves to its JSON result; rejects with the CLI's own message (one line
 * naming the file and what to do) when it exits with an error, or when it takes longer than `timeoutMs`.
 */
export function runSearch(invocation: TrainerInvocation, options: { timeoutMs?: number; log?: (line: string) => void } = {}): Promise<SearchResults> {
  const log = options.log ?? (() => undefined);
  log(`search: $ ${describeInvocation(invocation)}`);
  return new Promise((resolve, reject) => {
    const child = spawn(invocation.command, [...invocation.args], { cwd: invocation.cwd, env: { ...process.env, ...invocation.env }, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`the search took longer than ${(options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000} s and was stopped; try again, or run \`${describeInvocation(invocation)}\` in a terminal.`));
    }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`could not start '${invocation.command}': ${e.message}. Set the setting contrastiveLab.nodePath to a Node.js 20 executable.`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
      for (const line of lines) log(`search: ${line}`);
      if (code === 0) {
        try {
          resolve(JSON.parse(stdout) as SearchResults);
        } catch (e) {
          reject(new Error(`the search printed something that is not its JSON result (${(e as Error).message})`));
        }
        return;
      }
      // The CLI's message without its command prefix; notes (e.g. an HNSW index being built) are not the error.
      const message = lines.filter((l) => !l.startsWith('note:')).pop()?.replace(/^contrastive-lab search: /, '');
      reject(new Error(message ?? `the search process exited (${signal ? `signal ${signal}` : `code ${code}`})`));
    });
  });
}
