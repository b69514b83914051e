// Benchmark of the language server over the protocol (stdio, as an editor uses it): diagnostics
// after an edit of a 500-line spec, completion round-trips, and the server's resident memory before
// and after 10,000 edits. Run alone with `node --import tsx bench/language.ts`, or through
// bench/run.ts via runLanguageBench(). Uses dist/language-server.js when built.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LspClient } from '../test/unit/language/lsp-client';

export interface LanguageBenchOptions {
  readonly diagnosticRounds?: number;
  readonly completionRounds?: number;
  readonly edits?: number;
}

export interface LanguageBenchResult {
  readonly specLines: number;
  /** Median milliseconds from sending an edit to receiving its diagnostics (no debounce). */
  readonly diagnosticsMedianMs: number;
  /** Server CPU time per edit-to-diagnostics round: the same cost, independent of machine load. */
  readonly diagnosticsCpuMs: number;
  readonly completionMedianMs: number;
  readonly rssBeforeMb: number;
  readonly rssAfterMb: number;
  readonly rssGrowthMb: number;
  /** RSS after each tenth of the edits: the garbage collector makes it a sawtooth, so read the trend. */
  readonly rssTraceMb: readonly number[];
  readonly edits: number;
}

/** A realistic, valid spec of exactly 500 lines: commented sections and long augmentation views. */
export function fiveHundredLineSpec(): string {
  const lines = ['# Benchmark spec: SimCLR-style views on the built-in digits.', 'experiment: bench-500', 'description: A long spec for the language-server benchmark.', ''];
  lines.push('data:', '  source: builtin:digits', '  useLabels: false', '  split: { testFraction: 0.2, seed: 1 }', '');
  lines.push('loss:', '  type: infoNCE', '  temperature: 0.2', '');
  lines.push('distance:', '  type: cosine', '');
  lines.push('architecture:', '  backbone:', '    type: mlp', '    layers: [256, 128]', '  representationSize: 64', '  projection:', '    layers: [64, 32]', '');
  lines.push('strategy:', '  epochs: 5', '  batchSize: 64', '  optimizer:', '    type: adam', '    learningRate: 0.001', '');
  lines.push('eval:', '  knn: { k: 5, temperature: 0.1 }', '');
  lines.push('pairs:', '  positives: augmentation', '  negatives:', '    type: batch', '  views:');
  const tail = ['    strong:', '      - type: gaussianNoise', '        probability: 0.5', '        std: 0.1'];
  lines.push('    weak:');
  let op = 0;
  while (lines.length + tail.length + 5 <= 500) {
    lines.push(`      # op ${op}`, '      - type: brightness', `        probability: ${(0.1 + (op % 9) / 10).toFixed(1)}`, '        delta: 0.1', '');
    op++;
  }
  lines.push(...tail);
  while (lines.length < 500) lines.push('# end');
  return `${lines.join('\n')}\n`;
}

const WARM_UP_EDITS = 3000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** User + system CPU milliseconds a process has used so far (Linux, 100 ticks per second). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

