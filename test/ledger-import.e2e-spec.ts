import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { CLEVER_DEMO_DISTRICT_ID, CLEVER_DEMO_FOLDER, writeNextDaySnapshot } from '@roster-ledger/testing';
import { cli, cliJson, readLog, rosterEvents, scratch } from './support/ledger-cli';

/**
 * The ledger core as a user meets it: the real CLI on the real Clever demo district, a next-day
 * snapshot, a repeated import, a mass removal held then approved or discarded.
 */
describe('roster-ledger import (end to end)', () => {
  const tmp = scratch('import');
  afterAll(() => tmp.cleanup());

  describe('the demo district, then the next day', () => {
    const db = tmp.path('demo.db');
    const nextDay = tmp.path('next-day');
    const changes = writeNextDaySnapshot(CLEVER_DEMO_FOLDER, nextDay);

    it('records the whole demo district on a first import', () => {
      const { status, body } = cliJson(['import', CLEVER_DEMO_FOLDER, '--db', db]);
      expect(status).toBe(0);
      expect(body).toMatchObject({
        status: 'completed',
        districtId: CLEVER_DEMO_DISTRICT_ID,
        counts: { DistrictShared: 1, StudentShared: 1004, TeacherShared: 89, DistrictAdminShared: 3, SectionShared: 378 },
        skipped: { contact: 1002 },
      });
      expect(body['unresolved']).toMatchObject({ term: 5 });
      expect(typeof body['durationMs']).toBe('number');
      // alone on the file, the import wrote through a rollback journal (see README, Scale); it
      // leaves the ledger in WAL mode, where readers run beside the next sync, and no journal
      const reader = new Database(db, { readonly: true, fileMustExist: true });
      expect(reader.pragma('journal_mode', { simple: true })).toBe('wal');
      reader.close();
      expect(existsSync(`${db}-journal`)).toBe(false);
    });

    it('records exactly the next-day changes, each on its own stream', async () => {
      const before = (await readLog(db)).length;
      const { status, body } = cliJson(['import', nextDay, '--db', db]);
      expect(status).toBe(0);
      const syncId = body['syncId'] as string;
      const fresh = rosterEvents((await readLog(db)).slice(before));
      const on = (stream: string) => fresh.filter((e) => e.streamId === stream).map((e) => [e.type, e.data]);

      expect(on(`user-${changes.removedStudent}`)).toEqual([['StudentRemoved', { id: changes.removedStudent }]]);
      expect(on(`user-${changes.addedStudent}`)).toEqual([
        ['StudentShared', expect.objectContaining({ id: changes.addedStudent, sharedAgain: false, personal: expect.objectContaining({ name: { first: 'Noor', last: 'Haddad', middle: 'A' }, dob: '2008-04-02' }) })],
      ]);
      const g = changes.gradeChanged;
      expect(on(`user-${g.student}`)).toEqual([['StudentUpdated', { id: g.student, changes: { grade: { from: g.from, to: g.to } }, personal: {} }]]);
      const d = changes.demographicChanged;
      expect(on(`user-${d.student}`)).toEqual([['DemographicUpdated', { id: d.student, personal: { [d.field]: { from: d.from, to: d.to } } }]]);
      const m = changes.moved;
      expect(on(`section-${m.fromSection}`)).toEqual([['StudentUnenrolled', { sectionId: m.fromSection, studentId: m.student }]]);
      expect(on(`section-${m.toSection}`)).toEqual([
        ['StudentEnrolled', { sectionId: m.toSection, studentId: m.student }],
        ['StudentEnrolled', { sectionId: m.toSection, studentId: changes.addedStudent }],
      ]);
      const t = changes.teacherSwapped;
      expect(on(`section-${t.section}`)).toEqual([
        ['TeacherUnassigned', { sectionId: t.section, teacherId: t.from, primary: true }],
        ['TeacherAssigned', { sectionId: t.section, teacherId: t.to, primary: true }],
      ]);
      // the removed student leaves every class they were in, and nothing else changed
      const unenrolled = fresh.filter((e) => e.type === 'StudentUnenrolled' && e.data['studentId'] === changes.removedStudent);
      expect(unenrolled.length).toBeGreaterThan(0);
      expect(fresh).toHaveLength(1 + 1 + 1 + 1 + 1 + 2 + 2 + unenrolled.length);
      for (const e of fresh) {
        expect(e.metadata).toMatchObject({ syncId, districtId: CLEVER_DEMO_DISTRICT_ID, source: 'snapshot', schemaVersion: 1, correlationId: syncId });
      }
      expect(fresh.find((e) => e.type === 'StudentUpdated')?.metadata['cleverLastModified']).toMatch(/^20\d\d-/);
    });

    it('appends no roster event when the same snapshot comes again, every record read and compared, and says so', async () => {
      const before = await readLog(db);
      const human = cli(['import', nextDay, '--db', db, '--read-all']);
      expect(human.status).toBe(0);
      expect(human.stdout).toContain('No roster changes: the ledger already matched this snapshot.');
      const after = await readLog(db);
      expect(rosterEvents(after)).toEqual(rosterEvents(before));
      // only the sync's own record was written: SyncStarted and SyncCompleted with zero counts
      expect(after.slice(before.length).map((e) => e.type)).toEqual(['SyncStarted', 'SyncCompleted']);
    });

    it('lists the syncs and reads a stream back through the CLI', () => {
      const list = cliJson<{ items: { status: string; appended: number }[]; next: string | null }>(['syncs', 'list', '--db', db]);
      expect(list.body.items.map((s) => s.status)).toEqual(['completed', 'completed', 'completed']);
      expect(list.body.items[0]!.appended).toBe(0);
      expect(list.body.next).toBeNull();
      const stream = cli(['events', '--stream', `user-${changes.gradeChanged.student}`, '--db', db]);
      const lines = stream.stdout.trimEnd().split('\n');
      // the time shown is said to be the ledger's clock, not Clever's
      expect(lines[0]).toBe('#position  recorded at (ledger clock)  stream@revision  type  what it says');
      expect(lines[lines.length - 1]).toMatch(
        new RegExp(`^#\\d+  \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z  user-${changes.gradeChanged.student}@1  StudentUpdated  grade: ${changes.gradeChanged.from} -> ${changes.gradeChanged.to}$`),
      );
    });

    it("shows a sync finished when the ledger recorded its end, the moment its roster events were recorded", async () => {
      const [, nextDaySync] = cliJson<{ items: { syncId: string; finishedAt: string }[] }>(['syncs', 'list', '--db', db]).body.items;
      const shown = cliJson<{ finishedAt: string }>(['syncs', 'show', nextDaySync!.syncId, '--db', db]).body;
      const log = await readLog(db);
      const ending = log.find((e) => e.streamId === `sync-${nextDaySync!.syncId}` && e.type === 'SyncCompleted')!;
      const appended = log.filter((e) => e.metadata['syncId'] === nextDaySync!.syncId && !e.streamId.startsWith('sync-'));
      expect(appended.length).toBeGreaterThan(0);
      expect(shown.finishedAt).toBe(ending.recordedAt);
      expect(nextDaySync!.finishedAt).toBe(ending.recordedAt);
      for (const e of appended) expect(e.recordedAt <= shown.finishedAt).toBe(true);
      // the moment the sync planned is its own, and kept in its event
      expect(Date.parse((ending.data as { completedAt: string }).completedAt)).toBeLessThanOrEqual(Date.parse(shown.finishedAt));
    });
  });

  it("keeps the files it creates to their owner: a ledger holds students' personal data", () => {
    const folder = tmp.path('private');
    const db = join(folder, 'ledger.db');
    expect(cli(['import', CLEVER_DEMO_FOLDER, '--db', db]).status).toBe(0);
    expect(cli(['audit', 'export', '--district', CLEVER_DEMO_DISTRICT_ID, '--format', 'csv', '--out', join(folder, 'audit.csv'), '--db', db]).status).toBe(0);
    const created: string[] = [];
    const walk = (path: string) => {
      created.push(path);
      if (statSync(path).isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
    };
    walk(folder);
    // the ledger, its read models and access log, the export, and the folders made for them
    expect(created.length).toBeGreaterThan(5);
    expect(created).toContain(join(folder, 'audit.csv'));
    const open = created.filter((path) => (statSync(path).mode & 0o077) !== 0).map((path) => `${path} ${(statSync(path).mode & 0o777).toString(8)}`);
    expect(open).toEqual([]);
  });

  it('takes a user\'s schools as a set: the same schools listed in another order append nothing', () => {
    const db = tmp.path('order.db');
    expect(cli(['import', CLEVER_DEMO_FOLDER, '--db', db]).status).toBe(0);
    const folder = tmp.demoCopy('schools-reversed');
    const users = JSON.parse(readFileSync(join(folder, 'users.json'), 'utf8'));
    let reversed = 0;
    for (const u of users.data) {
      for (const role of Object.values<any>(u.data.roles)) {
        if (Array.isArray(role.schools) && role.schools.length > 1) {
          role.schools.reverse();
          reversed++;
        }
      }
    }
    expect(reversed).toBeGreaterThan(100);
    writeFileSync(join(folder, 'users.json'), JSON.stringify(users));
    const again = cliJson<{ status: string; appended: number; counts: object }>(['import', folder, '--db', db]).body;
    expect({ status: again.status, appended: again.appended, counts: again.counts }).toEqual({ status: 'completed', appended: 0, counts: {} });
  });

  it('says where the values outside Clever\'s enumerations were read, the first three of each, never the values', () => {
    const db = tmp.path('unknown-values.db');
    const folder = tmp.demoCopy('unknown-genders');
    const users = JSON.parse(readFileSync(join(folder, 'users.json'), 'utf8'));
    const odd: { record: number; id: string }[] = users.data.flatMap((u: any, record: number) => (u.data.roles.student ? [{ record, id: u.data.id as string }] : [])).slice(0, 4);
    for (const { record } of odd) users.data[record].data.roles.student.gender = 'Zebra';
    writeFileSync(join(folder, 'users.json'), JSON.stringify(users));
    const usersFile = join(folder, 'users.json');
    // the demo's users.json is one line; the file named once
    const place = ({ record, id }: { record: number; id: string }) => `line 1, record #${record + 1}, id ${id}`;
    const expected = `    student.gender at ${usersFile}, ${odd.slice(0, 3).map(place).join('; ')}; and 1 more`;

    const first = cli(['import', folder, '--db', db]);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain("Values outside Clever's enumerations or formats (kept as given): student.gender 4\n" + expected + '\n');
    expect(first.stdout).not.toContain('Zebra');
    const [latest] = cliJson<{ items: { syncId: string }[] }>(['syncs', 'list', '--db', db]).body.items;
    const shown = cliJson<{ unknownValues: object; unknownValuesAt: object }>(['syncs', 'show', latest!.syncId, '--db', db]).body;
    expect(shown.unknownValues).toEqual({ 'student.gender': 4 });
    expect(shown.unknownValuesAt).toEqual({
      'student.gender': odd.slice(0, 3).map(({ record, id }) => ({ file: usersFile, line: 1, record, recordId: id })),
    });
    expect(JSON.stringify(shown)).not.toContain('Zebra');
    // every record read again, the odd ones recognised by their bytes and not parsed: the same places
    const again = cli(['import', folder, '--db', db, '--read-all']);
    expect(again.stdout).toContain('No roster changes');
    expect(again.stdout).toContain(expected + '\n');
  });

  it('names the first ids a snapshot referenced and did not hold, where it had their file', () => {
    const db = tmp.path('unresolved.db');
    const folder = tmp.demoCopy('one-school');
    const sections = JSON.parse(readFileSync(join(folder, 'sections.json'), 'utf8'));
    const district = JSON.parse(readFileSync(join(folder, 'districts.json'), 'utf8')).data[0].data.id;
    const referenced = [...new Set<string>(sections.data.map((s: any) => s.data.school))];
    expect(referenced.length).toBeGreaterThan(1);
    // a schools.json that holds only the first school its sections name
    writeFileSync(join(folder, 'schools.json'), JSON.stringify({ data: [{ data: { id: referenced[0], district, name: 'The one school' } }] }));
    const result = cli(['import', folder, '--db', db]);
    expect(result.status).toBe(0);
    const line = result.stdout.split('\n').find((l) => l.startsWith('  Referenced but not in the snapshot'))!;
    const missing = Number(/school (\d+)[,\n]/.exec(`${line}\n`)![1]);
    expect(missing).toBeGreaterThanOrEqual(referenced.length - 1);
    const idLine = result.stdout.split('\n')[result.stdout.split('\n').indexOf(line) + 1]!;
    expect(idLine).toMatch(/^    school \S+/);
    const named = idLine.trim().replace(/^school /, '').replace(/; and \d+ more$/, '').split(', ');
    expect(named).toHaveLength(Math.min(3, missing));
    expect(named).not.toContain(referenced[0]);
    expect(new Set(named).size).toBe(named.length);
    const [latest] = cliJson<{ items: { syncId: string }[] }>(['syncs', 'list', '--db', db]).body.items;
    expect(cliJson<{ unresolvedIds: Record<string, string[]> }>(['syncs', 'show', latest!.syncId, '--db', db]).body.unresolvedIds.school).toEqual(named);
  });

  describe('the mass-change guard', () => {
    /** A copy of the demo district with the first `n` students gone (from users and sections). */
    function withoutStudents(as: string, n: number): string {
      const folder = tmp.demoCopy(as);
      const users = JSON.parse(readFileSync(join(folder, 'users.json'), 'utf8'));
      const gone = new Set<string>(users.data.filter((u: any) => u.data.roles.student).slice(0, n).map((u: any) => u.data.id));
      users.data = users.data.filter((u: any) => !gone.has(u.data.id));
      writeFileSync(join(folder, 'users.json'), JSON.stringify(users));
      const sections = JSON.parse(readFileSync(join(folder, 'sections.json'), 'utf8'));
      for (const s of sections.data) s.data.students = s.data.students.filter((id: string) => !gone.has(id));
      writeFileSync(join(folder, 'sections.json'), JSON.stringify(sections));
      return folder;
    }

    it('holds a sync that removes 20% of the students, applies it on approval, and records who approved', async () => {
      const db = tmp.path('guard-approve.db');
      expect(cli(['import', CLEVER_DEMO_FOLDER, '--db', db]).status).toBe(0);
      const before = await readLog(db);

      const held = cliJson(['import', withoutStudents('minus-200', 200), '--db', db]);
      expect(held.status).toBe(0);
      expect(held.body).toMatchObject({
        status: 'held',
        breaches: expect.arrayContaining([{ recordType: 'student', change: 'removed', count: 200, active: 1004, threshold: 0.1 }]),
        counts: expect.objectContaining({ StudentRemoved: 200 }),
      });
      expect(rosterEvents(await readLog(db))).toEqual(rosterEvents(before));
      const syncId = held.body['syncId'] as string;

      const blocked = cliJson(['import', CLEVER_DEMO_FOLDER, '--db', db]);
      expect(blocked.status).toBe(1);
      // the refused attempt is on record, naming the snapshot that was turned away: to import again once decided
      expect(blocked.body).toMatchObject({
        status: 'failed',
        origin: CLEVER_DEMO_FOLDER,
        appended: 0,
        failure: { code: 'HELD_SYNC_PENDING', reason: expect.stringContaining(`sync ${syncId} of district ${CLEVER_DEMO_DISTRICT_ID} is held awaiting approval`) },
      });
      expect(rosterEvents(await readLog(db))).toEqual(rosterEvents(before));
      // at a terminal, the commands that read and decide it name this ledger, as the held sync's own report does
      const told = cli(['import', CLEVER_DEMO_FOLDER, '--db', db]).stderr;
      expect(told).toContain(`  Read its changes:     roster-ledger syncs pending ${syncId} --db ${db}\n`);
      expect(told).toContain(`  Apply the held sync:  roster-ledger syncs approve ${syncId} --db ${db} --by <your name>\n`);
      expect(told).toContain(`  Drop it:              roster-ledger syncs discard ${syncId} --db ${db} --by <your name>\n`);

      // compliance's export of everything so far, to go on from with --after
      const exported = cliJson<{ position: number }[]>(['audit', 'export', '--format', 'json', '--db', db]).body;
      const exportedUpTo = Math.max(...exported.map((c) => c.position));

      const approving = cli(['syncs', 'approve', syncId, '--by', 'alice', '--db', db]);
      expect(approving.status).toBe(0);
      // like an import, it says the read models followed the approved events
      expect(approving.stdout).toMatch(/\n  Read models updated \([\d,]+ events folded\)\.\n$/);
      const approved = cliJson(['syncs', 'show', syncId, '--db', db]);
      expect(approved.body).toMatchObject({ status: 'completed', requestedVia: 'cli', approvedBy: 'alice', approvedVia: 'cli', appended: held.body['pending'] });
      const after = await readLog(db);
      expect(rosterEvents(after).filter((e) => e.type === 'StudentRemoved')).toHaveLength(200);
      expect(after.filter((e) => e.streamId === `sync-${syncId}`).map((e) => [e.type, e.data['by'] ?? null])).toEqual([
        ['SyncStarted', null], ['SyncHeld', null], ['SyncApproved', 'alice'], ['SyncCompleted', null],
      ]);
      // the approval is observed when it was decided, so an audit of that day finds it; the roster
      // events it applied keep the moment the sync saw the district that way
      const ofSync = (type: string) => after.find((e) => e.streamId === `sync-${syncId}` && e.type === type)!;
      const heldAt = ofSync('SyncHeld').metadata['observedAt'] as string;
      const approvedAt = ofSync('SyncApproved').data['approvedAt'] as string;
      expect(approvedAt > heldAt).toBe(true);
      expect([ofSync('SyncApproved').metadata['observedAt'], ofSync('SyncCompleted').metadata['observedAt']]).toEqual([approvedAt, approvedAt]);
      expect(new Set(rosterEvents(after).filter((e) => e.type === 'StudentRemoved').map((e) => e.metadata['observedAt']))).toEqual(new Set([heldAt]));
      const audited = cli(['audit', 'export', '--types', 'SyncApproved', '--from', approvedAt, '--format', 'csv', '--db', db]);
      expect(audited.stdout).toContain(syncId);
      // so an export by time from then misses the removals, and the export after the last one's position holds them
      const fromApproval = cliJson<{ type: string }[]>(['audit', 'export', '--from', approvedAt, '--format', 'json', '--db', db]).body;
      expect(fromApproval.filter((c) => c.type === 'StudentRemoved')).toEqual([]);
      const next = cliJson<{ type: string; position: number }[]>(['audit', 'export', '--after', String(exportedUpTo), '--format', 'json', '--db', db]).body;
      expect(next.filter((c) => c.type === 'StudentRemoved')).toHaveLength(200);
      expect(next.map((c) => c.type)).toEqual(expect.arrayContaining(['SyncApproved', 'SyncCompleted']));
      expect(next.every((c) => c.position > exportedUpTo)).toBe(true);

      const again = cli(['syncs', 'approve', syncId, '--db', db]);
      expect(again.status).toBe(2);
      expect(again.stderr).toContain('is completed, not held');
    });

    it('turns down the approval of a held sync that can no longer be applied as a conflict (exit 2, as its 409), applying nothing', async () => {
      const db = tmp.path('guard-outdated.db');
      expect(cli(['import', CLEVER_DEMO_FOLDER, '--db', db]).status).toBe(0);
      const held = cliJson(['import', withoutStudents('minus-250', 250), '--db', db]);
      expect(held.body['status']).toBe('held');
      const syncId = held.body['syncId'] as string;
      // its change set gone (a restore that left the folder beside the ledger behind, say)
      rmSync(`${db}.staged`, { recursive: true, force: true });
      const before = await readLog(db);

      const approving = cliJson(['syncs', 'approve', syncId, '--by', 'alice', '--db', db]);
      expect(approving.status).toBe(2);
      expect(approving.body).toMatchObject({ error: { code: 'HELD_SYNC_OUTDATED', message: expect.stringContaining('an engineer or admin discards it') } });
      expect(await readLog(db)).toEqual(before);
      expect(cli(['syncs', 'discard', syncId, '--by', 'alice', '--db', db]).status).toBe(0);
    });

    it('drops a held sync on discard, recording who discarded it, and the district syncs again afterwards', async () => {
      const db = tmp.path('guard-discard.db');
      expect(cli(['import', CLEVER_DEMO_FOLDER, '--db', db]).status).toBe(0);
      const before = rosterEvents(await readLog(db));
      const held = cliJson(['import', withoutStudents('minus-300', 300), '--db', db]);
      expect(held.body['status']).toBe('held');

      const discarded = cli(['syncs', 'discard', held.body['syncId'] as string, '--by', 'bob', '--db', db]);
      expect(discarded.status).toBe(0);
      expect(discarded.stdout).toMatch(/\n  Discarded by bob \(on the CLI, as given with --by or the login name\) at \d{4}-\d\d-\d\dT[\d:.]+Z\.\n/);
      expect(discarded.stdout).toMatch(/\n  Held by the mass-change guard at \S+, then discarded: nothing applied\./);
      const discard = (await readLog(db)).find((e) => e.type === 'SyncDiscarded')!;
      expect(discard.metadata['observedAt']).toBe(discard.data['discardedAt']);
      expect(rosterEvents(await readLog(db))).toEqual(before);
      expect(cliJson(['import', CLEVER_DEMO_FOLDER, '--db', db]).body).toMatchObject({ status: 'completed', appended: 0 });
    });

    it('lets a district raise its threshold in the configuration file', () => {
      const db = tmp.path('guard-config.db');
      const config = tmp.path('config.json');
      writeFileSync(config, JSON.stringify({ districts: { [CLEVER_DEMO_DISTRICT_ID]: { guard: { perType: { student: { removeRatio: 0.5 }, enrollment: { removeRatio: 0.5 } } } } } }));
      expect(cli(['import', CLEVER_DEMO_FOLDER, '--db', db]).status).toBe(0);
      const result = cliJson(['import', withoutStudents('minus-150', 150), '--db', db], { LEDGER_CONFIG: config });
      expect(result.body).toMatchObject({ status: 'completed', counts: expect.objectContaining({ StudentRemoved: 150 }) });
    });
  });
});
