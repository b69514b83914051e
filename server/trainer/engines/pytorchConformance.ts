// `conformance --engine pytorch`: the reference fixtures through the PyTorch engine's own Python
// package (`python3 -m contrastive_lab_torch.conformance`, float64), on the interpreter the engine
// trains with; its lines (`FAIL …`, then `N passed, M failed`) are passed on as they come.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { choosePython, enginePackageRoot, engineEnv, probeTorch } from './python';

/** Checks every fixture in `dir` on PyTorch; resolves to the exit code (0 all pass, 1 any fails, 2 bad usage). */
export async function checkFolderOnPyTorch(dir: string, verbose: boolean, out: (line: string) => void, python = choosePython(null)): Promise<number> {
  await probeTorch(python); // a missing or too old torch: a PythonEngineError saying what to install
  const child = spawn(python, ['-m', 'contrastive_lab_torch.conformance', dir, ...(verbose ? ['--verbose'] : [])], {
    env: engineEnv(enginePackageRoot()),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  lines.on('line', out);
  return new Promise((resolve, reject) => {
    child.on('error', (error) => reject(new Error(`conformance --engine pytorch: ${python} could not be started (${error.message}).`)));
    child.on('close', (code, signal) => {
      lines.close();
      resolve(code ?? (signal !== null ? 1 : 0));
    });
  });
}
