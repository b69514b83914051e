// `contrastive-lab search` on a two-tower run (issues 14 and 15): a text query, embedded by the run's
// text tower, finds images of the digit it names; an image file, embedded by the image tower (scaled as
// the run scaled its images), finds captions; bad text queries are one line and exit code 1.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type ResponseError } from 'vscode-jsonrpc/node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import sharp from 'sharp';
import { initBackend } from '../../../server/contrastive/backend';
import { SearchErrorCodes, SearchFindRequest, SearchReadyNotification, type SearchReadyParams, type SearchResults } from '../../../server/search/protocol';
import { checkSearchParams, searchBoth, type QuerySession } from '../../../server/search/serve';
import { readRunSpec } from '../../../server/search/runModel';
import { runPaths } from '../../../server/runs/paths';
import { loadPairedSplit } from '../../../server/trainer/towers/pairedSplit';
import { trainNewRun } from '../../../server/trainer/start';
import { manualStop, tempDir, writeSpec } from '../trainer/helpers';
import { main } from '../../../server/cli/dispatch';
import { imageRun } from './searchHelpers';

const root = join(__dirname, '..', '..', '..');

/**
 * The CLI in this process with only stderr captured: the test runner reports through this process's
 * stdout, and a result written while stdout is captured is lost (the test vanishes from the report).
 */
async function cliErrors(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const err = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  try {
    return { code: await main(args), stderr };
  } finally {
    process.stderr.write = err;
  }
}

