// The contract of a CLI subcommand: each lives in commands/<name>.ts and is listed once, with its
// one-line summary, in commands/index.ts, which loads the module only when that command runs.

export interface Command {
  /** Full help text, shown by `contrastive-lab <name> --help` (starts with the usage line). */
  readonly usage: string;
  /** Runs the command; resolves to the process exit code (0 ok, 1 problems found, 2 bad usage). */
  run(argv: string[]): Promise<number>;
}

/** A command as `--help` lists it; `load()` evaluates its module (and what it imports) on first use. */
export interface CommandEntry {
  readonly name: string;
  /** One line, shown in `contrastive-lab --help`. */
  readonly summary: string;
  load(): Promise<Command>;
}

/** Bad command-line input: printed with the command's usage, exit code 2, never a stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
