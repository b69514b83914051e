// Which files of an image folder are samples, and their classes: sub-folders holding images are
// classes (folder/cat/*.png, folder/dog/*.png); otherwise the images directly in the folder make an
// unlabelled set. Pure Node (no sharp): the spec pipeline's dataset probe counts images with it, so
// `validate` and `train` see the same samples.
import { readdirSync } from 'node:fs';
import { extname, join } from 'node:path';

export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff', '.avif', '.bmp'];

export interface ImageEntry {
  readonly path: string;
  /** Class folder name, or null in a flat folder. */
  readonly className: string | null;
}

function imagesIn(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && IMAGE_EXTENSIONS.includes(extname(e.name).toLowerCase()))
    .map((e) => e.name)
    .sort();
}

/** The images of a folder in a stable order (classes sorted, files sorted); empty when it has none. */
export function listImageEntries(folder: string): { entries: ImageEntry[]; labelled: boolean } {
  const subfolders = readdirSync(folder, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  const entries: ImageEntry[] = [];
  for (const name of subfolders) for (const file of imagesIn(join(folder, name))) entries.push({ path: join(folder, name, file), className: name });
  if (entries.length > 0) return { entries, labelled: true };
  return { entries: imagesIn(folder).map((file) => ({ path: join(folder, file), className: null })), labelled: false };
}
