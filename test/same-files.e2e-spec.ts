import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LEDGER_STATE_FORMAT } from '@roster-ledger/domain';
import { SqliteEventStore, SqliteLedgerDatabase } from '@roster-ledger/event-store';
import { CLEVER_DEMO_FOLDER, writeNextDaySnapshot } from '@roster-ledger/testing';
import { cli, cliJson, readLog, rosterEvents, scratch } from './support/ledger-cli';

interface Summary {
  syncId: string;
  status: string;
  appended: number;
  counts: Record<string, number>;
  skipped: Record<string, number>;
  unresolved: Record<string, number>;
  unknownValues: Record<string, number>;
  contents: { reading: string; files: { name: string; bytes: number; sha256: string }[] } | null;
  sameFilesAs: string | null;
  settledUnder: number | null;
}

/** What `sha256sum` says of each snapshot file of a folder. */
function digestsOf(folder: string) {
  return readdirSync(folder)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => ({ name, bytes: statSync(join(folder, name)).size, sha256: createHash('sha256').update(readFileSync(join(folder, name))).digest('hex') }));
}

/**
 * A folder synced again with byte-for-byte the files of the district's last sync: recognised by
 * the files' SHA-256, no record read, nothing appended; anything else is read and compared.
 */
describe('a sync of the same files again', () => {
  const tmp = scratch('same-files');
  afterAll(() => tmp.cleanup());
  const findings = (s: Summary) => ({ skipped: s.skipped, unresolved: s.unresolved, unknownValues: s.unknownValues });

  describe('on one ledger', () => {
    const db = tmp.path('ledger.db');
    let first: Summary;

    it('records the files each sync read, with their sizes and SHA-256', () => {
      const imported = cliJson<Summary>(['import', CLEVER_DEMO_FOLDER, '--db', db]);
      expect(imported.status).toBe(0);
      first = imported.body;
      expect(first.contents?.files).toEqual(digestsOf(CLEVER_DEMO_FOLDER));
      expect(first.contents?.reading).toMatch(/^clever-json /);
      expect(first.sameFilesAs).toBeNull();
      // each record the import read was checked against the state its events made
      expect(first.settledUnder).toBe(LEDGER_STATE_FORMAT);
      const shown = cli(['syncs', 'show', first.syncId, '--db', db]);
      expect(shown.stdout).toContain('Files (read as clever-json');
      expect(shown.stdout).toContain(digestsOf(CLEVER_DEMO_FOLDER).find((f) => f.name === 'users.json')!.sha256);
    });

    it('recognises the same files: reads no record, appends nothing, and repeats what the first sync found', async () => {
      const before = await readLog(db);
      const again = cliJson<Summary>(['import', CLEVER_DEMO_FOLDER, '--db', db]);
      expect(again.status).toBe(0);
      expect(again.body).toMatchObject({ status: 'completed', appended: 0, counts: {}, sameFilesAs: first.syncId });
      expect(findings(again.body)).toEqual(findings(first));
      expect(again.body.contents).toEqual(first.contents);
      const after = await readLog(db);
      expect(after.slice(before.length).map((e) => e.type)).toEqual(['SyncStarted', 'SyncCompleted']);

      const human = cli(['import', CLEVER_DEMO_FOLDER, '--db', db]);
      expect(human.stdout).toContain(`byte for byte those of sync ${again.body.syncId}`);
    });

    it('finds by reading every record what it found without: nothing to append, the same findings', () => {
      const reread = cliJson<Summary>(['import', CLEVER_DEMO_FOLDER, '--db', db, '--read-all']).body;
      expect(reread).toMatchObject({ status: 'completed', appended: 0, counts: {}, sameFilesAs: null, contents: first.contents });
      expect(findings(reread)).toEqual(findings(first));
    });

    it('reads and compares every record when one file has other bytes, even if its records are the same', () => {
      const folder = tmp.demoCopy('reformatted');
      appendFileSync(join(folder, 'districts.json'), '\n');
      const reread = cliJson<Summary>(['import', folder, '--db', db]);
      expect(reread.body).toMatchObject({ status: 'completed', appended: 0, sameFilesAs: null });
      expect(reread.body.contents?.files).toEqual(digestsOf(folder));
      expect(findings(reread.body)).toEqual(findings(first));
    });

    it('compares with the last sync only: files synced before a change are read again, and undo it', () => {
      const nextDay = tmp.path('next-day');
      writeNextDaySnapshot(CLEVER_DEMO_FOLDER, nextDay);
      expect(cliJson<Summary>(['import', nextDay, '--db', db]).body.appended).toBeGreaterThan(0);
      const back = cliJson<Summary>(['import', CLEVER_DEMO_FOLDER, '--db', db]);
      expect(back.body.sameFilesAs).toBeNull();
      expect(back.body.appended).toBeGreaterThan(0);
    });
  });

  it('reads the files when a roster event of the district was recorded after the sync that read them', async () => {
    const db = tmp.path('recorded-since.db');
    expect(cli(['import', CLEVER_DEMO_FOLDER, '--db', db]).status).toBe(0);
    const student = rosterEvents(await readLog(db)).find((e) => e.type === 'StudentShared')!;
    // a change recorded by any other way than a sync of these files
    const store = new SqliteEventStore(new SqliteLedgerDatabase(db));
    const grade = (student.data['record'] as { grade: string }).grade;
    const changes = { grade: { from: grade, to: grade === '12' ? '11' : '12' } };
    await store.appendToStream(student.streamId, [{ id: randomUUID(), type: 'StudentUpdated', data: { id: student.data['id'] as string, changes, personal: {} }, metadata: { ...student.metadata } }]);
    await store.close();

    const again = cliJson<Summary>(['import', CLEVER_DEMO_FOLDER, '--db', db]);
    expect(again.body).toMatchObject({ status: 'completed', sameFilesAs: null });
    // the files were read: the change is undone
    expect(again.body.counts['StudentUpdated']).toBe(1);
  });

  /** A copy of the demo district without 300 of its students: the guard holds it. */
  function minusStudents(as: string): string {
    const folder = tmp.demoCopy(as);
    const users = JSON.parse(readFileSync(join(folder, 'users.json'), 'utf8'));
    const students = users.data.filter((u: { data: { roles: Record<string, unknown> } }) => u.data.roles['student']);
    const gone = new Set<string>(students.slice(0, 300).map((u: { data: { id: string } }) => u.data.id));
    users.data = users.data.filter((u: { data: { id: string } }) => !gone.has(u.data.id));
    writeFileSync(join(folder, 'users.json'), JSON.stringify(users));
    return folder;
  }

  it('recognises the files of a held sync once it is approved', () => {
    const db = tmp.path('approved.db');
    expect(cli(['import', CLEVER_DEMO_FOLDER, '--db', db]).status).toBe(0);
    const folder = minusStudents('minus-approved');
    const held = cliJson<Summary>(['import', folder, '--db', db]).body;
    expect(held.status).toBe('held');
    expect(held.contents?.files).toEqual(digestsOf(folder));
    const approved = cliJson<Summary>(['syncs', 'approve', held.syncId, '--by', 'alice', '--db', db]).body;
    expect(approved.contents).toEqual(held.contents);

    const again = cliJson<Summary>(['import', folder, '--db', db]).body;
    expect(again).toMatchObject({ status: 'completed', appended: 0, sameFilesAs: held.syncId });
  });

  it('recognises the files synced before a held sync that was discarded: it changed nothing', () => {
    const db = tmp.path('discarded.db');
    const first = cliJson<Summary>(['import', CLEVER_DEMO_FOLDER, '--db', db]).body;
    const held = cliJson<Summary>(['import', minusStudents('minus-discarded'), '--db', db]).body;
    expect(held.status).toBe('held');
    expect(cli(['syncs', 'discard', held.syncId, '--by', 'bob', '--db', db]).status).toBe(0);
    expect(cliJson<Summary>(['import', CLEVER_DEMO_FOLDER, '--db', db]).body).toMatchObject({ status: 'completed', appended: 0, sameFilesAs: first.syncId });
  });
});
