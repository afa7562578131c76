'use strict';
// Runs the TypeScript sources directly, so a fresh clone needs no build step: every `.ts` module
// is compiled on load by swc with the options of `.swcrc` (the ones jest compiles the specs with),
// and the `@roster-ledger/*` paths of tsconfig.json resolve to the libraries' sources. Compiled
// modules are kept in `node_modules/.cache`, keyed by their source, so a process compiles only what
// changed since the last one. Stack traces point into the TypeScript (inline source maps).
//
// Loaded by `bin/roster-ledger`, by each worker thread the code starts (source-worker.ts), and
// with `node -r ./bin/register.js <file.ts>` by the scripts. Not @swc-node/register: it loads the
// whole TypeScript compiler to read tsconfig.json, 0.4 s at the start of every process and every
// worker thread (a third of a CLI command's time).
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { addHook } = require('pirates');

const ROOT = path.join(__dirname, '..');

if (!globalThis.__rosterLedgerSourcesRegistered) {
  globalThis.__rosterLedgerSourcesRegistered = true;
  const options = { ...JSON.parse(fs.readFileSync(path.join(ROOT, '.swcrc'), 'utf8')), swcrc: false, sourceMaps: 'inline', inlineSourcesContent: false };
  resolveLibraryPaths(JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')).compilerOptions);
  const cache = cacheFolder();
  // (swc itself is loaded only to compile what the cache does not hold)
  const salt = `${require('@swc/core/package.json').version}\0${JSON.stringify(options)}\0`;
  process.setSourceMapsEnabled(true);
  addHook((source, filename) => compiled(source, filename, options, cache, salt), { exts: ['.ts'], ignoreNodeModules: true });
}

/** `@roster-ledger/domain` and its siblings: the index of each library's sources, as tsconfig.json maps them. */
function resolveLibraryPaths({ baseUrl = '.', paths = {} }) {
  const targets = new Map(Object.entries(paths).map(([name, [target]]) => [name, path.join(ROOT, baseUrl, target)]));
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    return resolveFilename.call(this, targets.get(request) ?? request, ...rest);
  };
}

function compiled(source, filename, options, cache, salt) {
  const key = createHash('sha256').update(salt).update(filename).update('\0').update(source).digest('hex');
  const cached = cache && path.join(cache, `${key}.js`);
  if (cached) {
    try {
      return fs.readFileSync(cached, 'utf8');
    } catch {
      // not compiled yet
    }
  }
  const { code } = require('@swc/core').transformSync(source, { ...options, filename });
  if (cached) {
    try {
      // written whole under another name, then renamed: a process reading it never sees half
      const partial = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
      fs.writeFileSync(partial, code);
      fs.renameSync(partial, cached);
    } catch {
      // a cache that cannot be written is only slower
    }
  }
  return code;
}

/** Where compiled modules are kept (beside the installed packages), or null when it cannot be written: compiled each time. */
function cacheFolder() {
  const folder = path.join(ROOT, 'node_modules', '.cache', 'roster-ledger-compiled');
  try {
    fs.mkdirSync(folder, { recursive: true });
    fs.accessSync(folder, fs.constants.W_OK);
    return folder;
  } catch {
    return null;
  }
}
