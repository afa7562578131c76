import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, cli, cliJson, readLog, scratch } from './support/ledger-cli';

/**
 * `backup <folder>` copies what cannot be made again from the log (the log itself, the access
 * log, the change sets of held syncs) into a new folder laid out as beside the ledger: the copy's
 * ledger is a working `--db`, a held sync can be approved there, and the read models are rebuilt
 * from its log.
 */
describe('backup (end to end)', () => {
  const tmp = scratch('backup');
  const db = tmp.path('live', 'ledger.db');
  afterAll(() => tmp.cleanup());

  /** The demo without its first `n` students: a sync the guard holds. */
  function withoutStudents(as: string, n: number): string {
    const folder = tmp.demoCopy(as);
    const users = JSON.parse(readFileSync(join(folder, 'users.json'), 'utf8')) as { data: { data: { id: string; roles: { student?: unknown } } }[] };
    const gone = new Set(users.data.filter((u) => u.data.roles.student).slice(0, n).map((u) => u.data.id));
    users.data = users.data.filter((u) => !gone.has(u.data.id));
    writeFileSync(join(folder, 'users.json'), JSON.stringify(users));
    const sections = JSON.parse(readFileSync(join(folder, 'sections.json'), 'utf8')) as { data: { data: { students: string[] } }[] };
    for (const s of sections.data) s.data.students = s.data.students.filter((id) => !gone.has(id));
    writeFileSync(join(folder, 'sections.json'), JSON.stringify(sections));
    return folder;
  }

  const accessLogOf = (ledger: string) => {
    const file = new Database(`${ledger}.access-log.db`, { readonly: true });
    try {
      return file.prepare('SELECT at, who, role, endpoint, student_ids FROM access_log ORDER BY id').all();
    } finally {
      file.close();
    }
  };

  it('copies the log, the access log and a held sync\'s change set; the copy answers, and approves the held sync as the ledger would', async () => {
    mkdirSync(tmp.path('live'));
    expect(cli(['import', tmp.demoCopy('demo'), '--db', db]).status).toBe(0);
    const held = cliJson<{ syncId: string; status: string }>(['import', withoutStudents('minus-300', 300), '--db', db, '--json']);
    expect(held.body.status).toBe('held');
    // a read of students' data: in the access log, not in the log
    expect(cli(['search', 'Ziemann', '--db', db]).status).toBe(0);
    expect(accessLogOf(db).length).toBeGreaterThan(0);

    const into = tmp.path('backups', 'monday');
    const backup = cliJson<{ folder: string; ledger: string; files: { holds: string; path: string; bytes: number; syncId?: string }[]; heldWithoutChangeSet: string[] }>(['backup', into, '--db', db, '--json']);
    expect(backup.status).toBe(0);
    expect(backup.body.heldWithoutChangeSet).toEqual([]);
    expect(backup.body.ledger).toBe(join(into, 'ledger.db'));
    expect(backup.body.files.map(({ holds, path, syncId }) => ({ holds, path, syncId }))).toEqual([
      { holds: 'ledger', path: join(into, 'ledger.db'), syncId: undefined },
      { holds: 'held change set', path: expect.stringMatching(new RegExp(`^${into}/ledger\\.db\\.staged/[^/]+\\.db$`)), syncId: held.body.syncId },
      { holds: 'access log', path: join(into, 'ledger.db.access-log.db'), syncId: undefined },
    ]);
    for (const file of backup.body.files) expect(file.bytes).toBeGreaterThan(0);
    // no read models, no lock files: made again from the log
    expect(readdirSync(into).sort()).toEqual(['ledger.db', 'ledger.db.access-log.db', 'ledger.db.staged']);

    expect(await readLog(backup.body.ledger)).toEqual(await readLog(db));
    expect(accessLogOf(backup.body.ledger)).toEqual(accessLogOf(db));
    const found = cliJson<{ items: { personal: { name: { last: string } } }[] }>(['search', 'Ziemann', '--db', backup.body.ledger, '--json']);
    expect(found.body.items.map((a) => a.personal.name.last)).toEqual(['Ziemann']);

    const approved = cliJson<{ status: string; counts: Record<string, number> }>(['syncs', 'approve', held.body.syncId, '--by', 'restorer', '--db', backup.body.ledger, '--json']);
    expect(approved.status).toBe(0);
    expect(approved.body).toMatchObject({ status: 'completed', counts: expect.objectContaining({ StudentRemoved: 300 }) });
    // the ledger backed up is left as it was: its sync is still held
    expect(cliJson<{ status: string }>(['syncs', 'show', held.body.syncId, '--db', db, '--json']).body.status).toBe('held');
  }, 120_000);

  it('fails on a held sync\'s change set it cannot read, naming it, and leaves the folder as it was given, with nothing beside it', () => {
    const broken = tmp.path('broken', 'ledger.db');
    mkdirSync(tmp.path('broken'));
    expect(cli(['import', tmp.demoCopy('demo-broken'), '--db', broken]).status).toBe(0);
    expect(cliJson<{ status: string }>(['import', withoutStudents('minus-300-broken', 300), '--db', broken]).body.status).toBe('held');
    const [set] = readdirSync(`${broken}.staged`);
    writeFileSync(join(`${broken}.staged`, set!), 'not a database, and longer than its header would be: '.repeat(100));
    const into = tmp.path('backups', 'of-broken');
    mkdirSync(into, { recursive: true });

    const failed = cliJson<{ error: { code: string; message: string } }>(['backup', into, '--db', broken]);
    expect(failed.status).toBe(1);
    // what is damaged, and the way out: not the read models, nor the ledger
    expect(failed.body.error).toEqual({
      code: 'FILE_DAMAGED',
      message: expect.stringMatching(new RegExp(`^the change set of a held sync at ${join(`${broken}.staged`, set!)} is damaged \\(SQLITE_NOTADB: .*That sync cannot be approved: discard it`)),
    });
    expect(readdirSync(into)).toEqual([]);
    expect(readdirSync(tmp.path('backups')).sort()).toEqual(['monday', 'of-broken']);
  });

  it('refuses a folder the ledger keeps beside it, even an empty one', () => {
    const staged = `${db}.staged`;
    mkdirSync(staged, { recursive: true });
    const before = readdirSync(staged);
    const refused = cli(['backup', join(staged, 'backup'), '--db', db]);
    expect(refused.status).toBe(2);
    expect(refused.stderr.trim()).toBe(`error: ${join(staged, 'backup')} is inside ${staged}, which the ledger keeps beside it: give a folder for the backup apart from those`);
    expect(readdirSync(staged)).toEqual(before);
    // such a path itself is named once, as given (not "X is X")
    expect(cli(['backup', `${db}-journal`, '--db', db]).stderr.trim()).toBe(`error: ${db}-journal, which the ledger keeps beside it: give a folder for the backup apart from those`);
    // reached through a symbolic link too
    symlinkSync(staged, tmp.path('link-to-staged'));
    expect(cli(['backup', tmp.path('link-to-staged'), '--db', db]).status).toBe(2);
  });

  it('goes into a folder named after the ledger but not of it, an empty folder as it is (its mode kept), or one reached by a link, leaving nothing else there', () => {
    const beside = `${db}.bak-2026-12-05`;
    expect(cli(['backup', beside, '--db', db]).status).toBe(0);
    // a new folder holds students' data: its owner's alone
    expect(statSync(beside).mode & 0o777).toBe(0o700);
    expect(readdirSync(beside).sort()).toEqual(['ledger.db', 'ledger.db.access-log.db', 'ledger.db.staged']);

    const prepared = tmp.path('prepared');
    mkdirSync(prepared, { mode: 0o750 });
    chmodSync(prepared, 0o750);
    symlinkSync(prepared, tmp.path('link-to-prepared'));
    const viaLink = cliJson<{ ledger: string }>(['backup', tmp.path('link-to-prepared'), '--db', db]);
    expect(viaLink.status).toBe(0);
    expect(statSync(prepared).mode & 0o777).toBe(0o750);
    expect(readdirSync(prepared).sort()).toEqual(['ledger.db', 'ledger.db.access-log.db', 'ledger.db.staged']);
    expect(cli(['syncs', 'list', '--db', join(prepared, 'ledger.db')]).status).toBe(0);
  });

  it('refuses a folder that has files in it, and copies nothing there', () => {
    const into = tmp.path('backups', 'taken');
    mkdirSync(into, { recursive: true });
    writeFileSync(join(into, 'notes.txt'), 'mine\n');
    const refused = cli(['backup', into, '--db', db]);
    expect(refused.status).toBe(2);
    expect(refused.stderr.trim()).toBe(`error: ${into} is not empty: give a new or empty folder for the backup, so that nothing in it is overwritten`);
    expect(readdirSync(into)).toEqual(['notes.txt']);
    // what a killed backup left, hidden from ls: named, with how to clear it
    const left = tmp.path('backups', 'killed');
    mkdirSync(join(left, '.partial-0a1b2c3d'), { recursive: true });
    const killed = cli(['backup', left, '--db', db]);
    expect(killed.status).toBe(2);
    expect(killed.stderr.trim()).toBe(
      `error: ${left} holds only .partial-0a1b2c3d, what a backup stopped before it finished (killed, or a crash) left: no backup. Remove it (rm -r ${join(left, '.partial-0a1b2c3d')}) and run the backup again, or give a new or empty folder`,
    );
  });
  it('stopped with Ctrl-C while it copies, removes what it wrote and says so, and the ledger is as it was', async () => {
    // a ledger of some hundreds of megabytes, copied in steps of 100 MiB: the copy is stopped
    // between two of them (the demo's own ledger is copied in one)
    const large = tmp.path('large', 'ledger.db');
    mkdirSync(tmp.path('large'));
    expect(cli(['import', tmp.demoCopy('large-demo'), '--db', large, '--skip-projections']).status).toBe(0);
    const padded = new Database(large);
    padded.exec('CREATE TABLE padding (bytes BLOB)');
    padded.transaction(() => {
      for (let i = 0; i < 400; i++) padded.prepare('INSERT INTO padding VALUES (zeroblob(1048576))').run();
    })();
    padded.close();
    const before = await readLog(large);

    for (const [given, signal, exit] of [['new', 'SIGINT', 130], ['empty', 'SIGTERM', 143]] as const) {
      const into = tmp.path('stopped', given);
      if (given === 'empty') mkdirSync(into, { recursive: true });
      const child = spawn(process.execPath, [BIN, 'backup', into, '--db', large], { env: { ...process.env, LEDGER_CONFIG: '' } });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolveExit) => child.once('close', resolveExit));
      // once the copy of the ledger has begun
      const partial = () => (existsSync(into) ? readdirSync(into).find((name) => name.startsWith('.partial-')) : undefined);
      while (partial() === undefined || !existsSync(join(into, partial()!, 'ledger.db'))) await new Promise((later) => setTimeout(later, 5));
      child.kill(signal);
      expect(await exited).toBe(exit);
      expect(stderr.trim().split('\n').pop()).toBe(`backup stopped (${signal}): nothing of it is left in ${into}; the ledger is as it was`);
      // a folder it made goes; one it was given stays, empty
      expect(given === 'new' ? existsSync(into) : readdirSync(into)).toEqual(given === 'new' ? false : []);
    }
    expect(await readLog(large)).toEqual(before);
  }, 120_000);
});
