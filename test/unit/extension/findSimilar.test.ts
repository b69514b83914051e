// Explorer → "Find Similar in Run…": the manifest wiring, the page's message contract, and the
// host's search client against the real CLI (a run trained here, an image it has never seen).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runSearch } from '../../../extension/runs/searchClient';
import { searchInvocation, type TrainerInvocation } from '../../../extension/trainer/trainerCommand';
import { parseGalleryMessage } from '../../../webview/protocol';
import { imageRun, writePng } from '../search/searchHelpers';

const ROOT = join(__dirname, '..', '..', '..');

test('Find Similar in Run… is offered on image files in the Explorer and registered by the extension', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    contributes: { commands: { command: string; title: string }[]; menus: Record<string, { command: string; when?: string }[]> };
  };
  const command = manifest.contributes.commands.find((c) => c.command === 'contrastiveLab.findSimilarInRun');
  assert.equal(command?.title, 'Find Similar in Run…');
  const entry = manifest.contributes.menus['explorer/context']?.find((m) => m.command === 'contrastiveLab.findSimilarInRun');
  assert.ok(entry?.when, 'an explorer/context entry with a when clause');
  const extensionPattern = /resourceExtname =~ \/(.*)\/i/.exec(entry.when)![1]!;
  const matches = (name: string): boolean => new RegExp(extensionPattern, 'i').test(name);
  for (const ext of ['.png', '.jpg', '.JPEG', '.webp', '.gif', '.bmp', '.tif', '.tiff', '.avif']) assert.ok(matches(ext), ext);
  for (const ext of ['.csv', '.yaml', '.pngx', '.txt']) assert.ok(!matches(ext), ext);
  assert.match(entry.when, /!explorerResourceIsFolder/);
  const source = readFileSync(join(ROOT, 'extension', 'extension.ts'), 'utf8');
  assert.match(source, /registerCommand\('contrastiveLab\.findSimilarInRun'/);
  assert.match(source, /GalleryPanel\.showFileQuery\(/);
});

test('the gallery page may ask for a file search; bad requests are refused', () => {
  assert.deepEqual(parseGalleryMessage({ type: 'searchFile', path: '/data/new.png', k: 10 }), { ok: true, value: { type: 'searchFile', path: '/data/new.png', k: 10 } });
  const empty = parseGalleryMessage({ type: 'searchFile', path: '', k: 10 });
  assert.equal(empty.ok, false);
  const noK = parseGalleryMessage({ type: 'searchFile', path: '/a.png', k: 0 });
  assert.equal(noK.ok, false);
  const long = parseGalleryMessage({ type: 'searchFile', path: 'x'.repeat(5000), k: 5 });
  assert.equal(long.ok, false);
});

test('the search command line, and the client: results for a new image, the CLI\'s one-line message for a bad one', async () => {
  const env = { cliPath: '/ext/dist/cli.js', nodePathSetting: '', hostExecPath: process.execPath, backend: 'cpu' as const, runsFolder: '/w/runs' };
  const built = searchInvocation(env, '/w/runs/r1', ['/data/a.png'], 7);
  assert.deepEqual(built.args, ['/ext/dist/cli.js', 'search', '/w/runs/r1', '/data/a.png', '-k', '7', '--json', '--backend', 'cpu']);
  assert.equal(built.cwd, '/w/runs');

  const { dir, runDir } = await imageRun();
  const fresh = join(dir, 'new-cool.png');
  await writePng(fresh, 1, 77, 20);
  // The same arguments through the CLI's source (dist/ is built by `npm test`, not by this file).
  const cli = (files: string[]): TrainerInvocation => {
    const inv = searchInvocation({ ...env, cliPath: join(ROOT, 'server', 'cli', 'main.ts') }, runDir, files, 3);
    return { ...inv, args: ['--import', 'tsx', ...inv.args], cwd: ROOT };
  };
  const lines: string[] = [];
  const found = await runSearch(cli([fresh]), { log: (l) => lines.push(l) });
  assert.equal(found.results.length, 1);
  assert.equal(found.results[0]!.query, fresh);
  assert.equal(found.results[0]!.neighbors.length, 3);
  assert.ok(found.results[0]!.neighbors.filter((n) => n.className === 'cool').length >= 2, JSON.stringify(found.results[0]!.neighbors));
  assert.ok(lines.some((l) => l.includes(' search ')), 'the command line is logged');

  const broken = join(dir, 'broken.png');
  writeFileSync(broken, 'not an image');
  await assert.rejects(runSearch(cli([broken])), (e: Error) => {
    assert.match(e.message, /^.*broken\.png: cannot read this image \(.*\); replace or remove the file\.$/);
    assert.doesNotMatch(e.message, /contrastive-lab search:/);
    return true;
  });
});
