// The trained network of a PyTorch run, used from TypeScript: embedding new samples (`embed`,
// `search`) and reading its weights in tfjs layout (`export --format tfjs`). Each call runs the
// engine's entry point engines/pytorch/contrastive_lab_torch/runmodel.py once — one Python start-up
// and one torch import, so a command pays it once whatever it asks — on the newest intact checkpoint.
// Samples and results cross as float32 files in a temporary folder (removed afterwards).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { float32ToLittleEndian } from '../../runs/embeddings';
import { readRunRecord } from '../../runs/record';
import { readFloat32File, readJsonFile } from '../../shared/files';
import { choosePython, enginePackageRoot, engineEnv, torchVerdict } from './python';

/** The network's outputs: the representation, and the projection / prediction heads (L2-normalised when the spec's architecture.normalizeOutput is set). */
export type PyTorchOutput = 'representation' | 'projection' | 'prediction';

export interface PyTorchModelOptions {
  /** The interpreter; null or absent = env CONTRASTIVE_LAB_PYTHON, else /usr/bin/python3, else python3 (python.ts). */
  readonly python?: string | null;
  /** torch's threads (default 1). */
  readonly threads?: number;
  /** Where the network runs: cpu (default) | cuda | cuda:N | mps | auto. */
  readonly device?: string;
}

export interface PyTorchEmbedOptions extends PyTorchModelOptions {
  /** The output to return (default: the run's eval.layer, the layer of its embeddings). */
  readonly layer?: PyTorchOutput;
}

