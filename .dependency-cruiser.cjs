// The boundaries between the parts (DESIGN.md "Rules that keep it simple"), checked by
// test/unit/boundaries.test.ts in `npm test`. Here type-only imports count: a type from the spec in
// the core library ties the two together as much as a function does. What may load at run time
// (tfjs) is checked on the graph without them: .dependency-cruiser-runtime.cjs.
// CLI: npx depcruise server extension webview --config .dependency-cruiser.cjs
// The layers, lowest first: server/shared → server/contrastive (the core library) → server/spec →
// server/language | server/runs + server/search + server/trainer + server/cli; extension/ uses server/runs and the
// webview protocol; webview/ stands alone (it runs in a browser frame).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'A cycle makes two modules one: neither can be read, tested or loaded without the other.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-a-library',
      comment: 'server/contrastive takes plain options: it knows no spec, run directory, trainer, CLI, language server, extension or webview.',
      severity: 'error',
      from: { path: '^server/contrastive/' },
      to: { path: ['^server/(spec|runs|search|trainer|cli|language)/', '^extension/', '^webview/'] },
    },
    {
      name: 'spec-below-its-users',
      comment: 'The spec pipeline is used by the language server, the CLI and the trainer; it uses none of them, nor run directories.',
      severity: 'error',
      from: { path: '^server/spec/' },
      to: { path: ['^server/(runs|search|trainer|cli|language)/', '^extension/', '^webview/'] },
    },
    {
      name: 'shared-is-the-bottom',
      comment: 'server/shared holds Node utilities every server part may use: it imports no other part.',
      severity: 'error',
      from: { path: '^server/shared/' },
      to: { path: ['^server/(contrastive|spec|runs|search|trainer|cli|language)/', '^extension/', '^webview/'] },
    },
    {
      name: 'webview-stands-alone',
      comment: 'Webviews run in a browser frame and talk to the extension by messages only (webview/protocol.ts is theirs).',
      severity: 'error',
      from: { path: '^webview/' },
      to: { path: ['^server/', '^extension/'] },
    },
    {
      name: 'server-knows-no-vscode',
      comment: 'server/ is a plain Node.js library with entry points; the extension spawns it (DESIGN.md rule 4).',
      severity: 'error',
      from: { path: '^server/' },
      to: { path: ['^extension/', '^vscode$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
  },
};
