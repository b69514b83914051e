// JSON Lines: append one object per line; read back tolerating a torn last line (a writer killed
// mid-write) and reporting, not throwing on, damaged lines in the middle.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

export function appendJsonLine(file: string, value: unknown): void {
  appendFileSync(file, JSON.stringify(value) + '\n');
}

export interface JsonLinesRead<T> {
  readonly lines: T[];
  /** 1-based line numbers that could not be parsed (a torn last line included). */
  readonly damaged: number[];
}

export function parseJsonLines<T>(text: string): JsonLinesRead<T> {
  const lines: T[] = [];
  const damaged: number[] = [];
  const raw = text.split('\n');
  for (let i = 0; i < raw.length; i++) {
    const line = raw[i]!.trim();
    if (line === '') continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (parsed !== null && typeof parsed === 'object') lines.push(parsed as T);
      else damaged.push(i + 1);
    } catch {
      damaged.push(i + 1);
    }
  }
  return { lines, damaged };
}

export function readJsonLines<T>(file: string): JsonLinesRead<T> {
  if (!existsSync(file)) return { lines: [], damaged: [] };
  return parseJsonLines<T>(readFileSync(file, 'utf8'));
}

/** Rewrites a JSON Lines file keeping only the lines `keep` accepts (used by resume to drop work past the checkpoint). */
export function filterJsonLines<T>(file: string, keep: (line: T) => boolean): void {
  const { lines } = readJsonLines<T>(file);
  const kept = lines.filter(keep);
  writeFileSync(file, kept.map((l) => JSON.stringify(l) + '\n').join(''));
}