export async function runLanguageBench(options: LanguageBenchOptions = {}): Promise<LanguageBenchResult> {
  const diagnosticRounds = options.diagnosticRounds ?? 60;
  const completionRounds = options.completionRounds ?? 100;
  const edits = options.edits ?? 10_000;
  const client = new LspClient();
  try {
    await client.initialize({ diagnosticsDelayMs: 0 });
    const uri = `file://${join(__dirname, 'bench-500.contrastive.yaml')}`;
    const text = fiveHundredLineSpec();
    const lines = text.split('\n');
    const temperatureLine = lines.indexOf('  temperature: 0.2');
    let version = 1;
    client.open(uri, text, 'yaml', version);
    const first = await client.waitForDiagnostics(uri, () => true, version, 60_000);
    if (first.diagnostics.length > 0) throw new Error(`the benchmark spec should be valid: ${JSON.stringify(first.diagnostics)}`);

    // Each edit retypes the temperature's value: a valid spec, so the whole pipeline runs.
    const edit = (i: number): number => {
      version++;
      const range = { start: { line: temperatureLine, character: 15 }, end: { line: temperatureLine, character: 16 } };
      client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text: String(2 + (i % 7)) }] });
      return version;
    };

    const diagnosticTimes: number[] = [];
    let cpuStart = 0;
    for (let i = 0; i < diagnosticRounds + 10; i++) {
      if (i === 10) cpuStart = cpuMs(client.pid);
      const started = performance.now();
      const v = edit(i);
      await client.waitForDiagnostics(uri, () => true, v, 60_000);
      if (i >= 10) diagnosticTimes.push(performance.now() - started);
    }
    const diagnosticsCpuMs = (cpuMs(client.pid) - cpuStart) / diagnosticRounds;

    const completionAt = [
      { line: temperatureLine + 1, character: 0 },
      { line: lines.indexOf('    type: batch'), character: 10 },
      { line: lines.indexOf('      - type: brightness') + 1, character: 8 },
    ];
    const completionTimes: number[] = [];
    for (let i = 0; i < completionRounds + 10; i++) {
      const started = performance.now();
      const response = await client.request('textDocument/completion', { textDocument: { uri }, position: completionAt[i % completionAt.length] });
      if (response.error) throw new Error(`completion failed: ${response.error.message}`);
      if (i >= 10) completionTimes.push(performance.now() - started);
    }

    // The heap grows to its working size over the first few thousand checks; measure after that,
    // so the figure shows what a long editing session adds (a leak), not the warm-up.
    for (let i = 0; i < WARM_UP_EDITS; i++) {
      const v = edit(i);
      if (i % 10 === 9) await client.waitForDiagnostics(uri, () => true, v, 60_000);
    }
    const rssBeforeMb = rssMb(client.pid);
    const rssTraceMb: number[] = [];
    for (let i = 0; i < edits; i++) {
      const v = edit(i);
      // Wait every few edits so the server checks the text as often as a fast typist makes it.
      if (i % 10 === 9) await client.waitForDiagnostics(uri, () => true, v, 60_000);
      if ((i + 1) % Math.ceil(edits / 10) === 0) rssTraceMb.push(rssMb(client.pid));
    }
    await client.waitForDiagnostics(uri, () => true, version, 60_000);
    const rssAfterMb = rssMb(client.pid);
    return {
      specLines: lines.length - 1,
      diagnosticsMedianMs: median(diagnosticTimes),
      diagnosticsCpuMs,
      completionMedianMs: median(completionTimes),
      rssBeforeMb,
      rssAfterMb,
      rssGrowthMb: rssAfterMb - rssBeforeMb,
      rssTraceMb,
      edits,
    };
  } finally {
    await client.shutdown();
  }
}

export function printLanguageBench(result: LanguageBenchResult): void {
  console.log(`language server over stdio, ${result.specLines}-line spec, no debounce`);
  console.log(`  edit → diagnostics: median ${result.diagnosticsMedianMs.toFixed(2)} ms wall clock (target < 20; includes machine load), ${result.diagnosticsCpuMs.toFixed(2)} ms server CPU per round`);
  console.log(`  completion round trip: median ${result.completionMedianMs.toFixed(2)} ms (target < 10)`);
  console.log(`  resident memory: ${result.rssBeforeMb.toFixed(1)} → ${result.rssAfterMb.toFixed(1)} MB over ${result.edits} edits after ${WARM_UP_EDITS} warm-up edits (after each tenth: ${result.rssTraceMb.map((v) => v.toFixed(1)).join(', ')} MB)`);
  console.log(`bench lsp-diagnostics-median ${result.diagnosticsMedianMs.toFixed(2)} ms`);
  console.log(`bench lsp-diagnostics-cpu ${result.diagnosticsCpuMs.toFixed(2)} ms`);
  console.log(`bench lsp-completion-median ${result.completionMedianMs.toFixed(2)} ms`);
  console.log(`bench lsp-rss-growth-10k-edits ${result.rssGrowthMb.toFixed(1)} MB`);
}

if (require.main === module) {
  runLanguageBench()
    .then(printLanguageBench)
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
