// The contract of a CLI subcommand: each lives in commands/<name>.ts and is listed once in
// commands/index.ts.

export interface Command {
  readonly name: string;
  /** One line, shown in `contrastive-lab --help`. */
  readonly summary: string;
  /** Full help text, shown by `contrastive-lab <name> --help` (starts with the usage line). */
  readonly usage: string;
  /** Runs the command; resolves to the process exit code (0 ok, 1 problems found, 2 bad usage). */
  run(argv: string[]): Promise<number>;
}

/** Bad command-line input: printed with the command's usage, exit code 2, never a stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
