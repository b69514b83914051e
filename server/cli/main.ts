// Entry point of the `contrastive-lab` CLI (bundled to dist/cli.js, started by bin/contrastive-lab.js).
import { main } from './dispatch';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`contrastive-lab: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
