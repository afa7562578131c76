'use strict';
// Runs the TypeScript sources directly, so a fresh clone needs no build step: every `.ts` module
// is compiled on load by swc with the options of `.swcrc` (the ones jest compiles the specs with),
// and the `@roster-ledger/*` paths of tsconfig.json resolve to the libraries' sources. Compiled
// modules are kept in `node_modules/.cache` (see cacheFolder), keyed by their source, so a process
// compiles only what changed since the last one, and each source keeps only its latest compile.
// Stack traces point into the TypeScript (inline source maps).
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
  // named by the source's path, then its content: a source compiled anew replaces its older compile
  const fileKey = createHash('sha256').update(filename).digest('hex').slice(0, 16);
  const contentKey = createHash('sha256').update(salt).update(source).digest('hex');
  const cached = cache && path.join(cache, `${fileKey}-${contentKey}.js`);
  if (cached) {
    try {
      return fs.readFileSync(cached, 'utf8');
    } catch {
      // not compiled yet
    }
  }
  const { code } = require('@swc/core').transformSync(source, { ...options, filename });
  if (cached) {
    // written whole under another name, then renamed: a process reading it never sees half
    const partial = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    try {
      fs.writeFileSync(partial, code);
      fs.renameSync(partial, cached);
      for (const name of olderCompiles(cache, fileKey, path.basename(cached))) fs.rmSync(path.join(cache, name), { force: true });
    } catch {
      // a cache that cannot be written is only slower; half a file (a full disk) is not left behind
      fs.rmSync(partial, { force: true });
    }
  }
  return code;
}

/** The cache's files by the key of their source's path, listed at the first compile of a process. */
let compilesByPath = null;

/** How old a compile's partial file must be to be taken for one its process left (a write takes milliseconds). */
const PARTIAL_LEFT_AFTER_MS = 10 * 60_000;

/**
 * The compiles that `latest`, just written, replaces: the others of its path, which the list then
 * forgets. Handed over once, with the first: compiles named as before path keys (a bare hash),
 * and partial files a process killed while writing left behind.
 */
function olderCompiles(cache, fileKey, latest) {
  const unnamed = [];
  if (compilesByPath === null) {
    compilesByPath = new Map();
    for (const name of fs.readdirSync(cache)) {
      const match = /^([0-9a-f]{16})-[0-9a-f]{64}\.js$/.exec(name);
      if (match) compilesByPath.set(match[1], [...(compilesByPath.get(match[1]) ?? []), name]);
      else if (/^[0-9a-f]{64}\.js$/.test(name) || (/^[0-9a-f]{16}-[0-9a-f]{64}\.js\.\d+\.[0-9a-z]*$/.test(name) && leftBehind(path.join(cache, name)))) unnamed.push(name);
    }
  }
  const older = (compilesByPath.get(fileKey) ?? []).filter((name) => name !== latest);
  compilesByPath.set(fileKey, [latest]);
  return [...older, ...unnamed];
}

/** Whether a partial file is old enough to be one its process left behind (it may be gone already). */
function leftBehind(file) {
  try {
    return Date.now() - fs.statSync(file).mtimeMs > PARTIAL_LEFT_AFTER_MS;
  } catch {
    return false;
  }
}

/**
 * Where compiled modules are kept: `$LEDGER_COMPILE_CACHE` when set, else beside the installed
 * packages, else (an install the user cannot write to) in the user's own cache folder; null when
 * none can be written, and every module is compiled at each start. Never a folder others share,
 * such as /tmp: whoever can write there could plant code this process would run.
 */
function cacheFolder() {
  const inUsersCache = () => path.join(process.env.XDG_CACHE_HOME || path.join(require('node:os').homedir(), '.cache'), 'roster-ledger', 'compiled');
  const candidates = process.env.LEDGER_COMPILE_CACHE
    ? [() => process.env.LEDGER_COMPILE_CACHE]
    : [() => path.join(ROOT, 'node_modules', '.cache', 'roster-ledger-compiled'), inUsersCache];
  for (const candidate of candidates) {
    try {
      // (each worked out only when the one before fails: a user without a home folder still runs)
      const folder = candidate();
      fs.mkdirSync(folder, { recursive: true });
      fs.accessSync(folder, fs.constants.W_OK);
      return folder;
    } catch {
      // the next place, if any
    }
  }
  return null;
}
