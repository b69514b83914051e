// Optimiser state on disk, for exact resume: optimizer.json (type, step, tensor specs) and
// optimizer.bin (the slot tensors, tfjs' weight encoding) in a checkpoint folder.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tf } from '../backend';
import type { OptimizerType } from './declarations';
import type { OptimizerState } from './optimizer';

export const OPTIMIZER_JSON = 'optimizer.json';
export const OPTIMIZER_BIN = 'optimizer.bin';

interface StateFile {
  readonly type: OptimizerType;
  readonly step: number;
  readonly specs: tf.io.WeightsManifestEntry[];
}

export async function saveOptimizerState(dir: string, state: OptimizerState): Promise<void> {
  await mkdir(dir, { recursive: true });
  const { data, specs } = await tf.io.encodeWeights(state.slots as tf.NamedTensorMap);
  const file: StateFile = { type: state.type, step: state.step, specs };
  await writeFile(join(dir, OPTIMIZER_BIN), Buffer.from(data));
  await writeFile(join(dir, OPTIMIZER_JSON), JSON.stringify(file));
}

/** Reads the state written by saveOptimizerState; the caller owns (disposes) the slot tensors. */
export async function loadOptimizerState(dir: string): Promise<OptimizerState> {
  const jsonPath = join(dir, OPTIMIZER_JSON);
  let file: StateFile;
  try {
    file = JSON.parse(await readFile(jsonPath, 'utf8')) as StateFile;
  } catch (error) {
    throw new Error(`Cannot read the optimiser state ${jsonPath}: ${(error as Error).message}. The checkpoint is incomplete; resume from an earlier one.`);
  }
  if (typeof file.type !== 'string' || typeof file.step !== 'number' || !Array.isArray(file.specs)) {
    throw new Error(`${jsonPath} is not an optimiser state file (needs type, step and specs).`);
  }
  const bin = await readFile(join(dir, OPTIMIZER_BIN));
  const slots = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), file.specs);
  return { type: file.type, step: file.step, slots };
}
