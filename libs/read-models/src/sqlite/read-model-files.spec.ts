import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { thisProcess, VerifyUnderWay, type ProjectionProgress, type RecordedEvent } from '@roster-ledger/ledger';
import { LockFiles } from '@roster-ledger/process-locks';
import { anotherProcessHolding as holdingElsewhere } from '@roster-ledger/testing';
import { openReadModelDatabase, type Db } from './read-model-database';
import { MOST_ATTACHED_FILES, ReadModelFiles, readModelFolder, readModelPath, readModelVersionPath } from './read-model-files';
import { SqliteReadModels } from './readers/sqlite-read-models';
import { ProjectionFailed, SqliteProjectionControl, type BulkOptions, type SecondThread } from './sqlite-projection-control';
import { tableNamer, type SqliteProjection } from './sqlite-projection';
import { SQLITE_PROJECTIONS } from './projections/catalog';
import { dumpTables } from '../spec-support/read-model-harness';
import { LogEventStore } from '../spec-support/log-event-store';
import { rosterStory } from '../spec-support/roster-story';
import { scratchReadModelFiles } from '../spec-support/scratch-read-model-files';

const NAMES = SQLITE_PROJECTIONS.map((p) => p.name);

/** Every read model's rows, each read from wherever its tables are. */
const dumpAll = (files: ReadModelFiles, control: SqliteProjectionControl) =>
  Object.assign(
    {},
    ...SQLITE_PROJECTIONS.map((p) => {
      const version = control.liveVersion(p.name);
      return dumpTables(files.tablesOf(p.name, version), [p], version);
    }),
  ) as Record<string, unknown[]>;

/** Expects the read models in their files to be what the same log folds into one in-memory connection. */
async function expectFoldedAsInOneConnection(files: ReadModelFiles, control: SqliteProjectionControl, log: LogEventStore): Promise<void> {
  const single = openReadModelDatabase(':memory:');
  try {
    await new SqliteProjectionControl(single, log, SQLITE_PROJECTIONS, 10).catchUp();
    expect(dumpAll(files, control)).toEqual(Object.assign({}, ...SQLITE_PROJECTIONS.map((p) => dumpTables(single, [p], 1))));
  } finally {
    single.close();
  }
}

