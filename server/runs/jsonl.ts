// JSON Lines: append one object per line; read back tolerating a torn last line (a writer killed
// mid-write) and reporting, not throwing on, damaged lines in the middle.
import { appendFileSync, existsSync } from 'node:fs';
import { describeCause, FileError, readBytes, writeFileAtomicChecked } from '../shared/files';

/** Appends one line; a failed write (disk full, read-only) is a FileError naming the file. */
export function appendJsonLine(file: string, value: unknown): void {
  try {
    appendFileSync(file, JSON.stringify(value) + '\n');
  } catch (e) {
    throw new FileError(file, `could not be written: ${describeCause(e)}`);
  }
}

export interface JsonLinesRead<T> {
  readonly lines: T[];
  /** 1-based line numbers that could not be parsed (a torn last line included). */
  readonly damaged: number[];
}

/** The JSON object on one line, or undefined for anything else (torn JSON, plain log text, an array, a number). */
export function parseJsonObject(line: string): Record<string, unknown> | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function parseJsonLines<T>(text: string): JsonLinesRead<T> {
  const lines: T[] = [];
  const damaged: number[] = [];
  const raw = text.split('\n');
  for (let i = 0; i < raw.length; i++) {
    if (raw[i]!.trim() === '') continue;
    const parsed = parseJsonObject(raw[i]!);
    if (parsed !== undefined) lines.push(parsed as T);
    else damaged.push(i + 1);
  }
  return { lines, damaged };
}

export function readJsonLines<T>(file: string): JsonLinesRead<T> {
  if (!existsSync(file)) return { lines: [], damaged: [] };
  return parseJsonLines<T>(readBytes(file).toString('utf8'));
}

/** Rewrites a JSON Lines file keeping only the lines `keep` accepts (used by resume to drop work past the checkpoint). */
export function filterJsonLines<T>(file: string, keep: (line: T) => boolean): { kept: number; dropped: number; damaged: number[] } {
  const { lines, damaged } = readJsonLines<T>(file);
  const kept = lines.filter(keep);
  writeFileAtomicChecked(file, kept.map((l) => JSON.stringify(l) + '\n').join(''));
  return { kept: kept.length, dropped: lines.length - kept.length, damaged };
}
