// The gallery's text queries on two-tower runs (issues 14 part 5, 15 part 4): the page's searchText
// request and its guard, the command line the host runs, and how the host tells a two-tower run's
// points (tower a's, then their partners of tower b) from a one-tower run's.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { towerColumn, towerPoints } from '../../../extension/runs/towerPoints';
import { textSearchInvocation } from '../../../extension/trainer/trainerCommand';
import { parseGalleryMessage, partnerOf, towerOf } from '../../../webview/protocol';
import { tempDir } from '../trainer/helpers';

test('the gallery page may ask for a text search; empty, blank, overlong texts and a bad k are refused', () => {
  assert.deepEqual(parseGalleryMessage({ type: 'searchText', text: 'a handwritten seven', k: 10 }), { ok: true, value: { type: 'searchText', text: 'a handwritten seven', k: 10 } });
  for (const [message, why] of [
    [{ type: 'searchText', text: '', k: 10 }, /'text' must not be empty/],
    [{ type: 'searchText', text: '   ', k: 10 }, /'text' must hold some words/],
    [{ type: 'searchText', text: 'x'.repeat(1001), k: 10 }, /text/],
    [{ type: 'searchText', text: 7, k: 10 }, /text/],
    [{ type: 'searchText', text: 'seven', k: 0 }, /'k'/],
  ] as const) {
    const parsed = parseGalleryMessage(message);
    assert.equal(parsed.ok, false, JSON.stringify(message));
    if (!parsed.ok) assert.match(parsed.error, why);
  }
});

test('the text search command line keeps the text one argument, even when it starts with a dash', () => {
  const env = { cliPath: '/ext/dist/cli.js', nodePathSetting: '', hostExecPath: process.execPath, backend: 'cpu' as const, runsFolder: '/w/runs' };
  assert.deepEqual(textSearchInvocation(env, '/w/runs/clip', 'a handwritten seven', 7).args, ['/ext/dist/cli.js', 'search', '/w/runs/clip', '--text=a handwritten seven', '-k', '7', '--json', '--backend', 'cpu']);
  assert.equal(textSearchInvocation(env, '/w/runs/clip', '-7 --json', 3).args[3], '--text=-7 --json');
});

test('a two-tower run\'s points: tower a then tower b, partners a pair count apart; one-tower runs have none', () => {
  const dir = tempDir('tower-points');
  const run = (name: string, spec: unknown): string => {
    const runDir = join(dir, name);
    mkdirSync(runDir);
    writeFileSync(join(runDir, 'spec.json'), JSON.stringify(spec));
    return runDir;
  };
  const ids = ['a/p0', 'a/p1', 'a/p2', 'b/p0', 'b/p1', 'b/p2'];
  const clip = run('clip', { architecture: { towers: { a: { type: 'network' }, b: { type: 'text' } } } });
  const towers = towerPoints(clip, ids);
  assert.deepEqual(towers, { pairs: 3, textTower: 'b' });
  assert.deepEqual([0, 2, 3, 5].map((i) => partnerOf(towers!, i)), [3, 5, 0, 2]);
  assert.deepEqual([0, 2, 3, 5].map((i) => towerOf(towers!, i)), ['a', 'a', 'b', 'b']);
  assert.deepEqual(towerPoints(run('numbers', { architecture: { towers: { a: { type: 'network' }, b: { type: 'network' } } } }), ids), { pairs: 3, textTower: null });
  assert.equal(towerPoints(run('simclr', { architecture: { towers: null, backbone: { type: 'mlp' } } }), ['0', '1']), undefined);
  assert.equal(towerPoints(clip, ['x/0', 'x/1']), undefined, 'embeddings not laid out as two towers');
  assert.equal(towerPoints(join(dir, 'missing'), ids), undefined);
  // The map's tower column: tower a's points first, then tower b's, the text tower named.
  const column = towerColumn(towers!);
  assert.equal(column.kind, 'category');
  if (column.kind === 'category') {
    assert.deepEqual(column.names, ['tower a', 'tower b (text)']);
    assert.deepEqual(Array.from(column.codes), [0, 0, 0, 1, 1, 1]);
  }
});