describe('ReadModelFiles: each read model in a file of its own beside the ledger', () => {
  const scratch = scratchReadModelFiles('read-model-files-');
  const beside = scratch.beside;
  let ledger: string;
  beforeEach(() => {
    ledger = scratch.ledger();
  });

  const readModelTables = (db: Db) => db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'rm\\_%' ESCAPE '\\'").pluck().all() as string[];

  it("opening beside a ledger another process holds whole (a sync's append in bulk) waits only as long as the ledger's open timeout says", () => {
    const holder = new Database(ledger);
    holder.pragma('journal_mode = DELETE');
    holder.exec('BEGIN EXCLUSIVE');
    try {
      const startedAt = Date.now();
      expect(() => ReadModelFiles.beside(ledger, NAMES, { ledgerOpenTimeoutMs: 0 })).toThrow(/database is locked/);
      // not the read side's own 10 s for its other files (twice over, by its retries): at once
      expect(Date.now() - startedAt).toBeLessThan(5_000);
    } finally {
      holder.exec('COMMIT');
      holder.close();
    }
  });

  it('leaves room for every read model on the connection queries read through, and refuses more than SQLite attaches, saying why', () => {
    // the limit is SQLite's as this build compiled it: as many files attach, and one more does not
    const probe = new Database(':memory:');
    try {
      for (let i = 0; i < MOST_ATTACHED_FILES; i++) probe.prepare('ATTACH DATABASE ? AS ?').run(':memory:', `a${i}`);
      expect(() => probe.prepare('ATTACH DATABASE ? AS ?').run(':memory:', 'one_more')).toThrow(/too many attached databases/);
    } finally {
      probe.close();
    }
    // the commit rounds' file and one per read model
    expect(NAMES.length + 1).toBeLessThanOrEqual(MOST_ATTACHED_FILES);
    const tooMany = Array.from({ length: MOST_ATTACHED_FILES }, (_, i) => `model_${i}`);
    expect(() => scratch.beside(tooMany)).toThrow(`${MOST_ATTACHED_FILES} read models: queries read them on one SQLite connection, which attaches at most ${MOST_ATTACHED_FILES} files`);
    expect(existsSync(readModelFolder(ledger))).toBe(false); // refused before any file was made
  });

  it("keeps each projection's tables and checkpoint in a file of its version, and queries find them all through one connection", async () => {
    const { events } = rosterStory();
    const store = new LogEventStore(events);
    const files = beside();
    const control = new SqliteProjectionControl(files, store, SQLITE_PROJECTIONS, 10);
    await control.catchUp();

    for (const name of NAMES) {
      // the state file: which version is live, no tables
      expect(readModelTables(files.of(name))).toEqual([]);
      expect(files.of(name).prepare('SELECT name, live_version FROM projection_state').all()).toEqual([{ name, live_version: 1 }]);
      const db = files.tablesOf(name, 1);
      const tables = readModelTables(db);
      expect(tables.length).toBeGreaterThan(0);
      expect(tables.every((t) => t.startsWith(`rm_${name}_`) && t.endsWith('_v1'))).toBe(true);
      expect(db.prepare('SELECT name, version, position FROM version_checkpoints').all()).toEqual([{ name, version: 1, position: events[events.length - 1]!.position }]);
    }
    expect(readdirSync(readModelFolder(ledger)).filter((f) => f.endsWith('.db')).sort()).toEqual([...NAMES.flatMap((n) => [`${n}.db`, `${n}.v1.db`]), 'commit-rounds.db'].sort());

    // the same answers as read models sharing one file
    const single = openReadModelDatabase(':memory:');
    const reference = new SqliteProjectionControl(single, store, SQLITE_PROJECTIONS, 10);
    await reference.catchUp();
    const models = new SqliteReadModels(files.reader, control, store);
    const expected = new SqliteReadModels(single, reference, store);
    expect(await models.timeline('user', 'u1', { limit: 100 })).toEqual(await expected.timeline('user', 'u1', { limit: 100 }));
    expect(await models.account('u1')).toEqual(await expected.account('u1'));
    const asOf = '2030-01-01T00:00:00.000Z';
    expect(await models.rosterAsOf('sec1', asOf)).toEqual(await expected.rosterAsOf('sec1', asOf));
    expect((await models.rosterAsOf('sec1', asOf)).length).toBeGreaterThan(0);
    const filter = { districtId: 'd1' };
    expect(await models.audit(filter, { limit: 500 })).toEqual(await expected.audit(filter, { limit: 500 }));
    expect((await models.audit(filter, { limit: 500 })).length).toBeGreaterThan(0);
    single.close();
  });

  it('drops the read models an older release kept inside the ledger file, which then catch up from the log in their own files', async () => {
    const { events } = rosterStory();
    const store = new LogEventStore(events);
    const inside = openReadModelDatabase(ledger);
    await new SqliteProjectionControl(inside, store, SQLITE_PROJECTIONS, 10).catchUp();
    inside.exec('CREATE TABLE events_of_the_ledger (id INTEGER)'); // the ledger's own tables stay
    inside.close();

    const files = beside();
    const check = openReadModelDatabase(ledger);
    const left = check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    check.close();
    expect(left).toEqual(['events_of_the_ledger']);
    const control = new SqliteProjectionControl(files, store, SQLITE_PROJECTIONS, 10);
    expect((await control.status()).map((s) => s.position)).toEqual(NAMES.map(() => 0));
    expect(await control.catchUp()).toBe(events.length);
    expect(NAMES.every((name) => existsSync(readModelPath(ledger, name)))).toBe(true);
  });

  describe('versions in files of their own', () => {
    const versionFiles = () =>
      readdirSync(readModelFolder(ledger))
        .filter((f) => /\.v\d+\.db$/.test(f))
        .sort();

    it('a rebuild deletes the version it replaced with its file; a reader on other connections answers from the new one', async () => {
      const { events } = rosterStory();
      const store = new LogEventStore(events);
      const files = beside();
      const control = new SqliteProjectionControl(files, store, SQLITE_PROJECTIONS, 10);
      await control.catchUp();
      // a server's connections, as another process has them, reading version 1
      const serverFiles = beside();
      const server = new SqliteProjectionControl(serverFiles, store, SQLITE_PROJECTIONS, 10);
      const models = new SqliteReadModels(serverFiles.reader, server, store);
      const before = await models.account('u1');
      expect(before).not.toBeNull();

      await control.rebuild(NAMES);
      expect(versionFiles()).toEqual(NAMES.map((n) => `${n}.v2.db`).sort());
      expect(await models.account('u1')).toEqual(before);
      expect(server.liveVersion('accounts')).toBe(2);
      // the server folds what comes next into the new version
      expect(await server.catchUp()).toBe(0);
    });

    it("verifies a read model in one process at a time: another live verifier is refused, a killed one's scratch version is deleted, in whichever container it ran", async () => {
      const { events } = rosterStory();
      const store = new LogEventStore(events);
      const accounts = SQLITE_PROJECTIONS.filter((p) => p.name === 'accounts');
      const open = () => new SqliteProjectionControl(beside(['accounts']), store, accounts, 10);
      const control = open();
      await control.catchUp();
      const verifierRow = () => beside(['accounts']).of('accounts').prepare('SELECT verify_pid, verify_host FROM projection_state').get();
      const scratch = readModelVersionPath(ledger, 'accounts', 0);

      // another process verifying accounts: it holds the verify's lock file, noted itself, and has a scratch version
      const { other, exited } = await anotherProcessHolding(ledger, 'verify-accounts');
      try {
        {
          const db = new Database(readModelPath(ledger, 'accounts'));
          db.prepare('UPDATE projection_state SET verify_pid = ?, verify_host = ?').run(other.pid, hostname());
          db.close();
        }
        writeFileSync(scratch, '');
        await expect(control.verify(['accounts'])).rejects.toThrow(new VerifyUnderWay('accounts', { pid: other.pid!, host: hostname() }));
        // opening the read models leaves a live verifier's scratch version alone
        open();
        expect(existsSync(scratch)).toBe(true);
        // its process cannot be looked up by its id from here (another container): its file still tells
        {
          const db = new Database(readModelPath(ledger, 'accounts'));
          db.prepare("UPDATE projection_state SET verify_pid = ?, verify_host = ?, verify_started = ? WHERE name = 'accounts'").run(other.pid, hostname(), `${other.pid}/pid:[1]/boot/1`);
          db.close();
        }
        await expect(control.verify(['accounts'])).rejects.toMatchObject({ code: 'VERIFY_UNDER_WAY' });
        open();
        expect(existsSync(scratch)).toBe(true);
      } finally {
        other.kill('SIGKILL');
        await exited;
      }

      // killed: the next process to open the read models deletes what it left, and verifies
      open();
      expect(existsSync(scratch)).toBe(false);
      expect(verifierRow()).toEqual({ verify_pid: null, verify_host: null });
      const verified = await control.verify(['accounts']);
      expect(verified.map((v) => [v.projection, v.equal])).toEqual([['accounts', true]]);
      expect([existsSync(scratch), verifierRow()]).toEqual([false, { verify_pid: null, verify_host: null }]);
    });

    it('does not start a build beside another process that holds the build file and has not noted its build yet', async () => {
      const store = new LogEventStore(rosterStory().events);
      const accounts = SQLITE_PROJECTIONS.filter((p) => p.name === 'accounts');
      const control = new SqliteProjectionControl(beside(['accounts']), store, accounts, 10);
      await control.catchUp();
      const { other, exited } = await anotherProcessHolding(ledger, 'build-accounts');
      try {
        await expect(control.rebuild(['accounts'])).rejects.toThrow('projection accounts is being rebuilt by another process; it has only just started it, so there is no build to join yet');
        expect((await control.status())[0]!.rebuilding).toBeNull();
      } finally {
        other.kill('SIGKILL');
        await exited;
      }
      expect(await control.rebuild(['accounts'])).toMatchObject({ swapped: true });
    });

    it('joins a rebuild whose process holds its build file, in whichever container it runs, and resumes one whose process is gone', async () => {
      const { events } = rosterStory();
      const store = new LogEventStore(events);
      const accounts = SQLITE_PROJECTIONS.filter((p) => p.name === 'accounts');
      const open = () => new SqliteProjectionControl(beside(['accounts']), store, accounts, 10);
      const rebuilding = async () => (await open().status()).find((s) => s.name === 'accounts')!.rebuilding;
      await open().catchUp();
      let batches = 0;
      const stopped = open().rebuild(['accounts'], {
        onProgress: () => {
          if (++batches === 1) throw new Error('stopped here');
        },
      });
      await expect(stopped).rejects.toThrow('stopped here');

      // another process holds the build file: its build, though the row names nobody yet
      const { other, exited } = await anotherProcessHolding(ledger, 'build-accounts');
      await expect(open().rebuild(['accounts'], { dryRun: true })).rejects.toMatchObject({ code: 'REBUILD_UNDER_WAY', owner: null });
      expect(await rebuilding()).toMatchObject({ version: 2, builder: null });
      // the build noted as a process's that cannot be looked up by its id from here (another container)
      {
        const db = new Database(readModelPath(ledger, 'accounts'));
        db.prepare("UPDATE projection_state SET build_pid = ?, build_host = ?, build_started = ? WHERE name = 'accounts'").run(other.pid, hostname(), `${other.pid}/pid:[1]/boot/1`);
        db.close();
      }
      try {
        // while it holds its build file, it is at work: shown so, and a dry run (which would drop its build) refused
        expect(await rebuilding()).toMatchObject({ builder: { pid: other.pid }, underWay: true });
        await expect(open().rebuild(['accounts'], { dryRun: true })).rejects.toMatchObject({ code: 'REBUILD_UNDER_WAY' });
      } finally {
        other.kill('SIGKILL');
        await exited;
      }
      // gone: interrupted, and the next rebuild resumes it as its own
      expect(await rebuilding()).toMatchObject({ builder: { pid: other.pid }, underWay: false });
      const result = await open().rebuild(['accounts']);
      expect(result).toMatchObject({ swapped: true, joined: {} });
      expect(await rebuilding()).toBeNull();
    });

    it('forgets the verify and the rebuild this process is noted as running once none of its threads holds their files (a thread that crashed)', async () => {
      const control = new SqliteProjectionControl(beside(), new LogEventStore(rosterStory().events), SQLITE_PROJECTIONS, 10);
      await control.catchUp();
      const me = thisProcess();
      const noteMe = (name: string) => {
        const db = new Database(readModelPath(ledger, name));
        db.prepare('UPDATE projection_state SET verify_pid = @pid, verify_host = @host, verify_started = @started, build_pid = @pid, build_host = @host, build_started = @started').run({
          pid: me.pid,
          host: me.host,
          started: me.started ?? null,
        });
        db.close();
      };
      const noted = (name: string) => new Database(readModelPath(ledger, name)).prepare('SELECT verify_pid, build_pid FROM projection_state').get();
      noteMe('accounts');
      noteMe('audit');
      // a thread of this process still verifying and building audit: its files held
      const thread = new LockFiles(join(readModelFolder(ledger), 'locks'));
      expect([thread.tryTake('verify-audit'), thread.tryTake('build-audit')]).toEqual([true, true]);

      control.forgetEndedWork();
      expect(noted('accounts')).toEqual({ verify_pid: null, build_pid: null });
      expect(noted('audit')).toEqual({ verify_pid: me.pid, build_pid: me.pid });
      thread.close();
      control.forgetEndedWork();
      expect(noted('audit')).toEqual({ verify_pid: null, build_pid: null });
    });

    it('takes over a joined rebuild whose builder ends while it goes on: its build file held, itself noted as the builder', async () => {
      const { events } = rosterStory();
      const store = new LogEventStore(events);
      const accounts = SQLITE_PROJECTIONS.filter((p) => p.name === 'accounts');
      const open = () => new SqliteProjectionControl(beside(['accounts']), store, accounts, 10);
      await open().catchUp();
      let batches = 0;
      await expect(
        open().rebuild(['accounts'], {
          onProgress: () => {
            if (++batches === 1) throw new Error('stopped here');
          },
        }),
      ).rejects.toThrow('stopped here');
      // another container's process building it, as the row and its build file say
      const { other, exited } = await anotherProcessHolding(ledger, 'build-accounts');
      const noted = () => new Database(readModelPath(ledger, 'accounts')).prepare("SELECT build_pid FROM projection_state WHERE name = 'accounts'").pluck().get();
      {
        const db = new Database(readModelPath(ledger, 'accounts'));
        db.prepare("UPDATE projection_state SET build_pid = ?, build_host = ?, build_started = ? WHERE name = 'accounts'").run(other.pid, hostname(), `${other.pid}/pid:[1]/boot/1`);
        db.close();
      }
      const someoneElse = new LockFiles(join(readModelFolder(ledger), 'locks'));
      const seen: { held: boolean; builder: unknown }[] = [];
      const result = await open().rebuild(['accounts'], {
        onProgress: () => {
          if (seen.length === 0) {
            // the builder is killed after the first batch: the joiner goes on alone
            other.kill('SIGKILL');
            for (const until = Date.now() + 5_000; someoneElse.heldAnywhere('build-accounts') && Date.now() < until; ) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
          }
          seen.push({ held: someoneElse.heldAnywhere('build-accounts'), builder: noted() });
        },
      });
      await exited;
      expect(result).toMatchObject({ swapped: true, joined: { accounts: { pid: other.pid } } });
      // after the next batch began, the build was this process's: a dry run elsewhere would have been refused
      expect(seen.length).toBeGreaterThan(2);
      expect(seen.slice(1)).toEqual(seen.slice(1).map(() => ({ held: true, builder: process.pid })));
    });

    it('builds a version with a rollback journal (its pages written once) and makes it live with a write-ahead log', async () => {
      const { events } = rosterStory();
      const accounts = SQLITE_PROJECTIONS.filter((p) => p.name === 'accounts');
      const control = new SqliteProjectionControl(beside(['accounts']), new LogEventStore(events), accounts, 10);
      await control.catchUp();
      const journalOf = (version: number) => {
        const peek = new Database(readModelVersionPath(ledger, 'accounts', version), { readonly: true, fileMustExist: true });
        try {
          return peek.pragma('journal_mode', { simple: true });
        } finally {
          peek.close();
        }
      };
      expect(journalOf(1)).toBe('wal');
      const whileBuilding: unknown[] = [];
      await control.rebuild(['accounts'], { onProgress: () => whileBuilding.push(journalOf(2)) });
      expect(whileBuilding.length).toBeGreaterThan(1);
      expect(new Set(whileBuilding)).toEqual(new Set(['delete']));
      expect(journalOf(2)).toBe('wal');
    });

    /** Timelines alone, with a rebuild into version 2 that stopped at an event and is left to resume. */
    const interruptedRebuild = async () => {
      const { events } = rosterStory();
      const store = new LogEventStore(events);
      let failing = false;
      const fragile = fragileProjection('timelines', (e) => failing && e.position === 30);
      await new SqliteProjectionControl(beside(['timelines']), store, [fragile], 10).catchUp();
      failing = true;
      await expect(new SqliteProjectionControl(beside(['timelines']), store, [fragile], 10).rebuild(['timelines'])).rejects.toBeInstanceOf(ProjectionFailed);
      return { events, store, timelines: SQLITE_PROJECTIONS.filter((p) => p.name === 'timelines') };
    };

    it('status and queries do not wait for the file of a version being built, even while its writer locks it', async () => {
      const { events, store, timelines } = await interruptedRebuild();
      // a builder holding the file being built (rollback journal: no one reads it meanwhile)
      const builder = new Database(readModelVersionPath(ledger, 'timelines', 2), { timeout: 0 });
      builder.exec('BEGIN EXCLUSIVE');
      try {
        const started = Date.now();
        const control = new SqliteProjectionControl(beside(['timelines']), store, timelines, 10);
        const [status] = await control.status();
        expect(status).toMatchObject({ version: 1, position: events[events.length - 1]!.position, rebuilding: { version: 2, position: 29 } });
        expect(control.checkpoint('timelines')).toBe(events[events.length - 1]!.position);
        expect(Date.now() - started).toBeLessThan(5_000); // the busy timeout is 10 s
      } finally {
        builder.exec('ROLLBACK');
        builder.close();
      }
    });

    it('starts a rebuild again under a new number when the file of the one it would resume is gone', async () => {
      const { store, timelines } = await interruptedRebuild();
      for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${readModelVersionPath(ledger, 'timelines', 2)}${suffix}`, { force: true });
      const files = beside(['timelines']);
      const control = new SqliteProjectionControl(files, store, timelines, 10);
      const live = dumpTables(files.tablesOf('timelines', 1), timelines, 1);
      expect(await control.rebuild(['timelines'])).toMatchObject({ version: { timelines: 3 }, resumedFrom: { timelines: 0 }, swapped: true });
      expect(dumpTables(files.tablesOf('timelines', 3), timelines, 3)).toEqual(live);
      expect(versionFiles()).toEqual(['timelines.v3.db']);
    });

    it('never uses a version number twice: a dry run deletes its version, and the next rebuild takes the one after', async () => {
      const { events } = rosterStory();
      const files = beside(['accounts']);
      const accounts = SQLITE_PROJECTIONS.filter((p) => p.name === 'accounts');
      const control = new SqliteProjectionControl(files, new LogEventStore(events), accounts, 10);
      await control.catchUp();
      expect(await control.rebuild(['accounts'], { dryRun: true })).toMatchObject({ version: { accounts: 2 }, differences: { accounts: 0 } });
      expect(versionFiles()).toEqual(['accounts.v1.db']);
      expect(await control.rebuild(['accounts'])).toMatchObject({ version: { accounts: 3 }, swapped: true });
      expect(versionFiles()).toEqual(['accounts.v3.db']);
    });

    it('deletes, when the read models are opened, the file of a version neither live nor being built (a process killed after its swap)', async () => {
      const { events } = rosterStory();
      const store = new LogEventStore(events);
      await new SqliteProjectionControl(beside(['accounts']), store, SQLITE_PROJECTIONS.slice(0, 1), 10).catchUp();
      const stray = openReadModelDatabase(readModelVersionPath(ledger, 'accounts', 7));
      stray.exec('CREATE TABLE rm_accounts_accounts_v7 (id TEXT)');
      stray.close();
      expect(versionFiles()).toEqual(['accounts.v1.db', 'accounts.v7.db']);
      const control = new SqliteProjectionControl(beside(['accounts']), store, SQLITE_PROJECTIONS.slice(0, 1), 10);
      expect(versionFiles()).toEqual(['accounts.v1.db']);
      expect((await control.status()).map((s) => [s.version, s.position])).toEqual([[1, events[events.length - 1]!.position]]);
    });

    it("starts over from the log a read model whose tables are in its state file (a release before version files), and drops them there", async () => {
      const { events } = rosterStory();
      const store = new LogEventStore(events);
      const state = openReadModelDatabase(readModelPath(ledger, 'accounts'));
      // that release's state file: its registry row with the checkpoint in it, and its tables
      state.exec(`CREATE TABLE projection_state (name TEXT PRIMARY KEY, live_version INTEGER NOT NULL, position INTEGER NOT NULL,
        status TEXT NOT NULL, failure TEXT, building_version INTEGER, building_position INTEGER, schema TEXT)`);
      state.prepare("INSERT INTO projection_state (name, live_version, position, status) VALUES ('accounts', 4, 25, 'running')").run();
      SQLITE_PROJECTIONS[0]!.create(state, (table) => `rm_accounts_${table}_v4`);
      state.close();

      const files = beside(['accounts']);
      const control = new SqliteProjectionControl(files, store, SQLITE_PROJECTIONS.slice(0, 1), 10);
      expect((await control.status()).map((s) => [s.version, s.position])).toEqual([[5, 0]]);
      expect(readModelTables(files.of('accounts'))).toEqual([]);
      // given back to the disk: one page for the registry table and the schema's
      expect(files.of('accounts').pragma('freelist_count', { simple: true })).toBe(0);
      expect(await control.catchUp()).toBe(events.length);
      expect(versionFiles()).toEqual(['accounts.v5.db']);
    });
  });

  describe('read models left beside a ledger file that was deleted and made anew', () => {
    it('start over from the new log: another first event, another log', async () => {
      const { events } = rosterStory();
      const files = beside();
      const old = new SqliteProjectionControl(files, new LogEventStore(events), SQLITE_PROJECTIONS, 10);
      await old.adoptLog();
      await old.catchUp();

      const otherLog = new LogEventStore(events.slice(0, 30).map((e) => ({ ...e, id: `other-${e.id}` })));
      const control = new SqliteProjectionControl(files, otherLog, SQLITE_PROJECTIONS, 10);
      await control.adoptLog();
      expect((await control.status()).map((s) => [s.name, s.version, s.position])).toEqual(NAMES.map((n) => [n, 2, 0]));
      // (the syncs read model folds the sync events alone: only they are read again)
      expect(control.startedOver()).toEqual(
        NAMES.map((name) => ({ name, reason: 'it was folded from another ledger file (one deleted or replaced beside it)', ...(name === 'syncs' ? { category: 'sync' } : {}) })),
      );
      await control.catchUp();

      await expectFoldedAsInOneConnection(files, control, otherLog);
    });

    it('start over when their checkpoint is past the head of the log', async () => {
      const { events } = rosterStory();
      const files = beside();
      await new SqliteProjectionControl(files, new LogEventStore(events), SQLITE_PROJECTIONS, 10).catchUp(); // no log noted (an older file)
      const control = new SqliteProjectionControl(files, new LogEventStore(events.slice(0, 10)), SQLITE_PROJECTIONS, 10);
      await control.adoptLog();
      expect((await control.status()).map((s) => [s.version, s.position])).toEqual(NAMES.map(() => [2, 0]));
    });

    it('are kept, version and checkpoint, when the log is theirs', async () => {
      const { events } = rosterStory();
      const store = new LogEventStore(events);
      const files = beside();
      const first = new SqliteProjectionControl(files, store, SQLITE_PROJECTIONS, 10);
      await first.adoptLog();
      await first.catchUp();
      const again = new SqliteProjectionControl(files, store, SQLITE_PROJECTIONS, 10);
      await again.adoptLog();
      expect(again.startedOver()).toEqual([]);
      expect((await again.status()).map((s) => [s.version, s.position])).toEqual(NAMES.map(() => [1, events[events.length - 1]!.position]));
    });
  });

  /**
   * Another control on connections of its own, as the second thread has (run here, in turns with
   * this one), folding the projections it is given of `projections`.
   */
  const elsewhere = (store: LogEventStore, asked: string[][], projections: readonly SqliteProjection[] = SQLITE_PROJECTIONS, batchSize = 10): SecondThread => {
    const control = (names: string[], options: BulkOptions = {}) => {
      asked.push(names);
      return new SqliteProjectionControl(beside(names), store, projections.filter((p) => names.includes(p.name)), batchSize, options);
    };
    return {
      rebuild: (names, options) => control(names).rebuild(names, options),
      // as the worker thread does: a catch-up's half rebuilds in bulk only when the asking thread would
      catchUp: (names, options) =>
        control(names, { bulkCatchUpFrom: options.bulkCatchUpFrom }).catchUp(options.onProgress, () => options.stop.aborted, {
          until: options.until,
          barrier: { ready: options.beforeCommit, decided: () => undefined },
        }),
      verify: (names, options) => control(names, { bulkBatchSize: options.bulkBatchSize }).verifyCaughtUp(names, options.onProgress, { claimed: true }),
    };
  };

  describe('a rebuild of several read models on two threads', () => {
    /** A control whose second thread is `elsewhere`, caught up; `asked` lists the halves given to the other thread since. */
    const caughtUpOnTwoThreads = async () => {
      const { events } = rosterStory();
      const store = new LogEventStore(events);
      const files = beside();
      const asked: string[][] = [];
      const control = new SqliteProjectionControl(files, store, SQLITE_PROJECTIONS, 10, { secondThread: elsewhere(store, asked) });
      await control.catchUp();
      asked.length = 0;
      return { events, files, asked, control };
    };

    it('gives the other thread about half of the work, swaps every one in, and builds what one thread builds', async () => {
      const { events, files, asked, control } = await caughtUpOnTwoThreads();
      const live = dumpAll(files, control);

      const progress: ProjectionProgress[] = [];
      const result = await control.rebuild(NAMES, { onProgress: (p) => progress.push(p) });

      // the heaviest (accounts) here, the next (audit) there, and so on to the lighter half
      expect(asked).toEqual([['audit', 'timelines', 'classes', 'syncs', 'lookups']]);
      expect(result).toMatchObject({ projections: NAMES, events: events.length, swapped: true });
      expect(result.version).toEqual(Object.fromEntries(NAMES.map((n) => [n, 2])));
      expect([Object.keys(result.version), Object.keys(result.resumedFrom)]).toEqual([NAMES, NAMES]); // listed as asked, not by half
      expect((await control.status()).map((s) => [s.name, s.version, s.rebuilding])).toEqual(NAMES.map((n) => [n, 2, null]));
      expect(dumpAll(files, control)).toEqual(live);
      // progress comes once both halves have reported, names both, and is where the slower one is
      const both = progress.filter((p) => p.projections.length === NAMES.length);
      expect(both.length).toBeGreaterThan(0);
      expect(both).toEqual(progress);
      expect(both[both.length - 1]!.position).toBe(events[events.length - 1]!.position);
    });

    it('a verify compares each half on its own thread, finds a row changed in either, and lists the results as asked', async () => {
      const { events, files, asked, control } = await caughtUpOnTwoThreads();
      // a row gone from accounts (this thread's half) and one from the audit feed (the other's)
      for (const [name, table] of [['accounts', 'accounts'], ['audit', 'audit']] as const) {
        files.tablesOf(name, 1).exec(`DELETE FROM ${tableNamer(name, 1)(table)} WHERE rowid = (SELECT MIN(rowid) FROM ${tableNamer(name, 1)(table)})`);
      }

      const verified = await control.verify(NAMES);
      expect(asked).toEqual([['audit', 'timelines', 'classes', 'syncs', 'lookups']]);
      expect(verified.map((v) => [v.projection, v.equal])).toEqual(NAMES.map((n) => [n, n !== 'accounts' && n !== 'audit']));
      expect(verified.find((v) => v.projection === 'accounts')!.differences['accounts']).toBe(1);
      expect(verified.find((v) => v.projection === 'audit')!.differences['audit']).toBe(1);
      expect(new Set(verified.map((v) => v.position))).toEqual(new Set([events[events.length - 1]!.position]));
      // no scratch version is left on either thread
      expect(readdirSync(readModelFolder(ledger)).filter((f) => /\.v0\.db/.test(f))).toEqual([]);
    });

    it('a verify or a rebuild of a read model named twice does it once', async () => {
      const { asked, control } = await caughtUpOnTwoThreads();
      const verified = await control.verify(['syncs', 'accounts', 'syncs', 'accounts']);
      expect(verified.map((v) => [v.projection, v.equal])).toEqual([
        ['syncs', true],
        ['accounts', true],
      ]);
      expect(asked).toEqual([['syncs']]);
      const rebuilt = await control.rebuild(['accounts', 'accounts']);
      expect([rebuilt.projections, rebuilt.swapped]).toEqual([['accounts'], true]);
    });

    it('a verify of read models one of which another process verifies is refused before either thread builds anything', async () => {
      const { asked, control } = await caughtUpOnTwoThreads();
      // (audit is the other thread's half)
      const { other, exited } = await anotherProcessHolding(ledger, 'verify-audit');
      try {
        await expect(control.verify(NAMES)).rejects.toMatchObject({ code: 'VERIFY_UNDER_WAY', projection: 'audit' });
        expect(asked).toEqual([]);
        expect(readdirSync(readModelFolder(ledger)).filter((f) => /\.v0\.db/.test(f))).toEqual([]);
      } finally {
        other.kill('SIGKILL');
        await exited;
      }
      expect((await control.verify(NAMES)).every((v) => v.equal)).toBe(true);
    });

    it('a dry run compares each half with its live read model and swaps nothing', async () => {
      const { events } = rosterStory();
      const store = new LogEventStore(events);
      const files = beside();
      const control = new SqliteProjectionControl(files, store, SQLITE_PROJECTIONS, 10, { secondThread: elsewhere(store, []) });
      await control.catchUp();

      const result = await control.rebuild(NAMES, { dryRun: true });
      expect(result).toMatchObject({ swapped: false, differences: Object.fromEntries(NAMES.map((n) => [n, 0])) });
      expect((await control.status()).map((s) => [s.version, s.rebuilding])).toEqual(NAMES.map(() => [1, null]));
    });

    it('a read model the other thread stops at an event is stopped as a live one is; the rest catch up in bulk', async () => {
      const { events } = rosterStory();
      const store = new LogEventStore(events);
      const fragile = fragileProjection('timelines', (e) => e.position === 30);
      const projections = SQLITE_PROJECTIONS.map((p) => (p.name === 'timelines' ? fragile : p));
      const control = new SqliteProjectionControl(beside(), store, projections, 10, { bulkCatchUpFrom: 5, secondThread: elsewhere(store, [], projections) });

      await control.catchUp();
      const statuses = Object.fromEntries((await control.status()).map((s) => [s.name, s]));
      expect(statuses['timelines']).toMatchObject({ version: 1, status: 'failed', position: 29, failure: { position: 30 }, rebuilding: null });
      const head = events[events.length - 1]!.position;
      for (const name of NAMES.filter((n) => n !== 'timelines')) expect(statuses[name]).toMatchObject({ version: 2, status: 'running', position: head });
      // what a command says of it: those were rebuilt, not folded event by event
      expect(control.rebuiltInBulk()).toEqual(NAMES.filter((n) => n !== 'timelines'));
      await control.catchUp();
      expect(control.rebuiltInBulk()).toEqual([]);
    });

    /** Read models caught up, and a rebuild of all of them whose other thread failed ('disk full'): this thread's half is left built. */
    async function withOtherHalfFailed() {
      const { events } = rosterStory();
      const store = new LogEventStore(events);
      const files = beside();
      const failing: SecondThread = { rebuild: () => Promise.reject(new Error('disk full')), catchUp: () => Promise.reject(new Error('disk full')), verify: () => Promise.reject(new Error('disk full')) };
      const control = new SqliteProjectionControl(files, store, SQLITE_PROJECTIONS, 10, { twoThreadCatchUpFrom: Infinity, secondThread: failing });
      await control.catchUp();
      const live = dumpAll(files, control);
      await expect(control.rebuild(NAMES)).rejects.toThrow('disk full');
      const again = () => new SqliteProjectionControl(files, store, SQLITE_PROJECTIONS, 10, { twoThreadCatchUpFrom: Infinity, secondThread: elsewhere(store, []) });
      return { events, files, control, live, again };
    }

    it('a half that fails leaves the other built and not swapped in, and the next rebuild resumes it at the head and swaps both', async () => {
      const { events, files, control, live, again: restarted } = await withOtherHalfFailed();
      // no read model went live at version 2: this thread's half (accounts, enrollments) waits, built, for a rebuild to resume it
      const head = events[events.length - 1]!.position;
      const statuses = Object.fromEntries((await control.status()).map((s) => [s.name, s]));
      expect(NAMES.map((n) => statuses[n]!.version)).toEqual(NAMES.map(() => 1));
      // the live versions are caught up: no catch-up resumes it, a rebuild does
      for (const name of ['accounts', 'enrollments']) {
        expect(statuses[name]!.rebuilding).toMatchObject({ version: 2, position: head, builder: null, underWay: false, resumedBy: 'rebuild' });
      }

      const again = restarted();
      const result = await again.rebuild(NAMES);
      expect(result.swapped).toBe(true);
      expect(result.resumedFrom).toMatchObject({ accounts: head, enrollments: head, audit: 0 });
      expect((await again.status()).map((s) => [s.version, s.rebuilding])).toEqual(NAMES.map(() => [2, null]));
      expect(dumpAll(files, again)).toEqual(live);
    });

    it('a dry run after a half failed compares the half left built, and says it kept it for the next rebuild', async () => {
      const { events, again: restarted } = await withOtherHalfFailed();
      const again = restarted();
      const dry = await again.rebuild(NAMES, { dryRun: true });
      expect(dry).toMatchObject({ swapped: false, differences: Object.fromEntries(NAMES.map((n) => [n, 0])), kept: ['accounts', 'enrollments'] });
      const head = events[events.length - 1]!.position;
      expect(await again.rebuild(NAMES)).toMatchObject({ swapped: true, resumedFrom: { accounts: head, enrollments: head, audit: 0 } });
    });

    it("a half that fails on this thread leaves the other thread's half built and not swapped in", async () => {
      const { events } = rosterStory();
      const store = new LogEventStore(events);
      const files = beside();
      const control = new SqliteProjectionControl(files, store, SQLITE_PROJECTIONS, 10, { twoThreadCatchUpFrom: Infinity, secondThread: elsewhere(store, []) });
      await control.catchUp();
      // accounts (this thread's half) stops at an event while it is rebuilt
      const projections = SQLITE_PROJECTIONS.map((p) => (p.name === 'accounts' ? fragileProjection('accounts', (e) => e.position === 30) : p));
      const rebuilding = new SqliteProjectionControl(files, store, projections, 10, { twoThreadCatchUpFrom: Infinity, secondThread: elsewhere(store, []) });

      await expect(rebuilding.rebuild(NAMES)).rejects.toBeInstanceOf(ProjectionFailed);
      const statuses = Object.fromEntries((await rebuilding.status()).map((s) => [s.name, s]));
      expect(NAMES.map((n) => statuses[n]!.version)).toEqual(NAMES.map(() => 1));
      const head = events[events.length - 1]!.position;
      for (const name of ['audit', 'timelines', 'classes', 'syncs', 'lookups']) {
        expect(statuses[name]!.rebuilding).toMatchObject({ version: 2, position: head, builder: null, underWay: false });
      }
    });

    it('hands back what the other thread threw as a ProjectionFailed when a projection stopped there', async () => {
      const { events } = rosterStory();
      const stopped = new ProjectionFailed('timelines', { position: 3, type: 'StudentShared', streamId: 'user-u1', message: 'bad' });
      const failing: SecondThread = { rebuild: () => Promise.reject(stopped), catchUp: () => Promise.reject(stopped), verify: () => Promise.reject(stopped) };
      const control = new SqliteProjectionControl(beside(), new LogEventStore(events), SQLITE_PROJECTIONS, 10, { secondThread: failing });
      await expect(control.rebuild(NAMES)).rejects.toBeInstanceOf(ProjectionFailed);
    });
  });

  it('swaps the halves of a rebuild on two threads together: the half built first waits for the other', async () => {
    const { events } = rosterStory();
    const store = new LogEventStore(events);
    const files = beside();
    const slow = elsewhere(store, []);
    const seenWhenTheOtherHalfWasBuilt: number[] = [];
    let control: SqliteProjectionControl | undefined;
    const secondThread: SecondThread = {
      ...slow,
      // the other half starts late, so this thread's half is built well before it
      rebuild: async (names, options) => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        return slow.rebuild(names, {
          ...options,
          beforeSwap: () => {
            seenWhenTheOtherHalfWasBuilt.push(control!.liveVersion('accounts'));
            return options.beforeSwap();
          },
        });
      },
    };
    control = new SqliteProjectionControl(files, store, SQLITE_PROJECTIONS, 10, { twoThreadCatchUpFrom: Infinity, secondThread });
    await control.catchUp();
    const result = await control.rebuild(NAMES);
    expect(result.swapped).toBe(true);
    // this thread's half (accounts among it) was still at version 1 when the other was built
    expect(seenWhenTheOtherHalfWasBuilt).toEqual([1]);
    expect((await control.status()).map((s) => s.version)).toEqual(NAMES.map(() => 2));
  });

  describe('a catch-up of live read models far enough behind', () => {
    it("in a server, which never rebuilds in bulk on its requests' thread, has the other thread fold its half live too", async () => {
      const { events } = rosterStory();
      const store = new LogEventStore(events);
      const files = beside();
      const other = elsewhere(store, []);
      const askedToBulkFrom: number[] = [];
      const secondThread: SecondThread = {
        ...other,
        catchUp: (names, options) => {
          askedToBulkFrom.push(options.bulkCatchUpFrom);
          return other.catchUp(names, options);
        },
      };
      // every read model far behind: a command would rebuild them all in bulk, a server folds them
      const server = new SqliteProjectionControl(files, store, SQLITE_PROJECTIONS, 10, { bulkCatchUpFrom: Infinity, twoThreadCatchUpFrom: 1, secondThread });
      await server.catchUp();

      expect(askedToBulkFrom).toEqual([Infinity]);
      // both halves folded into the live version 1 and committed together: none swapped in apart
      const head = events[events.length - 1]!.position;
      expect((await server.status()).map((s) => [s.name, s.version, s.position, s.rebuilding])).toEqual(NAMES.map((n) => [n, 1, head, null]));
      await expectFoldedAsInOneConnection(files, server, store);
    });

    it('is split between two threads, each folding its half into the live tables, with what one thread folds', async () => {
      const { events } = rosterStory();
      const store = new LogEventStore(events.slice(0, 20));
      const files = beside();
      const asked: string[][] = [];
      const control = new SqliteProjectionControl(files, store, SQLITE_PROJECTIONS, 10, { twoThreadCatchUpFrom: 30, secondThread: elsewhere(store, asked) });
      await control.catchUp();
      expect(asked).toEqual([]); // 20 behind: all here

      store.add(...events.slice(20));
      expect(await control.catchUp()).toBe(events.length - 20);
      expect(asked).toEqual([['audit', 'timelines', 'classes', 'syncs', 'lookups']]);
      expect(control.rebuiltInBulk()).toEqual([]);
      // folded into the live version, not rebuilt beside it
      expect((await control.status()).map((s) => [s.name, s.version, s.position])).toEqual(NAMES.map((n) => [n, 1, events[events.length - 1]!.position]));

      await expectFoldedAsInOneConnection(files, control, store);
    });
  });
  describe('readers while a sync is folded in batches', () => {
    // sync-4 shares a student again and enrols her, unenrols another, removes a class and shares a school again
    const FAR = '2099-01-01T00:00:00.000Z';
    const observe = (models: SqliteReadModels) =>
      Promise.all([
        models.rosterAsOf('sec1', FAR),
        models.classesOfUserAsOf('u1', FAR),
        models.account('u2'),
        models.classRecord('sec2'),
        models.names([{ kind: 'school', id: 's2' }]),
        models.timeline('user', 'u2', { limit: 100 }),
        models.indexedSyncs({ limit: 10 }),
      ]).then((answers) => JSON.stringify(answers));
    const sync4 = () => {
      const { events } = rosterStory();
      const at = events.findIndex((e) => e.streamId === 'sync-sync-4');
      return { before: events.slice(0, at), sync: events.slice(at, events.findIndex((e) => e.streamId === 'sync-sync-5')) };
    };

    /** A ledger folded up to sync-4, in batches of 2, with sync-4 not yet appended. */
    const caughtUpBeforeSync4 = async () => {
      const { before, sync } = sync4();
      const store = new LogEventStore([...before]);
      const files = beside();
      const control = new SqliteProjectionControl(files, store, SQLITE_PROJECTIONS, 2);
      await control.catchUp();
      return { before, sync, store, files, control };
    };

    it('see every read model as it was before the sync until the whole sync is folded, then as it is after it', async () => {
      const { sync, store, files, control } = await caughtUpBeforeSync4();
      const models = new SqliteReadModels(files.reader, control, store);
      const answerBefore = await observe(models);

      store.add(...sync); // one append: 11 events, 6 batches of 2
      const duringFold: Promise<string>[] = [];
      await control.catchUp(() => duringFold.push(observe(models)));
      const answerAfter = await observe(models);

      expect(answerAfter).not.toEqual(answerBefore);
      expect(duringFold.length).toBeGreaterThanOrEqual(5);
      expect(await Promise.all(duringFold)).toEqual(duringFold.map(() => answerBefore));
      expect((await control.status()).map((s) => s.position)).toEqual(NAMES.map(() => sync[sync.length - 1]!.position));
    });

    it('a verify brings its copy to where the live read model is when another process folds a sync meanwhile, and finds them equal', async () => {
      const { before, sync, store, control } = await caughtUpBeforeSync4();
      store.add(...sync);
      // another process's runner folds the sync (on connections of its own) while this one verifies
      const runner = new SqliteProjectionControl(beside(), store, SQLITE_PROJECTIONS, 2);
      let folding: Promise<number> | undefined;
      const verified = await control.verifyCaughtUp(NAMES, () => {
        folding ??= runner.catchUp();
      });
      expect(await folding).toBe(sync.length);
      expect(verified.filter((v) => !v.equal)).toEqual([]);
      // compared where the live ones had got to, past where the copies were first built to
      expect(Math.max(...verified.map((v) => v.position))).toBeGreaterThan(before[before.length - 1]!.position);
    });

    it('see the two threads\' halves of a catch-up together: a read between their commits waits for the second', async () => {
      const { before, sync } = sync4();
      const store = new LogEventStore([...before]);
      const files = beside();
      const asked: string[][] = [];
      const slow = elsewhere(store, asked);
      let models: SqliteReadModels | undefined;
      let betweenCommits: Promise<string> | undefined;
      const secondThread: SecondThread = {
        ...slow,
        // the other half commits 5 ms after this thread's: a read then finds the halves apart
        catchUp: (names, options) =>
          slow.catchUp(names, {
            ...options,
            beforeCommit: async () => {
              const commit = await options.beforeCommit();
              if (models) betweenCommits = observe(models);
              await new Promise((resolve) => setTimeout(resolve, 5));
              return commit;
            },
          }),
      };
      const control = new SqliteProjectionControl(files, store, SQLITE_PROJECTIONS, 2, { twoThreadCatchUpFrom: 5, secondThread });
      await control.catchUp();
      models = new SqliteReadModels(files.reader, control, store);
      const answerBefore = await observe(models);

      store.add(...sync);
      const duringFold: Promise<string>[] = [];
      await control.catchUp(() => duringFold.push(observe(models!)));
      const answerAfter = await observe(models);

      // (the first catch-up, of the whole story, was split too)
      expect(asked).toEqual([0, 1].map(() => ['audit', 'timelines', 'classes', 'syncs', 'lookups']));
      expect(answerAfter).not.toEqual(answerBefore);
      expect(duringFold.length).toBeGreaterThan(0);
      expect(await Promise.all(duringFold)).toEqual(duringFold.map(() => answerBefore));
      expect(betweenCommits).toBeDefined();
      expect(await betweenCommits).toEqual(answerAfter);
    });

    it('do not wait, in a commit round, for a read model stopped at an event to catch up with the others', async () => {
      const { events } = rosterStory();
      const store = new LogEventStore(events);
      const files = beside();
      const projections = SQLITE_PROJECTIONS.map((p) => (p.name === 'timelines' ? fragileProjection('timelines', (e) => e.position === 30) : p));
      const control = new SqliteProjectionControl(files, store, projections, 10);
      await control.catchUp();
      expect((await control.status()).find((s) => s.name === 'timelines')).toMatchObject({ status: 'failed', position: 29 });
      const models = new SqliteReadModels(files.reader, control, store);
      const expected = await models.account('u2');
      const expectedTimeline = await models.timeline('user', 'u1', { limit: 10 });
      const waits = jest.spyOn(global, 'setTimeout');
      const round = files.rounds!.begin(); // (a commit round under way: readers compare the read models' positions)
      try {
        expect(await models.account('u2')).toEqual(expected);
        // nor when it is the stopped one that is read, before or after a read of another
        expect(await models.timeline('user', 'u1', { limit: 10 })).toEqual(expectedTimeline);
        expect(await models.account('u2')).toEqual(expected);
        expect(await models.timeline('user', 'u1', { limit: 10 })).toEqual(expectedTimeline);
        expect(waits).not.toHaveBeenCalled();
        // a read model that is merely behind (its commit in this round still to come) is waited for, up to about a second
        control.liveVersion('timelines');
        jest.spyOn(control, 'stopped').mockReturnValue(false);
        expect(await models.account('u2')).toEqual(expected);
        expect(waits).toHaveBeenCalled();
      } finally {
        files.rounds!.end(round);
        jest.restoreAllMocks();
      }
    });

    it('are left to another process folding a read model: a catch-up waits a second for its file, then folds none of them', async () => {
      const { before, sync, store, control } = await caughtUpBeforeSync4();
      store.add(...sync);
      // another process in the middle of folding the accounts (serve's runner, say)
      const other = new Database(readModelVersionPath(ledger, 'accounts', 1));
      other.exec('BEGIN IMMEDIATE');
      const heartbeats: number[] = [];
      const heartbeat = setInterval(() => heartbeats.push(Date.now()), 50);
      try {
        const startedAt = Date.now();
        expect(await control.catchUp()).toBe(0);
        expect(Date.now() - startedAt).toBeLessThan(5_000);
        expect(control.foldedElsewhere()).toBe(true);
        // folding the others would leave the read models at different syncs: none moved
        expect((await control.status()).map((s) => [s.name, s.position])).toEqual(NAMES.map((n) => [n, before[before.length - 1]!.position]));
        // and the thread was not held up while it waited (a server goes on answering)
        expect(heartbeats.length).toBeGreaterThanOrEqual(10);
      } finally {
        clearInterval(heartbeat);
        other.exec('ROLLBACK');
        other.close();
      }
      await control.catchUp();
      expect(control.foldedElsewhere()).toBe(false);
      expect((await control.status()).every((s) => s.lag.events === 0)).toBe(true);
    });

    it('roll the other thread\'s half back too when this thread\'s is stopped, stopping it between its batches', async () => {
      const { before, sync } = sync4();
      const store = new LogEventStore([...before]);
      const files = beside();
      const other = elsewhere(store, [], SQLITE_PROJECTIONS, 2);
      const reachedThere: number[] = [];
      const secondThread: SecondThread = {
        ...other,
        catchUp: (names, options) =>
          other.catchUp(names, {
            ...options,
            onProgress: (p) => {
              reachedThere.push(p.position);
              options.onProgress(p);
            },
          }),
      };
      const control = new SqliteProjectionControl(files, store, SQLITE_PROJECTIONS, 2, { twoThreadCatchUpFrom: 5, secondThread });
      await control.catchUp();
      store.add(...sync);
      reachedThere.length = 0;
      let batches = 0;
      await control.catchUp(() => batches++, () => batches >= 2);
      expect((await control.status()).map((s) => s.position)).toEqual(NAMES.map(() => before[before.length - 1]!.position));
      // the other half stopped part-way too, rather than folding the rest of the sync for nothing
      expect(Math.max(...reachedThere)).toBeLessThan(sync[sync.length - 1]!.position);
      await control.catchUp();
      expect((await control.status()).map((s) => s.position)).toEqual(NAMES.map(() => sync[sync.length - 1]!.position));
    });

    it('fail, folding nothing, when SQLite rolls their transaction back whole (a full disk): the next catch-up skips no event', async () => {
      const { before, sync } = sync4();
      const store = new LogEventStore([...before]);
      const files = beside();
      let fullDisk = true;
      // the accounts' writer meets a full disk once, at sync-4's third event: SQLite rolls the whole
      // transaction back, and the batch tried again on its own would fit
      const filling = withWriterHook('accounts', (e, db) => {
        if (fullDisk && e.position === sync[2]!.position) {
          fullDisk = false;
          db.exec('ROLLBACK');
          throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
        }
      });
      const projections = SQLITE_PROJECTIONS.map((p) => (p.name === 'accounts' ? filling : p));
      const control = new SqliteProjectionControl(files, store, projections, 2);
      await control.catchUp();
      store.add(...sync);
      await expect(control.catchUp()).rejects.toThrow(/rolled back|disk is full/);
      expect((await control.status()).map((s) => s.position)).toEqual(NAMES.map(() => before[before.length - 1]!.position));

      await control.catchUp();
      await expectFoldedAsInOneConnection(files, control, store);
    });

    it('see nothing of a fold that was stopped part-way: it is rolled back, and folded whole by the next catch-up', async () => {
      const { before, sync, store, files, control } = await caughtUpBeforeSync4();
      const models = new SqliteReadModels(files.reader, control, store);
      const answerBefore = await observe(models);

      store.add(...sync);
      let batches = 0;
      await control.catchUp(() => batches++, () => batches >= 3);
      expect(await observe(models)).toEqual(answerBefore);
      expect((await control.status()).map((s) => s.position)).toEqual(NAMES.map(() => before[before.length - 1]!.position));

      await control.catchUp();
      await expectFoldedAsInOneConnection(files, control, store);
    });
  });
});

/** The timelines projection, failing at the events `fails` picks. */
/** A read model whose writer first hands each event to `before`, which may throw as a writer meeting a bad event (or a full disk) does. */
function withWriterHook(name: string, before: (e: RecordedEvent, db: Db) => void): SqliteProjection {
  const projection = SQLITE_PROJECTIONS.find((p) => p.name === name)!;
  return {
    ...projection,
    writer(db, t) {
      const writer = projection.writer(db, t);
      return {
        ...writer,
        apply(e) {
          before(e, db);
          writer.apply(e);
        },
      };
    },
  };
}

/** A read model that cannot fold the events `fails` picks. */
function fragileProjection(name: string, fails: (e: RecordedEvent) => boolean): SqliteProjection {
  return withWriterHook(name, (e) => {
    if (fails(e)) throw new Error(`cannot fold ${e.type} at ${e.position}`);
  });
}

/** Another process holding a read-model lock file (`verify-accounts`, `build-accounts`) as a process at work does, until it is killed. */
async function anotherProcessHolding(ledger: string, lock: string): Promise<{ other: ChildProcess; exited: Promise<unknown> }> {
  const { holder, exited } = await holdingElsewhere(join(readModelFolder(ledger), 'locks'), lock);
  return { other: holder, exited };
}
