// Incremental reading of a file another process appends to (metrics.jsonl, events.jsonl, a
// trainer's log): each read returns only the complete lines appended since the previous one, by
// byte offset, so a long run's file is never re-read. A partial last line (the writer is writing
// it, or was killed mid-write) is held back until its line break arrives. A file that shrank or was
// replaced (resume rewrites metrics.jsonl through a rename) is read again from the start.
import * as fs from 'node:fs';

/** Splits a stream that arrives in arbitrary chunks into complete lines (a line may straddle two chunks). */
export class LineSplitter {
  private pending = '';

  /** Feeds a chunk; returns the non-empty lines it completed, without their line breaks. */
  push(chunk: string): string[] {
    const parts = (this.pending + chunk).split(/\r?\n/);
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

export interface TailRead {
  readonly lines: readonly string[];
  /** True when the file was truncated or replaced since the last read, so `lines` start from its beginning again. */
  readonly reset: boolean;
}

export interface FileTailOptions {
  /**
   * The first read starts this many bytes before the end, from the next line boundary: enough for
   * a live summary without parsing a long run's history.
   */
  readonly startBytesFromEnd?: number;
}

export class FileTail {
  private offset = 0;
  private inode: number | undefined;
  private lines = new LineSplitter();

  constructor(readonly file: string, private readonly options: FileTailOptions = {}) {}

  /** The complete lines appended since the last read; with `final`, the unterminated last line too (the writer has ended). */
  read(final = false): TailRead {
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch {
      return { lines: final ? this.lines.flush() : [], reset: false };
    }
    try {
      const stat = fs.fstatSync(fd);
      // A rename over the file gives it a new inode (0 where the file system has none: size decides alone).
      const replaced = this.inode !== undefined && stat.ino !== 0 && stat.ino !== this.inode;
      const reset = replaced || stat.size < this.offset;
      if (reset) this.restart();
      this.inode = stat.ino;
      let text = '';
      if (stat.size > this.offset) {
        const tail = this.options.startBytesFromEnd;
        // One byte more than asked: when it is a line break, the first line is whole and kept.
        const cut = this.offset === 0 && tail !== undefined && stat.size > tail + 1 ? stat.size - tail - 1 : null;
        const from = cut ?? this.offset;
        const buffer = Buffer.alloc(stat.size - from);
        fs.readSync(fd, buffer, 0, buffer.length, from);
        this.offset = stat.size;
        text = buffer.toString('utf8');
        if (cut !== null) text = text.slice(text.indexOf('\n') + 1 || text.length); // the cut went through a line
      }
      const lines = this.lines.push(text);
      return { lines: final ? [...lines, ...this.lines.flush()] : lines, reset };
    } finally {
      fs.closeSync(fd);
    }
  }

  private restart(): void {
    this.offset = 0;
    this.lines = new LineSplitter();
  }
}
