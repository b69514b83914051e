import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type ResponseError } from 'vscode-jsonrpc/node';
import { SearchErrorCodes, SearchFindRequest, SearchReadyNotification, type SearchReadyParams, type SearchResults } from '../../../server/search/protocol';
import { searchPaths } from '../../../server/search/searchFiles';
import { tempDir, vectorSpec } from '../trainer/helpers';
import { cli, imageRun, trainRun, writePng, writeVectorCsv } from './searchHelpers';

const json = (text: string): SearchResults => JSON.parse(text) as SearchResults;

test('search: an image of the run is its own nearest item; a folder gives one result per image; text output', async () => {
  const { runDir, images } = await imageRun();
  const own = join(images, 'cool', '03.png');
  const r = await cli(['search', runDir, own, '-k', '3', '--json', '--backend', 'cpu']);
  assert.equal(r.code, 0, r.stderr);
  const result = json(r.stdout);
  assert.equal(result.metric, 'cosine');
  assert.equal(result.index, 'exact');
  assert.equal(result.count, 24);
  assert.equal(result.results.length, 1);
  const [first, ...rest] = result.results[0]!.neighbors;
  // The same file, read and normalised as the run read it, embeds to the stored vector.
  assert.equal(first!.id, 'cool/03.png');
  assert.ok(first!.distance < 1e-5, `distance to itself ${first!.distance}`);
  assert.equal(first!.className, 'cool');
  assert.deepEqual(result.results[0]!.neighbors.map((n) => n.rank), [1, 2, 3]);
  assert.ok(rest.every((n) => n.distance >= first!.distance));

  const folder = await cli(['search', runDir, join(images, 'warm'), '-k', '1', '--json', '--backend', 'cpu']);
  assert.equal(folder.code, 0, folder.stderr);
  const perImage = json(folder.stdout).results;
  assert.equal(perImage.length, 12);
  for (const q of perImage) assert.equal(q.neighbors[0]!.id, `warm/${q.query.split(/[/\\]/).pop()}`, `${q.query} found ${q.neighbors[0]!.id}`);

  const text = await cli(['search', runDir, own, '-k', '2', '--backend', 'cpu']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, new RegExp(`query ${own.replace(/[.\\]/g, '\\$&')}; cosine distance, exact search over 24 items`));
  assert.match(text.stdout, /\n {2}1\. #\d+ cool\/03\.png {2}label cool {2}distance 0\.0000 {2}\((train|test)\)\n/);
});

test('search: new images (never seen) find their class; index --add appends them, searchable with their path', async () => {
  const { dir, runDir } = await imageRun();
  const fresh = join(dir, 'fresh');
  rmSync(fresh, { recursive: true, force: true });
  cpSync(join(dir, 'images', 'warm', '00.png'), join(dir, 'unused.png'));
  const { mkdirSync } = await import('node:fs');
  mkdirSync(fresh);
  await writePng(join(fresh, 'cool-new.png'), 1, 50, 16);
  await writePng(join(fresh, 'warm-new.png'), 0, 51, 16);
  const r = await cli(['search', runDir, fresh, '-k', '5', '--json', '--backend', 'cpu']);
  assert.equal(r.code, 0, r.stderr);
  const byQuery = new Map(json(r.stdout).results.map((q) => [q.query.split(/[/\\]/).pop(), q.neighbors]));
  // Colour separates the classes: most of the 5 nearest share the new image's class.
  const share = (name: string, cls: string): number => byQuery.get(name)!.filter((n) => n.className === cls).length;
  assert.ok(share('cool-new.png', 'cool') >= 4, JSON.stringify(byQuery.get('cool-new.png')));
  assert.ok(share('warm-new.png', 'warm') >= 4, JSON.stringify(byQuery.get('warm-new.png')));

  const added = await cli(['index', runDir, '--add', join(fresh, 'cool-new.png'), '--backend', 'cpu']);
  assert.equal(added.code, 0, added.stderr);
  assert.match(added.stdout, /added 1 item to the index of .*; it now holds 25/);
  assert.ok(existsSync(searchPaths(runDir).addedVectors));
  const again = json((await cli(['search', runDir, join(fresh, 'cool-new.png'), '-k', '2', '--json', '--backend', 'cpu'])).stdout);
  assert.equal(again.count, 25);
  const top = again.results[0]!.neighbors[0]!;
  assert.equal(top.split, 'added');
  assert.equal(top.id, join(fresh, 'cool-new.png'));
  assert.equal(top.index, 24);
  assert.ok(top.distance < 1e-5);
  const status = await cli(['index', runDir, '--json', '--backend', 'cpu']);
  assert.deepEqual(JSON.parse(status.stdout), { count: 25, dim: 8, metric: 'cosine', index: 'exact', added: 1 });
});

test('search: rows of a standardised vector run find themselves (the run\'s training statistics are applied)', async () => {
  const dir = tempDir('search-vectors');
  writeVectorCsv(join(dir, 'rows.csv'));
  const runDir = await trainRun(dir, vectorSpec('rows.csv', { normalize: 'standardize' }));
  const r = await cli(['search', runDir, join(dir, 'rows.csv'), '-k', '1', '--json', '--backend', 'cpu']);
  assert.equal(r.code, 0, r.stderr);
  const results = json(r.stdout).results;
  assert.equal(results.length, 40);
  for (const q of results) {
    const line = q.query.split(':').pop();
    assert.ok(q.neighbors[0]!.distance < 1e-5, `${q.query}: nearest ${q.neighbors[0]!.id} at ${q.neighbors[0]!.distance}`);
    // Rows with identical embeddings may tie; the row itself is at distance 0 either way.
    assert.ok(q.neighbors[0]!.id === `line:${line}` || q.neighbors[0]!.distance < 1e-5);
  }
});

test('search: bad input is one line naming the file and what to do, exit code 1, nothing written', async () => {
  const { dir, runDir, images } = await imageRun();
  const before = readdirSync(runDir).sort();
  const expectFailure = async (args: string[], pattern: RegExp): Promise<void> => {
    const r = await cli([...args, '--backend', 'cpu']);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('note:'));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, pattern);
  };
  const missing = join(dir, 'nope.png');
  await expectFailure(['search', runDir, missing], new RegExp(`${missing.replace(/[.\\]/g, '\\$&')}: no such file or folder; check the path of the query`));
  await expectFailure(['index', runDir, '--add', missing], /nope\.png: no such file or folder/);
  const broken = join(dir, 'broken.png');
  writeFileSync(broken, 'not a png at all');
  await expectFailure(['search', runDir, broken], /broken\.png: cannot read this image \(.*\); replace or remove the file/);
  await expectFailure(['index', runDir, '--add', join(images, 'warm', '01.png'), broken], /broken\.png: cannot read this image/);
  const notes = join(dir, 'notes.txt');
  writeFileSync(notes, 'hello');
  await expectFailure(['search', runDir, notes], /notes\.txt: is neither an image .* nor a table \(\.csv, \.jsonl\)/);
  // Pixel rows for a 16 × 16 RGB run, but greyscale: the wrong channels.
  const grey = join(dir, 'grey.csv');
  writeFileSync(grey, `${Array.from({ length: 256 }, (_, i) => `p${i}`).join(',')}\n${Array.from({ length: 256 }, () => '128').join(',')}\n`);
  await expectFailure(['search', runDir, grey], /grey\.csv: each row has 256 values \(16 × 16 × 1: greyscale pixels, but the run takes 3 channels\); the run was trained on 16 × 16 × 3 images/);
  const short = join(dir, 'short.jsonl');
  writeFileSync(short, '{"x": [1, 2, 3]}\n');
  await expectFailure(['search', runDir, short], /short\.jsonl: each row has 3 values; the run was trained on 16 × 16 × 3 images .*768 values per row/);
  assert.deepEqual(readdirSync(runDir).sort(), before, 'a failed search or add writes nothing in the run');
  assert.equal(existsSync(searchPaths(runDir).dir), false);

  // A run without a saved network.
  const copy = join(dir, 'no-model');
  cpSync(runDir, copy, { recursive: true });
  rmSync(join(copy, 'checkpoints'), { recursive: true, force: true });
  await expectFailure(['search', copy, join(images, 'warm', '01.png')], /checkpoints: no saved model \(no checkpoint yet\); train the run for at least one epoch, or `contrastive-lab resume .*`, then search again/);
  await expectFailure(['index', copy, '--add', join(images, 'warm', '01.png')], /checkpoints: no saved model/);
  assert.equal(existsSync(searchPaths(copy).dir), false);

  // A vector run given an image.
  writeVectorCsv(join(dir, 'rows.csv'));
  const vectors = await trainRun(join(dir), vectorSpec('rows.csv').replace('experiment: vectors', 'experiment: vectors2'));
  await expectFailure(['search', vectors, join(images, 'warm', '01.png')], /01\.png: is an image, but the run was trained on vectors of 3 features; give CSV or JSONL rows with that many values/);
  const wide = join(dir, 'wide.csv');
  writeFileSync(wide, 'a,b,c,d\n1,2,3,4\n');
  await expectFailure(['search', vectors, wide], /wide\.csv: each row has 4 values; the run was trained on vectors of 3 features\. Give rows of that size/);
});

