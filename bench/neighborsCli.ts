// Benchmark: the gallery's neighbour search as the user meets it, in the built CLI (dist/cli.js) on a
// generated run (bench/syntheticRun.ts): a one-off `neighbors <run> --query N` (process start to
// answer), and `neighbors <run> --serve` (process start to the ready notification, and to the
// first answer), each with the process's peak resident memory. A preload writes the child's
// maxRSS at exit, so the figure is the CLI's own, not the bench's.
// Run alone: `node --import tsx bench/neighborsCli.ts <run-dir>... [--cli dist/cli.js]`; the bench's
// `map` section runs it on its 100k and 1M runs.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { FindNeighborsRequest, ReadyNotification } from '../server/trainer/neighborsProtocol';

const ROOT = resolve(__dirname, '..');

export interface NeighborsCliFigures {
  /** `neighbors --query`: process start to exit with the answer printed. */
  readonly querySeconds: number;
  readonly queryPeakMB: number;
  /** `neighbors --serve`: process start to the ready notification. */
  readonly serveReadySeconds: number;
  /** Process start to the first answer (the request is sent as soon as ready arrives, as the gallery does). */
  readonly serveFirstAnswerSeconds: number;
  /** A second query on the same process. */
  readonly serveNextAnswerSeconds: number;
  readonly servePeakMB: number;
}

function preloadFile(folder: string): string {
  const file = join(folder, 'peak-rss.cjs');
  writeFileSync(file, `process.on('exit', () => require('node:fs').writeFileSync(process.env.BENCH_PEAK_RSS_FILE, String(process.resourceUsage().maxRSS)));\n`);
  return file;
}

function peakMB(file: string): number {
  return existsSync(file) ? Number(readFileSync(file, 'utf8')) / 1024 : NaN;
}

/** Times `neighbors --query` and `neighbors --serve` of `cli` on `runDir` (query: the middle sample, k 10). */
export async function measureNeighborsCli(runDir: string, count: number, cli = join(ROOT, 'dist/cli.js')): Promise<NeighborsCliFigures> {
  if (!existsSync(cli)) throw new Error(`bench neighbors: ${cli} is missing; run \`npm run build\` first`);
  const work = mkdtempSync(join(tmpdir(), 'bench-neighbors-'));
  try {
    const preload = preloadFile(work);
    const query = Math.floor(count / 2);
    const env = (name: string): NodeJS.ProcessEnv => ({ ...process.env, BENCH_PEAK_RSS_FILE: join(work, name) });

    let t0 = performance.now();
    const once = spawnSync(process.execPath, ['--require', preload, cli, 'neighbors', runDir, '--query', String(query), '-k', '10', '--json'], { encoding: 'utf8', env: env('query'), maxBuffer: 1 << 24 });
    const querySeconds = (performance.now() - t0) / 1000;
    if (once.status !== 0) throw new Error(`bench neighbors: \`neighbors ${runDir} --query ${query}\` failed (exit ${once.status}): ${once.stderr.trim()}`);

    t0 = performance.now();
    const child = spawn(process.execPath, ['--require', preload, cli, 'neighbors', runDir, '--serve'], { env: env('serve'), stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((done) => child.once('close', done));
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const ready = new Promise<number>((done) => connection.onNotification(ReadyNotification, () => done(performance.now())));
    connection.listen();
    const failed = exited.then((code) => Promise.reject(new Error(`bench neighbors: \`neighbors ${runDir} --serve\` ended (exit ${code}) before answering: ${stderr.trim()}`)));
    const readyAt = await Promise.race([ready, failed]);
    await Promise.race([connection.sendRequest(FindNeighborsRequest, { query, k: 10 }), failed]);
    const firstAt = performance.now();
    await Promise.race([connection.sendRequest(FindNeighborsRequest, { query: query + 1, k: 10 }), failed]);
    const nextAt = performance.now();
    connection.dispose();
    child.stdin.end();
    await exited;
    return {
      querySeconds,
      queryPeakMB: peakMB(join(work, 'query')),
      serveReadySeconds: (readyAt - t0) / 1000,
      serveFirstAnswerSeconds: (firstAt - t0) / 1000,
      serveNextAnswerSeconds: (nextAt - firstAt) / 1000,
      servePeakMB: peakMB(join(work, 'serve')),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function line(name: string, value: number, unit: string): void {
  console.log(`bench ${name} ${Number.isFinite(value) ? value.toFixed(value < 10 ? 2 : 1) : 'NaN'} ${unit}`);
}

/** The table and the `bench neighbors-…-<count>` lines for each run. */
export async function runNeighborsCliBench(runs: readonly { readonly dir: string; readonly count: number }[], cli?: string): Promise<void> {
  console.log('points      --query s  peak MB   --serve ready s  first answer s  next answer s  peak MB  (k 10, dist/cli.js)');
  for (const { dir, count } of runs) {
    const f = await measureNeighborsCli(dir, count, cli);
    console.log(`${count.toLocaleString('en').padStart(9)}  ${f.querySeconds.toFixed(2).padStart(9)}  ${f.queryPeakMB.toFixed(0).padStart(7)}  ${f.serveReadySeconds.toFixed(2).padStart(15)}  ${f.serveFirstAnswerSeconds.toFixed(2).padStart(14)}  ${f.serveNextAnswerSeconds.toFixed(2).padStart(13)}  ${f.servePeakMB.toFixed(0).padStart(7)}`);
    line(`neighbors-query-${count}`, f.querySeconds, 's');
    line(`neighbors-query-peak-${count}`, f.queryPeakMB, 'MB');
    line(`neighbors-serve-ready-${count}`, f.serveReadySeconds, 's');
    line(`neighbors-serve-first-answer-${count}`, f.serveFirstAnswerSeconds, 's');
    line(`neighbors-serve-next-answer-${count}`, f.serveNextAnswerSeconds, 's');
    line(`neighbors-serve-peak-${count}`, f.servePeakMB, 'MB');
  }
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--cli');
  const cli = at >= 0 ? resolve(args[at + 1]!) : undefined;
  const dirs = args.filter((a, i) => !a.startsWith('--') && !(at >= 0 && i === at + 1)).map((d) => resolve(d));
  const runs = dirs.map((dir) => ({ dir, count: (JSON.parse(readFileSync(join(dir, 'embeddings/meta.json'), 'utf8')) as { count: number }).count }));
  runNeighborsCliBench(runs, cli).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  });
}
