// Binary NCE against its float64 reference (test/fixtures/reference-nce, made by generate.py there
// with numpy): the loss, the gradients with respect to the embeddings / views / queue and the
// log-normaliser pass on cpu, wasm and the PyTorch engine; the committed fixtures are what the
// generator writes; and the noise term log(k/m) is really in the loss.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { tf } from '../../../server/contrastive/backend';
import { checkFolder } from '../../../server/contrastive/conformance/main';
import { createDistance } from '../../../server/contrastive/distances';
import { createLoss } from '../../../server/contrastive/losses';
import type { DistanceSpec } from '../../../server/spec/types';

const root = join(__dirname, '..', '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'reference-nce');
const PYTHON = '/usr/bin/python3';
const count = (JSON.parse(readFileSync(join(fixtures, 'index.json'), 'utf8')) as { count: number }).count;

/** The PyTorch engine's conformance command over `dir` (one Python start-up). */
function pytorchConformance(dir: string): { code: number | null; lines: string[] } {
  const env = { ...process.env, CONTRASTIVE_LAB_PYTHON: PYTHON, OMP_NUM_THREADS: '1' };
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'server', 'cli', 'main.ts'), 'conformance', dir, '--engine', 'pytorch'], { cwd: root, encoding: 'utf8', env, timeout: 240_000 });
  return { code: r.status, lines: `${r.stdout}${r.stderr}`.trim().split('\n') };
}

/** Where two JSON values differ: numbers by more than 1e-12 relative, anything else at all. */
function farApart(a: unknown, b: unknown, at: string): string[] {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)) ? [] : [`${at}: ${a} vs ${b}`];
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) return a.flatMap((x, i) => farApart(x, b[i], `${at}[${i}]`));
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => farApart((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`));
  }
  return a === b ? [] : [`${at}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`];
}

const hasModule = (module: string) => spawnSync(PYTHON, ['-c', `import ${module}`]).status === 0;
const noTorch = hasModule('torch') ? false : `${PYTHON} cannot import torch`;
const noNumpy = hasModule('numpy') ? false : `${PYTHON} cannot import numpy`;

describe('nce conformance', () => {
  // The committed fixtures, plus two copies with a wrong dL/dc and a wrong queue gradient (renamed),
  // so that one run per engine shows both: every right value passes, every wrong one is caught.
  const dir = mkdtempSync(join(tmpdir(), 'nce-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  for (const name of readdirSync(fixtures).filter((f) => f.startsWith('NCELoss'))) copyFileSync(join(fixtures, name), join(dir, name));
  const broken = (name: string, change: (e: Record<string, unknown>) => void) => {
    const f = JSON.parse(readFileSync(join(fixtures, name), 'utf8')) as { name: string; expected: Record<string, unknown> };
    change(f.expected);
    f.name = `${f.name}_broken`;
    writeFileSync(join(dir, `broken-${name}`), JSON.stringify(f));
  };
  broken('NCELoss_SimCLR__default__seed0.json', (e) => (e.gradLogNormalizer = (e.gradLogNormalizer as number) + 0.5));
  broken('NCELoss__queue_euclidean_tau0.3__seed3.json', (e) => ((e.gradRefEmbeddings as number[][])[6]![1]! += 0.1));
  const expectReport = (lines: string[]) => {
    const failures = lines.filter((l) => l.startsWith('FAIL'));
    assert.equal(failures.length, 2, lines.join('\n'));
    assert.match(failures[0]!, /^FAIL NCELoss_SimCLR__default__seed0_broken: gradLogNormalizer: got/);
    assert.match(failures[1]!, /^FAIL NCELoss__queue_euclidean_tau0\.3__seed3_broken: gradRefEmbeddings/);
    assert.equal(lines.at(-1), `${count} passed, 2 failed`, lines.join('\n'));
  };

  test('there are fixtures for two views, labels and a queue with a distance', () => {
    assert.equal(count, 4);
    const names = readdirSync(fixtures).filter((f) => f.startsWith('NCELoss'));
    assert.equal(names.length, count);
    const queue = JSON.parse(readFileSync(join(fixtures, names.find((n) => n.includes('queue'))!), 'utf8'));
    assert.equal(queue.params.distance.type, 'LpDistance');
    assert.ok(Array.isArray(queue.expected.gradRefEmbeddings));
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    test(`on ${backend} every fixture passes and both wrong values are reported`, async () => {
      const lines: string[] = [];
      const code = await checkFolder(dir, backend, false, (line) => lines.push(line));
      expectReport(lines);
      assert.equal(code, 1);
    });
  }

  test('through the PyTorch engine every fixture passes and both wrong values are reported', { skip: noTorch }, () => {
    const { code, lines } = pytorchConformance(dir);
    expectReport(lines);
    assert.equal(code, 1);
  });

  test('the committed fixtures are what generate.py computes', { skip: noNumpy }, () => {
    const out = mkdtempSync(join(tmpdir(), 'nce-gen-'));
    try {
      const r = spawnSync(PYTHON, [join(fixtures, 'generate.py'), out], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const generated = readdirSync(out).filter((name) => name.startsWith('NCELoss'));
      assert.equal(generated.length, count);
      for (const name of generated) {
        const fresh = JSON.parse(readFileSync(join(out, name), 'utf8')) as { inputs: unknown; expected: unknown };
        const committed = JSON.parse(readFileSync(join(fixtures, name), 'utf8')) as { inputs: unknown; expected: unknown };
        assert.deepEqual(fresh.inputs, committed.inputs, `${name}: inputs`);
        // the last bits of a float64 sum depend on the BLAS build and its threads
        assert.deepEqual(farApart(fresh.expected, committed.expected, name), []);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('nce behaviour', () => {
  const spec: DistanceSpec = { type: 'cosine' };
  const cosine = createDistance(spec);
  const value = (views: number[][][], options: { temperature: number; logNormalizer: number }) => {
    const loss = createLoss({ type: 'nce', learnable: false, ...options }, cosine);
    try {
      return tf.tidy(() => loss.compute({ views: { view1: tf.tensor2d(views[0]!), view2: tf.tensor2d(views[1]!) } }).dataSync()[0]!);
    } finally {
      loss.dispose();
    }
  };
  const aligned = [[[1, 0], [0, 1], [-1, 0]], [[1, 0.1], [0.1, 1], [-1, 0.1]]];
  const swapped = [aligned[0]!, [aligned[1]![1]!, aligned[1]![0]!, aligned[1]![2]!]];

  test('matching views cost less than mismatched ones', () => {
    assert.ok(value(aligned, { temperature: 0.5, logNormalizer: 0 }) < value(swapped, { temperature: 0.5, logNormalizer: 0 }));
  });

  test('the noise term: with identical embeddings every Δ is −c − log(k/m), so the loss is known in closed form', () => {
    // 2 views × 2 samples, all equal: S = 1/τ everywhere; per row k = 2 negatives of m = 3 candidates
    const same = [[[1, 0], [1, 0]], [[1, 0], [1, 0]]];
    const tau = 0.5;
    const c = 0.3;
    const delta = 1 / tau - c - Math.log(2 / 3);
    const softplus = (x: number) => Math.log1p(Math.exp(x));
    assert.ok(Math.abs(value(same, { temperature: tau, logNormalizer: c }) - (softplus(-delta) + 2 * softplus(delta))) < 1e-4);
  });
});
