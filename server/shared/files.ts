// The one checked path for reading and writing files (of a run, a data set, a cache) and the folders they live in:
// every error names the file — with line and column for JSON, the size for binary files — and
// says the cause in words (no space left, read-only file system, permission denied, missing).
// Writes go through a sibling temp file that is removed again when the write fails.
import { accessSync, constants, closeSync, fsyncSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, unlinkSync, writeSync, mkdirSync } from 'node:fs';
import { endianness } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** A file of a run (or of its data) that cannot be read, parsed or written; the message starts with the path. */
export class FileError extends Error {
  readonly file: string;
  constructor(file: string, message: string) {
    super(message.startsWith(file) ? message : `${file}: ${message}`);
    this.name = 'FileError';
    this.file = file;
  }
}

const CAUSES: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'is a folder, not a file',
  EIO: 'input/output error from the device',
  EMFILE: 'too many open files',
  EFBIG: 'the file is too large',
  ENAMETOOLONG: 'the path is too long',
  ELOOP: 'too many symbolic links in the path',
};

/** The cause of a file-system error in words, with its code: "no space left on the device (ENOSPC)". */
export function describeCause(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err.code === 'string') return `${CAUSES[err.code] ?? err.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '')} (${err.code})`;
  return e instanceof Error ? e.message : String(e);
}

function errorCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | null)?.code;
}

/**
 * What a path is when it is not a regular file or folder (a FIFO, socket or device), or null.
 * Reading a FIFO blocks until a writer comes, so every reader asks this first.
 */
export function specialFileKind(file: string): string | null {
  try {
    const s = statSync(file);
    if (s.isFIFO()) return 'a named pipe (FIFO)';
    if (s.isSocket()) return 'a socket';
    if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
    return null;
  } catch {
    return null; // the read that follows reports it
  }
}

/** Throws a FileError when the path is a FIFO, socket or device (which would block or never end). */
export function assertNotSpecial(file: string, what = 'file'): void {
  const kind = specialFileKind(file);
  if (kind !== null) throw new FileError(file, `is ${kind}, not a regular file; the ${what} must be a file on disk`);
}

/**
 * Why a path that existsSync() calls missing cannot be reached, when the cause is not simply that it
 * is missing (a symlink loop: ELOOP; a file used as a folder: ENOTDIR; EACCES), else null.
 */
export function unreachableCause(path: string): string | null {
  try {
    statSync(path);
    return null;
  } catch (e) {
    return errorCode(e) === 'ENOENT' ? null : describeCause(e);
  }
}

/** A file as bytes; a missing or unreadable file is a FileError naming it. */
export function readBytes(file: string, what = 'file'): Buffer {
  assertNotSpecial(file, what);
  try {
    return readFileSync(file);
  } catch (e) {
    if (errorCode(e) === 'ENOENT') throw new FileError(file, `missing (the ${what} is not there)`);
    throw new FileError(file, `cannot be read: ${describeCause(e)}`);
  }
}

/** 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < Math.min(offset, text.length); i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: Math.min(offset, text.length) - start + 1 };
}

/**
 * Parses a JSON file. A missing, empty, torn or otherwise invalid file throws a FileError such as
 * `<file>:5:3: not valid JSON (Unterminated string); the file is damaged (cut short?)`.
 */
export function readJsonFile<T>(file: string, what = 'file'): T {
  const bytes = readBytes(file, what);
  const text = bytes.toString('utf8');
  if (text.trim() === '') throw new FileError(file, `is empty (0 bytes of JSON); the ${what} is damaged`);
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    const raw = (e as Error).message;
    const m = /at position (\d+)/.exec(raw);
    const offset = m ? Number(m[1]) : text.length;
    const { line, column } = lineAndColumn(text, offset);
    const reason = raw.replace(/\s*in JSON at position \d+.*$/s, '').replace(/\s*\(line \d+ column \d+\)/, '').replace(/^Unexpected end of JSON input$/, 'it ends in the middle');
    throw new FileError(file, `${file}:${line}:${column}: not valid JSON (${reason}); the ${what} is damaged${offset >= text.trimEnd().length - 1 ? ' (cut short?)' : ''}`);
  }
}

/** A JSON file that must hold an object: anything else (an array, a number, null) is a FileError. */
export function readJsonObject<T>(file: string, what = 'file'): T {
  const value = readJsonFile<unknown>(file, what);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new FileError(file, `holds ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value} instead of a JSON object; the ${what} is damaged`);
  return value as T;
}

const LITTLE_ENDIAN_HOST = endianness() === 'LE';

