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
