// Option parsing shared by the run commands (train, resume, list, neighbors, embed, export):
// declared flags only, so a typo is an error that names the flag instead of being ignored.

export interface FlagSpec {
  readonly name: string;
  /** Short alias, e.g. `k` for `-k`. */
  readonly alias?: string;
  readonly takesValue: boolean;
}

export interface ParsedArgs {
  readonly positionals: string[];
  readonly values: ReadonlyMap<string, string>;
  readonly flags: ReadonlySet<string>;
}

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
  const positionals: string[] = [];
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const byName = new Map<string, FlagSpec>();
  for (const s of specs) {
    byName.set(`--${s.name}`, s);
    if (s.alias) byName.set(`-${s.alias}`, s);
  }
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
    const [key, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const spec = byName.get(key);
    if (!spec) {
      const known = specs.map((s) => `--${s.name}`).join(', ');
      throw new UsageError(`unknown option ${key}${known ? `; known options: ${known}` : ''}`);
    }
    if (!spec.takesValue) {
      if (inline !== undefined) throw new UsageError(`--${spec.name} takes no value`);
      flags.add(spec.name);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`--${spec.name} needs a value`);
    values.set(spec.name, value);
  }
  return { positionals, values, flags };
}

export function positiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive whole number, got "${value}"`);
  return n;
}

export function nonNegativeInt(value: string | undefined, flag: string): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < 0) throw new UsageError(`${flag} must be a whole number >= 0, got "${value ?? ''}"`);
  return n;
}

export const BACKEND_CHOICES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoiceArg = (typeof BACKEND_CHOICES)[number];

export function backendArg(value: string | undefined): BackendChoiceArg | null {
  if (value === undefined) return null;
  if (!(BACKEND_CHOICES as readonly string[]).includes(value)) throw new UsageError(`--backend must be one of ${BACKEND_CHOICES.join(', ')}, got "${value}"`);
  return value as BackendChoiceArg;
}
