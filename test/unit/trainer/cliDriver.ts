// Runs many `contrastive-lab` command lines in one process (the same main() the bin calls), so the
// fault-injection suite does not pay a process start per command. Usage:
//   node --import tsx cliDriver.ts <jobs.json> <results.jsonl>
// jobs.json: [{ "args": [...] }, ...]; each result line: { "i", "code", "stdout", "stderr", "ms" }.
import { appendFileSync, readFileSync } from 'node:fs';
import { main } from '../../../server/cli/dispatch';

async function run(): Promise<void> {
  const [jobsFile, resultsFile] = process.argv.slice(2) as [string, string];
  const jobs = JSON.parse(readFileSync(jobsFile, 'utf8')) as { args: string[] }[];
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  for (let i = 0; i < jobs.length; i++) {
    let stdout = '';
    let stderr = '';
    process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
    const started = Date.now();
    let code: number;
    try {
      code = await main(jobs[i]!.args);
    } catch (e) {
      code = 99;
      stderr += `driver: uncaught ${(e as Error).stack}`;
    } finally {
      process.stdout.write = out;
      process.stderr.write = err;
    }
    appendFileSync(resultsFile, JSON.stringify({ i, code, stdout, stderr, ms: Date.now() - started }) + '\n');
  }
}

run().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(String(e));
    process.exit(98);
  },
);
