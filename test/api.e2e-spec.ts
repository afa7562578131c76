import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { SyncSummary } from '@roster-ledger/domain';
import { CatchUpProjectionsCommand, RunSyncCommand } from '@roster-ledger/ledger';
import { CLEVER_DEMO_DISTRICT_ID, CLEVER_DEMO_FOLDER, writeNextDaySnapshot, type NextDayChanges } from '@roster-ledger/testing';
import { TEST_KEYS, testKeysConfig, type ApiClient } from './support/api-client';
import { serveRefusal, startServe, stopServe } from './support/api-serve-process';
import { cli } from './support/ledger-cli';
import { startApiTestServer, type ApiTestServer } from './support/api-test-server';

/**
 * The REST API as its users meet it, over real HTTP: the demo district and its next day recorded
 * through the CommandBus, then the questions compliance, support and engineers ask, each role
 * seeing only what it may.
 */
describe('REST API (end to end)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-ledger-api-'));
  const district = CLEVER_DEMO_DISTRICT_ID;
  let server: ApiTestServer;
  let api: ApiClient;
  let changes: NextDayChanges;
  let day1: SyncSummary;
  let day2: SyncSummary;
  /** A moment after the first sync saw the district and before the next day's did. */
  let between: string;

  beforeAll(async () => {
    server = await startApiTestServer(join(dir, 'ledger.db'));
    api = server.client;
    changes = writeNextDaySnapshot(CLEVER_DEMO_FOLDER, join(dir, 'next-day'));
    day1 = await server.commands.execute<RunSyncCommand, SyncSummary>(new RunSyncCommand(CLEVER_DEMO_FOLDER, { requestedBy: 'e2e' }));
    day2 = await server.commands.execute<RunSyncCommand, SyncSummary>(new RunSyncCommand(join(dir, 'next-day'), { requestedBy: 'e2e' }));
    await server.commands.execute(new CatchUpProjectionsCommand());
    between = new Date((Date.parse(day1.startedAt) + Date.parse(day2.startedAt)) / 2).toISOString();
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('compliance: who was added, removed and changed', () => {
    it('lists the next day’s additions and removals, filtered by type and sync, with both clocks', async () => {
      const { status, body } = await api.as('compliance').get(`/districts/${district}/audit?types=StudentShared,StudentRemoved&sync=${day2.syncId}`);
      expect(status).toBe(200);
      expect(body.items.map((c: any) => [c.type, c.streamId])).toEqual([
        ['StudentShared', `user-${changes.addedStudent}`],
        ['StudentRemoved', `user-${changes.removedStudent}`],
      ]);
      expect(body.items[0]).toMatchObject({ syncId: day2.syncId, observedAt: day2.startedAt, recordedAt: expect.any(String), recordType: 'student' });
      expect(body.next).toBeNull();
    });

    it('says who a removal removed, as they stood just before: name, SIS id and, for compliance, demographics', async () => {
      const { body } = await api.as('compliance').get(`/districts/${district}/audit?types=StudentRemoved&sync=${day2.syncId}`);
      const account = (await api.as('compliance').get(`/accounts/${changes.removedStudent}`)).body;
      expect(body.items).toHaveLength(1);
      expect(body.items[0].data).toEqual({ id: changes.removedStudent });
      expect(body.items[0].lastKnown).toMatchObject({
        record: { grade: expect.any(String), school: expect.any(String) },
        personal: { name: account.personal.name, email: account.personal.email, sis_id: expect.any(String), race: expect.any(String), dob: expect.any(String) },
      });
      expect(body.items[0].lastKnown.personalRedacted).toBeUndefined();
    });

    it('shows the field values before and after, demographics included', async () => {
      const { body } = await api.as('compliance').get(`/districts/${district}/audit?types=StudentUpdated,DemographicUpdated&from=${between}`);
      const byStream = Object.fromEntries(body.items.map((c: any) => [c.streamId, c.data]));
      const g = changes.gradeChanged;
      const d = changes.demographicChanged;
      expect(byStream[`user-${g.student}`]).toMatchObject({ changes: { grade: { from: g.from, to: g.to } } });
      expect(byStream[`user-${d.student}`]).toMatchObject({ personal: { [d.field]: { from: d.from, to: d.to } } });
    });

    it('pages with a cursor: `next` goes back as `after`', async () => {
      const path = `/districts/${district}/audit?recordTypes=student&types=StudentShared`;
      const first = await api.as('compliance').get(`${path}&limit=2`);
      expect(first.body.items).toHaveLength(2);
      expect(first.body.next).toBe(String(first.body.items[1].position));
      const second = await api.as('compliance').get(`${path}&limit=2&after=${first.body.next}`);
      expect(second.body.items[0].position).toBeGreaterThan(first.body.items[1].position);
    });

    it('exports the whole filtered feed as CSV, header first, one line per change', async () => {
      const { status, headers, text } = await api.as('compliance').get(`/districts/${district}/audit/export?format=csv&types=StudentShared,StudentRemoved&sync=${day2.syncId}`);
      expect(status).toBe(200);
      expect(headers.get('content-type')).toMatch(/^text\/csv/);
      expect(headers.get('content-disposition')).toMatch(/^attachment; filename="audit-5a0c91b95c7cc000010d417c-\d{4}-\d\d-\d\d\.csv"$/);
      const lines = text.trim().split(/\r?\n/);
      expect(lines[0]).toBe('position,observed_at,recorded_at,clever_last_modified,sync_id,record_type,type,stream_id,data,last_known,sync_requested_by,sync_approved_by,source,clever_event_id');
      expect(lines.slice(1).map((l) => l.split(',').slice(6, 8))).toEqual([
        ['StudentShared', `user-${changes.addedStudent}`],
        ['StudentRemoved', `user-${changes.removedStudent}`],
      ]);
      expect(lines[1]).toContain(day2.syncId);
      // the removal's row names the student it removed (a JSON cell, its quotes doubled)
      const { name } = (await api.as('compliance').get(`/accounts/${changes.removedStudent}`)).body.personal;
      expect(lines[2]).toContain(`""name"":${JSON.stringify(name).replace(/"/g, '""')}`);
    });

    it('starts the CSV with a byte order mark for Excel when asked (bom=true), and refuses one for JSON', async () => {
      const path = `/districts/${district}/audit/export?format=csv&types=StudentRemoved&sync=${day2.syncId}`;
      const plain = await api.as('compliance').get(path);
      const marked = await api.as('compliance').get(`${path}&bom=true`);
      expect(plain.text.startsWith('position,')).toBe(true);
      expect(marked.text).toBe(`\ufeff${plain.text}`);
      const json = await api.as('compliance').get(`/districts/${district}/audit/export?format=json&bom=true`);
      expect({ status: json.status, code: json.body.code, detail: json.body.detail }).toEqual({ status: 400, code: 'INVALID_REQUEST', detail: expect.stringContaining('bom is for a CSV export') });
    });

    it('exports more than a page as one JSON array', async () => {
      const { status, body } = await api.as('compliance').get(`/districts/${district}/audit/export?format=json&types=StudentShared`);
      expect(status).toBe(200);
      expect(body).toHaveLength(1005);
      expect(new Set(body.map((c: any) => c.position)).size).toBe(1005);
    });

    it('exports the changes after the last one of the export before (after), for exports one after another that hold each change once', async () => {
      const whole = (await api.as('compliance').get(`/districts/${district}/audit/export?format=json`)).body as { position: number }[];
      const cut = whole[Math.floor(whole.length / 2)]!.position;
      const { status, body } = await api.as('compliance').get(`/districts/${district}/audit/export?format=json&after=${cut}`);
      expect(status).toBe(200);
      expect(body).toEqual(whole.filter((c) => c.position > cut));
      for (const [after, problem] of [
        ['', 'after is empty: leave after out for the whole feed, or pass the position of the last change of the export before'],
        ['1e3', 'after must be a log position, a whole number >= 0 in decimal digits: the position of the last change of the export before'],
      ]) {
        const refused = await api.as('compliance').get(`/districts/${district}/audit/export?format=csv&after=${after}`);
        expect({ status: refused.status, errors: refused.body.errors }).toEqual({ status: 400, errors: [{ parameter: 'after', problems: [problem] }] });
      }
      // a position past the end of the log (another ledger's, say) is refused, not answered with nothing, in the feed and the export
      const last = whole[whole.length - 1]!.position;
      expect((await api.as('compliance').get(`/districts/${district}/audit?after=${last}`)).body).toEqual({ items: [], next: null });
      for (const path of [`/districts/${district}/audit?after=${last + 1000}`, `/districts/${district}/audit/export?format=json&after=${last + 1000}`]) {
        const past = await api.as('compliance').get(path);
        expect({ status: past.status, errors: past.body.errors }).toEqual({
          status: 400,
          errors: [{ parameter: 'after', problems: [expect.stringMatching(new RegExp(`^${last + 1000} is past the end of this ledger's log \\(its last position is \\d+\\)`))] }],
        });
      }
    });
  });

  it("shows compliance the snapshot folder of a sync's events without the server's folders, in the feed and the export, as GET /syncs does; admins the whole path", async () => {
    const path = `/districts/${district}/audit?types=SyncStarted&sync=${day2.syncId}`;
    const origins = (items: { data: { origin?: string } }[]) => items.map((c) => c.data.origin);
    // as GET /syncs/:id shows it to compliance: the server's folders cut
    const shown = (await api.as('compliance').get(`/syncs/${day2.syncId}`)).body.origin as string;
    expect([shown.startsWith('.../'), shown.endsWith('/next-day')]).toEqual([true, true]);
    expect(shown).not.toContain(dir);
    expect(origins((await api.as('compliance').get(path)).body.items)).toEqual([shown]);
    expect(origins((await api.as('compliance').get(`/districts/${district}/audit/export?format=json&types=SyncStarted&sync=${day2.syncId}`)).body)).toEqual([shown]);
    expect(origins((await api.as('admin').get(path)).body.items)).toEqual([join(dir, 'next-day')]);
  });

  describe('support: when was this student added to this class', () => {
    it("shows a student's timeline: the move between classes, with the sync and both clocks", async () => {
      const { student, fromSection, toSection } = changes.moved;
      const { status, body } = await api.as('support').get(`/accounts/${student}/timeline?limit=1000`);
      expect(status).toBe(200);
      expect(body.items[0]).toMatchObject({ type: 'StudentShared', syncId: day1.syncId, observedAt: day1.startedAt, cleverLastModified: expect.stringMatching(/^2021-/) });
      const joined = body.items.find((c: any) => c.type === 'StudentEnrolled' && c.data.sectionId === toSection);
      const left = body.items.find((c: any) => c.type === 'StudentUnenrolled' && c.data.sectionId === fromSection);
      expect(joined).toMatchObject({ syncId: day2.syncId, observedAt: day2.startedAt, recordedAt: expect.any(String) });
      expect(left).toMatchObject({ syncId: day2.syncId });
    });

    it('reads the roster of the class the student moved into, before and after the next day', async () => {
      const { student, toSection, fromSection } = changes.moved;
      const ids = (body: any) => body.students.map((m: any) => m.userId);
      const before = await api.as('support').get(`/classes/${toSection}/roster?asOf=${between}`);
      expect(before.status).toBe(200);
      expect(before.body.at).toBe(between);
      expect(ids(before.body)).not.toContain(student);
      expect(ids((await api.as('support').get(`/classes/${fromSection}/roster?asOf=${between}`)).body)).toContain(student);
      const after = await api.as('support').get(`/classes/${toSection}/roster`);
      expect(ids(after.body)).toEqual(expect.arrayContaining([student, changes.addedStudent]));
      const joined = after.body.students.find((m: any) => m.userId === student);
      expect(joined).toMatchObject({ since: day2.startedAt, sinceSync: day2.syncId, sinceClassShared: false, name: expect.objectContaining({ first: expect.any(String) }) });
      // those in the class since the first sync recorded it joined then or before: the ledger knows no earlier
      const fromTheStart = after.body.students.filter((m: any) => m.userId !== student && m.userId !== changes.addedStudent);
      expect(fromTheStart.length).toBeGreaterThan(0);
      for (const m of fromTheStart) expect(m).toMatchObject({ sinceSync: day1.syncId, sinceClassShared: true });
      // a date alone means the end of that day: today's roster includes today's moves
      const today = new Date().toISOString().slice(0, 10);
      const endOfDay = await api.as('support').get(`/classes/${toSection}/roster?asOf=${today}`);
      expect(endOfDay.body.at).toBe(`${today}T23:59:59.999Z`);
      expect(ids(endOfDay.body)).toContain(student);
      // the end of today is still to come: answered as the ledger knows the class now, and said so, as the CLI says it
      expect([endOfDay.body.momentToCome, before.body.momentToCome]).toEqual([true, false]);
      const future = await api.as('support').get(`/accounts/${student}/classes?asOf=2999-01-01`);
      expect(future.body).toMatchObject({ at: '2999-01-01T23:59:59.999Z', momentToCome: true });
      // before the ledger first saw the class: no name, no members, said as such
      const beforeAll = await api.as('support').get(`/classes/${toSection}/roster?asOf=2020-01-01`);
      expect(beforeAll.body).toMatchObject({ class: { name: null, status: 'not yet shared' }, students: [], teachers: [] });
      expect(before.body.class).toMatchObject({ name: after.body.class.name, status: 'active' });
    });

    it("names the class on a student's timeline, and the students and teachers on the class's, then logs that read of the students", async () => {
      const { student, toSection } = changes.moved;
      const className = (await api.as('support').get(`/classes/${toSection}/roster`)).body.class.name;
      expect(className).toEqual(expect.stringMatching(/\S/));
      const mine = (await api.as('support').get(`/accounts/${student}/timeline?limit=1000`)).body.items;
      const joined = mine.find((c: any) => c.type === 'StudentEnrolled' && c.data.sectionId === toSection);
      expect(joined).toMatchObject({ data: { sectionId: toSection, studentId: student }, related: [{ field: 'sectionId', kind: 'section', id: toSection, name: className, status: 'active' }] });

      const { first, last } = (await api.as('support').get(`/accounts/${student}`)).body.personal.name;
      const { status, body } = await api.as('support').get(`/classes/${toSection}/timeline?limit=1000`);
      expect(status).toBe(200);
      const named = (type: string, field: string, id: string) => body.items.find((c: any) => c.type === type && c.data[field] === id)?.related;
      expect(named('StudentEnrolled', 'studentId', student)).toEqual([{ field: 'studentId', kind: 'user', id: student, name: `${first} ${last}`, status: 'active' }]);
      expect(named('StudentEnrolled', 'studentId', changes.addedStudent)).toEqual([expect.objectContaining({ id: changes.addedStudent, name: 'Noor Haddad' })]);
      const assigned = body.items.filter((c: any) => c.type === 'TeacherAssigned');
      expect(assigned.length).toBeGreaterThan(0);
      for (const c of assigned) expect(c.related).toEqual([expect.objectContaining({ field: 'teacherId', id: c.data.teacherId, name: expect.stringMatching(/\S/) })]);

      // the students it named, and only they (no teacher), in one entry for that endpoint
      const students = new Set(body.items.filter((c: any) => c.data.studentId).map((c: any) => c.data.studentId));
      const logged = (await api.as('compliance').get(`/access-log?who=${TEST_KEYS.support.name}&limit=1`)).body.items[0];
      expect(logged).toMatchObject({ who: 'sam-support', role: 'support', endpoint: 'GET /classes/:id/timeline' });
      expect(new Set(logged.studentIds)).toEqual(students);
    });

    it('names a removed student on the timeline of a class they left by the last name they had', async () => {
      const gone = changes.removedStudent;
      const left = (await api.as('support').get(`/accounts/${gone}/timeline?limit=1000`)).body.items.find((c: any) => c.type === 'StudentUnenrolled');
      const account = (await api.as('support').get(`/accounts/${gone}`)).body;
      expect(account.status).toBe('removed');
      const { body } = await api.as('support').get(`/classes/${left.data.sectionId}/timeline?limit=1000`);
      const unenrolled = body.items.find((c: any) => c.type === 'StudentUnenrolled' && c.data.studentId === gone);
      expect(unenrolled.related).toEqual([
        { field: 'studentId', kind: 'user', id: gone, name: `${account.personal.name.first} ${account.personal.name.last}`, status: 'removed' },
      ]);
    });

    it("lists a student's classes as of a date", async () => {
      const { student, toSection, fromSection } = changes.moved;
      const sections = (body: any) => body.classes.map((c: any) => c.sectionId);
      const before = await api.as('support').get(`/accounts/${student}/classes?asOf=${between}`);
      expect(before.status).toBe(200);
      expect(sections(before.body)).toContain(fromSection);
      expect(sections(before.body)).not.toContain(toSection);
      const now = await api.as('support').get(`/accounts/${student}/classes`);
      expect(sections(now.body)).toContain(toSection);
      expect(sections(now.body)).not.toContain(fromSection);
      // each class by the name its record has now
      const named = (await api.as('support').get(`/classes/${toSection}/roster`)).body.class;
      expect(typeof named.name).toBe('string');
      expect(now.body.classes.find((c: any) => c.sectionId === toSection)).toMatchObject({ className: named.name, status: 'active' });
      // each item is the membership and the class: no field of a roster's member (the person's name) rides along
      expect(Object.keys(now.body.classes[0]).sort()).toEqual(['className', 'primary', 'primarySince', 'primarySinceSync', 'role', 'sectionId', 'since', 'sinceClassShared', 'sinceSync', 'status', 'until', 'userId']);
      // in a class since the sync that first recorded it: joined then or before, as a roster says
      const fromDayOne = now.body.classes.filter((c: any) => c.sinceSync === day1.syncId);
      expect(fromDayOne.length).toBeGreaterThan(0);
      expect(fromDayOne.every((c: any) => c.sinceClassShared)).toBe(true);
      expect(now.body.classes.find((c: any) => c.sectionId === toSection)).toMatchObject({ sinceClassShared: false });
      // the person as they stood then: before their first share no class means "not yet shared"
      expect(now.body.accountStatus).toBe('active');
      expect((await api.as('support').get(`/accounts/${student}/classes?asOf=2020-01-01`)).body).toMatchObject({ accountStatus: 'not yet shared', classes: [] });
      const removed = (asOf: string) => api.as('support').get(`/accounts/${changes.removedStudent}/classes${asOf}`).then((r) => r.body.accountStatus);
      expect([await removed(`?asOf=${between}`), await removed('')]).toEqual(['active', 'removed']);
    });

    it('finds a class by a part of its name (any case), its SIS id or its Clever id, for every role, a page at a time', async () => {
      const { toSection } = changes.moved;
      const roster = (await api.as('support').get(`/classes/${toSection}/roster`)).body.class;
      const listed = JSON.parse(readFileSync(join(CLEVER_DEMO_FOLDER, 'sections.json'), 'utf8'));
      const section = (Array.isArray(listed) ? listed : listed.data).map((s: any) => s.data ?? s).find((s: any) => s.id === toSection);
      const sisId = section.sis_id as string;
      const found = async (q: string, role: 'support' | 'engineer' = 'support') => (await api.as(role).get(`/classes?q=${encodeURIComponent(q)}&limit=1000`)).body.items.map((c: any) => c.id);
      const part = (roster.name as string).split(' ')[0]!.toUpperCase();
      expect(await found(part)).toContain(toSection);
      expect(await found(sisId)).toEqual([toSection]);
      expect(await found(toSection, 'engineer')).toEqual([toSection]);
      const one = await api.as('support').get(`/classes?q=${encodeURIComponent(sisId)}`);
      expect(one.body.items[0]).toEqual({ id: toSection, districtId: district, status: 'active', name: roster.name, sisId, sectionNumber: section.section_number || null, schoolId: roster.schoolId, schoolName: null, schoolStatus: 'unknown', termId: roster.termId, courseId: roster.courseId });
      // every class whose name holds an "a", two at a time, is every class the whole list gives
      const all = (await api.as('support').get('/classes?q=a&limit=1000')).body.items.map((c: any) => c.id);
      const paged: string[] = [];
      let after = '';
      for (let pages = 0; pages < 3; pages++) {
        const page = (await api.as('support').get(`/classes?q=a&limit=2${after}`)).body as { items: { id: string }[]; next: string | null };
        paged.push(...page.items.map((c) => c.id));
        after = `&after=${encodeURIComponent(page.next!)}`;
      }
      expect(paged).toEqual(all.slice(0, 6));
      expect((await api.as('support').get('/classes?q=a&district=no-such-district')).status).toBe(404);
      expect((await api.as('support').get('/classes?q=%20')).body.errors).toEqual([{ parameter: 'q', problems: ['q is required: the text to search for (it holds only spaces)'] }]);
    });

    it('finds a student by name, SIS id or Clever id', async () => {
      const search = async (q: string) => (await api.as('support').get(`/accounts?q=${encodeURIComponent(q)}`)).body.items.map((a: any) => a.id);
      expect(await search('noor hadd')).toEqual([changes.addedStudent]);
      expect(await search('Haddad Noor')).toEqual([changes.addedStudent]);
      expect(await search('199900001')).toEqual([changes.addedStudent]);
      expect(await search(changes.addedStudent)).toEqual([changes.addedStudent]);
      expect((await api.as('support').get(`/accounts?q=noor&district=${district}&limit=1`)).body.items).toHaveLength(1);
    });

    it('pages a search with the cursor each page ends with, and refuses one it did not give', async () => {
      const all = (await api.as('support').get('/accounts?q=a&limit=1000')).body as { items: { id: string }[]; next: string | null };
      expect(all.items.length).toBeGreaterThan(2);
      const paged: string[] = [];
      let after = '';
      for (;;) {
        const page = (await api.as('support').get(`/accounts?q=a&limit=2${after}`)).body as { items: { id: string }[]; next: string | null };
        paged.push(...page.items.map((a) => a.id));
        if (page.next === null) break;
        after = `&after=${encodeURIComponent(page.next)}`;
      }
      expect(paged).toEqual(all.items.map((a) => a.id));
      const first = (await api.as('support').get('/accounts?q=a&limit=2')).body.next as string;
      // a cursor given back with anything appended is not the one given, though base64url would decode it the same
      for (const after of ['12', `${first}x`, `${first}==`]) {
        const bad = await api.as('support').get(`/accounts?q=a&after=${encodeURIComponent(after)}`);
        expect([bad.status, bad.body.code, bad.body.errors]).toEqual([400, 'INVALID_REQUEST', [{ parameter: 'after', problems: [expect.stringMatching(/must be the next of a search page/)] }]]);
      }
    });

    it('refuses a search page’s cursor on a search of the other kind, or of another text: it would page from a place that search never gave', async () => {
      const refused = (body: any, problem: RegExp) =>
        expect([body.status, body.code, body.errors]).toEqual([400, 'INVALID_REQUEST', [{ parameter: 'after', problems: [expect.stringMatching(problem)] }]]);
      const accountsNext = (await api.as('support').get('/accounts?q=a&limit=2')).body.next as string;
      const classesNext = (await api.as('support').get('/classes?q=a&limit=2')).body.next as string;
      const onClasses = await api.as('support').get(`/classes?q=a&limit=2&after=${encodeURIComponent(accountsNext)}`);
      expect([onClasses.status, onClasses.headers.get('content-type')]).toEqual([400, expect.stringMatching(/^application\/problem\+json/)]);
      refused(onClasses.body, /got the next of an account search page/);
      refused((await api.as('support').get(`/accounts?q=a&limit=2&after=${encodeURIComponent(classesNext)}`)).body, /got the next of a class search page/);
      refused((await api.as('support').get(`/accounts?q=e&limit=2&after=${encodeURIComponent(accountsNext)}`)).body, /another text or district/);
      refused((await api.as('support').get(`/classes?q=a&district=${district}&limit=2&after=${encodeURIComponent(classesNext)}`)).body, /another text or district/);
      // the same search, typed in another case, pages on
      expect((await api.as('support').get(`/accounts?q=A%20&limit=2&after=${encodeURIComponent(accountsNext)}`)).status).toBe(200);
      expect((await api.as('support').get(`/classes?q=a&limit=2&after=${encodeURIComponent(classesNext)}`)).status).toBe(200);
    });
  });

  describe('each role sees only what it may', () => {
    const student = () => changes.addedStudent;
    const demographics = /"(race|gender|dob|hispanic_ethnicity)"/;

    it('support sees names and numbers but no demographics, anywhere in the body', async () => {
      for (const path of [
        `/accounts/${student()}`,
        `/accounts/${student()}/timeline`,
        '/accounts?q=noor%20hadd',
        `/classes/${changes.moved.toSection}/roster`,
        `/classes/${changes.moved.toSection}/timeline?limit=1000`,
      ]) {
        const { status, text } = await api.as('support').get(path);
        expect(status).toBe(200);
        expect(text).not.toMatch(demographics);
      }
      const { body } = await api.as('support').get(`/accounts/${student()}`);
      expect(body).toMatchObject({ personal: { name: { first: 'Noor', last: 'Haddad' } }, personalRedacted: true });
      expect(body.facets.student.personal).toMatchObject({ sis_id: '199900001' });
    });

    it('engineers see ids only: no names', async () => {
      const classTimeline = `/classes/${changes.moved.toSection}/timeline?limit=1000`;
      for (const path of [`/accounts/${student()}`, `/accounts/${student()}/timeline`, `/accounts?q=${student()}`, `/classes/${changes.moved.toSection}/roster`, classTimeline]) {
        const { status, text } = await api.as('engineer', 'header').get(path);
        expect(status).toBe(200);
        expect(text).not.toMatch(/Noor|Haddad|"name":\{/);
        expect(text).not.toMatch(demographics);
      }
      expect((await api.as('engineer').get(`/accounts/${student()}`)).body).toMatchObject({ id: student(), personal: {}, personalRedacted: true });
      // a class's timeline: each student by id and status, the name left out and said to be
      const enrolled = (await api.as('engineer').get(classTimeline)).body.items.find((c: any) => c.type === 'StudentEnrolled' && c.data.studentId === student());
      expect(enrolled.related).toEqual([{ field: 'studentId', kind: 'user', id: student(), name: null, status: 'active', personalRedacted: true }]);
      // and a student's: the class's name, which is no one's personal data
      const joined = (await api.as('engineer').get(`/accounts/${student()}/timeline`)).body.items.find((c: any) => c.type === 'StudentEnrolled');
      expect(joined.related).toEqual([expect.objectContaining({ kind: 'section', id: changes.moved.toSection, name: expect.stringMatching(/\S/) })]);
      // no student's personal data was read
      expect((await api.as('compliance').get(`/access-log?who=${TEST_KEYS.engineer.name}&limit=5`)).body.items).toEqual([]);
    });

    it('engineers find an account by its Clever id alone, and are told so: a search by name, email or SIS id would tell them whose it is', async () => {
      const ids = async (role: 'engineer' | 'support', q: string) => {
        const { status, body } = await api.as(role).get(`/accounts?q=${encodeURIComponent(q)}`);
        expect(status).toBe(200);
        return { ids: body.items.map((a: { id: string }) => a.id), next: body.next, searchedBy: body.searchedBy };
      };
      const byCleverId = { ids: [student()], next: null, searchedBy: 'clever id' };
      expect(await ids('engineer', student())).toEqual(byCleverId);
      expect(await ids('engineer', ` ${student().toUpperCase()} `)).toEqual(byCleverId);
      for (const personal of ['Noor Haddad', 'haddad', '199900001']) {
        expect(await ids('support', personal)).toEqual({ ids: [student()], next: null, searchedBy: 'name or identifier' });
        expect(await ids('engineer', personal)).toEqual({ ids: [], next: null, searchedBy: 'clever id' });
      }
      // a page's cursor follows names: none is given to a role that may not see them
      const many = await api.as('engineer').get('/accounts?q=a&limit=1');
      expect(many.body).toEqual({ items: [], next: null, searchedBy: 'clever id', foundByFormer: [] });
    });

    it('compliance sees demographics', async () => {
      const { body } = await api.as('compliance').get(`/accounts/${student()}`);
      expect(body.personalRedacted).toBe(false);
      expect(body.facets.student.personal).toMatchObject({ race: 'Asian', gender: 'F', dob: '2008-04-02' });
    });

    it('records a support read of a student in the access log: who, which endpoint, which student', async () => {
      await api.as('support').get(`/accounts/${student()}`);
      const { status, body } = await api.as('compliance').get(`/access-log?student=${student()}&who=${TEST_KEYS.support.name}&limit=5`);
      expect(status).toBe(200);
      expect(body.items[0]).toMatchObject({ who: 'sam-support', role: 'support', endpoint: 'GET /accounts/:id', studentIds: [student()] });
      expect(Date.parse(body.items[0].at)).toBeGreaterThan(Date.parse(day2.startedAt));
      // a date-only to takes in its whole day, as in the audit feed: the read's own day at both ends finds it
      const day = body.items[0].at.slice(0, 10);
      const thatDay = await api.as('compliance').get(`/access-log?student=${student()}&from=${day}&to=${day}&limit=1`);
      expect({ status: thatDay.status, items: thatDay.body.items }).toEqual({ status: 200, items: [body.items[0]] });
      // the whole log, a page at a time: every entry once, the last page saying so
      for (let i = 0; i < 3; i++) await api.as('support').get(`/accounts/${student()}`);
      const all = (await api.as('compliance').get('/access-log?limit=1000')).body.items;
      const paged: unknown[] = [];
      for (let after: string | null | undefined; after !== null; ) {
        const page = await api.as('compliance').get(`/access-log?limit=2${after === undefined ? '' : `&after=${after}`}`);
        expect(page.status).toBe(200);
        paged.push(...page.body.items);
        after = page.body.next;
      }
      expect(paged).toEqual(all);
      expect(all.length).toBeGreaterThan(2);
    });

    it("answers and logs a read of a student while a sync holds the ledger's write lock", async () => {
      // another process's sync in its final append: one write transaction, minutes long for a large district
      const sync = new Database(join(dir, 'ledger.db'), { timeout: 10_000 });
      sync.exec('BEGIN IMMEDIATE');
      try {
        // (its access-log entry in the ledger file, it waited out the lock's 10 s and failed with 500)
        const { status, body } = await api.as('support').get(`/accounts/${student()}/timeline?limit=5`);
        expect(status).toBe(200);
        expect(body.items.length).toBeGreaterThan(0);
        const logged = await api.as('compliance').get(`/access-log?student=${student()}&limit=1`);
        expect(logged.body.items[0]).toMatchObject({ who: 'sam-support', endpoint: 'GET /accounts/:id/timeline', studentIds: [student()] });
      } finally {
        sync.exec('COMMIT');
        sync.close();
      }
    });
  });

  describe('keys and roles', () => {
    it('answers 401 with WWW-Authenticate without a key or with an unknown one', async () => {
      const none = await api.as(null).get('/accounts?q=noor');
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(none.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(none.body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
      const wrong = await fetch(`${api.base}/accounts?q=noor`, { headers: { Authorization: 'Bearer not-a-key' } });
      expect(wrong.status).toBe(401);
    });

    it('says why an Authorization header of another scheme, or an empty Bearer, carries no key', async () => {
      const detail = async (authorization: string) =>
        ((await (await fetch(`${api.base}/accounts?q=noor`, { headers: { Authorization: authorization } })).json()) as { detail: string }).detail;
      // what curl -u sends: the key as a user name, which this API never reads
      expect(await detail(`Basic ${Buffer.from(`${TEST_KEYS.support.key}:`).toString('base64')}`)).toBe(
        'an API key is required (the Authorization header uses the Basic scheme, which carries no API key here): send "Authorization: Bearer <key>" or "X-Api-Key: <key>"',
      );
      expect(await detail('Bearer ')).toContain('(the Authorization header names no key after Bearer)');
      // a key sent bare, or after a scheme no one uses, is never echoed back
      const bare = await detail(TEST_KEYS.support.key);
      expect(bare).toContain('(the Authorization header holds one word and no scheme: put Bearer before the key)');
      const odd = await detail(`${TEST_KEYS.support.key} ${TEST_KEYS.support.key}`);
      expect(odd).toContain('(the Authorization header uses a scheme other than Bearer, which carries no API key here)');
      expect([bare, odd].join(' ')).not.toContain(TEST_KEYS.support.key);
      expect(await detail('Bearer two words')).toContain('(the Authorization header holds more than one word after Bearer: a key has no spaces)');
    });

    it('answers 400 to two different keys in X-Api-Key and Authorization, rather than act as either holder; the same key in both is one key', async () => {
      const both = (bearer: string) => fetch(`${api.base}/accounts?q=noor`, { headers: { 'X-Api-Key': TEST_KEYS.support.key, Authorization: `Bearer ${bearer}` } });
      const two = await both(TEST_KEYS.admin.key);
      const body = (await two.json()) as { code: string; errors: unknown };
      expect({ status: two.status, type: two.headers.get('content-type'), code: body.code, errors: body.errors }).toEqual({
        status: 400,
        type: expect.stringMatching(/^application\/problem\+json/),
        code: 'INVALID_REQUEST',
        errors: [{ parameter: 'X-Api-Key', problems: ['X-Api-Key and Authorization: Bearer carry two different API keys: send one key, in either header'] }],
      });
      expect(JSON.stringify(body)).not.toContain(TEST_KEYS.admin.key);
      // a key that is no key at all, beside a valid one, is refused the same way: never the valid one alone
      expect((await both('not-a-key')).status).toBe(400);
      expect((await both(TEST_KEYS.support.key)).status).toBe(200);
    });

    it('answers 401 to a body sent without a valid key before reading it: not whether it parses, its type or its size', async () => {
      const post = (headers: Record<string, string>, body: string) =>
        fetch(`${api.base}/projections/rebuild`, { method: 'POST', headers, body }).then(async (r) => ({ status: r.status, code: ((await r.json()) as { code: string }).code }));
      const unauthenticated = { status: 401, code: 'UNAUTHENTICATED' };
      for (const key of [{}, { Authorization: 'Bearer not-a-key' }] as Record<string, string>[]) {
        expect(await post({ ...key, 'Content-Type': 'application/json' }, '{"names": ["accounts"')).toEqual(unauthenticated);
        expect(await post({ ...key, 'Content-Type': 'text/plain' }, 'names=accounts')).toEqual(unauthenticated);
        expect(await post({ ...key, 'Content-Type': 'application/json' }, JSON.stringify({ names: ['x'.repeat(2_000_000)] }))).toEqual(unauthenticated);
      }
      // with a valid key the body is read, and the same mistakes are named
      const admin = { Authorization: `Bearer ${TEST_KEYS.admin.key}` };
      expect(await post({ ...admin, 'Content-Type': 'application/json' }, '{"names": ["accounts"')).toEqual({ status: 400, code: 'BAD_REQUEST' });
      expect(await post({ ...admin, 'Content-Type': 'text/plain' }, 'names=accounts')).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
      expect((await post({ ...admin, 'Content-Type': 'application/json' }, JSON.stringify({ names: ['x'.repeat(2_000_000)] }))).status).toBe(413);
      const tooLarge = await fetch(`${api.base}/projections/rebuild`, { method: 'POST', headers: { ...admin, 'Content-Type': 'application/json' }, body: JSON.stringify({ names: ['x'.repeat(200_000)] }) });
      expect(((await tooLarge.json()) as { detail: string }).detail).toBe('the request body is 200,014 bytes; the limit is 102,400 bytes (100 kB)');
    });

    it('tells every cache to keep no answer, and one that does not heed it that the answer is for its key alone', async () => {
      const roster = await fetch(`${api.base}/classes/${changes.moved.toSection}/roster`, { headers: { 'X-Api-Key': TEST_KEYS.support.key } });
      const refused = await fetch(`${api.base}/accounts?q=noor`);
      for (const answer of [roster, refused]) {
        expect([answer.headers.get('cache-control'), answer.headers.get('vary')]).toEqual(['no-store', 'Authorization, X-Api-Key']);
      }
      expect([roster.status, refused.status]).toEqual([200, 401]);
    });

    it('answers 403 to a valid key whose role may not use the endpoint', async () => {
      const audit = await api.as('support').get(`/districts/${district}/audit`);
      expect(audit.status).toBe(403);
      expect(audit.body).toMatchObject({ code: 'FORBIDDEN', detail: expect.stringContaining('compliance, admin') });
      expect((await api.as('engineer').get('/access-log')).status).toBe(403);
      expect((await api.as('compliance').post(`/syncs/${day1.syncId}/approve`)).status).toBe(403);
      expect((await api.as('support').post('/projections/verify', {})).status).toBe(403);
    });
  });

  describe('bad requests', () => {
    it('answers 400 problem+json naming the parameter for a bad limit or asOf', async () => {
      for (const limit of ['0', '5000', 'ten']) {
        const { status, headers, body } = await api.as('support').get(`/accounts/${changes.addedStudent}/timeline?limit=${limit}`);
        expect(status).toBe(400);
        expect(headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(body).toMatchObject({ code: 'INVALID_REQUEST', errors: [{ parameter: 'limit', problems: [expect.stringContaining('limit')] }] });
      }
      for (const asOf of ['yesterday', '2025-10-01T12:00', '2025-10-01T12:00:00%2001:00Z']) {
        const { status, body } = await api.as('support').get(`/classes/${changes.moved.toSection}/roster?asOf=${asOf}`);
        expect(status).toBe(400);
        expect(body.errors).toEqual([{ parameter: 'asOf', problems: [expect.stringMatching(/^asOf must be an ISO-8601 date/)] }]);
        // what was sent is repeated when it has a moment's shape (a timestamp without its zone), never other text
        if (asOf === '2025-10-01T12:00') expect(body.errors[0].problems[0]).toMatch(/, got "2025-10-01T12:00"$/);
        if (asOf === 'yesterday') expect(body.errors[0].problems[0]).not.toContain('yesterday');
      }
      // a zone in a form ISO-8601 has but the ledger does not take: the message says which forms it takes
      const shortZone = await api.as('support').get(`/classes/${changes.moved.toSection}/roster?asOf=2025-10-01T12:00:00-0500`);
      expect(shortZone.body.errors[0].problems[0]).toBe(
        'asOf must be an ISO-8601 date (2025-10-01) or a timestamp with its zone as Z, +hh:mm or -hh:mm (2025-10-01T08:00:00Z, 2025-10-01T08:00:00-04:00), got "2025-10-01T12:00:00-0500"',
      );
      // a date as a US form writes it: repeated, with the order ISO-8601 takes
      const slashed = await api.as('support').get(`/classes/${changes.moved.toSection}/roster?asOf=12/01/2026`);
      expect(slashed.body.errors[0].problems[0]).toMatch(/, got "12\/01\/2026" \(a date is written year first, month, then day: 2026-12-01 for the first of December\)$/);
      const typo = await api.as('compliance').get(`/districts/${district}/audit?types=StudentAdded&limt=5`);
      expect(typo.status).toBe(400);
      expect(typo.body.errors.map((e: any) => e.parameter).sort()).toEqual(['limt', 'types']);
      expect(typo.body.detail).toContain('"StudentAdded" is not an event type');
      const cased = await api.as('compliance').get(`/districts/${district}/audit?types=studentshared`);
      expect(cased.body.detail).toContain('"studentshared" is not an event type (names are case-sensitive: did you mean StudentShared?)');
      // a mistyped parameter's error lists the ones the request takes
      const limt = typo.body.errors.find((e: any) => e.parameter === 'limt');
      expect(limt.problems).toEqual([expect.stringMatching(/^limt is not a parameter of this request; it takes .*\blimit\b/)]);
      expect(limt.problems[0]).toContain('recordTypes');
      // an empty list is refused, not read as every type
      const empty = await api.as('compliance').get(`/districts/${district}/audit?types=&recordTypes=,`);
      expect({ status: empty.status, errors: empty.body.errors }).toEqual({
        status: 400,
        errors: expect.arrayContaining([
          { parameter: 'types', problems: ['types: give at least one event type, or leave types out for all of them'] },
          { parameter: 'recordTypes', problems: ['recordTypes: give at least one record type, or leave recordTypes out for all of them'] },
        ]),
      });
      // a reversed range would read as "nothing changed" (or "nobody read"): refused, for the feed, its export
      // and the access log, in the words sent
      for (const path of [
        `/districts/${district}/audit?from=2026-12-02&to=2026-12-01`,
        `/districts/${district}/audit/export?from=2026-12-02&to=2026-12-01`,
        '/access-log?from=2026-12-02&to=2026-12-01',
      ]) {
        const reversed = await api.as('compliance').get(path);
        expect(reversed.status).toBe(400);
        expect(reversed.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(reversed.body).toMatchObject({
          code: 'INVALID_REQUEST',
          detail: 'from 2026-12-02 is after to 2026-12-01 (to includes the whole day)',
          errors: [{ parameter: 'to', problems: ['from 2026-12-02 is after to 2026-12-01 (to includes the whole day)'] }],
        });
      }
      // so would event types that can never be of the record types asked for
      for (const path of [`/districts/${district}/audit?types=StudentShared,StudentRemoved&recordTypes=teacher`, `/districts/${district}/audit/export?format=csv&types=StudentShared,StudentRemoved&recordTypes=teacher`]) {
        const never = await api.as('compliance').get(path);
        expect({ status: never.status, type: never.headers.get('content-type'), errors: never.body.errors }).toEqual({
          status: 400,
          type: expect.stringMatching(/^application\/problem\+json/),
          errors: [{ parameter: 'recordTypes', problems: ['types StudentShared,StudentRemoved can never be of recordTypes teacher: StudentShared, StudentRemoved are filed under student'] }],
        });
      }
      expect((await api.as('compliance').get(`/districts/${district}/audit?types=StudentShared,TeacherShared&recordTypes=teacher`)).status).toBe(200);
      // a date-only to takes in its whole day: the same day at both ends is a day's changes
      expect((await api.as('compliance').get(`/districts/${district}/audit?from=2026-12-01&to=2026-12-01`)).status).toBe(200);
      // so would a mistyped district
      for (const path of ['/districts/5a0c91b95c7cc000010d4170/audit', '/districts/5a0c91b95c7cc000010d4170/audit/export?format=csv']) {
        const unknown = await api.as('compliance').get(path);
        expect({ status: unknown.status, code: unknown.body.code, detail: unknown.body.detail }).toEqual({
          status: 404,
          code: 'NOT_FOUND',
          detail: 'district 5a0c91b95c7cc000010d4170 not found',
        });
      }
    });

    it('refuses a limit or a log position that is anything but decimal digits: 1e2, 0x10 or a space before it would page elsewhere', async () => {
      for (const limit of ['1e2', '0x10', '%201', '1%20', '+1', '1.0', '']) {
        const { status, headers, body } = await api.as('support').get(`/accounts/${changes.addedStudent}/timeline?limit=${limit}`);
        expect({ limit, status, type: headers.get('content-type'), code: body.code, errors: body.errors }).toEqual({
          limit,
          status: 400,
          type: expect.stringMatching(/^application\/problem\+json/),
          code: 'INVALID_REQUEST',
          errors: [{ parameter: 'limit', problems: ['limit must be a whole number from 1 to 1000, in decimal digits'] }],
        });
      }
      for (const path of [`/districts/${district}/audit?after=1e2`, `/districts/${district}/audit?after=0x10`, `/schools/${district}/timeline?after=-1`]) {
        const { status, body } = await api.as('admin').get(path);
        expect({ path, status, errors: body.errors }).toEqual({
          path,
          status: 400,
          errors: [{ parameter: 'after', problems: ['after must be a log position, a whole number >= 0 in decimal digits: the next of the page before'] }],
        });
      }
      // the access log's next is the place of its page's last entry, not a log position: its refusal and its document say so
      const entry = await api.as('admin').get('/access-log?after=%201');
      expect({ status: entry.status, errors: entry.body.errors }).toEqual({
        status: 400,
        errors: [{ parameter: 'after', problems: ['after must be the place of an access-log entry, a whole number >= 0 in decimal digits: the next of the page before'] }],
      });
      const documented = (await api.as('admin').get('/docs-json')).body.paths['/access-log'].get.parameters.find((p: { name: string }) => p.name === 'after');
      expect(documented.description).toContain('the place of its last entry in the access log');
      expect(documented.description).not.toContain('(a log position');
      expect((await api.as('support').get(`/accounts/${changes.addedStudent}/timeline?limit=007&after=0`)).status).toBe(200);
    });

    it('refuses an empty cursor, of every paged answer, rather than answer its first page', async () => {
      for (const path of [
        `/accounts/${changes.addedStudent}/timeline?after=`,
        `/classes/${changes.moved.toSection}/timeline?after=`,
        `/schools/${district}/timeline?after=`,
        `/districts/${district}/audit?after=`,
        '/access-log?after=',
        '/accounts?q=a&after=',
        '/syncs?after=',
      ]) {
        const { status, body } = await api.as('admin').get(path);
        expect({ path, status, code: body.code, errors: body.errors }).toEqual({
          path,
          status: 400,
          code: 'INVALID_REQUEST',
          errors: [{ parameter: 'after', problems: ['after is empty: leave after out for the first page, or pass the next of the page before'] }],
        });
      }
    });

    it('refuses a parameter that takes one value given twice as given twice, on every endpoint, beside any other mistake', async () => {
      const twice = (parameter: string) => ({ parameter, problems: [`${parameter} is given 2 times; it takes one value: give it once`] });
      for (const [path, parameter] of [
        ['/accounts?q=a&q=b', 'q'],
        ['/accounts?q=noor&limit=5&limit=6', 'limit'],
        [`/accounts?q=noor&district=${district}&district=${district}`, 'district'],
        [`/accounts/${changes.addedStudent}/timeline?after=1&after=2`, 'after'],
        [`/accounts/${changes.addedStudent}/classes?asOf=2025-10-01&asOf=2025-10-02`, 'asOf'],
        [`/classes/${changes.moved.toSection}/roster?asOf=2025-10-01&asOf=2025-10-01`, 'asOf'],
        [`/districts/${district}/audit?from=2025-10-01&from=2025-10-02`, 'from'],
        [`/districts/${district}/audit?sync=${day1.syncId}&sync=${day2.syncId}`, 'sync'],
        [`/districts/${district}/audit/export?format=csv&format=json`, 'format'],
        ['/access-log?student=a&student=b', 'student'],
        ['/syncs?district=a&district=b', 'district'],
      ] as const) {
        const { status, headers, body } = await api.as('admin').get(path);
        expect({ path, status, type: headers.get('content-type'), code: body.code, errors: body.errors }).toEqual({
          path,
          status: 400,
          type: expect.stringMatching(/^application\/problem\+json/),
          code: 'INVALID_REQUEST',
          errors: [twice(parameter)],
        });
      }
      // named with the query's other mistakes, in one answer; a required one given twice is not also "missing"
      const both = await api.as('admin').get('/accounts?q=a&q=b&limit=0&limt=1&limt=2');
      expect(both.body.errors).toEqual([
        twice('q'),
        { parameter: 'limt', problems: ['limt is not a parameter of this request; it takes after, district, limit, q'] },
        { parameter: 'limit', problems: ['limit must be a whole number from 1 to 1000, in decimal digits'] },
      ]);
      // a list may be given as often as it has values
      const list = await api.as('compliance').get(`/districts/${district}/audit?types=StudentShared&types=StudentRemoved&sync=${day2.syncId}`);
      expect(list.status).toBe(200);
      expect(new Set(list.body.items.map((c: any) => c.type))).toEqual(new Set(['StudentShared', 'StudentRemoved']));
    });

    it('refuses a search for nothing but spaces as a search for nothing', async () => {
      for (const q of ['%20', '+', '%20%09%20']) {
        const { status, body } = await api.as('support').get(`/accounts?q=${q}`);
        expect({ q, status, errors: body.errors }).toEqual({ q, status: 400, errors: [{ parameter: 'q', problems: ['q is required: the text to search for (it holds only spaces)'] }] });
      }
      for (const path of ['/accounts', '/classes']) {
        expect((await api.as('support').get(path)).body.errors).toEqual([{ parameter: 'q', problems: ['q is required: the text to search for'] }]);
        expect((await api.as('support').get(`${path}?q=`)).body.errors).toEqual([{ parameter: 'q', problems: ['q is required: the text to search for (it is empty)'] }]);
      }
    });

    it('says a date of the right shape that does not exist is not a day of the calendar', async () => {
      const roster = await api.as('support').get(`/classes/${changes.moved.toSection}/roster?asOf=2026-02-30`);
      expect({ status: roster.status, code: roster.body.code, errors: roster.body.errors }).toEqual({
        status: 400,
        code: 'INVALID_REQUEST',
        errors: [{ parameter: 'asOf', problems: ['asOf: 2026-02-30 is not a day of the calendar (February 2026 has 28 days)'] }],
      });
      const audit = await api.as('compliance').get(`/districts/${district}/audit?from=2025-04-31T08:00:00Z`);
      expect(audit.body.errors).toEqual([{ parameter: 'from', problems: ['from: 2025-04-31 is not a day of the calendar (April 2025 has 30 days)'] }]);
      // the years 0000 to 0099 are days like any other: before the ledger's first sync, an empty roster
      const early = await api.as('support').get(`/classes/${changes.moved.toSection}/roster?asOf=0001-01-01`);
      expect({ status: early.status, at: early.body.at, students: early.body.students }).toEqual({ status: 200, at: '0001-01-01T23:59:59.999Z', students: [] });
      expect((await api.as('compliance').get(`/districts/${district}/audit?from=0099-06-15&to=0099-06-30`)).body).toEqual({ items: [], next: null });
    });

    it("says a zone's + sent unencoded in the URL arrived as a space, and how to send it", async () => {
      // as a person types it: the + is not encoded, and the query decodes it as a space
      const unencoded = await api.as('compliance').get(`/districts/${district}/audit?from=2026-12-01T11:23:00+01:00`);
      expect(unencoded.status).toBe(400);
      expect(unencoded.body.errors).toEqual([
        {
          parameter: 'from',
          problems: ["from has a space where its zone's + would be (2026-12-01T11:23:00 01:00): a '+' in a URL query must be sent as %2B (2026-12-01T11:23:00%2B01:00)"],
        },
      ]);
      const encoded = await api.as('compliance').get(`/districts/${district}/audit?from=2026-12-01T11:23:00%2B01:00`);
      expect(encoded.status).toBe(200);
    });

    it('rebuilds every read model only when asked with all: an empty or missing list, or both, is refused and starts nothing', async () => {
      const jobsBefore = (await api.as('admin').get('/projections/jobs')).body.items.length;
      for (const [body, problem] of [
        [{ names: [] }, /^names is empty, which rebuilds nothing: send the projections to rebuild as names .* or "all": true/],
        [{}, /^names is missing: send the projections to rebuild as names/],
        [{ dryRun: true }, /^names is missing/],
        [{ names: ['accounts'], all: true }, /^names and all were both sent: .*, not both$/],
        [{ names: [], all: true }, /^names and all were both sent/],
      ] as const) {
        const refused = await api.as('admin').post('/projections/rebuild', body);
        expect(refused.status).toBe(400);
        expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(refused.body).toMatchObject({ code: 'INVALID_REQUEST', errors: [{ parameter: 'names', problems: [expect.stringMatching(problem)] }] });
      }
      expect((await api.as('admin').post('/projections/rebuild', { all: 'yes' })).body.errors).toContainEqual({ parameter: 'all', problems: ['all must be a boolean value'] });
      // a body that is not JSON is said to be so, and where, without its first characters repeated back
      for (const [text, detail] of [
        ['names=accounts sk_live_secret', 'the request body is not valid JSON; send a JSON object'],
        ['{"names": ["accounts"', 'the request body is not valid JSON (at character 21); send a JSON object'],
      ]) {
        const response = await fetch(`${api.base}/projections/rebuild`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${TEST_KEYS.admin.key}`, 'Content-Type': 'application/json' },
          body: text,
        });
        expect({ status: response.status, body: await response.json() }).toMatchObject({ status: 400, body: { code: 'BAD_REQUEST', detail } });
      }
      // a small body nested thousands of levels deep is refused as such, not a 500 of a validator's overflowed stack
      for (const deep of [`{"names":${'['.repeat(8_000)}${']'.repeat(8_000)}}`, `${'{"a":'.repeat(8_000)}1${'}'.repeat(8_000)}`]) {
        const response = await fetch(`${api.base}/projections/verify`, { method: 'POST', headers: { Authorization: `Bearer ${TEST_KEYS.engineer.key}`, 'Content-Type': 'application/json' }, body: deep });
        expect({ status: response.status, body: await response.json() }).toMatchObject({
          status: 400,
          body: { code: 'INVALID_REQUEST', detail: "the request body nests arrays or objects deeper than 32 levels; send a JSON object of this request's parameters" },
        });
      }
      expect((await api.as('admin').get('/projections/jobs')).body.items).toHaveLength(jobsBefore);
    });

    it('answers 404 naming a sync, school or district a filter names that the ledger has never recorded, rather than nothing', async () => {
      const inDistrict = `in district ${district}`;
      const accountHint = 'an account is asked for by its id, as search gives it (search finds it by name, email, SIS id, student, teacher or staff number, or state id)';
      const classHint = 'a class is asked for by its id, as search gives it (a class search finds it by a part of its name, its SIS id or its section number)';
      for (const [path, detail] of [
        [`/districts/${district}/audit?sync=nope`, `sync nope ${inDistrict} not found`],
        [`/districts/${district}/audit/export?format=csv&sync=nope`, `sync nope ${inDistrict} not found`],
        [`/districts/${district}/audit?school=nope&types=StudentShared`, `school nope ${inDistrict} not found`],
        ['/syncs?district=nope', 'district nope not found'],
        ['/accounts?q=noor&district=nope', 'district nope not found'],
        // an id's timeline is not found as the id itself is: an account, a class, with how to find an id
        ['/accounts/nope', `account nope not found; ${accountHint}`],
        ['/accounts/nope/timeline', `account nope not found; ${accountHint}`],
        ['/classes/nope/roster', `class nope not found; ${classHint}`],
        ['/classes/nope/timeline', `class nope not found; ${classHint}`],
      ]) {
        const unknown = await api.as('admin').get(path!);
        expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect({ status: unknown.status, code: unknown.body.code, detail: unknown.body.detail }).toEqual({ status: 404, code: 'NOT_FOUND', detail });
      }
      // a known sync that made no change of the kinds asked for is an empty answer, and a true one
      const none = await api.as('compliance').get(`/districts/${district}/audit?sync=${day1.syncId}&types=SyncApproved`);
      expect({ status: none.status, body: none.body }).toEqual({ status: 200, body: { items: [], next: null } });
      // and so is a search of a known district that matches no one
      const nobody = await api.as('support').get(`/accounts?q=nobody-by-this-name&district=${district}`);
      expect({ status: nobody.status, body: nobody.body }).toEqual({ status: 200, body: { items: [], next: null, searchedBy: 'name or identifier', foundByFormer: [] } });
    });

    it('answers 404 for an unknown account, class, school or sync, and for its timeline or classes', async () => {
      const none = '000000000000000000000000';
      for (const path of [
        `/accounts/${none}`,
        `/accounts/${none}/timeline`,
        `/accounts/${none}/classes`,
        `/classes/${none}/roster`,
        `/classes/${none}/timeline`,
        `/schools/${none}/timeline`,
        `/districts/${none}/timeline`,
        `/terms/${none}/timeline`,
        `/courses/${none}/timeline`,
        '/syncs/00000000-0000-0000-0000-000000000000',
      ]) {
        const { status, body } = await api.as('admin').get(path);
        expect(status).toBe(404);
        expect(body).toMatchObject({ status: 404, code: expect.stringMatching(/NOT_FOUND$/), instance: path });
      }
    });

    it("answers 404 saying so when an id is a record of another kind (a class's id asked for as an account, a student's as a class), or a term classes name that no sync shared", async () => {
      const section = changes.moved.toSection;
      const student = changes.addedStudent;
      for (const [path, said] of [
        [`/accounts/${section}`, `account ${section} not found; ${section} is a class's id, not an account's`],
        [`/accounts/${section}/timeline`, `account ${section} not found; ${section} is a class's id, not an account's`],
        [`/accounts/${section}/classes`, `account ${section} not found; ${section} is a class's id, not an account's`],
        [`/classes/${student}/roster`, `class ${student} not found; ${student} is an account's id, not a class's`],
        [`/classes/${student}/timeline`, `class ${student} not found; ${student} is an account's id, not a class's`],
        [`/schools/${section}/timeline`, `school ${section} not found; ${section} is a class's id, not a school's`],
        [`/districts/${section}/timeline`, `district ${section} not found; ${section} is a class's id, not a district's`],
        [`/terms/${district}/timeline`, `term ${district} not found; ${district} is a district's id, not a term's`],
        // the demo's sections name terms and courses its files never describe
        ['/terms/603ebb2ab452fb006c763964/timeline', "term 603ebb2ab452fb006c763964 not found; classes name it as their term, but no sync has shared the term itself (a snapshot without terms.json, say), so it has no history of its own: the classes' timelines hold theirs"],
        ['/courses/5a25ff963829500a3400020f/timeline', "course 5a25ff963829500a3400020f not found; classes name it as their course, but no sync has shared the course itself (a snapshot without courses.json, say), so it has no history of its own: the classes' timelines hold theirs"],
      ] as const) {
        const { status, body } = await api.as('support').get(path);
        expect({ path, status, detail: body.detail }).toEqual({ path, status: 404, detail: said });
      }
    });
  });

  describe('syncs', () => {
    it('lists and shows syncs', async () => {
      const list = await api.as('support').get(`/syncs?district=${district}&limit=5`);
      expect(list.body.items.map((s: any) => s.syncId)).toEqual([day2.syncId, day1.syncId]);
      expect(list.body.next).toBeNull();
      // a page at a time: the next page starts after the last sync of the one before
      const first = await api.as('support').get(`/syncs?district=${district}&limit=1`);
      expect({ items: first.body.items.map((s: any) => s.syncId), next: first.body.next }).toEqual({ items: [day2.syncId], next: day2.syncId });
      const second = await api.as('support').get(`/syncs?district=${district}&limit=1&after=${first.body.next}`);
      expect({ items: second.body.items.map((s: any) => s.syncId), next: second.body.next }).toEqual({ items: [day1.syncId], next: null });
      const stranger = await api.as('support').get(`/syncs?district=${district}&after=00000000-0000-0000-0000-000000000000`);
      expect({ status: stranger.status, errors: stranger.body.errors }).toEqual({
        status: 400,
        errors: [{ parameter: 'after', problems: [`must be the id of a sync of district ${district}, the last one of the page before, got "00000000-0000-0000-0000-000000000000"`] }],
      });
      const one = await api.as('support').get(`/syncs/${day2.syncId}`);
      expect(one.body).toMatchObject({ syncId: day2.syncId, status: 'completed', counts: { StudentShared: 1, StudentRemoved: 1 }, sameFilesAs: null });
      // the files it read, as sha256sum has them
      const users = readFileSync(join(dir, 'next-day', 'users.json'));
      expect(one.body.contents.files).toContainEqual({ name: 'users.json', bytes: users.length, sha256: createHash('sha256').update(users).digest('hex') });
    });

    it("names the snapshot folder a sync read in full to admins and engineers, and by its last part to compliance and support", async () => {
      const folder = join(dir, 'next-day');
      for (const role of ['admin', 'engineer'] as const) {
        expect([role, (await api.as(role).get(`/syncs/${day2.syncId}`)).body.origin]).toEqual([role, folder]);
        expect([role, (await api.as(role).get(`/syncs?district=${district}`)).body.items[0].origin]).toEqual([role, folder]);
      }
      for (const role of ['compliance', 'support'] as const) {
        const one = (await api.as(role).get(`/syncs/${day2.syncId}`)).body;
        const listed = (await api.as(role).get(`/syncs?district=${district}`)).body.items[0];
        expect([role, one.origin, listed.origin]).toEqual([role, expect.stringMatching(/^\.\.\.\/.*next-day$/), one.origin]);
        expect(JSON.stringify([one, listed])).not.toContain(dir);
      }
    });

    it('refuses a query parameter on a route that takes none, as routes that take some refuse one they do not', async () => {
      const shown = await api.as('admin').get(`/syncs/${day1.syncId}?verbose=1`);
      expect([shown.status, shown.body.code, shown.body.detail]).toEqual([400, 'INVALID_REQUEST', 'verbose is not a query parameter of this request; it takes none']);
      const verify = await api.as('admin').post('/projections/verify?names=accounts');
      expect([verify.status, verify.body.detail]).toEqual([400, 'names is not a query parameter of this request; send its parameters in the JSON body']);
      // a probe's cache-buster changes nothing a probe reads: the public routes answer as ever
      expect((await api.as(null).get('/health/live?_=1733300000')).status).toBe(200);
      expect((await api.as(null).get('/health/ready?_=1733300000')).status).toBe(200);
    });

    it('refuses with 409 to approve or discard a sync that is not held', async () => {
      const approve = await api.as('admin').post(`/syncs/${day1.syncId}/approve`);
      expect(approve.status).toBe(409);
      expect(approve.body).toMatchObject({ code: 'SYNC_NOT_HELD' });
      const discard = await api.as('engineer').post(`/syncs/${day2.syncId}/discard`);
      expect(discard.status).toBe(409);
      expect(discard.body).toMatchObject({ code: 'SYNC_NOT_HELD' });
    });
  });

  describe('operations', () => {
    it('is live, and ready with every projection caught up', async () => {
      expect((await api.as(null).get('/health/live')).status).toBe(200);
      const { status, body } = await api.as(null).get('/health/ready');
      expect(status).toBe(200);
      expect(body.ready).toBe(true);
      expect(body.projections.map((p: any) => p.name)).toEqual(expect.arrayContaining(['accounts', 'classes', 'enrollments', 'timelines', 'audit']));
      expect(body.projections.every((p: any) => p.lagEvents === 0)).toBe(true);
      // `/health` alone answers the same
      const health = await api.as(null).get('/health');
      expect({ status: health.status, ready: health.body.ready }).toEqual({ status: 200, ready: true });
    });

    it('reports projection status to every role', async () => {
      const { status, body } = await api.as('support').get('/projections');
      expect(status).toBe(200);
      expect(body.items[0]).toMatchObject({ name: 'accounts', status: 'running', lag: { events: 0 } });
    });

    it('verifies the projections in the background: 202, then the job at its status URL', async () => {
      const unknown = await api.as('engineer').post('/projections/verify', { names: ['pupils'] });
      expect(unknown.status).toBe(400);
      expect(unknown.body).toMatchObject({ code: 'UNKNOWN_PROJECTION' });
      const started = await api.as('engineer').post('/projections/verify', { names: ['accounts', 'enrollments'] });
      expect(started.status).toBe(202);
      const location = started.headers.get('location');
      expect(location).toBe(`/projections/jobs/${started.body.id}`);
      expect((await api.as('admin').post('/projections/rebuild', { all: true })).body).toMatchObject({ code: 'PROJECTION_JOB_RUNNING' });
      // a request wrong in itself hears so first, job or no job
      expect((await api.as('admin').post('/projections/rebuild', { names: ['pupils'] })).body).toMatchObject({ code: 'UNKNOWN_PROJECTION' });
      let job = started.body;
      for (const deadline = Date.now() + 20_000; job.status === 'running' && Date.now() < deadline; ) {
        await new Promise((r) => setTimeout(r, 200));
        job = (await api.as('engineer').get(location!)).body;
      }
      expect(job).toMatchObject({ status: 'succeeded', requestedBy: 'eve-engineer', error: null });
      expect(job.result.map((r: any) => [r.projection, r.equal])).toEqual([
        ['accounts', true],
        ['enrollments', true],
      ]);
      // none named: every one, by name, from the start
      const all = await api.as('engineer').post('/projections/verify', {});
      expect({ status: all.status, projections: all.body.projections }).toEqual({
        status: 202,
        projections: ['accounts', 'classes', 'enrollments', 'timelines', 'audit', 'syncs', 'lookups'],
      });
      for (let deadline = Date.now() + 30_000, state = all.body; state.status === 'running' && Date.now() < deadline; ) {
        await new Promise((r) => setTimeout(r, 200));
        state = (await api.as('engineer').get(all.headers.get('location')!)).body;
      }
    });

    it('serves its OpenAPI document with the API-key schemes and every path', async () => {
      const { status, body } = await api.as(null).get('/docs-json');
      expect(status).toBe(200);
      expect(Object.keys(body.components.securitySchemes).sort()).toEqual(['api-key', 'bearer']);
      expect(Object.keys(body.paths)).toEqual(
        expect.arrayContaining([
          '/accounts',
          '/accounts/{id}',
          '/accounts/{id}/timeline',
          '/accounts/{id}/classes',
          '/classes',
          '/classes/{id}/roster',
          '/classes/{id}/timeline',
          '/schools/{id}/timeline',
          '/districts/{id}/timeline',
          '/terms/{id}/timeline',
          '/courses/{id}/timeline',
          '/districts/{id}/audit',
          '/districts/{id}/audit/export',
          '/syncs',
          '/syncs/{id}/approve',
          '/projections/rebuild',
          '/access-log',
          '/log/seal',
          '/health/ready',
        ]),
      );
      expect(body.paths['/accounts'].get.parameters.map((p: any) => p.name)).toEqual(expect.arrayContaining(['q', 'district', 'limit']));
      expect(body.components.schemas).toHaveProperty('ProblemSchema');
      // an enum that may be null lists null, as OpenAPI 3.0 validators require of nullable enums
      expect(body.components.schemas.SyncSummarySchema.properties.approvedVia).toMatchObject({ enum: ['cli', 'api', null], nullable: true });
      expect(body.components.schemas.SyncSummarySchema.properties.requestedVia).toMatchObject({ enum: ['cli', 'api', 'schedule', null], nullable: true });
      expect(body.components.schemas.AuditChangeSchema.properties).toHaveProperty('lastKnown');
      expect(body.components.schemas.AuditChangeSchema.required).toEqual(expect.arrayContaining(['recordType', 'type', 'data']));
      // a timeline's own removals and shares again carry what the record was, as the feed's do; its record type is the feed's alone
      expect(Object.keys(body.components.schemas.TimelineEntrySchema.properties)).toEqual(expect.arrayContaining(['lastKnown']));
      expect(Object.keys(body.components.schemas.TimelineEntrySchema.properties)).not.toEqual(expect.arrayContaining(['recordType']));
      // a union type says what it is, not "object": a held sync's breaches name a record type
      expect(body.components.schemas.GuardBreachSchema.properties.recordType).toMatchObject({ type: 'string', enum: expect.arrayContaining(['student', 'section']) });
      // a verify job's result is a list, a rebuild's an object, and null until the job ends
      expect(body.components.schemas.ProjectionJobSchema.properties.result.oneOf).toEqual([
        expect.objectContaining({ type: 'object' }),
        expect.objectContaining({ type: 'array' }),
        { type: 'object', nullable: true, enum: [null] },
      ]);
      expect(Object.keys(body.paths['/access-log'].get.responses)).toContain('404');
      // a server shutting down starts nothing new; a discard that cannot be recorded fails
      expect(Object.keys(body.paths['/districts/{id}/syncs'].post.responses)).toContain('503');
      expect(Object.keys(body.paths['/syncs/{id}/approve'].post.responses)).toEqual(expect.arrayContaining(['500', '503']));
      expect(Object.keys(body.paths['/syncs/{id}/discard'].post.responses)).toContain('500');
      // each path's id is described as the kind of id it takes, once
      const idOf = (path: string, method = 'get') => body.paths[path][method].parameters.filter((p: any) => p.name === 'id');
      expect(idOf('/syncs/{id}')).toEqual([expect.objectContaining({ in: 'path', required: true, description: expect.stringContaining('sync id') })]);
      expect(idOf('/districts/{id}/audit')).toEqual([expect.objectContaining({ description: expect.stringContaining("district's Clever id"), schema: expect.objectContaining({ example: district }) })]);
      expect(idOf('/accounts/{id}/timeline')).toEqual([expect.objectContaining({ description: expect.stringContaining("account's Clever id") })]);
      // a body the server will not read, on the endpoints that take one
      for (const path of ['/syncs/{id}/approve', '/projections/rebuild', '/projections/verify', '/districts/{id}/syncs']) {
        expect([path, Object.keys(body.paths[path].post.responses)]).toEqual([path, expect.arrayContaining(['413', '415'])]);
      }
      // a 403 only where some role is turned away
      expect(Object.keys(body.paths['/accounts'].get.responses)).not.toContain('403');
      expect(Object.keys(body.paths['/districts/{id}/audit'].get.responses)).toContain('403');
      // a verify of every read model needs no body
      expect(body.paths['/projections/verify'].post.requestBody.required).toBe(false);
      // a timeline's entries name the records they name besides the timeline's own
      for (const path of ['/accounts/{id}/timeline', '/classes/{id}/timeline', '/schools/{id}/timeline']) {
        expect(body.paths[path].get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/TimelinePageSchema' });
      }
      expect(body.components.schemas.TimelineEntrySchema.required).toEqual(expect.arrayContaining(['related', 'data', 'type']));
      expect(body.components.schemas.TimelineEntrySchema.properties.related).toMatchObject({ type: 'array', items: { $ref: '#/components/schemas/RelatedRecordSchema' } });
      expect(body.components.schemas.RelatedRecordSchema.properties).toMatchObject({
        field: { type: 'string' },
        kind: { enum: ['user', 'section', 'school', 'term', 'course'] },
        id: { type: 'string' },
        name: { type: 'string', nullable: true, description: expect.stringContaining('not engineers') },
        status: { enum: ['active', 'removed', 'unknown'] },
        personalRedacted: { type: 'boolean' },
      });
      // the audit feed's changes name nothing
      expect(body.components.schemas.AuditChangeSchema.properties).not.toHaveProperty('related');
      // a rebuild of everything is asked for as such: the schema says so
      expect(body.components.schemas.RebuildRequestDto.properties).toMatchObject({
        names: { description: expect.stringContaining('required unless all is true') },
        all: { type: 'boolean' },
      });
      // every error is declared as the server sends it: a problem, as application/problem+json
      const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemSchema' } } };
      const errorContents = Object.entries(body.paths as Record<string, Record<string, { responses: Record<string, { content?: unknown }> }>>).flatMap(([path, operations]) =>
        Object.entries(operations).flatMap(([method, { responses }]) =>
          Object.entries(responses)
            // a health check's 503 is its readiness, the same JSON body as its 200
            .filter(([status]) => Number(status) >= 400 && !path.startsWith('/health'))
            .map(([status, response]) => [`${method} ${path} ${status}`, response.content]),
        ),
      );
      expect(errorContents.length).toBeGreaterThan(50);
      expect(errorContents.filter(([, content]) => JSON.stringify(content) !== JSON.stringify(problem))).toEqual([]);
      // a 404 wherever the server answers one for an unknown id (see "answers 404 for an unknown ...")
      for (const path of ['/accounts/{id}', '/accounts/{id}/timeline', '/accounts/{id}/classes', '/classes/{id}/roster', '/classes/{id}/timeline', '/schools/{id}/timeline', '/syncs/{id}']) {
        expect([path, body.paths[path].get.responses['404']?.description]).toEqual([path, expect.stringMatching(/NOT_FOUND/)]);
      }
      // the export is CSV or JSON, as format says
      expect(body.paths['/districts/{id}/audit/export'].get.responses['200'].content).toEqual({
        'text/csv': { schema: expect.objectContaining({ type: 'string' }) },
        'application/json': { schema: expect.objectContaining({ type: 'array', items: { $ref: '#/components/schemas/AuditExportChangeSchema' } }) },
      });
      expect((await fetch(`${api.base}/docs`)).status).toBe(200);
      expect((await api.as(null).get('/')).body).toMatchObject({ docs: '/docs', openapi: '/docs-json' });
    });

    it('answers a path it has, asked with a method it does not take there, with a 405 naming those it takes; a path it has not with a 404', async () => {
      const deleted = await api.as('admin').request('DELETE', `/syncs/${day2.syncId}`);
      expect([deleted.status, deleted.headers.get('allow'), deleted.body.code, deleted.body.detail]).toEqual([
        405,
        'GET, HEAD',
        'METHOD_NOT_ALLOWED',
        `/syncs/${day2.syncId} does not take DELETE; it takes GET, HEAD`,
      ]);
      // a decision is a POST: a GET of it is told so
      const approval = await api.as('admin').get(`/syncs/${day2.syncId}/approve`);
      expect([approval.status, approval.headers.get('allow')]).toEqual([405, 'POST']);
      const head = await api.as('admin').request('HEAD', `/syncs/${day2.syncId}/approve`);
      expect([head.status, head.headers.get('allow')]).toEqual([405, 'POST']);
      const unknown = await api.as('admin').request('DELETE', '/no-such-path');
      expect([unknown.status, unknown.body.code]).toEqual([404, 'ROUTE_NOT_FOUND']);
    });
  });

  describe('roster-ledger serve', () => {
    it('serves the API with its projection runner until SIGTERM, then stops cleanly', async () => {
      expect(cli(['import', CLEVER_DEMO_FOLDER, '--db', join(dir, 'serve.db')]).status).toBe(0);
      const serve = await startServe(join(dir, 'serve.db'), { LEDGER_API_KEYS: testKeysConfig() });
      expect(serve.started).toMatchObject({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), keys: 4 });
      expect(serve.started.docs).toBe(`${serve.started.url}/docs`);
      expect((await fetch(`${serve.started.url}/health/ready`)).status).toBe(200);
      const projections = await fetch(`${serve.started.url}/projections`, { headers: { 'X-Api-Key': TEST_KEYS.support.key } });
      expect(projections.status).toBe(200);
      expect(await stopServe(serve)).toBe(0);
      expect(serve.output()).toContain('SIGTERM: stopping');
      // never a key in what it prints, and no terminal colour codes in a log that is not a terminal
      expect(serve.output()).not.toContain(TEST_KEYS.support.key);
      expect(serve.output()).toContain('GET /projections 200');
      expect(serve.output()).not.toMatch(/\u001b\[/);
    });

    it('refuses a ledger file that is not there (a mistyped --db), unless it is to sync configured districts into a new one', async () => {
      const typo = join(dir, 'serve-typo.db');
      expect(serveRefusal(typo, { LEDGER_API_KEYS: testKeysConfig() })).toEqual({
        status: 2,
        stderr: `error: there is no ledger at ${typo}; pass --db <path> (or LEDGER_DB), or record one with: roster-ledger import <folder> (serve starts a new ledger only to sync the Clever districts it is configured with)\n`,
        stdout: '',
      });
      expect(existsSync(typo)).toBe(false);
      const fresh = join(dir, 'serve-fresh.db');
      const serve = await startServe(fresh, { LEDGER_API_KEYS: testKeysConfig(), LEDGER_DISTRICTS: JSON.stringify({ d1: { tokenEnv: 'CLEVER_TOKEN_FRESH' } }), CLEVER_TOKEN_FRESH: 'token' });
      expect(serve.output()).toContain(`note: there is no ledger at ${fresh}: starting a new one, for the syncs of the 1 configured district(s)`);
      expect(await stopServe(serve)).toBe(0);
      expect(existsSync(fresh)).toBe(true);
    });

    it('refuses to start without an API key, saying how to configure one', () => {
      const { status, stderr } = serveRefusal(join(dir, 'serve.db'), { LEDGER_API_KEYS: '' });
      expect(status).toBe(2);
      expect(stderr).toMatch(/no API key is configured: set LEDGER_API_KEYS/);
      // with --json, as the error object every refusal gives, on stdout
      const asJson = serveRefusal(join(dir, 'serve.db'), { LEDGER_API_KEYS: '' }, 0, ['--json']);
      expect({ status: asJson.status, stderr: asJson.stderr }).toEqual({ status: 2, stderr: '' });
      expect(JSON.parse(asJson.stdout)).toEqual({ error: { code: 'CONFIGURATION_ERROR', message: expect.stringMatching(/^no API key is configured: set LEDGER_API_KEYS/) } });
    });

    it('says in one line that the port is in use, and how to choose another, when it is (exit 1)', async () => {
      const holder = createServer();
      await new Promise<void>((listening) => holder.listen(0, '127.0.0.1', listening));
      const { port } = holder.address() as AddressInfo;
      try {
        const ledger = join(dir, 'port-in-use', 'serve.db');
        const { status, stderr } = serveRefusal(ledger, { LEDGER_API_KEYS: testKeysConfig() }, port);
        expect({ status, stderr }).toEqual({
          status: 1,
          stderr: `cannot serve on 127.0.0.1:${port}: port ${port} is in use by another process; stop it, or serve on another port with --port <n> (0 picks a free one)\n`,
        });
        // found before the ledger was opened: a mistyped path is not left holding a new ledger
        expect(existsSync(ledger)).toBe(false);
        // with --json, the same in the error object every refusal gives, on stdout
        const asJson = serveRefusal(ledger, { LEDGER_API_KEYS: testKeysConfig() }, port, ['--json']);
        expect({ status: asJson.status, stderr: asJson.stderr, stdout: JSON.parse(asJson.stdout) }).toEqual({
          status: 1,
          stderr: '',
          stdout: { error: { code: 'SERVE_FAILED', message: `cannot serve on 127.0.0.1:${port}: port ${port} is in use by another process; stop it, or serve on another port with --port <n> (0 picks a free one)` } },
        });
      } finally {
        await new Promise((closed) => holder.close(closed));
      }
    });
  });
});
