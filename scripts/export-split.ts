// Exports the data split a spec trains on (see server/trainer/exportSplit.ts), for the PyTorch mirror.
// Usage: npx tsx scripts/export-split.ts <spec file> <outDir>
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { checkSpecFile } from '../server/spec/check';
import { writeSplit } from '../server/trainer/exportSplit';

async function main(): Promise<void> {
  const [specFile, outDir] = process.argv.slice(2);
  if (specFile === undefined || outDir === undefined) {
    console.error('usage: npx tsx scripts/export-split.ts <spec file> <outDir>');
    process.exit(1);
  }
  const result = checkSpecFile(specFile);
  const errors = result.problems.filter((p) => p.severity === 'error');
  if (result.spec === null || errors.length > 0) {
    console.error(`${specFile} has errors:`);
    for (const p of errors) console.error(`  ${p.path.join('.') || '(spec)'}: ${p.message}`);
    process.exit(1);
  }
  await writeSplit(result.spec, dirname(resolve(specFile)), outDir);
  // The resolved spec next to the data, for: python3 -m contrastive_lab_torch.mirror --spec <outDir>/spec.json --data <outDir>
  writeFileSync(join(outDir, 'spec.json'), `${JSON.stringify(result.spec, null, 2)}\n`);
  console.log(`wrote the split of ${specFile} and its resolved spec.json to ${outDir}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