test('search: usage errors exit 2', async () => {
  const r = await cli(['search', '/tmp/somewhere']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /give at least one query after the run directory/);
  const both = await cli(['search', '/tmp/somewhere', 'a.png', '--exact', '--hnsw']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--exact and --hnsw contradict each other/);
  const add = await cli(['index', '/tmp/somewhere', '--add']);
  assert.equal(add.code, 2);
  assert.match(add.stderr, /--add needs at least one file or folder/);
});

test('search --serve: ready with the index, answers search/find, a bad file is an invalid-params error, ends when stdin closes', async () => {
  const { runDir, images } = await imageRun();
  const root = join(__dirname, '..', '..', '..');
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'server', 'cli', 'main.ts'), 'search', runDir, '--serve', '--backend', 'cpu'], { cwd: root });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const ready = new Promise<SearchReadyParams>((resolveReady) => connection.onNotification(SearchReadyNotification, resolveReady));
  connection.listen();
  try {
    assert.deepEqual(await ready, { count: 24, dim: 8, metric: 'cosine', index: 'exact' });
    const found = await connection.sendRequest(SearchFindRequest, { queries: [join(images, 'warm', '05.png')], k: 2 });
    assert.equal(found.results[0]!.neighbors[0]!.id, 'warm/05.png');
    assert.equal(found.results[0]!.neighbors.length, 2);
    await assert.rejects(connection.sendRequest(SearchFindRequest, { queries: [join(images, 'missing.png')] }), (e: ResponseError<void>) => {
      assert.equal(e.code, SearchErrorCodes.invalidParams);
      assert.match(e.message, /missing\.png: no such file or folder/);
      return true;
    });
    await assert.rejects(connection.sendRequest(SearchFindRequest, { queries: [] }), /field "queries" must be a non-empty list of file paths/);
  } finally {
    const exited = new Promise<number | null>((resolveExit) => child.once('exit', resolveExit));
    connection.dispose();
    child.stdin.end();
    assert.equal(await exited, 0);
  }
});
