import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { NewEvent, RecordedEvent } from '@roster-ledger/ledger';
import { SqliteEventStore } from './sqlite-event-store';
import { BackupNotWritten } from './backup-not-written';
import { backupSqliteLedger, copySqliteFile } from './sqlite-ledger-backup';

const lifecycle = (...types: string[]): NewEvent[] => types.map((type) => ({ id: randomUUID(), type, data: {}, metadata: {} }));

async function all(store: SqliteEventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const e of store.readAll()) events.push(e);
  return events;
}

describe('backupSqliteLedger', () => {
  let dir: string;
  let ledger: string;
  let store: SqliteEventStore;
  /** A staged change set file of a sync, as a sync leaves it beside the ledger. */
  const stage = (syncId: string) => {
    mkdirSync(`${ledger}.staged`, { recursive: true });
    const set = new Database(join(`${ledger}.staged`, `district-1.${syncId}.db`));
    set.exec('CREATE TABLE staged (seq INTEGER PRIMARY KEY, events TEXT)');
    set.prepare('INSERT INTO staged (events) VALUES (?)').run(`[{"sync":"${syncId}"}]`);
    set.close();
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'roster-ledger-backup-'));
    ledger = join(dir, 'live', 'ledger.db');
    mkdirSync(join(dir, 'live'));
    store = SqliteEventStore.open(ledger);
    await store.appendToStream('sync-held', lifecycle('SyncStarted', 'SyncHeld'), 'no_stream');
    await store.appendToStream('sync-running', lifecycle('SyncStarted'), 'no_stream');
    await store.appendToStream('sync-approved', lifecycle('SyncStarted', 'SyncHeld', 'SyncApproved', 'SyncCompleted'), 'no_stream');
    for (const id of ['held', 'running', 'approved']) stage(id);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies the log as it is, and the change sets of the syncs held in it only', async () => {
    const into = join(dir, 'backup');
    mkdirSync(into);
    const progress: [number, number][] = [];
    const backup = await backupSqliteLedger(ledger, into, (copied, total) => progress.push([copied, total]));

    expect(backup).toEqual({
      ledger: join(into, 'ledger.db'),
      heldChangeSets: [{ syncId: 'held', path: join(into, 'ledger.db.staged', 'district-1.held.db') }],
      heldWithoutChangeSet: [],
    });
    const copy = SqliteEventStore.open(backup.ledger);
    try {
      expect(await all(copy)).toEqual(await all(store));
    } finally {
      await copy.close();
    }
    const set = new Database(backup.heldChangeSets[0]!.path, { readonly: true });
    expect(set.prepare('SELECT events FROM staged').pluck().all()).toEqual(['[{"sync":"held"}]']);
    set.close();
    // pages copied of pages in all, after each step but the last
    const copy2 = new Database(backup.ledger, { readonly: true });
    expect(progress).toContainEqual([0, copy2.pragma('page_count', { simple: true })]);
    copy2.close();
  });

  it('copies the log as the moment it began left it: events appended while it copies are not in the copy', async () => {
    const into = join(dir, 'backup');
    mkdirSync(into);
    const before = await all(store);
    let appended = false;
    const backup = await backupSqliteLedger(ledger, into, () => {
      if (appended) return;
      appended = true;
      // another connection (a sync) appends meanwhile: it is not held up, and the copy does not start over
      void store.appendToStream('user-1', lifecycle('StudentShared'), 'no_stream');
    });
    expect(appended).toBe(true);
    expect((await all(store)).length).toBe(before.length + 1);
    const copy = SqliteEventStore.open(backup.ledger);
    try {
      expect(await all(copy)).toEqual(before);
    } finally {
      await copy.close();
    }
  });

  it('fails, naming the sync, when a held sync is decided while it copies (its set is gone): the backup is to be taken again', async () => {
    const into = join(dir, 'backup');
    mkdirSync(into);
    // the approval as it ends: its events appended, its set deleted
    const decided = backupSqliteLedger(ledger, into, () => {
      void store.appendToStream('sync-held', lifecycle('SyncApproved', 'SyncCompleted'), 1);
      rmSync(join(`${ledger}.staged`, 'district-1.held.db'), { force: true });
    });
    await expect(decided).rejects.toThrow('sync held was approved or discarded while the ledger was copied, and its change set is gone: take the backup again');
    expect(existsSync(join(into, 'ledger.db.staged', 'district-1.held.db'))).toBe(false);
    expect(readdirSync(`${ledger}.staged`).sort()).toEqual(['district-1.approved.db', 'district-1.running.db']);
  });

  it('refuses a ledger in rollback-journal mode (a sync appending alone on it), whose commit its read would hold up', async () => {
    await store.close();
    const raw = new Database(ledger);
    expect(raw.pragma('journal_mode = DELETE', { simple: true })).toBe('delete');
    raw.close();
    const into = join(dir, 'backup');
    mkdirSync(into);
    await expect(backupSqliteLedger(ledger, into)).rejects.toThrow(`the ledger at ${ledger} is in delete mode, not WAL: a sync appending alone holds it; take the backup when the sync has ended`);
    expect(readdirSync(into)).toEqual([]);
    store = SqliteEventStore.open(ledger);
  });

  it('names the copy, not the ledger, when the disk the copy goes to is full', async () => {
    // /dev/full takes no byte (ENOSPC), as a full disk
    const copying = copySqliteFile(ledger, '/dev/full');
    await expect(copying).rejects.toBeInstanceOf(BackupNotWritten);
    await expect(copying).rejects.toThrow("could not write the backup's copy at /dev/full (the disk is full, SQLITE_FULL): free some room there, or back up to another disk, and take the backup again");
  });

  it('copies a held sync whose change set is nowhere as it is, and names it', async () => {
    rmSync(join(`${ledger}.staged`, 'district-1.held.db'));
    const into = join(dir, 'backup');
    mkdirSync(into);
    expect(await backupSqliteLedger(ledger, into)).toEqual({ ledger: join(into, 'ledger.db'), heldChangeSets: [], heldWithoutChangeSet: ['held'] });
  });
});
