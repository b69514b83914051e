// `npm run quality`: the learning-quality benchmark. Trains every example in examples/ with its own
// settings through the CLI (so `seconds` is the user's wall time), reads the final kNN accuracy and
// checks it against the floor stated for that example in bench/quality-floors.md (the single source
// of the floors). Then the PyTorch engine (`train --engine pytorch`, engines/pytorch) trains the same
// example on the same split; both accuracies are printed side by side at the end, and an example whose
// engines are more than 3 points apart fails. An example with an ingredient the PyTorch engine lacks
// reads "not on pytorch" (its refusal names the field); without torch only the tfjs floors apply.
//   quality <example> knn <accuracy> epochs <n> seconds <s>
//   quality <example> pytorch knn <accuracy> epochs <n> seconds <s>
//   quality <example>-vs-pytorch <ratio> ratio
//   a table: example | tfjs | pytorch | gap (points), "GAP > 3 points" where they differ by more
//   N passed, M failed
// Options: `npm run quality -- simclr byol` (some examples only), `--epochs N` (override every example's epochs).
// shapes-simclr trains on a generated folder of 4 × 400 shapes, 1,280 held out (data/shapes has only 40 images).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { writeShapes } from '../scripts/shapes.mjs';
import { trainWithCli, type CliTrainResult } from './cliTrain';
import { PYTHON as python, torchAvailable } from './mirror';
import { pytorchEnv } from './simclr';

const repo = resolve(__dirname, '..');
const examplesDir = join(repo, 'examples');
const floorsFile = join(repo, 'bench', 'quality-floors.md');
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
// The shapes set: scripts/shapes.mjs, the generator of the example's folder, with 400 images per
// class instead of 10, 80 % held out: 320 to train on (as many as the 4 × 100 set gave before) and
// 1,280 to evaluate, so one image is 0.08 points and a run's accuracy has a sampling error of ~1.4
// points, not ~5 as with 100 test images (too coarse to compare two engines within 3 points).

const SHAPES_PER_CLASS = 400;
const SHAPES_TEST_FRACTION = 0.8;

/** A copy of the shapes-simclr spec next to a generated folder, so `data.source` points at it. */
async function shapesSpec(original: string, work: string): Promise<string> {
  const folder = join(work, 'shapes');
  const count = await writeShapes(folder, SHAPES_PER_CLASS, 3);
  const doc = parseDocument(readFileSync(original, 'utf8'));
  doc.setIn(['data', 'source'], 'shapes');
  doc.setIn(['data', 'split', 'testFraction'], SHAPES_TEST_FRACTION);
  const copy = join(work, basename(original));
  writeFileSync(copy, doc.toString());
  console.log(`  shapes-simclr: generated ${count} images (4 shapes × ${SHAPES_PER_CLASS}, 32×32 RGB, scripts/shapes.mjs; ${SHAPES_TEST_FRACTION * 100} % held out) in ${folder}`);
  return copy;
}

// ---------------------------------------------------------------------------------------------
// Side by side: each example on both engines, and the gap between their accuracies.

/** Engines whose final kNN accuracies differ by more than this are flagged (and the example fails). */
const MAX_GAP = 0.03;

interface Compared {
  readonly example: string;
  readonly tfjs: CliTrainResult;
  /** null when this machine's Python has no torch. */
  readonly pytorch: CliTrainResult | null;
}

/** A copy of the SigLIT example beside a fresh run of siglit-simclr (its own epochs unless --epochs), in the runs folder its init.from names. */
async function siglitSpec(original: string, work: string, epochs: number | null): Promise<string> {
  const pretrain = await trainWithCli(join(examplesDir, `siglit-simclr${SUFFIX}`), join(work, 'runs', 'siglit-simclr'), { engine: 'tfjs', epochs });
  if (pretrain.kind !== 'ok') throw new Error(`siglit-digits-captions: its image tower's SimCLR run (siglit-simclr) did not finish: ${pretrain.message}`);
  console.log(`  siglit-digits-captions: image tower from ${pretrain.runDir} (kNN ${pretrain.knn.toFixed(4)}, ${pretrain.wallSeconds.toFixed(1)} s)`);
  const spec = join(work, basename(original));
  writeFileSync(spec, readFileSync(original, 'utf8'));
  return spec;
}

