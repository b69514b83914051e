// Examples that start from a run another example trains (SigLIT's `init.from: runs/siglit-simclr`
// is the run.outputDir of siglit-simclr.contrastive.yaml): the tests copy such an example into a
// temporary folder beside a real run of the example it names — trained shortly (one epoch on 300
// digits) — which is what a user has after step 1 of the example's header.
import { copyFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkSpecFile } from '../../server/spec/check';
import { manualStop } from './trainer/helpers';

/** The example (file name) whose run.outputDir is `folder`, or undefined. */
function exampleTrainingInto(examplesDir: string, folder: string): string | undefined {
  return readdirSync(examplesDir).filter((f) => f.endsWith('.contrastive.yaml')).find((f) => {
    const spec = checkSpecFile(join(examplesDir, f)).spec;
    return spec !== null && resolve(examplesDir, spec.run.outputDir) === resolve(examplesDir, folder);
  });
}

/**
 * For an example whose init names another example's runs: a copy of it in a temporary folder where
 * that example has trained (shortly); the example's own path otherwise.
 */
export function withPretrainedRuns(examplesDir: string, file: string): Promise<string> {
  const key = join(examplesDir, file);
  const known = prepared.get(key) ?? prepare(examplesDir, file);
  prepared.set(key, known);
  return known;
}

/** Once per example and test process. */
const prepared = new Map<string, Promise<string>>();

async function prepare(examplesDir: string, file: string): Promise<string> {
  const raw = checkSpecFile(join(examplesDir, file));
  const text = raw.document.value as { architecture?: { towers?: Record<string, { init?: { from?: string } }> }; init?: { from?: string } } | null;
  const froms = [...Object.values(text?.architecture?.towers ?? {}).map((t) => t?.init?.from), text?.init?.from].filter((f): f is string => typeof f === 'string');
  const needed = froms.map((from) => ({ from, example: exampleTrainingInto(examplesDir, from) })).filter((n): n is { from: string; example: string } => n.example !== undefined);
  if (needed.length === 0) return join(examplesDir, file);
  const dir = mkdtempSync(join(tmpdir(), 'contrastive-lab-pretrained-'));
  const { trainNewRun } = await import('../../server/trainer/start');
  for (const { from, example } of needed) {
    const spec = checkSpecFile(join(examplesDir, example)).spec!;
    const short = { ...spec, data: { ...spec.data, limit: 300 }, strategy: { ...spec.strategy, epochs: 1, batchSize: 60 } };
    const outcome = await trainNewRun({ spec: short, specPath: join(examplesDir, example), specText: '', outRoot: resolve(dir, from) }, { mode: 'silent', backend: 'wasm', threads: 1, stop: manualStop(), umap: false });
    if (outcome.status !== 'completed') throw new Error(`${example} did not train: ${JSON.stringify(outcome.record.error)}`);
  }
  copyFileSync(join(examplesDir, file), join(dir, file));
  return join(dir, file);
}
