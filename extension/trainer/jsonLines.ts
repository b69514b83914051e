// Splits a byte stream into complete lines: a child process's stdout arrives in arbitrary chunks,
// and a JSON event may straddle two of them.
export class LineSplitter {
  private pending = '';

  /** Feeds a chunk; returns the lines it completed (without their line breaks). */
  push(chunk: string): string[] {
    const text = this.pending + chunk;
    const parts = text.split(/\r?\n/);
    this.pending = parts.pop() ?? '';
    return parts.filter((line) => line.length > 0);
  }

  /** The unterminated remainder, once the stream has ended. */
  flush(): string[] {
    const rest = this.pending;
    this.pending = '';
    return rest.length > 0 ? [rest] : [];
  }
}

/** A JSON object from one line of the trainer's `--json` output, or undefined for anything else (plain log text). */
export function parseEventLine(line: string): Record<string, unknown> | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
