// `npm run quality`: the learning-quality benchmark. Trains every example in examples/ with its own
// settings through the CLI (so `seconds` is the user's wall time), reads the final kNN accuracy and
// checks it against the floor stated for that example in bench/quality-floors.md (the single source
// of the floors). Where the PyTorch mirror (engines/pytorch) trains the same recipe, it trains it on
// the same split and the ratio of the two accuracies is printed.
//   quality <example> knn <accuracy> epochs <n> seconds <s>
//   quality <example>-vs-pytorch <ratio> ratio
//   N passed, M failed
// Options: `npm run quality -- simclr byol` (some examples only), `--epochs N` (override every example's epochs).
// shapes-simclr trains on a generated folder of 4 × 100 shapes (data/shapes has only 40 images).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { ResolvedSpec } from '../server/spec/types';
import { writeSplit } from '../server/trainer/exportSplit';
import { writeShapes } from '../scripts/shapes.mjs';
import { PYTHON as python, runProcess, trainMirror, type MirrorResult, torchAvailable } from './mirror';

const repo = resolve(__dirname, '..');
const examplesDir = join(repo, 'examples');
const floorsFile = join(repo, 'bench', 'quality-floors.md');
const cli = join(repo, 'bin', 'contrastive-lab.js');
const SUFFIX = '.contrastive.yaml';

// ---------------------------------------------------------------------------------------------
// Floors: one markdown table `example | floor | reason`. A floor cell holds the absolute floor as a
// fraction or a percentage ("0.95", "95 %"), optionally followed by "pytorch − 0.05" (or
// "pytorch - 0.05"): then the effective floor is max(absolute, PyTorch's accuracy − 0.05).

interface Floor {
  example: string;
  absolute: number;
  /** Allowed gap below the PyTorch mirror's accuracy, or null when the floor is absolute only. */
  pytorchMargin: number | null;
  reason: string;
}

