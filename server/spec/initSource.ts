// What a spec's `init.from` names, read without tfjs (the language server and `validate` use it):
// the earlier run's directory, its recorded spec (spec.json) and whether it holds a checkpoint; and
// which parts of the two architectures differ, said with both sides' sizes. The trainer loads the
// weights themselves (server/trainer/initFrom.ts) and checks every tensor's shape again.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FileError, readJsonObject } from '../shared/files';
import { kindOf } from './dataset';
import type { InitPart } from './init.decl';
import type { ResolvedSpec } from './types';

export type SourceArchitecture = Pick<ResolvedSpec['architecture'], 'backbone' | 'representationSize' | 'projection' | 'prediction'>;

/** The parts of the earlier run that `init` needs: its architecture and its data's sample shape. */
export interface InitSourceSpec {
  readonly architecture: SourceArchitecture;
  readonly data: Pick<ResolvedSpec['data'], 'source' | 'format' | 'imageSize' | 'channels'>;
}

export type InitSourceResult =
  | { readonly ok: true; readonly runDir: string; readonly spec: InitSourceSpec; readonly checkpoints: readonly string[] }
  | { readonly ok: false; readonly runDir: string; readonly problem: string; readonly missing?: true };

/**
 * The absolute run directory `init.from` names (relative to the spec file's folder). A folder that
 * is not a run directory but holds runs (a `run.outputDir`, e.g. the one an example beside this spec
 * trains into) names its newest run with a checkpoint.
 */
export function initRunDir(from: string, specDir: string): string {
  const named = resolve(specDir, from);
  if (!existsSync(named) || !statSync(named).isDirectory() || existsSync(join(named, 'spec.json'))) return named;
  const runs = readdirSync(named, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && existsSync(join(named, e.name, 'spec.json')) && checkpointFolders(join(named, e.name)).length > 0)
    .map((e) => e.name)
    .sort();
  return runs.length > 0 ? join(named, runs[runs.length - 1]!) : named;
}

/** Checkpoint folders (`step-<N>` with a manifest.json), oldest first. */
function checkpointFolders(runDir: string): string[] {
  const root = join(runDir, 'checkpoints');
  if (!existsSync(root)) return [];
  return readdirSync(root).filter((n) => /^step-\d+$/.test(n) && existsSync(join(root, n, 'manifest.json'))).sort();
}

/** Reads the run `from` names; `problem` says what is missing and what to do. */
export function readInitSource(from: string, specDir: string): InitSourceResult {
  const runDir = initRunDir(from, specDir);
  if (!existsSync(runDir)) return { ok: false, runDir, missing: true, problem: `No run directory at \`${from}\` (looked for ${runDir}). The path is relative to the folder of this spec file; point it at a run directory (\`contrastive-lab list\` shows them).` };
  if (!statSync(runDir).isDirectory()) return { ok: false, runDir, problem: `\`${from}\` (${runDir}) is a file, not a run directory; point init.from at the folder that holds run.json, spec.json and checkpoints/.` };
  const specFile = join(runDir, 'spec.json');
  if (!existsSync(specFile)) return { ok: false, runDir, problem: `${runDir} is not a run directory (it has no spec.json) nor a folder holding runs with a checkpoint. Point init.from at a folder written by \`contrastive-lab train\` (or the run.outputDir it trained into).` };
  let spec: InitSourceSpec;
  try {
    spec = readJsonObject<InitSourceSpec>(specFile, 'recorded spec');
  } catch (e) {
    return { ok: false, runDir, problem: e instanceof FileError ? e.message : String(e) };
  }
  if (typeof spec.architecture !== 'object' || spec.architecture === null || typeof spec.data !== 'object' || spec.data === null) {
    return { ok: false, runDir, problem: `${specFile} has no architecture or data section; it is not a spec recorded by Contrastive Lab.` };
  }
  if (((spec.architecture as { towers?: unknown }).towers ?? null) !== null) return { ok: false, runDir, problem: `${runDir} is a two-tower run; init loads the network of a one-tower run (e.g. a SimCLR run). Point init.from at such a run.` };
  const checkpoints = checkpointFolders(runDir);
  if (checkpoints.length === 0) return { ok: false, runDir, problem: `The run ${runDir} has no checkpoint (checkpoints/step-<N>/), so it has no weights to start from: it failed or was stopped before its first checkpoint. Resume it (\`contrastive-lab resume ${runDir}\`) or point init.from at another run.` };
  return { ok: true, runDir, spec, checkpoints };
}

/** `[28×28×1]`: the sample shape of image data; undefined for vectors (their width is the data file's). */
function imageInput(data: InitSourceSpec['data']): string | undefined {
  return kindOf(data.format) === 'images' ? `[${data.imageSize}×${data.imageSize}×${data.channels}]` : undefined;
}

const describeBackbone = (b: SourceArchitecture['backbone']): string => {
  const { type, ...options } = b as { type: string } & Record<string, unknown>;
  // Dropout holds no weights: a different rate loads the same tensors.
  delete options['dropout'];
  return `${type} ${JSON.stringify(options)}`;
};
const describeHead = (h: SourceArchitecture['projection']): string => (h === null ? 'none' : `layers [${h.layers.join(', ')}]${h.batchNorm ? ' with batch norm' : ''}`);

/**
 * Why `part` of the earlier run's network does not fit this spec's, naming both sides; null when it
 * fits. A part fits when it and everything before it (its input) are built alike.
 */
export function partMismatch(part: InitPart, source: InitSourceSpec, target: InitSourceSpec): string | null {
  const a = source.architecture;
  const b = target.architecture;
  const inputA = imageInput(source.data);
  const inputB = imageInput(target.data);
  if (inputA !== undefined && inputB !== undefined && inputA !== inputB) {
    return `the earlier run's network takes images of ${inputA} (data.imageSize ${source.data.imageSize}, data.channels ${source.data.channels}) but this spec's takes ${inputB}; set data.imageSize and data.channels as that run had them`;
  }
  if (describeBackbone(a.backbone) !== describeBackbone(b.backbone)) {
    return `the earlier run's backbone is ${describeBackbone(a.backbone)} but this spec's is ${describeBackbone(b.backbone)}; set architecture.backbone as that run had it (every later part reads its output)`;
  }
  if (part === 'backbone') return null;
  if (a.representationSize !== b.representationSize) {
    return `the earlier run's representation is ${a.representationSize} wide but this spec's is ${b.representationSize}; set architecture.representationSize: ${a.representationSize}`;
  }
  if (part === 'representation') return null;
  if (describeHead(a.projection) !== describeHead(b.projection)) {
    return `the earlier run's projection head is ${describeHead(a.projection)} but this spec's is ${describeHead(b.projection)}; set architecture.projection as that run had it`;
  }
  if (part === 'projection') return null;
  if (describeHead(a.prediction) !== describeHead(b.prediction)) {
    return `the earlier run's prediction head is ${describeHead(a.prediction)} but this spec's is ${describeHead(b.prediction)}; set architecture.prediction as that run had it`;
  }
  return null;
}
