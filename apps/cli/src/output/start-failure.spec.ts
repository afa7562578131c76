import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreBusy, EventStoreUnavailable } from '@roster-ledger/ledger';
import { startFailure } from './start-failure';

/** What better-sqlite3 throws for a write to a file SQLite could open only for reading (a SqliteError). */
const readonlyError = () => Object.assign(new Error('attempt to write a readonly database'), { name: 'SqliteError', code: 'SQLITE_READONLY' });

describe('startFailure: one line on why a command could not start', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'start-failure-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names the ledger, what SQLite said, and what to do, for a ledger that cannot be written', () => {
    const ledger = join(dir, 'ledger.db');
    const message = startFailure(readonlyError(), ledger);
    expect(message).toContain(`the ledger at ${ledger} cannot be opened for writing (SQLITE_READONLY: attempt to write a readonly database)`);
    expect(message).toMatch(/a read too .* run it where the ledger's folder is writable/);
  });

  it('reads the SQLite error a store wrapped, by its own words', () => {
    const wrapped = new EventStoreUnavailable(`SQLite ledger ${join(dir, 'x.db')} failed (SQLITE_READONLY): attempt to write a readonly database`);
    wrapped.cause = Object.assign(new Error('attempt to write a readonly database'), { code: 'SQLITE_READONLY' });
    expect(startFailure(wrapped, join(dir, 'x.db'))).toContain('cannot be opened for writing (SQLITE_READONLY: attempt to write a readonly database)');
  });

  it('says nothing of writing when SQLite cannot open a file in a folder it may write (a folder at the ledger\'s path)', () => {
    const wrapped = new EventStoreUnavailable(`SQLite ledger ${dir} failed (SQLITE_CANTOPEN): unable to open database file`);
    wrapped.cause = Object.assign(new Error('unable to open database file'), { code: 'SQLITE_CANTOPEN' });
    expect(startFailure(wrapped, dir)).toBe(wrapped.message);
  });

  it('says that a ledger SQLite finds damaged as it opens it is damaged, that nothing changed, and what to do', () => {
    // as the store gives it: naming the file it failed on
    const wrapped = new EventStoreUnavailable(`SQLite ledger ${join(dir, 'x.db')} failed (SQLITE_CORRUPT): database disk image is malformed`, join(dir, 'x.db'));
    wrapped.cause = Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' });
    const message = startFailure(wrapped, join(dir, 'x.db'));
    expect(message).toContain(`the ledger at ${join(dir, 'x.db')} is damaged (SQLITE_CORRUPT: database disk image is malformed)`);
    expect(message).toMatch(/Nothing was changed\. Restore it from a backup/);
  });

  it('blames the ledger only for a damage its own connection found; names the access log, or a read model, otherwise', () => {
    const ledger = join(dir, 'x.db');
    const corrupt = (extra: object = {}) => Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT', ...extra });
    // a read model's connection names no file
    const ofReadModel = startFailure(corrupt(), ledger);
    expect(ofReadModel).toContain(`a read model of the ledger at ${ledger} is damaged (SQLITE_CORRUPT: database disk image is malformed)`);
    expect(ofReadModel).toContain(`move ${ledger}.read-models aside and run the command again`);
    expect(ofReadModel).not.toMatch(/^the ledger at/);
    // the access log names the file it was reading: its own, or the ledger it copies older reads from
    expect(startFailure(corrupt({ file: `${ledger}.access-log.db` }), ledger)).toMatch(new RegExp(`^the access log at ${ledger}\\.access-log\\.db is damaged .* The ledger itself is not at fault, and needs no restore\\. .*put the access log of a backup in its place`));
    expect(ofReadModel).toContain('only if that finds damage, restore the ledger from a backup');
    expect(startFailure(corrupt({ file: ledger }), ledger)).toMatch(new RegExp(`^the ledger at ${ledger} is damaged `));
    // a held sync's change set, whose file the store names as it names the ledger: discarding that sync mends it
    const set = `${ledger}.staged/d1.s1.db`;
    const ofSet = new EventStoreUnavailable(`SQLite ledger ${set} failed (SQLITE_CORRUPT): database disk image is malformed`, set);
    ofSet.cause = corrupt();
    const said = startFailure(ofSet, ledger);
    expect(said).toMatch(new RegExp(`^the change set of a held sync at ${set} is damaged .* The ledger itself is not at fault\\. That sync cannot be approved: discard it`));
    expect(said).not.toContain('read-models');
  });

  it("names the file beside the ledger that cannot be written: a read model's shared memory file left by another user", () => {
    const ledger = join(dir, 'x.db');
    mkdirSync(`${ledger}.read-models`);
    const shm = join(`${ledger}.read-models`, 'accounts.v2.db-shm');
    writeFileSync(shm, '');
    // as another user meets it (a test running as root may write anything)
    // the module object itself (an `import *` is a copy of it), as the code under test calls it
    const fs = jest.requireActual<typeof import('node:fs')>('node:fs');
    jest.spyOn(fs, 'accessSync').mockImplementation((path) => {
      if (path === shm) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
    });
    try {
      expect(startFailure(readonlyError(), ledger)).toContain(`cannot be opened for writing (SQLITE_READONLY: attempt to write a readonly database): this user may not write to ${shm}.`);
      const cantOpen = Object.assign(new Error('unable to open database file'), { code: 'SQLITE_CANTOPEN' });
      expect(startFailure(cantOpen, ledger)).toContain(`this user may not write to ${shm}`);
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('says that the disk could not be written, how much room it has, and what to do, for a full disk', () => {
    const ledger = join(dir, 'x.db');
    const full = Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_SHMSIZE' });
    const message = startFailure(full, ledger);
    expect(message).toMatch(new RegExp(`^the ledger at ${ledger} could not be used: its disk could not be written \\(SQLITE_IOERR_SHMSIZE: disk I/O error\\)\\. It has [\\d,.]+ [KM]iB free\\. `));
    expect(message).toContain(`free space on the disk of ${dir} (df -h ${dir}) and run it again; nothing was changed`);
  });

  it('leaves other failures as they were: a busy ledger says to wait, a fault of ours keeps its stack', () => {
    const busy = new EventStoreBusy('SQLite ledger l.db is locked by another connection (SQLITE_BUSY): database is locked');
    expect(startFailure(busy, 'l.db')).toMatch(/Another process is writing the ledger/);
    const ours = new TypeError('x is not a function');
    expect(startFailure(ours, 'l.db')).toBe(ours.stack);
  });
});
