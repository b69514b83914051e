// Two towers in the editor, through the real language server: completion offers data.pairs and
// architecture.towers with their options (a tower's type values, a text tower's sizes), hover explains
// them, an impossible combination is a diagnostic on the offending line, and its quick fix repairs it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { docText, labels, Session } from './helpers';
import { applyEdits, type TextEditLike } from './lsp-client';

const session = new Session();
before(() => session.start());
after(() => session.stop());

describe('two towers in the language server', () => {
  const uri = session.uri('towers.contrastive.yaml');

  it('completes data.pairs, architecture.towers and a tower\'s options; hover explains them', async () => {
    const data = await session.complete(uri, 'experiment: x\ndata:\n  |\n');
    assert.ok(labels(data).includes('pairs'));
    const towers = await session.complete(uri, 'experiment: x\narchitecture:\n  |\n');
    assert.ok(labels(towers).includes('towers'));
    const kinds = await session.complete(uri, 'experiment: x\narchitecture:\n  towers:\n    b:\n      type: |\n');
    assert.deepEqual(labels(kinds).sort(), ['network', 'text']);
    assert.match(docText(kinds.find((i) => i.label === 'text')), /tokenizer/);
    const options = await session.complete(uri, 'experiment: x\narchitecture:\n  towers:\n    b:\n      type: text\n      |\n');
    for (const key of ['embeddingSize', 'tokenSize', 'vocabularySize', 'locked', 'init']) assert.ok(labels(options).includes(key), key);
    const hover = await session.at('textDocument/hover', uri, 'experiment: x\narchitecture:\n  towers:\n    a:\n      lo|cked: true\n');
    assert.match((hover.result as { contents: { value: string } }).contents.value, /SigLIT/);
  });

  it('a tower of another size is an error on its line, and the quick fix gives it the other tower\'s size', async () => {
    const text = 'experiment: x\ndata:\n  pairs: { source: builtin:digits-captions }\nloss: { type: siglip }\narchitecture:\n  towers:\n    a: { type: network }\n    b: { type: text, embeddingSize: 32 }\n';
    const diagnostics = await session.diagnostics(uri, text);
    const sizes = diagnostics.find((d) => d.code === 'tower-sizes-differ');
    assert.ok(sizes, JSON.stringify(diagnostics.map((d) => d.code)));
    assert.equal(sizes.range.start.line, 7);
    const response = await session.client.request('textDocument/codeAction', { textDocument: { uri }, range: sizes.range, context: { diagnostics: [sizes] } });
    const action = (response.result as { title: string; edit?: { changes: Record<string, TextEditLike[]> } }[]).find((a) => /output 64 values/.test(a.title));
    assert.ok(action?.edit);
    const fixed = applyEdits(text, action.edit.changes[uri]!);
    assert.match(fixed, /embeddingSize: 64/);
    assert.deepEqual((await session.diagnostics(uri, fixed)).filter((d) => d.severity === 1).map((d) => d.code), []);
  });
});
