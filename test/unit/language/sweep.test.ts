// The language server on a spec's `sweep:` block: a path the spec does not have and a value its
// path refuses are errors on their own lines, the sweep's paths and values are completed from the
// schema, and a code lens says how many runs the sweep trains.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { labels, Session } from './helpers';

const session = new Session();
before(() => session.start());
after(() => session.stop());

const spec = [
  'experiment: sweep-check', //                         0
  'loss:', //                                            1
  '  type: infoNCE', //                                  2
  '  temperature: 0.1', //                               3
  'sweep:', //                                           4
  '  parameters:', //                                    5
  '    loss.temperature:', //                            6
  '      values: [0.05, 0.2]', //                        7
  '    strategy.optimizer.learningRate:', //             8
  '      range: {min: 0.0001, max: 0.01, log: true}', // 9
  '',
].join('\n');

describe('sweep blocks', () => {
  const uri = session.uri('sweep.contrastive.yaml');

  it('accepts a valid sweep, and counts its runs in a code lens on the sweep key', async () => {
    assert.deepEqual(await session.diagnostics(uri, spec), []);
    const response = await session.client.request('textDocument/codeLens', { textDocument: { uri } });
    const lenses = response.result as { range: { start: { line: number } }; command: { title: string; command: string; arguments: unknown[] } }[];
    const sweep = lenses.find((l) => l.command.command === 'contrastiveLab.runSweep');
    assert.ok(sweep, JSON.stringify(lenses));
    assert.equal(sweep.range.start.line, 4);
    // 2 temperatures × 3 grid points of the range (steps defaults to 3).
    assert.match(sweep.command.title, /6 runs/);
    assert.deepEqual(sweep.command.arguments, [uri]);

    session.set(uri, spec.replace('sweep:\n', 'sweep:\n  strategy: random\n  count: 5\n'));
    const random = (await session.client.request('textDocument/codeLens', { textDocument: { uri } })).result as { command: { title: string } }[];
    assert.ok(random.some((l) => /5 runs/.test(l.command.title)), JSON.stringify(random));
  });

  it('names a misspelt path on its key line, with the path it probably means', async () => {
    const diagnostics = await session.diagnostics(uri, spec.replace('    loss.temperature:', '    loss.temprature:'));
    assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
    assert.equal(diagnostics[0]!.code, 'sweep-unknown-path');
    assert.equal(diagnostics[0]!.range.start.line, 6);
    assert.match(diagnostics[0]!.message, /`loss\.temprature` is not a path of this spec.*Did you mean `loss\.temperature`/);
  });

  it('checks each value against its path\'s own schema, on the value\'s line', async () => {
    const wrongType = spec.replace("      values: [0.05, 0.2]", "      values:\n        - 0.05\n        - warm");
    const diagnostics = await session.diagnostics(uri, wrongType);
    assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
    assert.equal(diagnostics[0]!.code, 'sweep-value-invalid');
    assert.equal(diagnostics[0]!.range.start.line, 9);
    assert.match(diagnostics[0]!.message, /"warm" cannot be `loss\.temperature`: .*must be a number/);

    const outOfRange = await session.diagnostics(uri, spec.replace('min: 0.0001', 'min: -1'));
    const messages = outOfRange.map((d) => `${d.range.start.line}: ${d.message}`);
    assert.ok(outOfRange.every((d) => d.code === 'sweep-value-invalid' && d.range.start.line === 9), messages.join('\n'));
    assert.ok(messages.some((m) => /log range needs both ends above 0/.test(m)), messages.join('\n'));
    assert.ok(messages.some((m) => /-1 cannot be `strategy\.optimizer\.learningRate`: .*must be > 0/.test(m)), messages.join('\n'));
  });

  it('completes the paths a sweep may vary, and a swept path\'s values', async () => {
    const paths = labels(await session.complete(uri, spec.replace('    strategy.optimizer.learningRate:', '    |\n    strategy.optimizer.learningRate:')));
    for (const path of ['loss.temperature', 'strategy.batchSize', 'strategy.optimizer.learningRate', 'architecture.backbone.layers']) {
      assert.equal(paths.includes(path), !['loss.temperature', 'strategy.optimizer.learningRate'].includes(path), `${path} in ${paths.slice(0, 20).join(', ')}…`);
    }
    assert.ok(!paths.some((p) => p.startsWith('sweep')), 'a sweep cannot sweep itself');
    assert.ok(paths.includes('loss.temperature') === false && paths.includes('data.limit'));

    const values = labels(await session.complete(uri, spec.replace("    loss.temperature:\n      values: [0.05, 0.2]", "    loss.type:\n      values: [|]")));
    assert.ok(values.includes('supCon') && values.includes('triplet'), values.join(', '));
  });
});
