import Database from 'better-sqlite3';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CLEVER_DEMO_FOLDER, writeNextDaySnapshot } from '@roster-ledger/testing';
import { SqliteAccessLog } from '@roster-ledger/read-models';
import { cli, cliJson, scratch } from './support/ledger-cli';

/**
 * The questions support, compliance and engineers ask, through the real CLI, after the demo
 * district and its next day were imported.
 */
describe('read side through the CLI (end to end)', () => {
  const tmp = scratch('read-side');
  const db = tmp.path('ledger.db');
  const changes = writeNextDaySnapshot(CLEVER_DEMO_FOLDER, tmp.path('next-day'));
  let day1: { syncId: string; startedAt: string; districtId: string };
  let day2: { syncId: string; startedAt: string; requestedBy: string };
  const between = () => new Date((Date.parse(day1.startedAt) + Date.parse(day2.startedAt)) / 2).toISOString();

  beforeAll(() => {
    day1 = cliJson<{ syncId: string; startedAt: string; districtId: string }>(['import', CLEVER_DEMO_FOLDER, '--db', db]).body;
    day2 = cliJson<{ syncId: string; startedAt: string; requestedBy: string }>(['import', tmp.path('next-day'), '--db', db]).body;
  });
  afterAll(() => tmp.cleanup());

  it('finds a student by name, SIS id or Clever id, and shows support no demographics', () => {
    const byId = cliJson<{ items: any[]; next: string | null }>(['search', changes.addedStudent, '--db', db]).body;
    expect(byId).toEqual({ items: [expect.objectContaining({ id: changes.addedStudent })], next: null, searchedBy: 'name or identifier', foundByFormer: [] });
    expect(cliJson<{ items: any[] }>(['search', '199900001', '--db', db]).body.items.map((a) => a.id)).toEqual([changes.addedStudent]);
    const asSupport = cliJson<{ items: any[] }>(['search', 'noor hadd', '--role', 'support', '--db', db]).body.items;
    expect(asSupport[0]).toMatchObject({ id: changes.addedStudent, personal: { name: { first: 'Noor', last: 'Haddad' } }, personalRedacted: true });
    expect(JSON.stringify(asSupport)).not.toMatch(/"race"|"gender"|"dob"/);
    const asCompliance = cliJson<{ items: any[] }>(['search', 'noor hadd', '--role', 'compliance', '--db', db]).body.items;
    expect(asCompliance[0].facets.student.personal).toMatchObject({ race: 'Asian', dob: '2008-04-02' });
    // her name written in full finds her, and the line shows it so
    expect(cli(['search', 'Noor A Haddad', '--db', db]).stdout).toMatch(new RegExp(`^${changes.addedStudent}  Noor A Haddad +student `));
  });

  it('pages a search that matches more accounts than a page holds, and says there are more', () => {
    const all = cliJson<{ items: { id: string }[]; next: string | null }>(['search', 'a', '--limit', '1000', '--db', db]).body;
    expect(all.items.length).toBeGreaterThan(3);
    const paged: string[] = [];
    let after: string[] = [];
    for (;;) {
      const page = cliJson<{ items: { id: string }[]; next: string | null }>(['search', 'a', '--limit', String(Math.ceil(all.items.length / 3)), ...after, '--db', db]).body;
      paged.push(...page.items.map((a) => a.id));
      if (page.next === null) break;
      after = ['--after', page.next];
    }
    expect(paged).toEqual(all.items.map((a) => a.id));
    // on a terminal: the page, then how to ask for the next one
    const text = cli(['search', 'a', '--limit', '2', '--db', db]);
    const lines = text.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    // the whole command of the next page, run as it is printed
    expect(lines[2]).toMatch(new RegExp(`^More: roster-ledger search a --limit 2 --db ${db.replace(/[.\\/]/g, '\\$&')} --after \\S+$`));
    const next = cli(lines[2]!.split(' ').slice(2)).stdout.trim().split('\n');
    expect(next[0]!.split(' ')[0]).toBe(all.items[2]!.id);
    const notACursor = cli(['search', 'a', '--after', 'not-a-cursor', '--db', db]);
    expect({ status: notACursor.status, stderr: notACursor.stderr }).toEqual({ status: 2, stderr: expect.stringMatching(/^error \(INVALID_REQUEST\): --after must be the next of a search page/) });
  });

  it('refuses the --after of an account search on a class search: both are ordered by name, so it would page classes from a person’s name', () => {
    const accountsNext = cliJson<{ next: string }>(['search', 'a', '--limit', '2', '--db', db]).body.next;
    const onClasses = cli(['search', 'a', '--classes', '--after', accountsNext, '--db', db]);
    expect({ status: onClasses.status, stderr: onClasses.stderr }).toEqual({
      status: 2,
      stderr: expect.stringMatching(/^error \(INVALID_REQUEST\): --after must be the next of a page of this search, got the next of an account search page/),
    });
    const classesNext = cliJson<{ next: string }>(['search', 'a', '--classes', '--limit', '2', '--db', db]).body.next;
    expect(cli(['search', 'a', '--after', classesNext, '--db', db]).status).toBe(2);
    expect(cli(['search', 'e', '--after', accountsNext, '--db', db]).stderr).toMatch(/another text or district/);
    expect(cli(['search', 'a', '--classes', '--after', classesNext, '--db', db]).status).toBe(0);
  });

  it("answers when a student was added to and removed from classes, with the sync and both clocks", () => {
    const { student, fromSection, toSection } = changes.moved;
    const timeline = cliJson<{ items: any[] }>(['timeline', 'user', student, '--db', db]).body.items;
    const joined = timeline.find((e) => e.type === 'StudentEnrolled' && e.data.sectionId === toSection);
    const left = timeline.find((e) => e.type === 'StudentUnenrolled' && e.data.sectionId === fromSection);
    expect(joined).toMatchObject({ syncId: day2.syncId, observedAt: day2.startedAt, recordedAt: expect.any(String) });
    expect(left).toMatchObject({ syncId: day2.syncId });
    expect(timeline[0]).toMatchObject({ type: 'StudentShared', syncId: day1.syncId, cleverLastModified: expect.stringMatching(/^2021-/) });
    // the class by its name, where its id alone was, and the id beside it
    const className = cliJson<any>(['roster', toSection, '--db', db]).body.class.name as string;
    expect(joined.related).toEqual([{ field: 'sectionId', kind: 'section', id: toSection, name: className, status: 'active' }]);
    const human = cli(['timeline', 'user', student, '--db', db]).stdout;
    expect(human).toContain(`StudentEnrolled        ${className} (section ${toSection})\n`);
    // following the paging hint past the last entry says there is nothing after it, not nothing at all
    const last = timeline[timeline.length - 1].position as number;
    expect(cli(['timeline', 'user', student, '--after', String(last), '--db', db]).stdout).toBe(`Nothing recorded for user ${student} after position ${last}.\n`);
  });

  it("names the students and teachers on a class's timeline for the roles that may see names, and logs the read of those students", async () => {
    const { toSection } = changes.moved;
    const added = changes.addedStudent;
    const asSupport = cliJson<{ items: any[] }>(['timeline', 'section', toSection, '--role', 'support', '--db', db]).body.items;
    const enrolled = asSupport.find((e) => e.type === 'StudentEnrolled' && e.data.studentId === added);
    expect(enrolled.related).toEqual([{ field: 'studentId', kind: 'user', id: added, name: 'Noor Haddad', status: 'active' }]);
    const human = cli(['timeline', 'section', toSection, '--role', 'support', '--db', db]).stdout;
    expect(human).toContain(`StudentEnrolled        Noor Haddad (student ${added})\n`);
    expect(human).toMatch(/TeacherAssigned {8}\S[^(]* \(teacher \w+\)/);

    // the read is in the access log: the command, and every student it named
    const log = SqliteAccessLog.open(db);
    try {
      const [entry] = (await log.query({ studentId: added, limit: 1 })).items;
      const named = new Set(asSupport.filter((e) => e.data.studentId).map((e) => e.data.studentId));
      expect(entry).toMatchObject({ role: 'support', endpoint: 'cli timeline' });
      expect(new Set(entry!.studentIds)).toEqual(named);
    } finally {
      log.close();
    }

    // engineers: the ids as before, no name
    const asEngineer = cli(['timeline', 'section', toSection, '--role', 'engineer', '--db', db]).stdout;
    expect(asEngineer).toContain(`StudentEnrolled        student ${added}\n`);
    expect(asEngineer).not.toMatch(/Noor|Haddad/);
    // and a search by name finds nobody for them, saying why; by Clever id, the account
    expect(cli(['search', 'Noor Haddad', '--role', 'engineer', '--db', db]).stdout).toBe(
      'No account has the Clever id "Noor Haddad" (a role that may see no personal data searches by Clever id alone).\n',
    );
    expect(cli(['search', added, '--role', 'engineer', '--db', db]).stdout).toMatch(new RegExp(`^${added}  \\(name not shown\\) `));
    // and so does the JSON a script reads
    expect(cliJson(['search', 'Noor Haddad', '--role', 'engineer', '--db', db]).body).toEqual({ items: [], next: null, searchedBy: 'clever id', foundByFormer: [] });
  });

  it('gives the roster of a class as of a moment before and after the change, each member since when', () => {
    const { student, toSection } = changes.moved;
    const before = cliJson<any>(['roster', toSection, '--as-of', between(), '--db', db]).body;
    const after = cliJson<any>(['roster', toSection, '--db', db]).body;
    const ids = (r: any) => r.students.map((m: any) => m.userId);
    expect(ids(before)).not.toContain(student);
    expect(ids(after)).toEqual(expect.arrayContaining([student, changes.addedStudent]));
    expect(after.students.find((m: any) => m.userId === student)).toMatchObject({ since: day2.startedAt, sinceSync: day2.syncId });
    expect(ids(after).length).toBe(ids(before).length + 2);
    const swap = changes.teacherSwapped;
    const teachers = (r: any) => r.teachers.map((m: any) => [m.userId, m.primary]);
    expect(teachers(cliJson<any>(['roster', swap.section, '--as-of', between(), '--db', db]).body)).toContainEqual([swap.from, true]);
    expect(teachers(cliJson<any>(['roster', swap.section, '--db', db]).body)).toContainEqual([swap.to, true]);
    expect(cliJson<any>(['roster', toSection, '--as-of', '2001-01-01', '--db', db]).body.students).toEqual([]);
    // a moment to come is answered as the ledger knows the class now, and says so
    expect(cli(['roster', toSection, '--as-of', '2999-01-01', '--db', db]).stdout.split('\n')[0]).toMatch(/ as of 2999-01-01T23:59:59\.999Z \(a moment to come: the roster as the ledger knows it now\)$/);
    expect(cli(['roster', toSection, '--as-of', between(), '--db', db]).stdout.split('\n')[0]).not.toContain('a moment to come');
    const bad = cli(['roster', toSection, '--as-of', 'last tuesday', '--db', db]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--as-of must be a date');
  });

  it('finds a class by a part of its name, in any case, or its Clever id, and names its SIS id and school', () => {
    const { toSection } = changes.moved;
    const className = cliJson<any>(['roster', toSection, '--db', db]).body.class.name as string;
    const word = className.split(' ')[0]!.toLowerCase();
    const found = cliJson<{ items: { id: string; name: string }[]; next: string | null }>(['search', word, '--classes', '--limit', '1000', '--db', db]).body;
    expect(found.items.map((c) => c.id)).toContain(toSection);
    expect(found.items.every((c) => c.name.toLowerCase().includes(word))).toBe(true);
    const text = cli(['search', toSection, '--classes', '--db', db]).stdout;
    expect(text).toMatch(new RegExp(`^${toSection}  ${className.replace(/[.*+?^\${}()|[\]\\]/g, '\\$&')} +active +sis \\S+  school \\S+\n$`));
    expect(cli(['search', 'no class is called this', '--classes', '--db', db]).stdout).toBe('No class matches "no class is called this".\n');
    const elsewhere = cli(['search', word, '--classes', '--district', 'no-such-district', '--db', db]);
    expect(elsewhere.status).toBe(2);
  });

  it("gives a student's classes as of a moment before and after the move, each since when, in text and JSON", () => {
    const { student, fromSection, toSection } = changes.moved;
    const classesOf = (...args: string[]) => cliJson<any>(['classes', student, ...args, '--db', db]).body;
    const sections = (answer: any) => answer.classes.map((c: any) => c.sectionId);
    const before = classesOf('--as-of', between());
    const after = classesOf();
    expect(sections(before)).toContain(fromSection);
    expect(sections(before)).not.toContain(toSection);
    expect(sections(after)).toContain(toSection);
    expect(sections(after)).not.toContain(fromSection);
    expect(after.classes.find((c: any) => c.sectionId === toSection)).toMatchObject({ role: 'student', since: day2.startedAt, sinceSync: day2.syncId });
    expect(classesOf('--as-of', '2001-01-01')).toMatchObject({ accountStatus: 'not yet shared', classes: [] });
    const className = after.classes.find((c: any) => c.sectionId === toSection).className as string;
    const text = cli(['classes', student, '--db', db]).stdout;
    // the names' column as wide as the page's longest class name, at least 28
    const width = Math.max(28, ...after.classes.map((c: any) => (c.className ?? '').length));
    expect(text).toContain(`  ${toSection}  ${className.padEnd(width)}  student since ${day2.startedAt} (sync ${day2.syncId})\n`);
    // a class the student was in from the ledger's first sync: joined then or before, as the roster says
    const stayed = after.classes.find((c: any) => c.sinceSync === day1.syncId);
    expect(stayed).toMatchObject({ sinceClassShared: true });
    expect(after.classes.find((c: any) => c.sectionId === toSection)).toMatchObject({ sinceClassShared: false });
    expect(text).toContain(` student since ${day1.startedAt} (sync ${day1.syncId}, which shared the class: joined then or before)`);
    expect(cli(['classes', student, '--as-of', '2001-01-01', '--db', db]).stdout).toContain('None: the ledger had not yet recorded this person then.');
    // and a class's roster before the class was first recorded is not "no one was in it"
    expect(cli(['roster', toSection, '--as-of', '2001-01-01', '--db', db]).stdout).toMatch(/\nNone: the ledger had not yet recorded this class then\.\n$/);
    expect(cli(['classes', student, '--as-of', '2999-01-01', '--db', db]).stdout.split('\n')[0]).toMatch(/ as of 2999-01-01T23:59:59\.999Z \(a moment to come: the classes as the ledger knows them now\): \d+$/);
    // a teacher made primary after joining says since when, as a roster does
    const swap = changes.teacherSwapped;
    const teacherLines = cli(['classes', swap.to, '--db', db]).stdout;
    expect(teacherLines).toMatch(new RegExp(`  ${swap.section}  .* teacher since \\S+ \\(sync \\S+\\), primary`));
    const unknown = cli(['classes', 'no-such-student', '--db', db]);
    expect({ status: unknown.status, stderr: unknown.stderr }).toEqual({ status: 2, stderr: expect.stringContaining('account no-such-student not found') });
  });

  it('exports the audit feed as CSV, filtered by event type and sync', () => {
    const csv = cli(['audit', 'export', '--types', 'StudentRemoved,StudentShared', '--sync', day2.syncId, '--db', db]).stdout.trim().split('\n');
    expect(csv[0]).toBe('position,observed_at,recorded_at,clever_last_modified,sync_id,record_type,type,stream_id,data,last_known,sync_requested_by,sync_approved_by,source,clever_event_id');
    expect(csv.slice(1).map((l) => l.split(',')[6])).toEqual(['StudentShared', 'StudentRemoved']);
    // each change names who asked for its sync (the import's user); none of these syncs was held, so none was approved
    // and where the sync read it: a snapshot folder, no Clever event
    expect(csv.slice(1).map((l) => l.split(',').slice(-4))).toEqual([
      [day2.requestedBy, '', 'snapshot', ''],
      [day2.requestedBy, '', 'snapshot', ''],
    ]);
    // the removal names the student it removed, with what compliance may see (demographics too)
    const removed = cliJson<{ items: any[] }>(['search', changes.removedStudent, '--role', 'compliance', '--db', db]).body.items[0];
    expect(removed).toMatchObject({ id: changes.removedStudent, status: 'removed' });
    // support finds a removed student by the SIS id they had, and sees it: what they were as a student, cut for the role
    const sisId = removed.formerFacets.student.personal.sis_id as string;
    const forSupport = cliJson<{ items: any[] }>(['search', sisId, '--role', 'support', '--db', db]).body.items[0];
    expect(forSupport.formerFacets.student.personal).toMatchObject({ sis_id: sisId });
    expect(JSON.stringify(forSupport.formerFacets)).not.toMatch(/"race"|"gender"|"dob"/);
    expect(cli(['search', sisId, '--role', 'support', '--db', db]).stdout).toContain(`was student      removed  sis ${sisId}  first shared`);
    expect(csv[2]).toContain(`""name"":${JSON.stringify(removed.personal.name).replace(/"/g, '""')}`);
    expect(csv[2]).toMatch(/""race"":/);
    // given twice, an option takes the values of both, as the API does
    const twice = cli(['audit', 'export', '--types', 'StudentRemoved', '--types', 'StudentShared', '--sync', day2.syncId, '--db', db]).stdout.trim().split('\n');
    expect(twice).toEqual(csv);
    // the feed is compliance's (and admins'), as through the API: support is refused before the ledger is read
    const asSupport = cli(['audit', 'export', '--types', 'StudentRemoved', '--sync', day2.syncId, '--role', 'support', '--format', 'json', '--db', db]);
    expect([asSupport.status, JSON.parse(asSupport.stdout), asSupport.stderr]).toEqual([
      2,
      { error: { code: 'INVALID_REQUEST', message: 'the audit feed is for compliance and admin; --role support may not read it' } },
      '',
    ]);
    const enrollments = JSON.parse(cli(['audit', 'export', '--format', 'json', '--record-types', 'enrollment', '--db', db]).stdout) as any[];
    // --json, as every other command takes it, is the same export
    expect(JSON.parse(cli(['audit', 'export', '--json', '--record-types', 'enrollment', '--db', db]).stdout)).toEqual(enrollments);
    expect(enrollments.length).toBeGreaterThan(8000);
    expect(new Set(enrollments.map((e) => e.recordType))).toEqual(new Set(['enrollment']));
    // a reversed range is refused before anything is written
    const reversed = cli(['audit', 'export', '--from', '2026-11-30', '--to', '2026-11-01', '--db', db]);
    expect({ status: reversed.status, stdout: reversed.stdout }).toEqual({ status: 2, stdout: '' });
    expect(reversed.stderr).toBe('error: --from 2026-11-30 is after --to 2026-11-01 (--to includes the whole day)\n');
    // and so is a district the ledger has never recorded
    const unknown = cli(['audit', 'export', '--district', 'nosuchdistrict', '--db', db]);
    expect({ status: unknown.status, stdout: unknown.stdout, stderr: unknown.stderr.trim() }).toEqual({
      status: 2,
      stdout: '',
      stderr: 'error (NOT_FOUND): district nosuchdistrict not found',
    });
  });

  it('lists syncs a page at a time, saying where the next page starts', () => {
    const first = cli(['syncs', 'list', '--limit', '1', '--db', db]).stdout.trim().split('\n');
    expect(first).toHaveLength(3); // the header, the newest sync, where the next page starts
    expect(first[1]!.startsWith(`${day2.syncId}  completed`)).toBe(true);
    expect(first[2]).toBe(`More: roster-ledger syncs list --limit 1 --db ${db} --after ${day2.syncId}`);
    // with --json, as every paged read: `next` is the --after of the next page, null on the last
    const firstPage = cliJson<{ items: { syncId: string }[]; next: string | null }>(['syncs', 'list', '--limit', '1', '--db', db]).body;
    expect({ ids: firstPage.items.map((s) => s.syncId), next: firstPage.next }).toEqual({ ids: [day2.syncId], next: day2.syncId });
    const rest = cliJson<{ items: { syncId: string }[]; next: string | null }>(['syncs', 'list', '--after', firstPage.next!, '--db', db]).body;
    expect({ ids: rest.items.map((s) => s.syncId), next: rest.next }).toEqual({ ids: [day1.syncId], next: null });
    const wrong = cli(['syncs', 'list', '--after', 'nope', '--db', db]);
    expect({ status: wrong.status, stderr: wrong.stderr.trim() }).toEqual({
      status: 2,
      stderr: 'error (INVALID_REQUEST): --after must be the id of a sync of this ledger, the last one of the page before, got "nope"',
    });
  });

  it('refuses a sync, school, district or stream that was never recorded, naming it, instead of answering with nothing', () => {
    const district = day1.districtId;
    for (const [args, stderr] of [
      [['audit', 'export', '--sync', 'nope'], 'error (NOT_FOUND): sync nope not found'],
      [['audit', 'export', '--district', district, '--school', 'nope'], `error (NOT_FOUND): school nope in district ${district} not found`],
      [['syncs', 'list', '--district', 'nope'], 'error (NOT_FOUND): district nope not found'],
      [['search', 'noor', '--district', 'nope'], 'error (NOT_FOUND): district nope not found'],
      [['events', '--stream', 'user-000000000000000000000000'], 'error (NOT_FOUND): stream user-000000000000000000000000 not found'],
      // a bare id: the stream's kind is missing
      [
        ['events', '--stream', changes.addedStudent],
        `error (NOT_FOUND): stream ${changes.addedStudent} not found; streams are named <kind>-<id> ` +
          `(district, school, term, course, user, section, sync, cursor), e.g. user-${changes.addedStudent} or section-${changes.addedStudent}`,
      ],
      [['events', '--stream', day2.syncId], `error (NOT_FOUND): stream ${day2.syncId} not found; streams are named <kind>-<id> (district, school, term, course, user, section, sync, cursor), e.g. sync-${day2.syncId}`],
    ] as const) {
      const refused = cli([...args, '--db', db]);
      expect({ status: refused.status, stdout: refused.stdout, stderr: refused.stderr.trim() }).toEqual({ status: 2, stdout: '', stderr });
    }
    // a refused export leaves a file already at --out as it was, and no part of a feed beside it
    const out = join(dirname(db), 'feed.csv');
    writeFileSync(out, 'last week\'s export\n');
    const refused = cli(['audit', 'export', '--sync', 'nope', '--out', out, '--db', db]);
    expect({ status: refused.status, stderr: refused.stderr.trim() }).toEqual({ status: 2, stderr: 'error (NOT_FOUND): sync nope not found' });
    // a script asking for JSON, by --json or by --format json, gets the error as JSON too; so does a usage mistake
    for (const asked of [['--json'], ['--format', 'json'], ['--format=json']]) {
      const inJson = cli(['audit', 'export', '--sync', 'nope', ...asked, '--db', db]);
      expect({ status: inJson.status, stdout: JSON.parse(inJson.stdout) }).toEqual({ status: 2, stdout: { error: { code: 'NOT_FOUND', message: 'sync nope not found' } } });
      const usage = cli(['audit', 'export', '--bom', ...asked, '--db', db]);
      expect({ status: usage.status, stdout: JSON.parse(usage.stdout) }).toEqual({ status: 2, stdout: { error: { code: 'INVALID_REQUEST', message: '--bom is for a CSV export (for Excel): JSON has none' } } });
    }
    expect(readFileSync(out, 'utf8')).toBe('last week\'s export\n');
    expect(readdirSync(dirname(db)).filter((name) => name.startsWith('feed.csv'))).toEqual(['feed.csv']);
    // a whole one replaces it
    const written = cli(['audit', 'export', '--sync', day2.syncId, '--types', 'StudentRemoved', '--out', out, '--db', db]);
    expect(readFileSync(out, 'utf8').trim().split('\n').map((line) => line.split(',')[6])).toEqual(['type', 'StudentRemoved']);
    // it says where the next export of a series starts, and so does one that found nothing new
    const last = readFileSync(out, 'utf8').trim().split('\n')[1]!.split(',')[0]!;
    const next = `the next export of a series takes --after ${last}`;
    expect({ status: written.status, stdout: written.stdout, stderr: written.stderr.trim() }).toEqual({ status: 0, stdout: '', stderr: `audit feed written to ${out}: 1 change, the last at position ${last}; ${next}` });
    // for Excel, which reads a CSV without a byte order mark in a legacy code page: the same bytes after one
    const forExcel = join(dirname(db), 'feed-excel.csv');
    expect(cli(['audit', 'export', '--sync', day2.syncId, '--types', 'StudentRemoved', '--bom', '--out', forExcel, '--db', db]).status).toBe(0);
    expect(readFileSync(forExcel)).toEqual(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(out)]));
    const nothingNew = cli(['audit', 'export', '--sync', day2.syncId, '--types', 'StudentRemoved', '--after', last, '--db', db]);
    expect({ status: nothingNew.status, lines: nothingNew.stdout.trim().split('\n').length, stderr: nothingNew.stderr.trim() }).toEqual({ status: 0, lines: 1, stderr: `audit feed written: no change after position ${last}; ${next} again` });
    // a position past the end of the log (a damaged or another ledger's position file) is refused, not an empty export
    const past = cli(['audit', 'export', '--after', '99999999', '--db', db]);
    expect({ status: past.status, stdout: past.stdout, stderr: past.stderr }).toEqual({
      status: 2,
      stdout: '',
      stderr: expect.stringMatching(/^error \(INVALID_REQUEST\): --after: 99999999 is past the end of this ledger's log \(its last position is \d+\)/),
    });
    // a write that fails (a full disk: /dev/full, where Linux has it) fails the export, saying so
    if (existsSync('/dev/full')) {
      const full = cli(['audit', 'export', '--out', '/dev/full', '--db', db]);
      expect({ status: full.status, stderr: full.stderr.trim() }).toEqual({ status: 1, stderr: expect.stringMatching(/^error: writing the export to \/dev\/full failed \(the disk is full, ENOSPC\): this export is incomplete/) });
    }
    // known, with nothing of what is asked: a true empty answer
    const noneOfThose = cli(['audit', 'export', '--sync', day1.syncId, '--types', 'SyncApproved', '--db', db]);
    expect({ status: noneOfThose.status, stdout: noneOfThose.stdout }).toEqual({ status: 0, stdout: 'position,observed_at,recorded_at,clever_last_modified,sync_id,record_type,type,stream_id,data,last_known,sync_requested_by,sync_approved_by,source,clever_event_id\n' });
    // a revision past the stream's end is refused as the log's past its end is, not answered with nothing
    const pastTheStream = cli(['events', '--stream', `sync-${day1.syncId}`, '--from', '1000', '--db', db]);
    expect({ status: pastTheStream.status, stderr: pastTheStream.stderr.trim() }).toEqual({
      status: 2,
      stderr: expect.stringMatching(new RegExp(`^error \\(INVALID_REQUEST\\): --from: 1000 is past the end of stream sync-${day1.syncId} \\(its last revision is \\d+\\)`)),
    });
    // a page that is not the last says where the next starts; the last says nothing more
    const firstPage = cli(['events', '--stream', `sync-${day1.syncId}`, '--limit', '1', '--db', db]).stdout.trim().split('\n');
    expect(firstPage.at(-1)).toBe(`More: roster-ledger events --stream sync-${day1.syncId} --limit 1 --db ${db} --from 1`);
    const rest = cli(['events', '--stream', `sync-${day1.syncId}`, '--from', '1', '--db', db]).stdout;
    expect(rest).toMatch(new RegExp(`^#position.*\n#\\d+ .* sync-${day1.syncId}@1 `));
    expect(rest).not.toContain('More:');
    expect(cli(['search', 'nobody-by-this-name', '--district', district, '--db', db])).toMatchObject({ status: 0, stdout: 'No account matches "nobody-by-this-name".\n' });
  });

  it('shows each projection caught up, rebuilds them all, and verifies them against the log', () => {
    const status = cliJson<{ items: any[] }>(['projections', '--db', db]).body.items;
    expect(status.map((s) => [s.name, s.status, s.lag.events])).toEqual(
      ['accounts', 'classes', 'enrollments', 'timelines', 'audit', 'syncs', 'lookups'].map((n) => [n, 'running', 0]),
    );
    // the same listing as text, bare and as `projections list`
    for (const args of [['projections'], ['projections', 'list']]) {
      const listed = cli([...args, '--db', db]);
      expect(listed.status).toBe(0);
      expect(listed.stdout).toMatch(/timelines\s.*running/);
    }
    const rebuilt = cliJson<any>(['rebuild', '--all', '--db', db]).body;
    expect(rebuilt).toMatchObject({ swapped: true, version: { accounts: 2, timelines: 2 } });
    const verify = cli(['projections', 'verify', '--db', db]);
    expect(verify.status).toBe(0);
    expect(verify.stdout.match(/equal to a rebuild from the log/g)).toHaveLength(7);
    // a read model that lost rows (a file edited by hand) differs from the log, and says how to make it again
    const accounts = new Database(join(`${db}.read-models`, 'accounts.v2.db'));
    accounts.prepare('DELETE FROM rm_accounts_account_search_v2 WHERE id IN (SELECT id FROM rm_accounts_account_search_v2 LIMIT 3)').run();
    accounts.close();
    const differs = cli(['projections', 'verify', 'accounts', 'audit', '--db', db]);
    expect(differs.status).toBe(1);
    expect(differs.stdout.split('\n')).toEqual([
      expect.stringMatching(/^accounts +DIFFERS \(account_search: 3 rows in one version and not the other\) at position \d+$/),
      expect.stringMatching(/^audit +equal to a rebuild from the log at position \d+$/),
      `To make it again from the log: roster-ledger rebuild accounts --db ${db}`,
      '',
    ]);
    expect(cli(['rebuild', 'accounts', '--db', db]).status).toBe(0);
    expect(cli(['projections', 'verify', 'accounts', '--db', db]).status).toBe(0);
    expect(cli(['rebuild', 'nonsense', '--db', db]).stderr).toContain('no projection named nonsense');
    const both = cli(['rebuild', 'accounts', '--all', '--db', db]);
    expect({ status: both.status, stderr: both.stderr.trim() }).toEqual({ status: 2, stderr: 'error: name the projections to rebuild or pass --all, not both' });
    // with --json, the error object on stdout, as for every usage mistake
    for (const [args, message] of [
      [['rebuild'], 'name the projections to rebuild, or pass --all'],
      [['rebuild', '--dry-run'], 'name the projections to rebuild, or pass --all'],
      [['rebuild', 'accounts', '--all'], 'name the projections to rebuild or pass --all, not both'],
    ] as const) {
      const asJson = cliJson([...args, '--json', '--db', db]);
      expect({ args, status: asJson.status, body: asJson.body, stderr: asJson.stderr }).toEqual({ args, status: 2, body: { error: { code: 'INVALID_REQUEST', message } }, stderr: '' });
    }
  });

  it("shows a student's district extension fields (ext) to compliance alone, as their share and as a change", () => {
    const extDb = tmp.path('ext.db');
    const withExt = (as: string, phone: string) => {
      const folder = tmp.demoCopy(as);
      const users = JSON.parse(readFileSync(join(folder, 'users.json'), 'utf8'));
      users.data[2].data.roles.student.ext = { guardian_name: 'Mo Okafor', guardian_phone: phone };
      writeFileSync(join(folder, 'users.json'), JSON.stringify(users));
      return { folder, id: users.data[2].data.id as string };
    };
    const first = withExt('ext-1', '555-0100');
    expect(cli(['import', first.folder, '--db', extDb]).status).toBe(0);
    expect(cli(['import', withExt('ext-2', '555-0199').folder, '--db', extDb]).status).toBe(0);

    const account = (role: string) => cliJson<{ items: any[] }>(['search', first.id, '--role', role, '--db', extDb]).body.items[0];
    expect(account('compliance').facets.student.fields.ext).toEqual({ guardian_name: 'Mo Okafor', guardian_phone: '555-0199' });
    for (const role of ['support', 'engineer']) {
      expect(account(role)).toMatchObject({ personalRedacted: true });
      expect(JSON.stringify(account(role))).not.toMatch(/Okafor|555-01/);
    }
    const timeline = (role: string) => cliJson<{ items: any[] }>(['timeline', 'user', first.id, '--role', role, '--db', extDb]).body.items;
    const updated = (role: string) => timeline(role).find((e) => e.type === 'StudentUpdated');
    expect(updated('compliance').data.changes).toEqual({ 'ext.guardian_phone': { from: '555-0100', to: '555-0199' } });
    expect(updated('support').data).toMatchObject({ changes: {}, personalRedacted: true });
    expect(JSON.stringify(timeline('support'))).not.toMatch(/Okafor|555-01/);
  });

  it('finds a student by the name and email they had before they changed, listed under the present name', () => {
    const renamedDb = tmp.path('renamed.db');
    const folder = tmp.demoCopy('renamed-1');
    const users = JSON.parse(readFileSync(join(folder, 'users.json'), 'utf8'));
    const { id, name, email } = users.data[4].data as { id: string; name: { first: string; last: string }; email: string };
    expect(cli(['import', folder, '--db', renamedDb]).status).toBe(0);
    const next = tmp.demoCopy('renamed-2');
    Object.assign(users.data[4].data, { name: { ...name, last: 'Okonkwo-Renamed' }, email: 'renamed@example.org' });
    writeFileSync(join(next, 'users.json'), JSON.stringify(users));
    expect(cli(['import', next, '--db', renamedDb]).status).toBe(0);

    for (const text of [`${name.first} ${name.last}`, `${name.last}, ${name.first}`, email, 'okonkwo-renamed', 'renamed@example.org']) {
      const found = cliJson<{ items: { id: string; personal: { name: { last: string }; email: string } }[] }>(['search', text, '--role', 'support', '--db', renamedDb]).body.items;
      expect({ text, found: found.filter((a) => a.id === id).map((a) => [a.personal.name.last, a.personal.email]) }).toEqual({ text, found: [['Okonkwo-Renamed', 'renamed@example.org']] });
    }
  });

  it('prints a name holding a line break, a tab or a backslash on the one line of its record, escaped, so that it cannot pass for another row', () => {
    const oddDb = tmp.path('odd-names.db');
    const named = (as: string, last: string) => {
      const folder = tmp.demoCopy(as);
      const users = JSON.parse(readFileSync(join(folder, 'users.json'), 'utf8'));
      users.data[2].data.name.last = last;
      writeFileSync(join(folder, 'users.json'), JSON.stringify(users));
      return { folder, id: users.data[2].data.id as string };
    };
    const first = named('odd-1', 'Smith\n6a00000000000000000000ff  Fake Student');
    expect(cli(['import', first.folder, '--db', oddDb]).status).toBe(0);
    expect(cli(['import', named('odd-2', 'Smith\tJr \\n').folder, '--db', oddDb]).status).toBe(0);

    const found = cli(['search', first.id, '--db', oddDb]).stdout.trimEnd().split('\n');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^${first.id}  \\S.* Smith\\\\tJr \\\\\\\\n +student `));
    // the change from the first name to the second, in the one line of its entry
    const timeline = cli(['timeline', 'user', first.id, '--db', oddDb]).stdout;
    expect(timeline).toContain('name.last: Smith\\n6a00000000000000000000ff  Fake Student -> Smith\\tJr \\\\n\n');
    // no line of its own for the text after the line break
    expect(timeline.split('\n').filter((line) => line.startsWith('6a00000000000000000000ff'))).toEqual([]);
  });

  it('a student removed and shared again the next day: the share says what the student was when removed, cut for the role', () => {
    const again = tmp.path('shared-again.db');
    for (const folder of [CLEVER_DEMO_FOLDER, tmp.path('next-day')]) expect(cliJson(['import', folder, '--db', again]).status).toBe(0);
    // the third day shares the district as the first did: the student removed on the second is back
    const day3 = cliJson<{ syncId: string }>(['import', CLEVER_DEMO_FOLDER, '--db', again]).body;
    const shares = (role: string) =>
      (JSON.parse(cli(['audit', 'export', '--types', 'StudentShared', '--sync', day3.syncId, '--role', role, '--format', 'json', '--db', again]).stdout) as any[]).filter(
        (c) => c.streamId === `user-${changes.removedStudent}`,
      );
    const [asCompliance] = shares('compliance');
    expect(asCompliance.lastKnown).toMatchObject({ record: { grade: expect.any(String) }, personal: { name: asCompliance.data.personal.name, race: expect.any(String) } });
    // a first share says nothing more
    const first = JSON.parse(cli(['audit', 'export', '--types', 'StudentShared', '--format', 'json', '--db', again]).stdout) as any[];
    expect(first[0]).not.toHaveProperty('lastKnown');
  }, 60_000);
});
