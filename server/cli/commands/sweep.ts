// `contrastive-lab sweep <spec | x.sweep.yaml>`: expand the sweep into queued child runs and queue them.
import { relative, resolve, dirname } from 'node:path';
import { enqueue, newEntry, queuePaths } from '../../runs/queue/queueFile';
import { createSweepRuns, describeAssignment, loadSweepSource, planSweep, SweepError } from '../../runs/sweep/expand';
import { sweepRunCount } from '../../spec/sweep';
import { parseArgs } from '../args';
import { UsageError, type Command } from '../command';
import { positiveInt } from '../options';
import { printProblems } from '../trainSpec';

const usage = `Usage: contrastive-lab sweep <spec | name.sweep.yaml> [options]

Expands the spec's \`sweep:\` block (or a *.sweep.yaml: \`base: <spec>\` and a \`sweep:\` block) into
child runs: one per grid combination, or \`count\` random draws with \`seed\`. Every child is checked
as a whole spec first; only when all are valid are their run folders created (status queued, each
spec.json with \`sweep.trial\`: the sweep id and its values; run.json with the sweep id) and added to
the run queue of the runs folder. With \`halving:\` the runs train to the first rung and the queue
continues only the best 1/eta at each rung.

Options:
  --out DIR          folder for the run directories (default: run.outputDir next to the spec)
  --extend ID        add runs to the sweep ID of that folder instead of starting a new sweep: the
                     next --add random draws (same seed, new draws), or the grid combinations it
                     does not have yet (values added to the spec)
  --add N            with --extend and random: how many runs to add (default: count)
  --dry-run          print the children's values; create nothing
  --start            work through the queue right away (as \`queue start\`)
  --parallel N       with --start: runs at once (default: half the cores)
  --help             show this help

Exit codes: 0 queued (or, with --start, every run ended well), 1 the spec or a child has errors,
or a run failed, 2 wrong usage.`;

export const sweepCommand: Command = {
  usage,
  async run(argv) {
    const args = parseArgs(argv, { booleans: ['dry-run', 'start'], values: ['out', 'extend', 'add', 'parallel'] });
    if (args.positionals.length !== 1) throw new UsageError('Name exactly one spec (with a `sweep:` block) or *.sweep.yaml, e.g. `contrastive-lab sweep examples/sweep.contrastive.yaml`.');
    if (args.values.has('add') && !args.values.has('extend')) throw new UsageError('--add goes with --extend <sweep-id> (a new sweep draws `count` runs).');
    const file = args.positionals[0]!;
    const fail = (e: SweepError): number => {
      printProblems(e.problems, (line) => process.stderr.write(line + '\n'));
      process.stderr.write(`${e.message}\n`);
      return 1;
    };
    let source;
    try {
      source = loadSweepSource(file);
    } catch (e) {
      if (e instanceof SweepError) return fail(e);
      throw e;
    }
    const root = args.values.has('out') ? resolve(args.values.get('out')!) : resolve(dirname(source.specPath), source.spec.run.outputDir);
    const extend = args.values.get('extend');
    let plan;
    try {
      plan = planSweep(source, { ...(extend !== undefined ? { extend: { root, id: extend } } : {}), ...(args.values.has('add') ? { add: positiveInt(args.values.get('add'), '--add', 1) } : {}) });
    } catch (e) {
      if (e instanceof SweepError) return fail(e);
      throw e;
    }
    const total = sweepRunCount(source.spec.sweep, source.value);
    const halving = plan.rungs !== null ? `; successive halving at epochs ${plan.rungs.join(', ')} by ${source.spec.sweep.halving!.metric} (1/${source.spec.sweep.halving!.eta} continue)` : '';
    process.stdout.write(`sweep ${plan.id}: ${plan.children.length} new run${plan.children.length === 1 ? '' : 's'} (${source.spec.sweep.strategy}${source.spec.sweep.strategy === 'grid' ? ` of ${total}` : ''})${halving}\n`);
    if (args.booleans.has('dry-run')) {
      for (const child of plan.children) process.stdout.write(`  ${child.index}: ${describeAssignment(child.assignment)}\n`);
      return 0;
    }
    if (plan.children.length === 0) {
      process.stdout.write('nothing to add: the sweep has every combination already.\n');
      return 0;
    }
    const created = createSweepRuns(plan, root);
    const firstRung = plan.rungs !== null && plan.rungs.length > 1 ? plan.rungs[0]! : null;
    enqueue(root, created.map((c) => newEntry(c.run, { sweep: plan.id, untilEpoch: firstRung })));
    for (const c of created) process.stdout.write(`  ${c.run}: ${describeAssignment(c.assignment)}\n`);
    const where = relative(process.cwd(), root) || '.';
    process.stdout.write(`queued in ${relative(process.cwd(), queuePaths(root).file)}; see them grouped: contrastive-lab runs ${where} --group sweep --filter 'sweep = ${plan.id}'\n`);
    if (!args.booleans.has('start')) {
      process.stdout.write(`start the queue with: contrastive-lab queue start ${where}\n`);
      return 0;
    }
    const { queueCommand } = await import('./queue');
    return queueCommand.run(['start', root, ...(args.values.has('parallel') ? ['--parallel', args.values.get('parallel')!] : [])]);
  },
};
