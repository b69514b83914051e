// Builds every bundle with esbuild: the extension host code, the language server, the CLI/trainer,
// and one bundle per webview. `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeExternal } from './bundle-externals.mjs';
import { ensurePackedDigits } from './pack-digits.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const dist = join(root, 'dist');


const nodeBundles = [
  { entry: 'extension/extension.ts', out: 'extension.js' },
  { entry: 'server/language/main.ts', out: 'language-server.js' },
  { entry: 'server/cli/main.ts', out: 'cli.js' },
  // The trainer's helper thread that makes the next batch while a step trains (server/trainer/batchPrefetch.ts).
  { entry: 'server/trainer/batchWorker.ts', out: 'batch-worker.js' },
];
const webBundles = [
  { entry: 'webview/dashboard/main.ts', out: 'webview/dashboard.js' },
  { entry: 'webview/gallery/main.ts', out: 'webview/gallery.js' },
  { entry: 'webview/map/main.ts', out: 'webview/map.js' },
  { entry: 'webview/experiments/main.ts', out: 'webview/experiments.js' },
];

const missing = [...nodeBundles, ...webBundles].filter((b) => !existsSync(join(root, b.entry)));
if (missing.length > 0) {
  console.warn(`build: skipping bundles whose entry does not exist yet: ${missing.map((b) => b.entry).join(', ')}`);
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
// The built-in digits as one binary file (scripts/pack-digits.mjs): the trainer loads it in milliseconds.
ensurePackedDigits(root, dist);

const common = { bundle: true, sourcemap: true, logLevel: 'warning', minify: false, metafile: true };
const options = [
  ...nodeBundles.filter((b) => !missing.includes(b)).map((b) => ({
    ...common,
    entryPoints: [join(root, b.entry)],
    outfile: join(dist, b.out),
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // jsonc-parser's `main` is a UMD build whose dynamic requires esbuild cannot follow; its ESM entry bundles cleanly.
    mainFields: ['module', 'main'],
    external: nodeExternal,
  })),
  ...webBundles.filter((b) => !missing.includes(b)).map((b) => ({
    ...common,
    entryPoints: [join(root, b.entry)],
    outfile: join(dist, b.out),
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    // The panels bundle their controls (Lit elements) and uPlot: minified, a page loads about as much
    // as the app code plus the old toolkit did (the source maps keep them debuggable).
    minify: true,
  })),
];

if (watch) {
  for (const o of options) (await esbuild.context(o)).watch();
  console.log('build: watching for changes');
} else {
  const t0 = Date.now();
  const results = await Promise.all(options.map((o) => esbuild.build(o)));
  // The spec validator is precompiled (server/spec/generated): a bundle that pulls in ajv's compiler
  // would generate code with `new Function` at run time, which the webview CSP forbids and which
  // costs about a second per process.
  const compilers = results.flatMap((r, i) => (Object.keys(r.metafile.inputs).some((input) => input.includes('node_modules/ajv/dist/compile/')) ? [options[i].outfile] : []));
  if (compilers.length > 0) {
    console.error(`build: ${compilers.map((f) => relative(root, f)).join(', ')} bundle ajv's schema compiler. Validate specs with server/spec (its validator is precompiled by schemas/generate.ts) instead of importing 'ajv'.`);
    process.exit(1);
  }
  console.log(`build: ${options.length} bundles in ${Date.now() - t0} ms -> dist/`);
}
