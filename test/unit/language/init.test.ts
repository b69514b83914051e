// The language server on a spec's `init:` block and the fine-tune ingredients: completed and
// explained from the schema like every block, and a run that is not there is an error on the
// `init.from` line as you type.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { docText, labels, Session } from './helpers';

const session = new Session();
before(() => session.start());
after(() => session.stop());

const spec = [
  'experiment: finetune-check', //                  0
  'data: { labelFraction: 0.01 }', //               1
  'loss: { type: crossEntropy }', //                2
  'init:', //                                       3
  '  from: runs/not-trained-yet', //                4
  '  parts: [backbone, representation]', //         5
  '  freeze: false', //                             6
  '',
].join('\n');

describe('init and the classifier', () => {
  const uri = session.uri('finetune.contrastive.yaml');

  it('says on the init.from line that the run is not there yet, as a warning (train refuses it)', async () => {
    const diagnostics = await session.diagnostics(uri, spec);
    assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
    assert.equal(diagnostics[0]!.code, 'init-run-missing');
    assert.equal(diagnostics[0]!.severity, 2);
    assert.equal(diagnostics[0]!.range.start.line, 4);
    assert.match(diagnostics[0]!.message, /No run directory at `runs\/not-trained-yet`/);
  });

  it('completes the block, its keys and the parts, from the schema', async () => {
    const top = await session.complete(uri, spec.slice(0, spec.indexOf('init:')) + '|\n');
    assert.ok(labels(top).includes('init'), labels(top).join(', '));
    assert.match(docText(top.find((i) => i.label === 'init')), /earlier run's weights/);
    const keys = labels(await session.complete(uri, spec.replace('  freeze: false', '  |')));
    assert.ok(keys.includes('freeze'), keys.join(', '));
    const parts = labels(await session.complete(uri, spec.replace('[backbone, representation]', '[backbone, |]')));
    for (const part of ['representation', 'projection', 'prediction']) assert.ok(parts.includes(part), `${part} in ${parts.join(', ')}`);
    const losses = await session.complete(uri, spec.replace('crossEntropy', '|'));
    assert.ok(labels(losses).includes('crossEntropy'));
    assert.match(docText(losses.find((i) => i.label === 'crossEntropy')), /classifier head/);
  });

  it('explains init.freeze and data.labelFraction on hover', async () => {
    const freeze = (await session.at('textDocument/hover', uri, spec.replace('freeze', 'fre|eze'))).result as { contents: { value: string } };
    assert.match(freeze.contents.value, /Keep the loaded parts fixed/);
    const fraction = (await session.at('textDocument/hover', uri, spec.replace('labelFraction', 'label|Fraction'))).result as { contents: { value: string } };
    assert.match(fraction.contents.value, /stratified, seeded subset/);
  });
});
