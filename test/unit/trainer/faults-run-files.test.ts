// Fault injection, part 1: every file of a run directory and of its embeddings, truncated, deleted
// or filled with garbage, then list / resume / neighbors / embed / export on it. Each command must
// recover or fail naming the damaged file, without a hang or a stack trace, and no completed step
// (the newest intact checkpoint) may be lost.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { readRunRecord } from '../../../server/runs/record';
import { assertRecoversOrNames, cliBatch, copyRun, FAULTS, injectFault, intactStep, markStopped, metricSteps, TOTAL_STEPS, trainBaseRun, type CliResult, type Fault } from './faultHelpers';

const FILES = ['run.json', 'spec.json', 'metrics.jsonl', 'events.jsonl', 'embeddings/meta.json', 'embeddings/samples.json', 'embeddings/vectors.f32', 'embeddings/sprite.png'];

const COMMANDS = ['list', 'neighbors', 'export projector', 'export tfjs', 'embed', 'neighbors after embed'];
const commands = (dir: string): string[][] => [
  ['list', join(dir, '..')],
  ['neighbors', dir, '--query', '3', '-k', '2', '--backend', 'cpu'],
  ['export', dir, '--format', 'projector'],
  ['export', dir, '--format', 'tfjs'],
  ['embed', dir, '--no-umap', '--backend', 'cpu'],
  ['neighbors', dir, '--query', '3', '-k', '2', '--backend', 'cpu'],
];

interface Case {
  readonly file: string;
  readonly fault: Fault;
  /** Copy for the read-only commands (embed last: it rewrites embeddings/). */
  readonly dir: string;
  /** Copy marked stopped, for resume. */
  readonly resumed: string;
  results: (CliResult | null)[];
}

const cases: Case[] = [];

// One base run, every damaged copy made up front, all command lines run in two driver processes.
before(async () => {
  const { base, work } = await trainBaseRun('faults-files');
  for (const file of FILES) {
    for (const fault of FAULTS) {
      const dir = copyRun(base, work);
      injectFault(join(dir, file), fault);
      const resumed = copyRun(base, work);
      if (file !== 'run.json') markStopped(resumed);
      injectFault(join(resumed, file), fault);
      cases.push({ file, fault, dir, resumed, results: [] });
    }
  }
  const jobsOf = (c: Case): string[][] => [...commands(c.dir), ['resume', c.resumed, '--no-umap', '--backend', 'cpu']];
  const halves = [cases.filter((_, i) => i % 2 === 0), cases.filter((_, i) => i % 2 === 1)];
  await Promise.all(
    halves.map(async (half) => {
      const results = await cliBatch(half.flatMap(jobsOf), work, 400_000);
      half.forEach((c, n) => (c.results = results.slice(n * (COMMANDS.length + 1), (n + 1) * (COMMANDS.length + 1))));
    }),
  );
});

for (const file of FILES) {
  test(`${file} truncated, deleted or garbage: every command recovers or names ${file}`, () => {
    for (const { fault, dir, resumed, results } of cases.filter((c) => c.file === file)) {
      const r = (k: number): CliResult => {
        const result = results[k];
        assert.ok(result, `${fault} ${file}: \`${k < COMMANDS.length ? COMMANDS[k] : 'resume'}\` never finished (a hang?)`);
        return result;
      };
      const damaged = join(dir, file);
      COMMANDS.forEach((name, k) => assertRecoversOrNames(`${fault} ${file}, ${name}`, r(k), damaged));
      if (file === 'run.json' && fault !== 'delete') assert.ok(r(0).stderr.includes(damaged), `${fault} ${file}: list reports the damaged run\n${r(0).stderr}`);
      if (file.startsWith('embeddings/')) {
        // Damaged embeddings are exactly what `embed` repairs.
        assert.equal(r(4).code, 0, `${fault} ${file}, embed: ${r(4).stderr}`);
        assert.equal(r(5).code, 0, `${fault} ${file}, neighbors after embed: ${r(5).stderr}`);
      }
      assert.equal(intactStep(dir), TOTAL_STEPS, `${fault} ${file}: the newest checkpoint must survive`);

      const resume = r(COMMANDS.length);
      assertRecoversOrNames(`${fault} ${file}, resume`, resume, join(resumed, file));
      if (file !== 'run.json' && file !== 'spec.json') {
        assert.equal(resume.code, 0, `${fault} ${file}: resume should recover\n${resume.stderr}`);
        const record = readRunRecord(resumed);
        assert.equal(record.status, 'completed');
        assert.equal(record.step, TOTAL_STEPS);
        if (file !== 'metrics.jsonl') assert.deepEqual(metricSteps(resumed), Array.from({ length: TOTAL_STEPS }, (_, i) => i + 1), 'every completed step keeps its metric line');
      }
      if (file === 'metrics.jsonl' && fault !== 'delete') assert.match(resume.stdout + resume.stderr, /metrics\.jsonl: dropped \d+ damaged line/, 'lost metric lines are said');
      assert.equal(intactStep(resumed), TOTAL_STEPS, `${fault} ${file}, resume: the newest checkpoint must survive`);
    }
  });
}
