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

function filesIn(dir: string): { images: string[]; others: string[] } {
  const files = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort();
  const isImage = (name: string): boolean => IMAGE_EXTENSIONS.includes(extname(name).toLowerCase());
  return { images: files.filter(isImage), others: files.filter((name) => !isImage(name)) };
}

/**
 * The images of a folder in a stable order (classes sorted, files sorted); empty when it has none.
 * `skipped`: the other files where samples are read (the folder, and its class folders), relative
 * to the folder, so the trainer can say it left them out (.DS_Store, notes.txt).
 */
export function listImageEntries(folder: string): { entries: ImageEntry[]; labelled: boolean; skipped: string[] } {
  const subfolders = readdirSync(folder, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  const entries: ImageEntry[] = [];
  const skipped: string[] = [];
  for (const name of subfolders) {
    const { images, others } = filesIn(join(folder, name));
    if (images.length === 0) continue;
    for (const file of images) entries.push({ path: join(folder, name, file), className: name });
    skipped.push(...others.map((file) => `${name}/${file}`));
  }
  const top = filesIn(folder);
  if (entries.length > 0) return { entries, labelled: true, skipped: [...top.others, ...skipped] };
  return { entries: top.images.map((file) => ({ path: join(folder, file), className: null })), labelled: false, skipped: top.others };
}
