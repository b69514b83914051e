// Small specs and run helpers for the trainer tests: tiny data, tiny networks, seconds per run.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkSpecText } from '../../../server/spec/check';
import type { ResolvedSpec } from '../../../server/spec/types';
import type { StopSignal } from '../../../server/trainer/stop';

export const TINY_SPEC = `experiment: tiny
data:
  source: builtin:digits
  limit: 300
  split: { testFraction: 0.2, seed: 0 }
pairs:
  positives: labels
  negatives: { type: batch }
distance: { type: cosine }
loss: { type: supCon, temperature: 0.1 }
architecture:
  backbone: { type: mlp, layers: [32] }
  representationSize: 16
  projection: { layers: [16, 8] }
strategy:
  optimizer: { type: adam, learningRate: 0.01 }
  schedule: { type: cosine }
  epochs: 2
  batchSize: 60
  seed: 7
eval:
  knn: { k: 5, temperature: 0.07 }
  linearProbe: { labelFraction: 0.5, epochs: 5 }
`;

/** A labelled CSV/JSONL vector spec (column `label`, a small MLP, SupCon), for trainer tests on files they write. */
/** A short SupCon pretraining on 1,500 digits (the fine-tuning tests' earlier run; the PyTorch ones set run.engine). */
export const PRETRAIN_SUPCON = `experiment: pre
data: { source: builtin:digits, limit: 1500 }
pairs:
  positives: labels
  negatives: { type: batch }
loss: { type: supCon, temperature: 0.1 }
architecture:
  backbone: { type: mlp, layers: [128] }
  representationSize: 32
  projection: { layers: [32, 16] }
strategy: { epochs: 10, batchSize: 100, seed: 5 }
eval: { knn: { k: 10 } }
run: { threads: 1 }
`;

export interface VectorSpecOptions {
  readonly experiment?: string;
  readonly normalize?: 'none' | 'standardize' | 'minMax';
  readonly hidden?: number;
  readonly representationSize?: number;
  readonly optimizer?: string;
  readonly epochs?: number;
  readonly batchSize?: number;
  /** Extra lines inside `strategy:` (indented by two spaces). */
  readonly strategy?: string;
  /** The `eval:` section's body (YAML), or undefined for the defaults. */
  readonly eval?: string;
}

export function vectorSpec(source: string, o: VectorSpecOptions = {}): string {
  return `experiment: ${o.experiment ?? 'vectors'}
data:
  source: ${source}
  labelColumn: label
  normalize: ${o.normalize ?? 'none'}
  split: { testFraction: 0.25, seed: 1 }
pairs:
  positives: labels
  negatives: { type: batch }
distance: { type: cosine }
loss: { type: supCon, temperature: 0.1 }
architecture:
  backbone: { type: mlp, layers: [${o.hidden ?? 8}] }
  representationSize: ${o.representationSize ?? 4}
  projection: null
strategy:
  optimizer: ${o.optimizer ?? '{ type: sgd, learningRate: 0.1 }'}
  epochs: ${o.epochs ?? 1}
  batchSize: ${o.batchSize ?? 10}
${o.strategy ?? ''}${o.eval !== undefined ? `eval: ${o.eval}\n` : ''}`;
}

/** A fresh folder under the OS temp dir, removed when the test process exits. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `cl-${prefix}-`));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes the spec text to <dir>/<name> and resolves it with the shared pipeline (throws on errors). */
export function writeSpec(dir: string, text: string, name = 'tiny.contrastive.yaml'): { path: string; spec: ResolvedSpec; text: string } {
  const path = join(dir, name);
  writeFileSync(path, text);
  const result = checkSpecText(text, path);
  if (result.spec === null) throw new Error(`test spec has errors:\n${result.problems.map((p) => `${p.line}:${p.column} ${p.ruleId} ${p.message}`).join('\n')}`);
  return { path, spec: result.spec, text };
}

/** A stop signal the test triggers itself (no process signal handlers). */
export function manualStop(): StopSignal {
  let requested = false;
  let reason: string | null = null;
  return {
    get requested() {
      return requested;
    },
    get reason() {
      return reason;
    },
    request(why: string) {
      requested = true;
      reason = why;
    },
    dispose() {
      // nothing registered
    },
  };
}