/** The final table: tfjs | pytorch | gap in points, with "not on pytorch" and the flagged gaps. */
function printSideBySide(rows: readonly Compared[]): void {
  const acc = (r: CliTrainResult | null): string => (r === null ? 'no torch' : r.kind === 'ok' ? `${(r.knn * 100).toFixed(2)} %` : r.kind === 'refused' ? 'not on pytorch' : 'failed');
  const width = Math.max(...rows.map((r) => r.example.length), 7);
  console.log('');
  console.log(`${'example'.padEnd(width)}  ${'tfjs'.padStart(8)}  ${'pytorch'.padStart(14)}  gap (points)`);
  for (const { example, tfjs, pytorch } of rows) {
    let gap = '';
    if (tfjs.kind === 'ok' && pytorch?.kind === 'ok') {
      const points = (tfjs.knn - pytorch.knn) * 100;
      gap = `${points >= 0 ? '+' : '−'}${Math.abs(points).toFixed(2)}${Math.abs(points) > MAX_GAP * 100 ? `  GAP > ${MAX_GAP * 100} points` : ''}`;
    } else if (pytorch?.kind === 'refused') gap = pytorch.message;
    console.log(`${example.padEnd(width)}  ${acc(tfjs).padStart(8)}  ${acc(pytorch).padStart(14)}  ${gap}`);
  }
}

/** The example's floor (absolute, or relative to the PyTorch engine's accuracy) and the engines' gap; each miss is passed to `fail`. */
function checkFloor(example: string, floor: Floor, knn: number, peer: CliTrainResult | null, fail: (line: string) => void): void {
  if (peer?.kind === 'ok' && Math.abs(knn - peer.knn) > MAX_GAP) {
    fail(`FAIL ${example}: tfjs ${knn.toFixed(4)} and pytorch ${peer.knn.toFixed(4)} are ${(Math.abs(knn - peer.knn) * 100).toFixed(2)} points apart (more than ${MAX_GAP * 100})`);
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
  if (knn + 1e-9 < effective) fail(`FAIL ${example}: knn ${knn.toFixed(4)} misses the ${rule} by ${(effective - knn).toFixed(4)}`);
}

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
  else console.log(`PyTorch ${'version' in available ? available.version : ''} engine (\`train --engine pytorch\`, ${python}, 1 thread, OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset) trains the same spec on the same split after each tfjs run; engines more than ${MAX_GAP * 100} points apart fail`);
  console.log('timings are wall time on a shared machine: noisy when other processes run');

  const work = mkdtempSync(join(tmpdir(), 'contrastive-quality-'));
  let passed = 0;
  let failed = 0;
  const failures: string[] = [];
  const compared: Compared[] = [];
  try {
    for (const example of examples) {
      // Every reason this example fails (a run that did not finish, engines too far apart, a missed floor).
      const reasons: string[] = [];
      const fail = (line: string): void => {
        console.log(line);
        reasons.push(line);
      };
      const floor = floors.get(example)!;
      const exampleWork = join(work, example);
      mkdirSync(exampleWork, { recursive: true });
      let spec = join(examplesDir, example + SUFFIX);
      if (example === 'shapes-simclr') spec = await shapesSpec(spec, exampleWork);
      // SigLIT locks the image tower of the newest siglit-simclr run: that example trains first, into the folder init.from names.
      if (example === 'siglit-digits-captions') spec = await siglitSpec(spec, exampleWork, epochs);
      const ours = await trainWithCli(spec, join(exampleWork, 'runs-tfjs'), { engine: 'tfjs', epochs });
      const peer = noTorch === null ? await trainWithCli(spec, join(exampleWork, 'runs-pytorch'), { engine: 'pytorch', epochs, threads: 1, env: pytorchEnv(1) }) : null;
      compared.push({ example, tfjs: ours, pytorch: peer });
      if (ours.kind === 'ok') console.log(`quality ${example} ${ours.measure} ${ours.knn.toFixed(4)} epochs ${ours.epochs} seconds ${ours.wallSeconds.toFixed(1)}`);
      else console.log(`quality ${example} knn none seconds ${ours.wallSeconds.toFixed(1)}`);
      if (peer?.kind === 'ok') {
        console.log(`quality ${example} pytorch knn ${peer.knn.toFixed(4)} epochs ${peer.epochs} seconds ${peer.wallSeconds.toFixed(1)}`);
        if (ours.kind === 'ok') console.log(`quality ${example}-vs-pytorch ${(ours.knn / peer.knn).toFixed(3)} ratio`);
      } else if (peer?.kind === 'refused') console.log(`  ${example}: not on pytorch (${peer.message})`);
      else if (peer?.kind === 'failed') fail(`FAIL ${example}: the PyTorch engine did not finish (${peer.message})`);

      if (ours.kind !== 'ok') fail(`FAIL ${example}: the tfjs run did not finish (${ours.message}); floor ${floor.absolute.toFixed(4)} not reached`);
      else checkFloor(example, floor, ours.knn, peer, fail);
      if (reasons.length === 0) passed++;
      else {
        failed++;
        failures.push(...reasons);
      }
      rmSync(exampleWork, { recursive: true, force: true });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  printSideBySide(compared);
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
