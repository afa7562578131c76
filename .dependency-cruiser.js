/**
 * The layering rules of the monorepo, checked inside `npm test`:
 * domain <- ledger <- adapters (event-store, clever, read-models) <- apps; config is read by apps only;
 * process-locks (the OS's file locks, on SQLite) serves the SQLite adapters and imports nothing of ours (its specs may use libs/testing);
 * every client package stays inside its adapter; libs meet only through their index.ts.
 */
const lib = (name) => `^libs/${name}/`;
const notSpec = '\\.(spec|int-spec|e2e-spec)\\.ts$';

module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'domain-is-pure',
      comment: 'The domain imports nothing of ours, no framework and no package: node built-ins only.',
      severity: 'error',
      from: { path: lib('domain') },
      to: { pathNot: [lib('domain'), '^node:'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'ledger-imports-domain-only',
      severity: 'error',
      from: { path: lib('ledger') },
      to: { path: '^(libs|apps)/', pathNot: [lib('ledger'), lib('domain')] },
    },
    {
      name: 'adapters-import-ports-and-domain-only',
      severity: 'error',
      from: { path: '^libs/(event-store|clever|read-models)/', pathNot: notSpec },
      to: { path: '^(libs|apps)/', pathNot: ['^libs/(event-store|clever|read-models)/', lib('ledger'), lib('domain'), lib('process-locks')] },
    },
    {
      name: 'process-locks-imports-nothing-of-ours',
      severity: 'error',
      from: { path: lib('process-locks'), pathNot: notSpec },
      to: { path: '^(libs|apps)/', pathNot: lib('process-locks') },
    },
    {
      name: 'adapters-do-not-import-each-other',
      severity: 'error',
      from: { path: '^libs/(event-store|clever|read-models)/' },
      to: { path: '^libs/(event-store|clever|read-models)/', pathNot: '^libs/$1/' },
    },
    {
      name: 'config-imports-domain-only',
      severity: 'error',
      from: { path: lib('config') },
      to: { path: '^(libs|apps)/', pathNot: [lib('config'), lib('domain')] },
    },
    {
      name: 'libs-never-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'testing-lib-only-in-specs-and-demo',
      comment: 'Spec helpers and fixtures never reach production code (the demo is the one exception).',
      severity: 'error',
      from: { path: '^(apps|libs)/', pathNot: [notSpec, '^libs/testing/', '^apps/cli/src/demo\\.ts$'] },
      to: { path: lib('testing') },
    },
    {
      name: 'libs-meet-through-their-index',
      comment: 'Another lib is imported through its public index.ts (the @roster-ledger/* alias), never its internals.',
      severity: 'error',
      from: { path: '^(libs|apps|test|scripts)/([^/]*)' },
      to: { path: '^libs/([^/]+)/src/.+', pathNot: ['^libs/([^/]+)/src/index\\.ts$', '^libs/$2/'] },
    },
    {
      name: 'sqlite-client-only-in-its-adapter',
      severity: 'error',
      from: { pathNot: ['^libs/(event-store|read-models)/src/sqlite/', '^libs/process-locks/src/', '^test/', '^scripts/'] },
      to: { path: 'node_modules/better-sqlite3/' },
    },
    {
      name: 'esdb-client-only-in-its-adapter',
      severity: 'error',
      from: { pathNot: '^libs/event-store/src/esdb/' },
      to: { path: 'node_modules/@eventstore/' },
    },
    {
      name: 'mongodb-client-only-in-its-adapters',
      severity: 'error',
      from: { pathNot: '/mongo/' },
      to: { path: 'node_modules/mongodb/' },
    },
    {
      name: 'clever-parsers-only-in-clever',
      severity: 'error',
      from: { pathNot: lib('clever') },
      to: { path: 'node_modules/csv-parse/' },
    },
    {
      name: 'json-tokenizer-in-clever-and-config-keys',
      comment: "the snapshot parsers read Clever's files; the configuration uses the tokenizer for keys given twice, which JSON.parse hides",
      severity: 'error',
      from: { pathNot: [lib('clever'), '^libs/config/src/repeated-json-key\\.ts$'] },
      to: { path: 'node_modules/@streamparser/json/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: '(^dist/|/fixtures/)' },
  },
};