/** One weight converted to the tfjs layers model of the same architecture (contrastive_lab_torch/tfjs_weights.py). */
export interface TfjsWeight {
  /** The tfjs weight name, e.g. `backbone_conv_1/kernel`. */
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

export interface PyTorchModelRequest {
  /** Samples to embed, [N, ...the run's input shape] as the trainer feeds them (images [N, H, W, C]), and the outputs wanted (default: eval.layer). */
  readonly inputs?: { readonly values: Float32Array; readonly shape: readonly number[]; readonly outputs?: readonly PyTorchOutput[] };
  /** Also return every weight in tfjs layout. */
  readonly tfjsWeights?: boolean;
}

export interface PyTorchModelReply {
  /** The checkpoint used, e.g. `step-00000120`, and its loop position. */
  readonly checkpoint: string;
  readonly step: number;
  readonly epoch: number;
  readonly batchInEpoch: number;
  /** The network's input shape per sample ([H, W, C] or [D]). */
  readonly inputShape: readonly number[];
  /** Each output asked for: N × dim values, row-major. */
  readonly outputs: ReadonlyMap<PyTorchOutput, { readonly dim: number; readonly values: Float32Array }>;
  /** With `tfjsWeights`: every weight, in network order; else null. */
  readonly tfjsWeights: readonly TfjsWeight[] | null;
}

/**
 * Embeds `inputs` (shape [N, ...the run's input shape], values as the run's data feeds the network:
 * images [N, H, W, C] after data.normalize) with the newest intact checkpoint of a PyTorch run, in
 * inference mode; returns N × dim values, row-major. Rejects with a message naming the file or
 * input at fault (not a PyTorch run, no checkpoint, a shape the network does not take, no torch).
 */
export async function embedWithPyTorchRun(runDir: string, inputs: Float32Array, shape: readonly number[], options: PyTorchEmbedOptions = {}): Promise<Float32Array> {
  const reply = await queryPyTorchRun(runDir, { inputs: { values: inputs, shape, ...(options.layer !== undefined ? { outputs: [options.layer] } : {}) } }, options);
  const [only] = reply.outputs.values();
  if (only === undefined) throw new Error(`${runDir}: the PyTorch engine returned no embeddings`);
  return only.values;
}

/** One call of the engine's runmodel entry point: embeddings and/or the weights in tfjs layout. */
export async function queryPyTorchRun(runDir: string, request: PyTorchModelRequest, options: PyTorchModelOptions = {}): Promise<PyTorchModelReply> {
  const engine = readRunRecord(runDir).engine ?? 'tfjs';
  if (engine !== 'pytorch') throw new Error(`${runDir}: trained on the ${engine} engine, not PyTorch; its network is read by the TypeScript trainer (server/trainer/afterRun.ts).`);
  const { inputs } = request;
  if (inputs !== undefined) {
    const { shape, values } = inputs;
    if (shape.length < 2 || shape.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`embedding with ${runDir}: shape [${shape.join(', ')}] must be [N, ...sample shape] with non-negative integers`);
    const size = shape.reduce((a, b) => a * b, 1);
    if (values.length !== size) throw new Error(`embedding with ${runDir}: ${values.length} values do not fill shape [${shape.join(', ')}] (${size} values)`);
  }
  const python = choosePython(options.python ?? null);
  const work = mkdtempSync(join(tmpdir(), 'contrastive-lab-model-'));
  try {
    const args = ['-m', 'contrastive_lab_torch.runmodel', '--run-dir', runDir, '--threads', String(options.threads ?? 1), '--device', options.device ?? 'cpu'];
    const outputFile = join(work, 'outputs.f32');
    if (inputs !== undefined) {
      const inputFile = join(work, 'inputs.f32');
      writeFileSync(inputFile, float32ToLittleEndian(inputs.values));
      args.push('--inputs', inputFile, '--shape', inputs.shape.join(','), '--out', outputFile);
      for (const layer of inputs.outputs ?? []) args.push('--layer', layer);
    }
    const weightsFile = join(work, 'weights.f32');
    const manifestFile = join(work, 'weights.json');
    if (request.tfjsWeights === true) args.push('--tfjs-weights', weightsFile, '--tfjs-manifest', manifestFile);
    const stdout = await runEngine(python, args, runDir);
    const reply = parseReply(stdout, runDir);
    const outputs = new Map<PyTorchOutput, { dim: number; values: Float32Array }>();
    if (inputs !== undefined) {
      const count = inputs.shape[0]!;
      const dims = Object.entries(reply.dims ?? {}) as [PyTorchOutput, number][];
      const all = readFloat32File(outputFile, count * dims.reduce((n, [, dim]) => n + dim, 0), 'embeddings from the PyTorch engine');
      let at = 0;
      for (const [layer, dim] of dims) {
        outputs.set(layer, { dim, values: all.slice(at, at + count * dim) });
        at += count * dim;
      }
    }
    return {
      checkpoint: reply.checkpoint,
      step: reply.step,
      epoch: reply.epoch,
      batchInEpoch: reply.batchInEpoch,
      inputShape: reply.inputShape,
      outputs,
      tfjsWeights: request.tfjsWeights === true ? readWeights(weightsFile, manifestFile) : null,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

interface Reply {
  readonly kind: 'model';
  readonly checkpoint: string;
  readonly step: number;
  readonly epoch: number;
  readonly batchInEpoch: number;
  readonly inputShape: number[];
  readonly dims?: Record<string, number>;
}

function parseReply(stdout: string, runDir: string): Reply {
  for (const line of stdout.split('\n').reverse()) {
    try {
      const value = JSON.parse(line) as Partial<Reply> | null;
      if (value?.kind === 'model' && typeof value.checkpoint === 'string' && Array.isArray(value.inputShape)) return value as Reply;
    } catch {
      // a line some library printed
    }
  }
  throw new Error(`${runDir}: the PyTorch engine ended without saying which checkpoint it used (stdout: ${stdout.trim().slice(-300) || 'empty'})`);
}

function readWeights(weightsFile: string, manifestFile: string): TfjsWeight[] {
  const manifest = readJsonFile<{ name: string; shape: number[] }[]>(manifestFile, 'weight list from the PyTorch engine');
  const all = readFloat32File(weightsFile, manifest.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0), 'weights from the PyTorch engine');
  let at = 0;
  return manifest.map(({ name, shape }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = all.slice(at, at + size);
    at += size;
    return { name, shape, values };
  });
}

/** Runs the entry point; resolves to its stdout, rejects with what it said (a missing torch: the install command). */
function runEngine(python: string, args: readonly string[], runDir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(python, [...args], { env: engineEnv(enginePackageRoot()), encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error === null) {
        resolve(stdout);
        return;
      }
      try {
        // No interpreter, or no torch / numpy: the message says what to install.
        if (typeof error.code !== 'number' || /No module named '?(torch|numpy)/.test(stderr)) torchVerdict(python, error, '', stderr);
        const said = stderr.trim().split('\n').filter((l) => l.trim() !== '');
        const message = said.slice(-3).join('\n');
        reject(new Error(said.length === 0 ? `${runDir}: the PyTorch engine (${python}) ended with exit ${error.code} and said nothing` : message.includes(runDir) ? message : `${runDir}: ${message}`));
      } catch (e) {
        reject(e);
      }
    });
  });
}
