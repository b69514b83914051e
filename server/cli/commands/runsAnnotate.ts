// `contrastive-lab runs star|unstar|note|tag`: what a user says about a run, from the terminal. The
// same annotations.json the editor's Experiments table writes (server/runs/annotations.ts), so the
// table shows the change as soon as the file is written and `runs` / `list` print it.
import { relative } from 'node:path';
import { readAnnotations, updateAnnotations, type Annotations } from '../../runs/annotations';
import { readRunRecord } from '../../runs/record';
import { UsageError } from '../command';
import { resolveRunDirs } from '../runFolders';

export const ANNOTATE_ACTIONS = ['star', 'unstar', 'note', 'tag'] as const;
export type AnnotateAction = (typeof ANNOTATE_ACTIONS)[number];

export function isAnnotateAction(word: string | undefined): word is AnnotateAction {
  return (ANNOTATE_ACTIONS as readonly string[]).includes(word ?? '');
}

export const annotateUsage = `       contrastive-lab runs star <run>...          star runs (★ in the table, \`runs --filter 'star = true'\`)
       contrastive-lab runs unstar <run>...
       contrastive-lab runs note <run> "text"      replace the run's notes ("" clears them)
       contrastive-lab runs tag <run> +tag -tag    add (+tag, or a bare tag) and remove (-tag) tags

A run is a run folder, or a run id / folder name found in ./runs and the specs' output folders.
Star, notes and tags live in the run folder's annotations.json, which the editor's Experiments
table writes too; it shows a change from here at once.`;

/** A tag change as typed: `+a` and `a` add, `-a` removes; in the order given. */
export function tagChanges(tags: readonly string[], ops: readonly string[]): string[] {
  let out = [...tags];
  for (const op of ops) {
    const remove = op.startsWith('-');
    const tag = op.replace(/^[+-]/, '').trim();
    if (tag === '') throw new UsageError(`"${op}" names no tag; write +tag to add one and -tag to remove one.`);
    out = remove ? out.filter((t) => t !== tag) : out.includes(tag) ? out : [...out, tag];
  }
  return out;
}

function describe(dir: string, a: Annotations): string {
  const name = relative(process.cwd(), dir) || dir;
  const notes = a.notes === '' ? 'no notes' : `notes: ${JSON.stringify(a.notes.length > 80 ? `${a.notes.slice(0, 79)}…` : a.notes)}`;
  return `${a.star ? '★' : '☆'} ${name}  tags: ${a.tags.length > 0 ? a.tags.join(', ') : '(none)'}  ${notes}`;
}

/**
 * `argv` is what follows `runs`, starting with the action. Read raw (not by the flag parser): a tag
 * removal `-baseline` and notes that start with a dash are not options; `--` may precede them.
 */
export function runAnnotate(argv: readonly string[]): number {
  const [action, ...rest] = argv;
  if (!isAnnotateAction(action)) throw new UsageError(`unknown runs action "${action}"; use one of ${ANNOTATE_ACTIONS.join(', ')}.`);
  const args = rest.filter((a) => a !== '--');
  const option = rest.find((a) => a.startsWith('--') && a !== '--');
  if (option !== undefined) throw new UsageError(`runs ${action} takes no options (got ${option}).`);
  const changes: { dir: string; change: Partial<Annotations> }[] = [];
  if (action === 'star' || action === 'unstar') {
    if (args.length === 0) throw new UsageError(`name the runs to ${action}: contrastive-lab runs ${action} <run>...`);
    for (const dir of resolveRunDirs(args)) changes.push({ dir, change: { star: action === 'star' } });
  } else if (action === 'note') {
    if (args.length !== 2) throw new UsageError(`runs note takes a run and the notes in quotes, got ${args.length} argument${args.length === 1 ? '' : 's'}: contrastive-lab runs note <run> "text"`);
    changes.push({ dir: resolveRunDirs([args[0]!])[0]!, change: { notes: args[1]! } });
  } else {
    if (args.length < 2) throw new UsageError('name a run and the tags to change: contrastive-lab runs tag <run> +tag -tag');
    const dir = resolveRunDirs([args[0]!])[0]!;
    changes.push({ dir, change: { tags: tagChanges(readAnnotations(dir).tags, args.slice(1)) } });
  }
  for (const { dir, change } of changes) {
    // A folder that is not a run stops here with the reader's message.
    readRunRecord(dir);
    process.stdout.write(`${describe(dir, updateAnnotations(dir, change))}\n`);
  }
  return 0;
}
