// `contrastive-lab runs star|unstar|note|tag`: the CLI writes the annotations.json the editor's
// Experiments table reads; `runs` and `list` show the star, tags and notes; tag removals written
// -tag are not taken for options; mistakes are usage errors that say what to write.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UsageError } from '../../../server/cli/command';
import { COMMANDS } from '../../../server/cli/commands';
import { readAnnotations } from '../../../server/runs/annotations';
import { loadRows } from '../../../server/runs/table/load';
import { tempRoot, threeRuns } from './tableFixtures';

/**
 * Runs a CLI command in this process from `cwd`: what it prints, and its exit code. The command
 * body runs synchronously, so only its own output is captured (the test runner reports on stdout
 * between awaits). Errors reject, as they reach the dispatcher (a UsageError becomes exit code 2).
 */
async function cli(cwd: string, name: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const command = await COMMANDS.find((c) => c.name === name)!.load();
  let out = '';
  let err = '';
  const write = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  const here = process.cwd();
  process.stdout.write = ((chunk: string | Uint8Array) => ((out += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((err += String(chunk)), true)) as typeof process.stderr.write;
  process.chdir(cwd);
  let result: Promise<number>;
  try {
    result = command.run(args);
  } finally {
    process.chdir(here);
    process.stdout.write = write.out;
    process.stderr.write = write.err;
  }
  return { code: await result, out, err };
}

const usageError = (pattern: RegExp) => (e: unknown): boolean => e instanceof UsageError && pattern.test(e.message);

function workspace(): { cwd: string; runs: { a: string; b: string; c: string } } {
  const cwd = tempRoot('cl-cli-annotate-');
  return { cwd, runs: threeRuns(join(cwd, 'runs')) };
}

describe('runs star|unstar|note|tag', () => {
  it('star and unstar by run id or folder; the table row and list show the star', async () => {
    const { cwd, runs } = workspace();
    const starred = await cli(cwd, 'runs', 'star', 'a', runs.b);
    assert.equal(starred.code, 0, starred.err);
    assert.match(starred.out, /^★ runs\/a {2}tags: \(none\) {2}no notes\n★ runs\/b /);
    assert.equal(readAnnotations(runs.a).star, true);
    const rows = loadRows([join(cwd, 'runs')]).rows;
    assert.deepEqual(rows.filter((r) => r.cells.get('star') === true).map((r) => r.dir).sort(), [runs.a, runs.b], 'the table reads the same file');
    const list = await cli(cwd, 'list');
    assert.match(list.out, /\n★ a +completed/);
    assert.match(list.out, /\n {2}c +failed/);
    assert.equal((await cli(cwd, 'runs', 'unstar', 'a')).code, 0);
    assert.equal(readAnnotations(runs.a).star, false);
    assert.equal(readAnnotations(runs.b).star, true, 'the other run keeps its star');
    const json = (await cli(cwd, 'list', '--json')).out.trim().split('\n').map((l) => JSON.parse(l) as { id: string; star: boolean; tags: string[]; notes: string });
    assert.deepEqual(json.map((r) => [r.id, r.star]).sort(), [['a', false], ['b', true], ['c', false]]);
  });

  it('tag adds +tag and bare tags, removes -tag (not an option), keeps the order; runs --filter finds them', async () => {
    const { cwd, runs } = workspace();
    assert.equal((await cli(cwd, 'runs', 'tag', 'a', '+baseline', 'wide', '+baseline')).code, 0);
    assert.deepEqual(readAnnotations(runs.a).tags, ['baseline', 'wide']);
    const removed = await cli(cwd, 'runs', 'tag', 'a', '-baseline', '+best');
    assert.equal(removed.code, 0, removed.err);
    assert.match(removed.out, /tags: wide, best/);
    assert.deepEqual(readAnnotations(runs.a).tags, ['wide', 'best']);
    const found = await cli(cwd, 'runs', '--filter', 'tags contains best', '--json');
    assert.deepEqual((JSON.parse(found.out) as { runs: { dir: string }[] }).runs.map((r) => r.dir), [runs.a]);
    const list = await cli(cwd, 'list');
    assert.match(list.out, /^runs in runs\nRUN +STATUS +BEST kNN +DURATION +EPOCHS +TAGS\n/);
    assert.match(list.out, /\na +completed .* wide, best\n/);
  });

  it('note replaces the notes (a leading dash is text after --); list shows the first line; "" clears them', async () => {
    const { cwd, runs } = workspace();
    assert.equal((await cli(cwd, 'runs', 'note', 'b', 'lr too high?\nsecond line')).code, 0);
    assert.equal(readAnnotations(runs.b).notes, 'lr too high?\nsecond line');
    assert.match((await cli(cwd, 'list')).out, /\nb +completed[^\n]*\n {2}↳ notes: lr too high\?\na +completed/);
    assert.equal((await cli(cwd, 'runs', 'note', 'b', '--', '-0.5 was worse')).code, 0);
    assert.equal(readAnnotations(runs.b).notes, '-0.5 was worse');
    assert.equal((await cli(cwd, 'runs', 'note', 'b', '')).code, 0);
    assert.equal(readAnnotations(runs.b).notes, '');
  });

  it('mistakes are usage errors or name the missing run', async () => {
    const { cwd } = workspace();
    await assert.rejects(cli(cwd, 'runs', 'star'), usageError(/name the runs to star: contrastive-lab runs star <run>\.\.\./));
    await assert.rejects(cli(cwd, 'runs', 'note', 'a'), usageError(/runs note takes a run and the notes in quotes/));
    await assert.rejects(cli(cwd, 'runs', 'tag', 'a', '+'), usageError(/"\+" names no tag/));
    await assert.rejects(cli(cwd, 'runs', 'star', 'zz'), /no run "zz": it is not a run folder, nor a run in runs/);
    await assert.rejects(cli(cwd, 'runs', 'tag', 'a', '+x,y'), /tag "x,y" holds a comma/);
  });
});
