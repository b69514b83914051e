// Rules that need the dataset's size (batch larger than the training split, queue larger than the
// data, ...) also fire as you type: the server probes the data source next to the spec, and sees
// the file change.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { Session } from './helpers';

const session = new Session();
before(() => session.start());
after(() => session.stop());

const csv = (rows: number): string => ['x,y,label', ...Array.from({ length: rows }, (_, i) => `${i},${-i},${i % 2}`)].join('\n') + '\n';

it('a batch larger than the CSV training split is reported, and stops being reported when the data grows', async () => {
  writeFileSync(join(session.dir, 'small.csv'), csv(20));
  const uri = session.uri('probe.contrastive.yaml');
  const spec = [
    'experiment: probe',
    'data:',
    '  source: ./small.csv',
    '  labelColumn: label',
    'architecture:',
    '  backbone: { type: mlp, layers: [8] }',
    '  representationSize: 8',
    '  projection: { layers: [8] }',
    'strategy:',
    '  batchSize: 64',
    '',
  ].join('\n');
  const before = await session.diagnostics(uri, spec);
  const batch = before.find((d) => d.code === 'batch-larger-than-split');
  assert.ok(batch, `expected batch-larger-than-split, got ${JSON.stringify(before.map((d) => d.code))}`);
  assert.equal(batch.range.start.line, 9);
  assert.match(batch.message, /only 16 samples/);

  // The data file grows: the next check (any edit) sees its new size.
  writeFileSync(join(session.dir, 'small.csv'), csv(400));
  const after = await session.diagnostics(uri, `${spec}# edited\n`);
  assert.equal(after.find((d) => d.code === 'batch-larger-than-split'), undefined);
});

it('an empty CSV or one with only a header gets one diagnostic on data.source saying so, not the size rules', async () => {
  const uri = session.uri('empty.contrastive.yaml');
  const spec = (source: string): string => [
    'experiment: empty',
    'data:',
    `  source: ./${source}`,
    '  labelColumn: label',
    'architecture:',
    '  backbone: { type: mlp, layers: [8] }',
    '  representationSize: 8',
    '  projection: { layers: [8] }',
    'strategy:',
    '  batchSize: 64',
    'eval: { knn: { k: 10 } }',
    '',
  ].join('\n');
  writeFileSync(join(session.dir, 'nothing.csv'), '');
  writeFileSync(join(session.dir, 'header.csv'), 'x,y,label\n');
  for (const [file, says] of [['nothing.csv', './nothing.csv: the file is empty; add rows'], ['header.csv', './header.csv: has a header but no data rows; add rows']] as const) {
    const diagnostics = await session.diagnostics(uri, spec(file));
    assert.deepEqual(diagnostics.map((d) => d.code), ['data-file-empty'], JSON.stringify(diagnostics.map((d) => d.message)));
    assert.equal(diagnostics[0]!.range.start.line, 2);
    assert.ok(diagnostics[0]!.message.startsWith(says), diagnostics[0]!.message);
  }
});
