import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { MetricLine } from '../../../server/runs/format';
import { readJsonLines } from '../../../server/runs/jsonl';
import { runPaths } from '../../../server/runs/paths';
import { checkSpecFile } from '../../../server/spec/check';
import { probeDatasetOnDisk } from '../../../server/spec/dataset';
import type { ResolvedSpec } from '../../../server/spec/types';
import { trainNewRun } from '../../../server/trainer/start';
import { manualStop, tempDir } from './helpers';
import { withPretrainedRuns } from '../pretrainedExamples';

const EXAMPLES = join(__dirname, '..', '..', '..', 'examples');

/** One short epoch on a couple of hundred samples: every ingredient runs, nothing waits long. */
function shortened(spec: ResolvedSpec): ResolvedSpec {
  const batchSize = Math.min(spec.strategy.batchSize, 32);
  return {
    ...spec,
    data: { ...spec.data, limit: Math.min(spec.data.limit ?? Infinity, 200) },
    strategy: { ...spec.strategy, epochs: 1, batchSize },
    eval: { ...spec.eval, linearProbe: spec.eval.linearProbe ? { ...spec.eval.linearProbe, epochs: 2 } : null },
  };
}

const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.contrastive.yaml')).sort();

test('there are example recipes to train', () => assert.ok(files.length >= 12, `${files.length} examples`));

for (const file of files) {
  test(`example ${file} trains one short epoch`, async () => {
    // An example that starts from another example's run (SigLIT) trains beside such a run.
    const path = await withPretrainedRuns(EXAMPLES, file);
    const result = checkSpecFile(path, { datasetInfo: probeDatasetOnDisk });
    assert.ok(result.spec !== null, result.problems.map((p) => p.message).join('\n'));
    const dir = tempDir('example');
    const outcome = await trainNewRun({ spec: shortened(result.spec), specPath: path, specText: '', outRoot: join(dir, 'runs') }, { mode: 'silent', backend: null, stop: manualStop(), umap: false });
    assert.equal(outcome.status, 'completed', `${file}: ${JSON.stringify(outcome.record.error)}`);
    const steps = readJsonLines<MetricLine>(runPaths(outcome.runDir).metrics).lines.filter((l) => l.kind === 'step');
    assert.ok(steps.length > 0 && steps.every((s) => Number.isFinite(s.loss)));
  });
}
