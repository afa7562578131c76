import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { cli, scratch } from './support/ledger-cli';

/**
 * `audit export --out` names a file the export is renamed over once whole: never the ledger, nor a
 * file it keeps beside it (its access log, a read model's file), however named. Those cannot be
 * made again from the export, and the log and the access log from nothing at all.
 */
describe('audit export --out on the ledger\'s own files (end to end)', () => {
  const tmp = scratch('export-out');
  const db = tmp.path('ledger.db');
  const digest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

  beforeAll(() => {
    expect(cli(['import', tmp.demoCopy('snapshot'), '--db', db]).status).toBe(0);
    // a read of students' data, so that the access log holds something to lose
    expect(cli(['search', 'a', '--db', db]).status).toBe(0);
  });
  afterAll(() => tmp.cleanup());

  it('refuses the ledger itself, by any name, with exit 2, and writes nothing', () => {
    const before = digest(db);
    const link = tmp.path('a-link.db');
    symlinkSync(db, link);
    for (const out of [db, join(tmp.path('snapshot'), '..', basename(db)), link]) {
      const refused = cli(['audit', 'export', '--db', db, '--out', out]);
      expect([refused.status, refused.stderr.trim()]).toEqual([2, `error: --out: ${out} is the ledger itself: name a file apart from the ledger's own; nothing was written`]);
    }
    // no ledger at --db: said as such, not as an --out on the ledger
    expect(cli(['audit', 'export', '--db', tmp.path('missing.db'), '--out', tmp.path('missing.db')]).stderr).toMatch(/^error: there is no ledger at /);
    // a usage mistake, found before the ledger is opened: the ledger named by LEDGER_DB too
    expect(cli(['audit', 'export', '--out', db], { LEDGER_DB: db }).stderr.trim()).toBe(`error: --out: ${db} is the ledger itself: name a file apart from the ledger's own; nothing was written`);
    expect(digest(db)).toBe(before);
    expect(readdirSync(tmp.dir).filter((name) => name.endsWith('.partial'))).toEqual([]);
    expect(cli(['syncs', 'list', '--db', db]).status).toBe(0);
  });

  it('refuses the access log and a read model\'s file, and says which it is', () => {
    const accessLog = `${db}.access-log.db`;
    const readModel = join(`${db}.read-models`, readdirSync(`${db}.read-models`).find((name) => name.endsWith('.db'))!);
    const refusedAsOwn = (own: string, named: string) => {
      const refused = cli(['audit', 'export', '--db', db, '--out', own, '--format', 'json']);
      expect(refused.status).toBe(2);
      expect(JSON.parse(refused.stdout)).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
      expect(refused.stdout).toContain(`is what the ledger keeps beside it (${named})`);
    };
    for (const [own, named] of [[accessLog, accessLog], [readModel, `${db}.read-models`]] as const) {
      const before = digest(own);
      refusedAsOwn(own, named);
      expect(digest(own)).toBe(before);
    }
    // the access log's write-ahead log, which holds reads not yet written into it while serve runs
    // (none here: the command that closes the log last removes it)
    refusedAsOwn(`${accessLog}-wal`, `${accessLog}-wal`);
    expect(cli(['access-log', '--db', db]).status).toBe(0);
  });

  it('says that a file system refused the export (a full disk) as writing stdout says it, naming the file, with exit 1', () => {
    // /dev/full: every write fails with ENOSPC, as on a full disk
    const full = cli(['audit', 'export', '--db', db, '--out', '/dev/full']);
    expect(full.status).toBe(1);
    expect(full.stderr.trim()).toBe(
      'error: writing the export to /dev/full failed (the disk is full, ENOSPC): this export is incomplete (export again; a whole one ends with how many changes it wrote and the next --after)',
    );
    const asJson = cli(['audit', 'export', '--db', db, '--out', '/dev/full', '--format', 'json']);
    expect(asJson.status).toBe(1);
    expect(JSON.parse(asJson.stdout)).toEqual({ error: { code: 'OUTPUT_FAILED', message: expect.stringContaining('writing the export to /dev/full failed (the disk is full, ENOSPC)') } });
  });

  it('writes to a file of its own beside the ledger as before', () => {
    const out = tmp.path('audit.csv');
    writeFileSync(out, 'an older export\n');
    const written = cli(['audit', 'export', '--db', db, '--out', out]);
    expect(written.status).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^position,/);
  });
});
