// `contrastive-lab runs` and `compare` in the terminal: the table as text, JSON and CSV, sorting and
// filtering, located usage errors, and parameter differences with result deltas.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { updateAnnotations } from '../../../server/runs/annotations';
import { tempRoot, threeRuns } from './tableFixtures';

const root = join(__dirname, '../../..');
const tsx = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;
const cli = (args: string[], cwd: string) => {
  const r = spawnSync(process.execPath, ['--import', tsx, join(root, 'server/cli/main.ts'), ...args], { cwd, encoding: 'utf8', timeout: 60000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

function workspace(): string {
  const dir = tempRoot('cl-cli-runs-');
  const { a } = threeRuns(join(dir, 'runs'));
  updateAnnotations(a, { star: true, tags: ['baseline'], notes: 'first, "quoted"' });
  return dir;
}

test('runs prints the changed parameters and the main results, sorted and filtered', () => {
  const cwd = workspace();
  const all = cli(['runs'], cwd);
  assert.equal(all.code, 0, all.err);
  const lines = all.out.trimEnd().split('\n');
  assert.equal(lines[0], '3 runs in runs; 2 parameters differ');
  assert.match(lines[1]!, /^★ +run +status +started +tags +architecture\.backbone\.type +loss\.temperature +kNN +best kNN +probe +loss +wall time$/);
  assert.deepEqual(lines.slice(2).map((l) => l.replace(/^★?\s+/, '').split(/\s+/)[0]), ['c', 'b', 'a']);
  assert.match(lines[4]!, /^★ +a +completed +2026-01-01 00:00 +baseline +mlp +0\.1 +70\.00% +70\.00% +65\.00% +1\.5 +1:30$/);
  const best = cli(['runs', '--sort', '-knn', '--filter', 'status = completed', '--filter', 'knn > 80%'], cwd);
  assert.equal(best.code, 0, best.err);
  assert.match(best.out, /^1 of 3 runs in runs, sorted by -knn; 0 parameters differ\n/);
  assert.match(best.out, /\n +b +completed/);
});

test('runs --json carries raw values for the chosen columns; --csv quotes and orders them the same way', () => {
  const cwd = workspace();
  const json = cli(['runs', '--json', '--columns', 'name,loss.temperature,knn,tags,notes', '--sort', 'loss.temperature,-knn'], cwd);
  assert.equal(json.code, 0, json.err);
  const parsed = JSON.parse(json.out) as { columns: { key: string; kind: string; changed: boolean }[]; runs: Record<string, unknown>[] };
  assert.deepEqual(parsed.columns.map((c) => [c.key, c.kind, c.changed]), [['name', 'run', false], ['loss.temperature', 'param', true], ['knn', 'result', false], ['tags', 'run', false], ['notes', 'run', false]]);
  assert.deepEqual(parsed.runs.map(({ dir: _dir, ...rest }) => rest), [
    { name: 'a', 'loss.temperature': 0.1, knn: 0.7, tags: ['baseline'], notes: 'first, "quoted"' },
    { name: 'c', 'loss.temperature': 0.1, knn: null, tags: [], notes: null },
    { name: 'b', 'loss.temperature': 0.5, knn: 0.85, tags: [], notes: null },
  ]);
  assert.equal(parsed.runs[0]!.dir, join(cwd, 'runs', 'a'));
  const csv = cli(['runs', '--csv', '--columns', 'name,loss.temperature,knn,tags,notes', '--sort', 'loss.temperature,-knn'], cwd);
  assert.equal(csv.code, 0, csv.err);
  assert.equal(csv.out, 'name,loss.temperature,knn,tags,notes\r\na,0.1,0.7,[baseline],"first, ""quoted"""\r\nc,0.1,,[],\r\nb,0.5,0.85,[],\r\n');
  const wide = JSON.parse(cli(['runs', '--json', '--all-columns'], cwd).out) as { columns: { key: string }[] };
  for (const key of ['training.batchSize', 'p@1', 'r@10', 'mapAtR', 'collapse', 'samplesPerSec', 'backend', 'started']) assert.ok(wide.columns.some((c) => c.key === key), key);
});

test('runs: a bad filter, sort or column is a usage error that says where and what', () => {
  const cwd = workspace();
  const filter = cli(['runs', '--filter', 'knn >> 0.8'], cwd);
  assert.equal(filter.code, 2);
  assert.equal(filter.err, 'contrastive-lab runs: filter "knn >> 0.8", at character 6:\n  knn >> 0.8\n       ^\nexpected a value after ">", found the operator ">". See `contrastive-lab runs --help`.\n');
  const sort = cli(['runs', '--sort', 'los.temperature'], cwd);
  assert.equal(sort.code, 2);
  assert.match(sort.err, /sort "los\.temperature": no run has a column "los\.temperature"; did you mean "loss\.temperature"\?/);
  const column = cli(['runs', '--columns', 'name,knnn'], cwd);
  assert.equal(column.code, 2);
  assert.match(column.err, /--columns: no run has a column "knnn"; did you mean "knn"\?/);
  assert.equal(cli(['runs', '--json', '--csv'], cwd).code, 2);
  const missing = cli(['runs', 'nowhere'], cwd);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /nowhere: no such folder/);
  const empty = cli(['runs'], tempRoot('cl-cli-empty-'));
  assert.equal(empty.code, 0);
  assert.match(empty.out, /^no runs yet: looked in runs/);
});

test('compare prints the parameters that differ and each result with its change against the first run', () => {
  const cwd = workspace();
  const r = cli(['compare', 'a', 'b', join(cwd, 'runs', 'c')], cwd);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.split('\n');
  assert.match(lines[0]!, /^ +a +b +c$/);
  assert.ok(lines.some((l) => /^ {2}loss\.temperature +0\.1 +0\.5 +0\.1$/.test(l)), r.out);
  assert.ok(lines.some((l) => /^ {2}architecture\.backbone\.type +mlp +mlp +convnet$/.test(l)), r.out);
  assert.ok(lines.some((l) => /^ {2}kNN +70\.00% +85\.00% \(\+15\.00 pp\) +-$/.test(l)), r.out);
  assert.ok(lines.some((l) => /^ {2}loss +1\.5 +1 \(-0\.5\) +4 \(\+2\.5\)$/.test(l)), r.out);
  assert.ok(!lines.some((l) => l.includes('training.batchSize')), 'equal parameters are left out');
  const json = JSON.parse(cli(['compare', 'a', 'b', '--json'], cwd).out) as { parameters: { key: string; values: unknown[] }[]; results: { key: string; deltas: (number | null)[] }[] };
  assert.deepEqual(json.parameters, [{ key: 'loss.temperature', values: [0.1, 0.5] }]);
  const knn = json.results.find((x) => x.key === 'knn')!;
  assert.equal(knn.deltas[0], null);
  assert.ok(Math.abs(knn.deltas[1]! - 0.15) < 1e-12);
  const one = cli(['compare', 'a'], cwd);
  assert.equal(one.code, 2);
  assert.match(one.err, /compare needs at least two runs, got 1/);
  const unknown = cli(['compare', 'a', 'zz'], cwd);
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /no run "zz": it is not a run folder, nor a run in runs; `contrastive-lab runs` lists the runs\./);
  mkdirSync(join(cwd, 'runs', 'broken'));
  writeFileSync(join(cwd, 'runs', 'broken', 'run.json'), '{"id": ');
  const damaged = cli(['compare', 'a', 'broken'], cwd);
  assert.equal(damaged.code, 1);
  assert.match(damaged.err, /broken[/\\]run\.json:1:8: not valid JSON/);
});