/** The real CLI in a child process: its exit code, stdout and stderr. */
function cli(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'server', 'cli', 'main.ts'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

const CLIP_SPEC = `experiment: clip-search
data:
  pairs: { source: builtin:digits-captions }
  limit: 2000
  split: { testFraction: 0.2, seed: 0 }
loss: { type: infoNCE, temperature: 0.1 }
architecture:
  towers:
    a:
      type: network
      backbone: { type: mlp, layers: [128] }
      representationSize: 32
      projection: { layers: [32] }
    b: { type: text, tokenSize: 16, embeddingSize: 32 }
strategy:
  optimizer: { type: adam, learningRate: 0.003 }
  schedule: { type: constant }
  epochs: 3
  batchSize: 100
  seed: 3
run: { threads: 1 }
`;

const json = (text: string): SearchResults => JSON.parse(text) as SearchResults;

let clip: Promise<{ dir: string; runDir: string }>;

before(async () => {
  await initBackend('wasm');
  clip = (async () => {
    const dir = tempDir('tower-search');
    const { path, spec, text } = writeSpec(dir, CLIP_SPEC);
    const outcome = await trainNewRun({ spec, specPath: path, specText: text, outRoot: join(dir, 'runs') }, { mode: 'silent', backend: 'wasm', threads: 1, stop: manualStop(), umap: false });
    if (outcome.status !== 'completed') throw new Error(`training failed: ${JSON.stringify(outcome.record.error)}`);
    return { dir, runDir: outcome.runDir };
  })();
});

test('search --text on a CLIP run: the text tower finds images of the digit the text names', async (t) => {
  const { runDir } = await clip;
  const r = cli(['search', runDir, '--text', 'a handwritten seven', '--text', 'the digit 2', '-k', '20', '--json', '--backend', 'wasm']);
  assert.equal(r.code, 0, r.stderr);
  const result = json(r.stdout);
  assert.equal(result.metric, 'cosine');
  assert.equal(result.count, 4000, 'both towers of 2,000 pairs');
  const [seven, two] = result.results;
  assert.equal(seven!.query, 'a handwritten seven');
  assert.equal(seven!.kind, 'text');
  for (const [query, digit] of [[seven!, 7], [two!, 2]] as const) {
    assert.equal(query.neighbors.length, 20);
    assert.ok(query.neighbors.every((n) => n.id.startsWith('a/') && n.index < 2000 && n.text === undefined), 'image-side items only');
    const right = query.neighbors.filter((n) => n.label === digit).length;
    t.diagnostic(`"${query.query}": ${right}/20 of the nearest images are ${digit}s (nearest distance ${query.neighbors[0]!.distance.toFixed(3)})`);
    assert.ok(right >= 16, `${right}/20 images labelled ${digit}: ${JSON.stringify(query.neighbors.map((n) => n.label))}`);
    assert.ok(query.neighbors.every((n, i) => i === 0 || n.distance >= query.neighbors[i - 1]!.distance), 'nearest first');
  }
  const text = cli(['search', runDir, '--text', 'a handwritten seven', '-k', '2', '--backend', 'wasm']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^query "a handwritten seven"; cosine distance, exact search over 4000 items\n {2}1\. #\d+ a\/digits\/\d\/\d+ {2}label \d {2}distance 0\.\d{4} {2}\((train|test)\)\n/);
});

test('search <image> on a CLIP run: the image tower finds captions, the image scaled exactly as in training', async (t) => {
  const { dir, runDir } = await clip;
  // A held-out pair's image as a PNG: the query a user would give.
  const spec = readRunSpec(runDir);
  const data = await loadPairedSplit(spec, dir);
  const pair = data.test[0]!;
  const position = Array.from(data.kept).indexOf(pair);
  const side = data.a;
  assert.ok(side.kind === 'samples' && side.pixels !== undefined);
  const file = join(dir, 'digit.png');
  await sharp(Buffer.from(side.pixels.subarray(pair * 784, (pair + 1) * 784)), { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(file);
  const r = cli(['search', runDir, file, '-k', '10', '--json', '--backend', 'wasm']);
  assert.equal(r.code, 0, r.stderr);
  const [found] = json(r.stdout).results;
  assert.equal(found!.kind, undefined);
  const label = data.labels![pair]!;
  assert.equal(found!.neighbors.length, 10);
  assert.ok(found!.neighbors.every((n) => n.id.startsWith('b/') && n.index >= 2000 && typeof n.text === 'string'), 'captions, with their text');
  assert.equal(new Set(found!.neighbors.map((n) => n.text)).size, 10, 'each caption once');
  const right = found!.neighbors.filter((n) => n.label === label).length;
  t.diagnostic(`held-out ${label}: ${right}/10 nearest distinct captions name it; nearest ${JSON.stringify(found!.neighbors[0]!.text)} at ${found!.neighbors[0]!.distance.toFixed(3)}`);
  // The built-in set has 10 caption templates per digit: the 10 nearest distinct captions are mostly the digit's.
  assert.ok(right >= 7, `${right}/10 captions of class ${label}: ${JSON.stringify(found!.neighbors.map((n) => n.text))}`);
  // The caption's text is its pair's, and the distance is the one between the stored image point and the stored caption point.
  const vectors = new Float32Array(readFileSync(runPaths(runDir).vectors).buffer.slice(0));
  const dim = 32;
  const at = (row: number) => vectors.subarray(row * dim, (row + 1) * dim);
  const top = found!.neighbors[0]!;
  const cosine = at(position).reduce((s, v, i) => s + v * at(top.index)[i]!, 0);
  assert.ok(Math.abs(1 - cosine - top.distance) < 1e-4, `stored distance ${1 - cosine} vs query distance ${top.distance}`);
  assert.ok(data.b.kind === 'text');
  assert.equal(top.text, data.b.texts[data.kept[top.index - 2000]!]);
});

test('search on two-tower and one-tower runs: bad text queries are one line naming the problem, exit code 1', async () => {
  const { runDir } = await clip;
  const empty = await cliErrors(['search', runDir, '--text', '', '--backend', 'wasm']);
  assert.equal(empty.code, 1);
  assert.match(empty.stderr, /^contrastive-lab search: "": is an empty text query \(no words\); give some words, e\.g\. --text "a handwritten seven"\.\n$/);
  const unknown = await cliErrors(['search', runDir, '--text', 'zebra quantum!', '--backend', 'wasm']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^contrastive-lab search: "zebra quantum!": has no word the run's text tower knows \(its \d+ words come from the training captions, e\.g\. [^)]*\); use words of the captions\.\n$/);
  const oneTower = (await imageRun()).runDir;
  const refused = await cliErrors(['search', oneTower, '--text', 'a handwritten seven', '--backend', 'cpu']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^contrastive-lab search: \S+: is a one-tower run: its network embeds images or vectors, not text\. --text needs a two-tower run with a text tower \(architecture\.towers\); give an image file, a folder or CSV\/JSONL rows instead\.\n$/);
  const usage = await cliErrors(['search', runDir, '--backend', 'wasm']);
  assert.equal(usage.code, 2);
});

test('search --serve on a CLIP run: texts find images; a text of unknown words and a missing file are invalid-params errors', async () => {
  const { dir, runDir } = await clip;
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'server', 'cli', 'main.ts'), 'search', runDir, '--serve', '--backend', 'wasm'], { cwd: root });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const ready = new Promise<SearchReadyParams>((resolveReady) => connection.onNotification(SearchReadyNotification, resolveReady));
  connection.listen();
  try {
    assert.deepEqual(await ready, { count: 4000, dim: 32, metric: 'cosine', index: 'exact' });
    const found = await connection.sendRequest(SearchFindRequest, { texts: ['the digit 4'], k: 5 });
    assert.equal(found.results[0]!.kind, 'text');
    assert.ok(found.results[0]!.neighbors.filter((n) => n.label === 4 && n.id.startsWith('a/')).length >= 4, JSON.stringify(found.results[0]!.neighbors));
    await assert.rejects(connection.sendRequest(SearchFindRequest, { texts: ['zebra'] }), (e: ResponseError<void>) => {
      assert.equal(e.code, SearchErrorCodes.invalidParams);
      assert.match(e.message, /"zebra": has no word the run's text tower knows/);
      return true;
    });
    await assert.rejects(connection.sendRequest(SearchFindRequest, { queries: [join(dir, 'missing.png')] }), /missing\.png: no such file or folder/);
  } finally {
    const exited = new Promise<number | null>((resolveExit) => child.once('exit', resolveExit));
    connection.dispose();
    child.stdin.end();
    assert.equal(await exited, 0);
  }
});

test('search/find requests: texts are accepted beside file queries; a one-tower session refuses texts', async () => {
  assert.equal(checkSearchParams({ texts: ['a handwritten seven'] }), null);
  assert.equal(checkSearchParams({ queries: ['a.png'], texts: ['seven'], k: 3 }), null);
  assert.match(checkSearchParams({}) ?? '', /field "queries" must be a non-empty list of file paths/);
  assert.match(checkSearchParams({ queries: [], texts: [] }) ?? '', /give at least one query/);
  assert.match(checkSearchParams({ texts: [7] }) ?? '', /field "texts" must be a list of texts/);
  const oneTower: QuerySession = { count: 1, dim: 1, metric: 'cosine', indexKind: 'exact', search: () => Promise.reject(new Error('not reached')) };
  await assert.rejects(searchBoth(oneTower, [], ['seven'], 3), /"seven": is a text query, but this run has one tower/);
});
