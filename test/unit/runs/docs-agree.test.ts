// The documentation of the run directory agrees with the code: the event kinds that
// docs/run-directory.md and the README's run-directory block list are the EventName union, and
// the trainer emits every one of them (and no other); the schema's run.name / run.outputDir text
// describes the folders createRunDirectory makes and where `list` looks.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { EVENT_NAMES, type RunEvent } from '../../../server/runs/format';
import { readJsonLines } from '../../../server/runs/jsonl';
import { runPaths } from '../../../server/runs/paths';
import { createRunDirectory } from '../../../server/trainer/runDirectory';
import { tempDir, TINY_SPEC, writeSpec } from '../trainer/helpers';

const root = join(__dirname, '../../..');
const sorted = (names: Iterable<string>): string[] => [...new Set(names)].sort();

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') ? [path] : [];
  });
}

/** Event kinds the server code writes: reporter.event/record(level, 'kind'), `event: 'kind'` lines, and finish('status') (its event is the status). */
function emittedKinds(): string[] {
  const kinds: string[] = [];
  for (const file of sources(join(root, 'server'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\.(?:event|record)\([^,()]+(?:\([^()]*\))?[^,()]*,\s*'([a-z]+)'/g)) kinds.push(m[1]!);
    for (const m of text.matchAll(/\bevent: '([a-z]+)'/g)) kinds.push(m[1]!);
    // session.ts emits the run's end event by status: finish('stopped'), or finish(<the Trainer's result>) typed by finish's parameter.
    if (file.endsWith('session.ts')) {
      for (const m of text.matchAll(/\bfinish\('([a-z]+)'\)/g)) kinds.push(m[1]!);
      const statuses = /function finish\(status: ([^)]*)\)/.exec(text)?.[1] ?? '';
      for (const m of statuses.matchAll(/'([a-z]+)'/g)) kinds.push(m[1]!);
    }
  }
  return sorted(kinds);
}

test('docs/run-directory.md and the README list exactly the EventName kinds', () => {
  const docs = readFileSync(join(root, 'docs/run-directory.md'), 'utf8');
  const sentence = /`event` is one of ([^.]+)\./.exec(docs)![1]!;
  assert.deepEqual(sorted([...sentence.matchAll(/`([a-z]+)`/g)].map((m) => m[1]!)), sorted(EVENT_NAMES));
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = /events\.jsonl\s+\{"kind":"event"[^}]*\}: ([\s\S]*?)\n\s+checkpoints\//.exec(readme)![1]!;
  assert.deepEqual(sorted(block.split(/[,\s]+/).filter((w) => w !== '')), sorted(EVENT_NAMES));
});

test('the trainer emits every EventName kind, and no other', () => {
  assert.deepEqual(emittedKinds(), sorted(EVENT_NAMES));
});

test('a new run directory starts its events.jsonl with the created event; its name is <timestamp>-<name> as the schema says', () => {
  const dir = tempDir('docs-agree');
  const { path, spec, text } = writeSpec(dir, TINY_SPEC);
  const { dir: runDir, record } = createRunDirectory(join(dir, 'runs'), { ...spec, run: { ...spec.run, name: 'My Run' } }, path, text, 1, new Date('2026-01-02T03:04:05Z'));
  assert.equal(basename(runDir), '20260102-030405-my-run');
  const events = readJsonLines<RunEvent>(runPaths(runDir).events).lines;
  assert.deepEqual(events.map((e) => [e.level, e.event, e.time]), [['info', 'created', '2026-01-02T03:04:05.000Z']]);
  assert.deepEqual(events[0]!.data, { id: record.id });

  const schema = JSON.parse(readFileSync(join(root, 'schemas/experiment.schema.json'), 'utf8')) as { properties: { run: { properties: Record<string, { markdownDescription: string }> } } };
  const run = schema.properties.run.properties;
  assert.match(run.name!.markdownDescription, /run directories are `<timestamp>-<name>`/);
  assert.doesNotMatch(run.name!.markdownDescription, /<name>-<timestamp>/);
  assert.match(run.outputDir!.markdownDescription, /`contrastive-lab list` with no folder looks here/);
});
