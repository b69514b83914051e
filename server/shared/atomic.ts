// Whole-file writes that a crash cannot tear: write a sibling temp file, then rename over. A failed
// write (disk full, read-only) removes the temp file and throws a FileError naming the file.
import { writeFileAtomicChecked } from './files';

export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  writeFileAtomicChecked(file, data);
}

export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}