/** A little-endian float32 file; a size that is not a whole number of floats (or not the expected count) is a FileError. */
export function readFloat32File(file: string, expected: number | null, what = 'file'): Float32Array {
  const bytes = readBytes(file, what);
  if (bytes.length % 4 !== 0) throw new FileError(file, `is ${bytes.length} bytes, not a whole number of 4-byte floats; the ${what} is damaged (cut short?)`);
  if (expected !== null && bytes.length !== expected * 4) throw new FileError(file, `is ${bytes.length} bytes but should hold ${expected} floats (${expected * 4} bytes); the ${what} is damaged`);
  const out = new Float32Array(bytes.length >> 2);
  // One copy on little-endian hosts (all that Node ships for): a loop of readFloatLE over 1M × 128 floats takes seconds.
  if (LITTLE_ENDIAN_HOST) new Uint8Array(out.buffer).set(bytes);
  else for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}

// Writes all bytes; on failure closes, removes the partial file and rethrows the system error.
function writeRaw(file: string, data: string | Uint8Array): void {
  let fd: number | null = null;
  try {
    fd = openSync(file, 'w');
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let at = 0;
    while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
    closeSync(fd);
    fd = null;
  } catch (e) {
    if (fd !== null) {
      try {
        closeSync(fd);
      } catch {
        // already failing
      }
    }
    removeQuietly(file);
    throw e;
  }
}

/** Writes the whole file at once; on failure the partial file is removed and a FileError names it. */
export function writeFileChecked(file: string, data: string | Uint8Array): void {
  try {
    writeRaw(file, data);
  } catch (e) {
    throw new FileError(file, `could not be written: ${describeCause(e)}`);
  }
}

/** Whole-file write that a crash cannot tear: a sibling temp file, then a rename; the temp file never outlives a failure. */
export function writeFileAtomicChecked(file: string, data: string | Uint8Array): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeRaw(temp, data);
    renameSync(temp, file);
  } catch (e) {
    removeQuietly(temp);
    throw new FileError(file, `could not be written: ${describeCause(e)}`);
  }
}

export function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // gone already, or cannot be removed: nothing more to do
  }
}

/** Durably flushes a file (best effort). */
export function syncQuietly(file: string): void {
  try {
    const fd = openSync(file, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // best effort
  }
}

/**
 * Creates a folder and its missing parents one level at a time (never `mkdirSync(..., {recursive})`,
 * which spins forever under /proc). The nearest existing parent must be a writable folder; any
 * failure is a FileError naming the folder that could not be made and why.
 */
export function ensureDir(dir: string, what = 'folder'): void {
  const target = resolve(dir);
  const missing: string[] = [];
  let at = target;
  for (;;) {
    let isDir: boolean | null = null;
    try {
      isDir = statSync(at).isDirectory();
    } catch (e) {
      const code = errorCode(e);
      if (code !== 'ENOENT') throw new FileError(at, `cannot be used for the ${what}${at === target ? '' : ` ${target}`}: ${describeCause(e)}`);
    }
    if (isDir === true) break;
    if (isDir === false) throw new FileError(at, at === target ? `is a file, not a folder; it cannot be the ${what}` : `is a file, not a folder; cannot create the ${what} ${target} there`);
    const parent = dirname(at);
    if (parent === at) throw new FileError(target, `cannot be created: no existing parent folder`);
    missing.push(at);
    at = parent;
  }
  if (missing.length === 0) return;
  const base = at;
  if (/^\/(proc|sys|dev)(\/|$)/.test(base) || base === '/proc' || base === '/sys') {
    throw new FileError(target, `cannot be created: ${base} is a virtual system folder, not a place for files; choose a folder on a disk`);
  }
  try {
    accessSync(base, constants.W_OK);
  } catch (e) {
    throw new FileError(target, `cannot be created: ${base} is not writable: ${describeCause(e)}`);
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      const code = errorCode(e);
      if (code === 'EEXIST') continue;
      const why = code === 'ENOENT' ? `${dirname(d)} does not accept new folders (ENOENT)` : describeCause(e);
      throw new FileError(d, `the ${what} cannot be created: ${why}`);
    }
  }
}

/** Removes the temp files a failed or killed writer left in a folder: `*.tmp` files and `.*.tmp` folders. */
export function removeTempFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const n of names) {
    if (!n.endsWith('.tmp')) continue;
    try {
      rmSync(join(dir, n), { recursive: true, force: true });
      removed.push(join(dir, n));
    } catch {
      // leave it; the next start tries again
    }
  }
  return removed;
}