function parseFloors(text: string): Map<string, Floor> {
  const floors = new Map<string, Floor>();
  let header: string[] | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('|')) {
      header = null;
      continue;
    }
    const cells = line.replace(/^\||\|$/g, '').split('|').map((c) => c.trim());
    if (header === null) {
      header = cells.map((c) => c.toLowerCase());
      continue;
    }
    if (cells.every((c) => /^:?-+:?$/.test(c))) continue;
    const at = (name: string): string => {
      const i = header!.indexOf(name);
      if (i < 0) throw new Error(`${floorsFile}: the table needs the columns example | floor | reason`);
      return cells[i] ?? '';
    };
    const example = at('example').replace(/`/g, '');
    const floorCell = at('floor');
    const number = /(\d+(?:\.\d+)?)\s*(%?)/.exec(floorCell);
    if (number === null) throw new Error(`${floorsFile}: no floor number for ${example}: "${floorCell}"`);
    const absolute = Number(number[1]) / (number[2] === '%' ? 100 : 1);
    const margin = /pytorch\s*[−–-]\s*(\d+(?:\.\d+)?)\s*(%|points?)?/i.exec(floorCell);
    const pytorchMargin = margin === null ? null : Number(margin[1]) / (margin[2] !== undefined && margin[2] !== '' ? 100 : 1);
    if (floors.has(example)) throw new Error(`${floorsFile}: ${example} has two rows`);
    floors.set(example, { example, absolute, pytorchMargin, reason: at('reason') });
  }
  return floors;
}

// ---------------------------------------------------------------------------------------------
// The shapes set: scripts/shapes.mjs, the generator of the example's folder, with 100 images per
// class instead of 10.

const SHAPES_PER_CLASS = 100;

/** A copy of the shapes-simclr spec next to a generated folder, so `data.source` points at it. */
async function shapesSpec(original: string, work: string): Promise<string> {
  const folder = join(work, 'shapes');
  const count = await writeShapes(folder, SHAPES_PER_CLASS, 3);
  const doc = parseDocument(readFileSync(original, 'utf8'));
  doc.setIn(['data', 'source'], 'shapes');
  const copy = join(work, basename(original));
  writeFileSync(copy, doc.toString());
  console.log(`  shapes-simclr: generated ${count} images (4 shapes × ${SHAPES_PER_CLASS}, 32×32 RGB, scripts/shapes.mjs) in ${folder}`);
  return copy;
}

// ---------------------------------------------------------------------------------------------
// Running: our CLI, then the PyTorch mirror on the same split and resolved spec.

interface Ours {
  ok: boolean;
  knn: number | null;
  epochs: number;
  seconds: number;
  runDir: string | null;
  error: string;
}

async function trainOurs(spec: string, out: string, epochs: number | null): Promise<Ours> {
  const args = [cli, 'train', spec, '--out', out, '--json', '--no-umap', ...(epochs !== null ? ['--epochs', String(epochs)] : [])];
  const r = await runProcess(process.execPath, args, process.env);
  let knn: number | null = null;
  let lastEpoch = 0;
  let runDir: string | null = null;
  let error = '';
  for (const line of r.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (m.kind === 'eval') {
      if (typeof m.knnAccuracy === 'number') knn = m.knnAccuracy;
      if (typeof m.epoch === 'number') lastEpoch = m.epoch;
    } else if (m.kind === 'event') {
      const data = m.data as Record<string, unknown> | undefined;
      if (typeof data?.runDir === 'string') runDir = data.runDir;
      if (m.level === 'error') error = String(m.message);
    }
  }
  if (runDir === null) {
    const dirs = readdirSync(out).filter((d) => !d.startsWith('.'));
    if (dirs.length === 1) runDir = join(out, dirs[0]!);
  }
  // The epochs that ran: the last evaluated epoch (the final evaluation runs after the last epoch).
  let epochsRun = lastEpoch;
  if (epochsRun === 0 && runDir !== null) {
    try {
      epochsRun = (JSON.parse(readFileSync(join(runDir, 'spec.json'), 'utf8')) as ResolvedSpec).strategy.epochs;
    } catch {
      /* unknown */
    }
  }
  if (r.code !== 0 && error === '') error = (r.stderr.trim().split('\n').pop() ?? '') || `exit code ${r.code}`;
  return { ok: r.code === 0 && knn !== null, knn, epochs: epochsRun, seconds: r.seconds, runDir, error: r.code !== 0 ? `trainer exit ${r.code}: ${error}` : knn === null ? 'no kNN accuracy reported' : '' };
}

async function trainTorch(runDir: string, specDir: string, work: string): Promise<MirrorResult> {
  const specJson = join(runDir, 'spec.json');
  const spec = JSON.parse(readFileSync(specJson, 'utf8')) as ResolvedSpec;
  const split = join(work, 'split');
  await writeSplit(spec, specDir, split);
  try {
    return await trainMirror(specJson, split, 1);
  } finally {
    rmSync(split, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  let epochs: number | null = null;
  const chosen: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--epochs') {
      epochs = Number(args[++i]);
      if (!Number.isInteger(epochs) || epochs < 1) {
        console.error('--epochs needs a positive integer');
        return 2;
      }
    } else if (args[i]!.startsWith('--')) {
      console.error(`unknown option ${args[i]}; options: --epochs N, and example names`);
      return 2;
    } else chosen.push(args[i]!.replace(SUFFIX, ''));
  }

  const all = readdirSync(examplesDir).filter((f) => f.endsWith(SUFFIX)).map((f) => f.slice(0, -SUFFIX.length)).sort();
  const floors = parseFloors(readFileSync(floorsFile, 'utf8'));
  const missing = all.filter((e) => !floors.has(e));
  const stale = [...floors.keys()].filter((e) => !all.includes(e));
  if (missing.length > 0 || stale.length > 0) {
    if (missing.length > 0) console.error(`bench/quality-floors.md has no floor for: ${missing.join(', ')}`);
    if (stale.length > 0) console.error(`bench/quality-floors.md names examples that do not exist: ${stale.join(', ')}`);
    return 2;
  }
  const unknown = chosen.filter((e) => !all.includes(e));
  if (unknown.length > 0) {
    console.error(`unknown example(s): ${unknown.join(', ')}; choose from ${all.join(', ')}`);
    return 2;
  }
  const examples = chosen.length > 0 ? all.filter((e) => chosen.includes(e)) : all;

  const available = torchAvailable();
  const noTorch = 'missing' in available ? available.missing : null;
  console.log(`quality: ${examples.length} example(s)${epochs !== null ? `, epochs overridden to ${epochs}` : ', their own epochs'}; ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, Node ${process.version}`);
  if (noTorch !== null) console.log(`PyTorch comparison skipped: ${noTorch}; only the absolute floors apply`);
  else console.log(`PyTorch ${'version' in available ? available.version : ''} mirror (engines/pytorch, ${python}, 1 thread pinned, OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset) trains the same resolved spec on the same split after each run`);
  console.log('timings are wall time on a shared machine: noisy when other processes run');

  const work = mkdtempSync(join(tmpdir(), 'contrastive-quality-'));
  let passed = 0;
  let failed = 0;
  const failures: string[] = [];
  try {
    for (const example of examples) {
      const floor = floors.get(example)!;
      const exampleWork = join(work, example);
      mkdirSync(exampleWork, { recursive: true });
      let spec = join(examplesDir, example + SUFFIX);
      if (example === 'shapes-simclr') spec = await shapesSpec(spec, exampleWork);
      const ours = await trainOurs(spec, join(exampleWork, 'runs'), epochs);
      if (!ours.ok) {
        console.log(`quality ${example} knn ${ours.knn !== null ? ours.knn.toFixed(4) : 'none'} epochs ${ours.epochs} seconds ${ours.seconds.toFixed(1)}`);
        const line = `FAIL ${example}: the run did not finish (${ours.error}); floor ${floor.absolute.toFixed(4)} not reached`;
        console.log(line);
        failures.push(line);
        failed++;
        continue;
      }
      console.log(`quality ${example} knn ${ours.knn!.toFixed(4)} epochs ${ours.epochs} seconds ${ours.seconds.toFixed(1)}`);

      let peer: MirrorResult | null = null;
      if (noTorch === null && ours.runDir !== null) {
        try {
          peer = await trainTorch(ours.runDir, dirname(spec), exampleWork);
        } catch (e) {
          peer = { kind: 'failed', message: e instanceof Error ? e.message : String(e) };
        }
        if (peer.kind === 'ok') {
          console.log(`  pytorch ${example} knn ${peer.knn.toFixed(4)} epochs ${peer.epochs} seconds ${peer.seconds.toFixed(1)}`);
          console.log(`quality ${example}-vs-pytorch ${(ours.knn! / peer.knn).toFixed(3)} ratio`);
        } else if (peer.kind === 'unsupported') {
          console.log(`  ${example}-vs-pytorch skipped: the PyTorch mirror does not train this recipe (${peer.message})`);
        } else {
          console.log(`  ${example}-vs-pytorch skipped: the PyTorch mirror failed (${peer.message})`);
        }
      }

      let effective = floor.absolute;
      let rule = `absolute floor ${floor.absolute.toFixed(4)}`;
      if (floor.pytorchMargin !== null) {
        if (peer?.kind === 'ok') {
          const relative = peer.knn - floor.pytorchMargin;
          if (relative > effective) {
            effective = relative;
            rule = `PyTorch ${peer.knn.toFixed(4)} − ${floor.pytorchMargin.toFixed(2)} = ${relative.toFixed(4)} (above the absolute ${floor.absolute.toFixed(4)})`;
          } else rule = `absolute floor ${floor.absolute.toFixed(4)} (PyTorch ${peer.knn.toFixed(4)} − ${floor.pytorchMargin.toFixed(2)} = ${relative.toFixed(4)} is lower)`;
        } else rule += ' (no PyTorch figure: relative floor not applied)';
      }
      if (ours.knn! + 1e-9 >= effective) passed++;
      else {
        failed++;
        const line = `FAIL ${example}: knn ${ours.knn!.toFixed(4)} misses the ${rule} by ${(effective - ours.knn!).toFixed(4)}`;
        console.log(line);
        failures.push(line);
      }
      rmSync(exampleWork, { recursive: true, force: true });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (failures.length > 1) {
    console.log('');
    for (const f of failures) console.log(f);
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
