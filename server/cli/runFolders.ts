// Where the run commands look for runs: the folders named on the command line (each must exist),
// else ./runs and the run folders of the specs here; and a run named by its folder or its id.
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { runPaths } from '../runs/paths';
import { unreachableCause } from '../shared/files';
import { defaultRunFolders, isFolder } from './commands/list';

/** The named folders (each must exist), else the default ones that exist. */
export function runFolders(named: readonly string[]): { folders: string[]; looked: string[] } {
  if (named.length === 0) {
    const looked = defaultRunFolders(process.cwd());
    return { folders: looked.filter(isFolder), looked };
  }
  const folders = named.map((n) => resolve(n));
  for (const folder of folders) {
    if (!existsSync(folder)) {
      const cause = unreachableCause(folder);
      throw new Error(cause !== null ? `${folder}: cannot be opened: ${cause}.` : `${folder}: no such folder; name the folder that holds your run directories (\`train\` writes them to run.outputDir next to the spec, default runs/).`);
    }
    if (!isFolder(folder)) throw new Error(`${folder}: is a file, not a folder of runs.`);
  }
  return { folders, looked: folders };
}

/** Each name as a run folder: a path to one, or a run id / folder name in the default runs folders; an unknown name is an error saying where it looked. */
export function resolveRunDirs(names: readonly string[]): string[] {
  let searched: string[] | undefined;
  return names.map((name) => {
    const direct = resolve(name);
    if (existsSync(runPaths(direct).runJson)) return direct;
    searched ??= runFolders([]).folders;
    for (const folder of searched) {
      const dir = resolve(folder, name);
      if (existsSync(runPaths(dir).runJson)) return dir;
    }
    const where = searched.length > 0 ? searched.map((f) => relative(process.cwd(), f) || '.').join(', ') : './runs (absent)';
    throw new Error(`no run "${name}": it is not a run folder, nor a run in ${where}; \`contrastive-lab runs\` lists the runs.`);
  });
}
