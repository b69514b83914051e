// What may load at run time, checked on the dependency graph without type-only imports (they are
// erased when compiled) but with dynamic import()s: tfjs must never load in the language server nor
// in the extension host. The layering rules are in .dependency-cruiser.cjs; test/unit/boundaries.test.ts
// checks both. CLI (Node >= 22): npx depcruise server extension --config .dependency-cruiser-runtime.cjs
const { options } = require('./.dependency-cruiser.cjs');

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-tfjs-in-language-server-or-spec',
      comment: 'The language server (and the spec pipeline it runs) must start fast and small: tfjs never loads there, not even through another module.',
      severity: 'error',
      from: { path: '^server/(language|spec)/' },
      to: { path: '^node_modules/@tensorflow/', reachable: true },
    },
    {
      name: 'no-tfjs-in-extension',
      comment: 'The extension does not know about tensors (DESIGN.md rule 4): training and search run in the trainer process.',
      severity: 'error',
      from: { path: '^extension/' },
      to: { path: '^node_modules/@tensorflow/', reachable: true },
    },
  ],
  options: { ...options, tsPreCompilationDeps: false },
};
