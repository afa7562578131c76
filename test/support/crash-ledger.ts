import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import { stagedSetsBeside } from '@roster-ledger/event-store';
import type { RecordedEvent } from '@roster-ledger/ledger';
import { readModelFolder, readModelVersionFiles, readModelVersionPath, versionOfFile } from '@roster-ledger/read-models';

/**
 * Checks of a ledger file after crashes and races: the log's own invariants, the roster events as
 * a multiset, the outcome of every sync, the projections' state rows and tables. Reads go through
 * a read-only SQLite connection of the test process, never through the CLI under test.
 */

/** A read-only connection to a ledger file (WAL: it reads beside a writer, never blocks it). */
export function openReadOnly(dbPath: string): Database.Database {
  if (!existsSync(dbPath)) throw new Error(`no ledger file at ${dbPath}`);
  return new Database(dbPath, { readonly: true, fileMustExist: true, timeout: 10_000 });
}

/** Runs `fn` on a read-only connection, closed afterwards. */
export function withReadOnly<T>(dbPath: string, fn: (db: Database.Database) => T): T {
  const db = openReadOnly(dbPath);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/**
 * Every way the log breaks its own rules, as readable lines (empty when it is sound): each
 * stream's revisions are 0..n-1 in log order with no gap or repeat, event ids are unique,
 * positions strictly increase.
 */
export function logProblems(log: RecordedEvent[]): string[] {
  const problems: string[] = [];
  const nextRevision = new Map<string, number>();
  const ids = new Set<string>();
  let lastPosition = 0;
  for (const e of log) {
    if (!(e.position > lastPosition)) problems.push(`position ${e.position} after ${lastPosition}`);
    lastPosition = e.position;
    if (ids.has(e.id)) problems.push(`event id ${e.id} twice (at position ${e.position})`);
    ids.add(e.id);
    const expected = nextRevision.get(e.streamId) ?? 0;
    if (e.revision !== expected) problems.push(`${e.streamId}: revision ${e.revision} where ${expected} was due (position ${e.position})`);
    nextRevision.set(e.streamId, e.revision + 1);
  }
  return problems.slice(0, 20);
}

/** JSON with object keys sorted at every level, so that equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** The roster events (every stream but the sync streams). */
export const rosterOnly = (log: RecordedEvent[]): RecordedEvent[] => log.filter((e) => !e.streamId.startsWith('sync-'));

/** An event as the ledger's content, without what legitimately differs between two ledgers (ids, positions, sync ids, clocks). */
export const contentKey = (e: RecordedEvent): string => canonicalJson([e.streamId, e.revision, e.type, e.data]);

/**
 * The roster events of two logs compared as multisets of (streamId, revision, type, data): what
 * one holds more often than the other, both ways (at most `limit` of each).
 */
export function rosterDifference(a: RecordedEvent[], b: RecordedEvent[], limit = 10): { onlyInFirst: string[]; onlyInSecond: string[]; sizes: [number, number] } {
  const count = new Map<string, number>();
  const ra = rosterOnly(a);
  const rb = rosterOnly(b);
  for (const e of ra) count.set(contentKey(e), (count.get(contentKey(e)) ?? 0) + 1);
  for (const e of rb) count.set(contentKey(e), (count.get(contentKey(e)) ?? 0) - 1);
  const onlyInFirst: string[] = [];
  const onlyInSecond: string[] = [];
  for (const [key, n] of count) {
    if (n > 0 && onlyInFirst.length < limit) onlyInFirst.push(`${n}x ${key.slice(0, 300)}`);
    if (n < 0 && onlyInSecond.length < limit) onlyInSecond.push(`${-n}x ${key.slice(0, 300)}`);
  }
  return { onlyInFirst, onlyInSecond, sizes: [ra.length, rb.length] };
}

export interface SyncOutcome {
  syncId: string;
  types: string[];
  /** The code of its SyncFailed, if any. */
  failureCode: string | null;
  /** `appended` of its SyncCompleted, if any. */
  appended: number | null;
  /** Roster events in the log carrying this sync's id. */
  rosterEvents: number;
}

const TERMINAL = new Set(['SyncCompleted', 'SyncFailed', 'SyncDiscarded']);

/** What each sync of the log did, from its stream and the roster events carrying its id. */
export function syncOutcomes(log: RecordedEvent[]): SyncOutcome[] {
  const bySync = new Map<string, SyncOutcome>();
  const of = (syncId: string): SyncOutcome => {
    let outcome = bySync.get(syncId);
    if (!outcome) bySync.set(syncId, (outcome = { syncId, types: [], failureCode: null, appended: null, rosterEvents: 0 }));
    return outcome;
  };
  for (const e of log) {
    if (e.streamId.startsWith('sync-')) {
      const outcome = of(e.streamId.slice('sync-'.length));
      outcome.types.push(e.type);
      if (e.type === 'SyncFailed') outcome.failureCode = String(e.data['code']);
      if (e.type === 'SyncCompleted') outcome.appended = Number(e.data['appended']);
    } else {
      of(String(e.metadata['syncId'])).rosterEvents++;
    }
  }
  return [...bySync.values()];
}

/**
 * Every way a sync's record is wrong after the dust settled, as readable lines: a sync that does
 * not start with SyncStarted, has no or several ends, is still "running" (it ends in neither
 * SyncCompleted, SyncFailed nor SyncHeld), failed for a reason not in `allowedFailures`, or whose
 * roster events do not match what its stream says (a failed or held sync with roster events, a
 * completed one with more or fewer than it announced).
 */
export function syncProblems(log: RecordedEvent[], allowedFailures: readonly string[]): string[] {
  const problems: string[] = [];
  for (const s of syncOutcomes(log)) {
    const line = `sync ${s.syncId} [${s.types.join(', ')}]`;
    if (s.types[0] !== 'SyncStarted') problems.push(`${line}: does not start with SyncStarted`);
    const ends = s.types.filter((t) => TERMINAL.has(t)).length;
    const last = s.types[s.types.length - 1];
    if (ends > 1) problems.push(`${line}: ends ${ends} times`);
    if (last !== 'SyncCompleted' && last !== 'SyncFailed' && last !== 'SyncHeld' && last !== 'SyncDiscarded') {
      problems.push(`${line}: left "running" (its process died and no later run recorded it as interrupted)`);
    }
    if (s.failureCode !== null && !allowedFailures.includes(s.failureCode)) problems.push(`${line}: failed with ${s.failureCode}`);
    if (s.appended !== null && s.appended !== s.rosterEvents) problems.push(`${line}: announced ${s.appended} roster events, the log holds ${s.rosterEvents}`);
    if (s.appended === null && s.rosterEvents > 0) problems.push(`${line}: did not complete, yet ${s.rosterEvents} roster events carry its id`);
  }
  return problems;
}

export interface ProjectionStateRow {
  name: string;
  live_version: number;
  position: number;
  status: string;
  building_version: number | null;
  building_position: number | null;
}

/** The state file of each projection of a ledger (which version is live, which is being built), those that exist yet. */
function stateFiles(dbPath: string): string[] {
  const folder = readModelFolder(dbPath);
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((f) => f.endsWith('.db') && versionOfFile(f) === null)
    .sort()
    .map((f) => join(folder, f));
}

interface RegistryRow {
  name: string;
  live_version: number;
  status: string;
  building_version: number | null;
  building_position: number | null;
}

/** Each projection's registry row, read beside any writer from the state files that have it yet. */
function registryRows(dbPath: string): RegistryRow[] {
  return stateFiles(dbPath).flatMap((file) =>
    withReadOnly(file, (db) => {
      const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'projection_state'").get();
      return exists
        ? (db.prepare('SELECT name, live_version, status, building_version, building_position FROM projection_state ORDER BY name').all() as RegistryRow[])
        : [];
    }),
  );
}

/** The checkpoint one version's file holds (0 when it has none yet, or no file). */
function versionCheckpoint(dbPath: string, name: string, version: number): number {
  const file = readModelVersionPath(dbPath, name, version);
  if (!existsSync(file)) return 0;
  return withReadOnly(file, (db) => {
    const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'version_checkpoints'").get();
    if (!exists) return 0;
    return (db.prepare('SELECT position FROM version_checkpoints WHERE name = ? AND version = ?').pluck().get(name, version) as number | undefined) ?? 0;
  });
}

/**
 * The projections' state rows, read beside any writer: each live version's checkpoint from its
 * file, and a rebuild's progress as it noted it in the state file after its last commit (the
 * file being built is in rollback-journal mode: a killed build leaves a journal a read-only
 * connection cannot roll back).
 */
export function projectionState(dbPath: string): ProjectionStateRow[] {
  return registryRows(dbPath)
    .map((row) => ({ ...row, position: versionCheckpoint(dbPath, row.name, row.live_version) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** A compact line of the projection state, for the spec's log. */
export function describeProjectionState(rows: ProjectionStateRow[]): string {
  return rows
    .map((r) => `${r.name} v${r.live_version}@${r.position}${r.building_version === null ? '' : ` (building v${r.building_version}@${r.building_position})`}${r.status === 'running' ? '' : ` ${r.status}`}`)
    .join(', ');
}

/**
 * What a crash may leave behind and must not stay: read-model files of versions that are
 * neither the live one of their projection nor the one it is rebuilding, and read-model tables
 * (`rm_*`) in the ledger file or in a projection's state file, where no release keeps them any more.
 */
export function strayReadModels(dbPath: string): string[] {
  const readModelTables = (db: Database.Database) =>
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'rm\\_%' ESCAPE '\\'").pluck().all() as string[];
  const rows = registryRows(dbPath);
  const strayFiles = readModelVersionFiles(dbPath).filter((file) => {
    const { projection, version } = versionOfFile(basename(file))!;
    const owner = rows.find((r) => r.name === projection);
    return owner === undefined || (version !== owner.live_version && version !== owner.building_version);
  });
  return [...withReadOnly(dbPath, readModelTables), ...stateFiles(dbPath).flatMap((file) => withReadOnly(file, readModelTables)), ...strayFiles];
}

/**
 * Syncs with a staged or held change set in the pending change store, `[syncId, stream appends]`:
 * each in a file of its own beside the ledger, or (staged by an earlier release) in the ledger.
 */
export function pendingChangeSets(dbPath: string): [string, number][] {
  const inLedger = withReadOnly(dbPath, (db) =>
    (db.prepare('SELECT sync_id, COUNT(*) AS n FROM pending_changes GROUP BY sync_id').all() as { sync_id: string; n: number }[]).map((r): [string, number] => [r.sync_id, r.n]),
  );
  const inFiles = stagedSetsBeside(dbPath).map(({ syncId, path }): [string, number] => [syncId, withReadOnly(path, (db) => db.prepare('SELECT COUNT(*) FROM staged').pluck().get() as number)]);
  return [...inLedger, ...inFiles].sort(([a], [b]) => a.localeCompare(b));
}

/**
 * Runs `fn` on a read-only connection if the ledger file exists and is readable yet; undefined
 * otherwise (no file, a file still being created, a table not created yet).
 */
export function tryReadOnly<T>(dbPath: string, fn: (db: Database.Database) => T): T | undefined {
  if (!existsSync(dbPath)) return undefined;
  try {
    return withReadOnly(dbPath, fn);
  } catch {
    return undefined;
  }
}

/** One line about a ledger file, for the spec's log: events, roster events, syncs by how they end. */
export function ledgerSummary(dbPath: string): string {
  const line = tryReadOnly(dbPath, (db) => {
    const events = db.prepare('SELECT COUNT(*) FROM events').pluck().get() as number;
    const roster = db.prepare("SELECT COUNT(*) FROM events WHERE stream_id NOT LIKE 'sync-%'").pluck().get() as number;
    const ends = db
      .prepare(
        `SELECT e.type AS type, COUNT(*) AS n FROM events e JOIN streams s ON s.stream_id = e.stream_id AND s.revision = e.revision
         WHERE e.stream_id LIKE 'sync-%' GROUP BY e.type ORDER BY e.type`,
      )
      .all() as { type: string; n: number }[];
    const syncs = ends.map(({ type, n }) => `${n} ${type === 'SyncStarted' ? 'running' : type}`).join(', ');
    return `${events} events (${roster} roster), syncs: ${syncs || 'none'}`;
  });
  return line ?? 'no ledger yet';
}

/** The sync holding a district's lock in the ledger file, if any (the lock row a killed process leaves behind). */
export function lockHolder(dbPath: string): string | undefined {
  return tryReadOnly(dbPath, (db) => db.prepare('SELECT sync_id FROM sync_locks').pluck().get() as string | undefined);
}

/** The ids of the syncs whose SyncStarted is in the log. */
export function startedSyncs(dbPath: string): string[] {
  return (
    tryReadOnly(dbPath, (db) => (db.prepare("SELECT stream_id FROM events WHERE type = 'SyncStarted' ORDER BY position").pluck().all() as string[]).map((s) => s.slice('sync-'.length))) ?? []
  );
}
