// A small, strict flag parser shared by the subcommands: known flags only, with "did you mean".
import { closest } from '../spec/suggest';
import { UsageError } from './command';

export interface FlagSpec {
  /** Flags that take no value, e.g. `json` for `--json`. */
  readonly booleans?: readonly string[];
  /** Flags that take a value (`--out dir` or `--out=dir`). */
  readonly values?: readonly string[];
  /** Flags that take a value and may be given several times (`--filter a --filter b`). */
  readonly lists?: readonly string[];
}

export interface ParsedArgs {
  readonly positionals: string[];
  readonly booleans: ReadonlySet<string>;
  readonly values: ReadonlyMap<string, string>;
  /** Each repeatable flag's values in the order given (absent when not given). */
  readonly lists: ReadonlyMap<string, string[]>;
}

export function parseArgs(argv: readonly string[], spec: FlagSpec): ParsedArgs {
  const booleans = new Set<string>();
  const values = new Map<string, string>();
  const lists = new Map<string, string[]>();
  const positionals: string[] = [];
  const known = [...(spec.booleans ?? []), ...(spec.values ?? []), ...(spec.lists ?? [])];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const [rawName, inline] = arg.replace(/^--?/, '').split(/=(.*)/s, 2) as [string, string | undefined];
    if (spec.booleans?.includes(rawName)) {
      if (inline !== undefined) throw new UsageError(`--${rawName} takes no value (got --${rawName}=${inline}).`);
      booleans.add(rawName);
    } else if (spec.values?.includes(rawName) || spec.lists?.includes(rawName)) {
      const value = inline ?? argv[++i];
      if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new UsageError(`--${rawName} needs a value: --${rawName} <value>.`);
      if (spec.lists?.includes(rawName)) lists.set(rawName, [...(lists.get(rawName) ?? []), value]);
      else values.set(rawName, value);
    } else {
      const suggestion = closest(rawName, known);
      throw new UsageError(`Unknown option ${arg}.${suggestion ? ` Did you mean --${suggestion}?` : ''}${known.length ? ` Options: ${known.map((k) => `--${k}`).join(', ')}.` : ''}`);
    }
  }
  return { positionals, booleans, values, lists };
}
