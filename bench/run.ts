// `npm run bench`: every benchmark of the project in one run, on the backend the trainer would pick.
// Each section prints a human-readable table and machine-readable lines `bench <name> <value> <unit>`.
// Sections can be chosen: `npm run bench -- simclr losses` (default: all).
import { cpus } from 'node:os';
import { initBackend, type BackendRequest } from '../server/contrastive/backend';
import { runDdpBench } from './ddp';
import { runEngineBench } from './engines';
import { printExtensionBench, runExtensionBench } from './extension';
import { printLanguageBench, runLanguageBench } from './language';
import { runLossBench } from './losses';
import { runMapBench } from './map';
import { runRecipeBench } from './recipes';
import { runSearchBench } from './search';
import { runSimclrBench } from './simclr';

const sections: Record<string, () => Promise<void>> = {
  simclr: async () => void (await runSimclrBench()),
  losses: async () => void (await runLossBench()),
  search: async () => void (await runSearchBench()),
  map: async () => runMapBench(),
  language: async () => printLanguageBench(await runLanguageBench()),
  extension: async () => printExtensionBench(await runExtensionBench()),
  recipes: async () => runRecipeBench(),
  engines: async () => runEngineBench(),
  ddp: async () => runDdpBench(),
};

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const backendFlag = args.indexOf('--backend');
  const request = (backendFlag >= 0 ? args[backendFlag + 1] : 'auto') as BackendRequest;
  const chosen = args.filter((a, i) => !a.startsWith('--') && !(backendFlag >= 0 && i === backendFlag + 1));
  const unknown = chosen.filter((name) => !(name in sections));
  if (unknown.length > 0) {
    console.error(`unknown benchmark section(s): ${unknown.join(', ')}; choose from ${Object.keys(sections).join(', ')}`);
    return 2;
  }
  const backend = await initBackend(request);
  console.log(`backend: ${backend.name} (${backend.reason}); ${cpus().length} cores, Node ${process.version}`);
  for (const name of chosen.length > 0 ? chosen : Object.keys(sections)) {
    console.log(`\n## ${name}`);
    const t0 = performance.now();
    await sections[name]!();
    console.log(`(${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
