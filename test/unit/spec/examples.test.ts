// Every example recipe validates clean (no errors, no warnings) with the data on disk, and together
// they cover every loss.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkSpecFile, formatProblem, LOSS_TYPES, probeDatasetOnDisk } from '../../../server/spec';
import { withPretrainedRuns } from '../pretrainedExamples';

const examples = join(__dirname, '../../../examples');
const files = readdirSync(examples).filter((f) => f.endsWith('.contrastive.yaml')).sort();

test('there are at least 15 examples', () => {
  assert.ok(files.length >= 15, `${files.length} examples`);
});

for (const file of files) {
  test(`examples/${file} validates clean and says what it demonstrates`, async () => {
    // An example that starts from another example's run (SigLIT) is checked beside such a run.
    const path = await withPretrainedRuns(examples, file);
    const result = checkSpecFile(path, { datasetInfo: probeDatasetOnDisk });
    assert.deepEqual(result.problems.map((p) => formatProblem(p)), []);
    assert.ok(result.spec);
    const text = readFileSync(path, 'utf8');
    assert.ok(text.startsWith('# yaml-language-server: $schema=../schemas/experiment.schema.json\n'));
    assert.match(text, /# What it demonstrates:/);
    assert.match(text, /# Choose it/);
  });
}

test('the examples cover every loss, an image folder and a csv file', async () => {
  const specs: NonNullable<ReturnType<typeof checkSpecFile>['spec']>[] = [];
  for (const f of files) specs.push(checkSpecFile(await withPretrainedRuns(examples, f), { datasetInfo: probeDatasetOnDisk }).spec!);
  assert.deepEqual(LOSS_TYPES.filter((t) => t !== 'generalizedLiftedStructure' && !specs.some((s) => s.loss.type === t)), []);
  assert.ok(specs.some((s) => s.data.format === 'images'));
  assert.ok(specs.some((s) => s.data.format === 'csv' && s.data.labelColumn !== null));
});

test('the image folder example is labelled by its class sub-folders', () => {
  const spec = checkSpecFile(join(examples, 'shapes-simclr.contrastive.yaml')).spec!;
  assert.deepEqual(probeDatasetOnDisk(spec.data, examples), { size: 40, labelled: true, kind: 'images', classes: 4 });
  const csv = checkSpecFile(join(examples, 'vectors-supcon.contrastive.yaml')).spec!;
  const info = probeDatasetOnDisk(csv.data, examples);
  assert.equal(info?.size, 300);
  assert.equal(info?.labelled, true);
  assert.equal(info?.classes, 3);
  assert.deepEqual(info?.columns, ['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8', 'label']);
});
