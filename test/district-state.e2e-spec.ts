import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LEDGER_STATE_FORMAT, type StateKey, type StreamChange } from '@roster-ledger/domain';
import { SqliteLedgerDatabase } from '@roster-ledger/event-store';
import { EVENT_STORE, LedgerStateLoader, type EventStore } from '@roster-ledger/ledger';
import { LedgerConfig } from '@roster-ledger/config';
import { CLEVER_DEMO_DISTRICT_ID, CLEVER_DEMO_FOLDER, writeNextDaySnapshot } from '@roster-ledger/testing';
import { canonicalState, expectSavedStateToBeTheLog as expectStateOf, savedDistrictState } from './support/district-state';
import { generateSnapshots, snapshotWithoutStudents } from './support/crash-snapshot';
import { ledgerRuntime } from './support/clever-sync-runtime';
import { cliJson, scratch } from './support/ledger-cli';

/**
 * Each sync diffs against the district's saved state (its snapshot) plus the events recorded
 * since, instead of folding the district's whole log. Whatever path a ledger took, the saved
 * state must be exactly the log folded up to the snapshot's position, and syncs must find the
 * same differences as they would against the whole log.
 */
describe('district state snapshots (end to end)', () => {
  const tmp = scratch('district-state');
  afterAll(() => tmp.cleanup());
  const district = CLEVER_DEMO_DISTRICT_ID;

  const saved = (db: string) => savedDistrictState(db, district);
  const expectSavedStateToBeTheLog = (db: string) => expectStateOf(db, district);

  // every record read: the same files again would otherwise be recognised whole, and no diff run against the saved state
  const importJson = (folder: string, db: string) => {
    const run = cliJson(['import', folder, '--db', db, '--skip-projections', '--read-all']);
    expect([run.status, run.stderr]).toEqual([0, '']);
    return run.body;
  };

  it('after a first import and each sync after it, the saved state is the whole log folded, at the log head', async () => {
    const db = tmp.path('daily.db');
    importJson(CLEVER_DEMO_FOLDER, db);
    await expectSavedStateToBeTheLog(db);
    expect((await saved(db))!.state.users.size).toBe(1004 + 89 + 3);

    const nextDay = writeNextDaySnapshot(CLEVER_DEMO_FOLDER, tmp.path('next-day'));
    expect(importJson(tmp.path('next-day'), db)['appended']).toBeGreaterThan(0);
    await expectSavedStateToBeTheLog(db);
    const student = (await saved(db))!.state.users.get(nextDay.gradeChanged.student)!;
    expect(student.roles.student?.fields['grade']).toBe(nextDay.gradeChanged.to);

    // the same snapshot again: nothing to record, and the saved state stays right
    expect(importJson(tmp.path('next-day'), db)).toMatchObject({ status: 'completed', appended: 0 });
    await expectSavedStateToBeTheLog(db);
  });

  it('a district staged in several parts (thousands of records) saves the state of every part, and its next day diffs against it', async () => {
    const base = tmp.path('generated-base');
    const churn = tmp.path('generated-churn');
    await generateSnapshots({ students: 6_000, seed: 'district-state', base, churn });
    const db = tmp.path('generated.db');
    const first = importJson(base, db);
    const generated = first['districtId'] as string;
    expect(first['appended']).toBeGreaterThan(30_000);
    await expectStateOf(db, generated);

    expect(importJson(base, db)).toMatchObject({ status: 'completed', appended: 0 });
    const churned = importJson(churn, db);
    expect(churned['appended']).toBeGreaterThan(0);
    await expectStateOf(db, generated);
    expect(importJson(churn, db)).toMatchObject({ status: 'completed', appended: 0 });
  }, 120_000);

  it('a first import that fails after writing its first parts ahead leaves no trace in the saved state: the next import starts clean', async () => {
    const base = tmp.path('ahead-base');
    await generateSnapshots({ students: 6_000, seed: 'write-ahead', base });
    // the same district with its last user broken: the sync has staged and written ahead thousands of users when it meets it
    const broken = tmp.path('ahead-broken');
    mkdirSync(broken, { recursive: true });
    for (const file of readdirSync(base)) {
      const text = readFileSync(join(base, file), 'utf8');
      if (file !== 'users.json') writeFileSync(join(broken, file), text);
      else {
        const users = JSON.parse(text) as { data: { data: { roles: unknown } }[] };
        users.data[users.data.length - 1]!.data.roles = {};
        writeFileSync(join(broken, file), JSON.stringify(users));
      }
    }
    const db = tmp.path('ahead.db');
    const failed = cliJson(['import', broken, '--db', db, '--skip-projections']);
    expect(failed.status).toBe(1);
    expect(failed.body).toMatchObject({ status: 'failed', appended: 0 });
    const generated = failed.body['districtId'] as string;
    // the users written ahead are there, but the snapshot is marked as written ahead: no load trusts it
    const raw = new SqliteLedgerDatabase(db);
    try {
      expect(raw.db.prepare(`SELECT COUNT(*) FROM district_state_user_summaries WHERE district_id = ?`).pluck().get(generated)).toBeGreaterThan(4_000);
    } finally {
      raw.close();
    }
    expect(await savedDistrictState(db, generated)).toBeNull();

    expect(importJson(base, db)).toMatchObject({ status: 'completed' });
    await expectStateOf(db, generated);
    expect(importJson(base, db)).toMatchObject({ status: 'completed', appended: 0 });
  }, 120_000);

  it('an approved held sync moves the snapshot past what it applied, so the next sync finds nothing left to record', async () => {
    const db = tmp.path('held.db');
    importJson(CLEVER_DEMO_FOLDER, db);
    const fewer = snapshotWithoutStudents(CLEVER_DEMO_FOLDER, tmp.path('minus-300'), 300);
    const held = importJson(fewer, db);
    expect(held['status']).toBe('held');
    const atHold = (await saved(db))!.position;
    const approved = cliJson(['syncs', 'approve', held['syncId'] as string, '--db', db]);
    expect(approved.status).toBe(0);
    // the approval appended 300 removals and their unenrolments, and folded them into the snapshot
    expect((await saved(db))!.position).toBeGreaterThan(atHold);
    await expectSavedStateToBeTheLog(db);
    expect([...(await saved(db))!.state.users.values()].filter((u) => u.pastRoles.includes('student') && !u.roles.student)).toHaveLength(300);

    expect(importJson(fewer, db)).toMatchObject({ status: 'completed', appended: 0 });
    await expectSavedStateToBeTheLog(db);
  });

  it('a snapshot of another format is not trusted: the whole log is folded again and saved anew', async () => {
    const db = tmp.path('format.db');
    importJson(CLEVER_DEMO_FOLDER, db);
    // a snapshot written by another version of the code, with states this one cannot read
    withWritable(db, (raw) => {
      raw.prepare('UPDATE district_states SET format = ?').run(LEDGER_STATE_FORMAT + 1);
      raw.prepare(`UPDATE district_state_records SET state = '{}'`).run();
    });
    expect(await saved(db)).toBeNull();

    expect(importJson(CLEVER_DEMO_FOLDER, db)).toMatchObject({ status: 'completed', appended: 0 });
    await expectSavedStateToBeTheLog(db);
  });

  describe('records recognised by the bytes their state was made from', () => {
    /**
     * The demo, written as JSON.stringify writes it, with one student's gender outside Clever's
     * enumeration; with `oddShapes`, one student also has a role the ledger does not record
     * (`guardian`, kept as person-level data that the events file under the student role) and
     * extension fields whose names hold dots: shapes every sync used to record as changed again.
     */
    const demoCopy = (name: string, edit: (users: { data: { data: Record<string, any> }[] }) => void = () => undefined, oddShapes = false): string => {
      const folder = tmp.path(name);
      mkdirSync(folder, { recursive: true });
      for (const file of readdirSync(CLEVER_DEMO_FOLDER).filter((name) => name.endsWith('.json'))) {
        const content = JSON.parse(readFileSync(join(CLEVER_DEMO_FOLDER, file), 'utf8'));
        if (file === 'users.json') {
          content.data[1].data.roles.student.gender = 'Unlisted';
          if (oddShapes) {
            content.data[2].data.roles.guardian = { relationship: 'Aunt' };
            content.data[2].data.roles.student.ext = { 'sis.code': 'A1', 'local.ids': { 'state.id': '77' } };
          }
          edit(content);
        }
        writeFileSync(join(folder, file), JSON.stringify(content).replace(/\},\{"data"/g, '},\n{"data"'));
      }
      return folder;
    };
    const findings = (body: Record<string, unknown>) => ({ skipped: body['skipped'], unresolved: body['unresolved'], unknownValues: body['unknownValues'] });
    const STUDENT = '5a25ffb0c1bc2a00360003ee';
    const GUARDED = JSON.parse(readFileSync(join(CLEVER_DEMO_FOLDER, 'users.json'), 'utf8')).data[2].data.id as string;
    const tamperWithGrade = (db: string) =>
      withWritable(db, (raw) =>
        raw.prepare(`UPDATE district_state_records SET state = json_set(state, '$.roles.student.fields.grade', 'tampered') WHERE category = 'user' AND id = ?`).run(STUDENT),
      );

    it('notes them on every state, and a sync that meets the same bytes again trusts the state: it does not diff them', async () => {
      const folder = demoCopy('recognised');
      const db = tmp.path('recognised.db');
      const first = importJson(folder, db);
      expect(findings(first)).toMatchObject({ unknownValues: { 'student.gender': 1 } });
      const state = (await saved(db))!.state;
      expect([...state.entries()].filter((e) => e.state.source === undefined).map((e) => `${e.category} ${e.id}`)).toEqual([]);

      // a state that no longer matches its bytes is not looked at while the bytes are the same...
      tamperWithGrade(db);
      const again = importJson(folder, db);
      expect(again).toMatchObject({ status: 'completed', appended: 0 });
      // ...and the findings are those of a full reading
      expect(findings(again)).toEqual(findings(first));
    });

    it('finds the same differences as a sync that parses every record', async () => {
      const folder = demoCopy('day-one', undefined, true);
      const nextDay = demoCopy(
        'day-two',
        (users) => {
          users.data[1]!.data.roles.student.grade = '10';
          users.data.splice(5, 1);
        },
        true,
      );
      const recognising = tmp.path('recognising.db');
      const parsing = tmp.path('parsing.db');
      importJson(folder, recognising);
      importJson(folder, parsing);
      // no source anywhere, states or users' summaries: every record is parsed and diffed
      withWritable(parsing, (raw) => {
        raw.prepare(`UPDATE district_state_records SET state = json_remove(state, '$.source')`).run();
        // a user's summary is saved as [revision, roles, schools, source], a section's as
        // [revision, active, students, school, term, course, source]
        raw.prepare(`UPDATE district_state_user_summaries SET summary = json_remove(summary, '$[3]')`).run();
        raw.prepare(`UPDATE district_state_section_summaries SET summary = json_remove(summary, '$[6]')`).run();
      });

      const withRecognition = importJson(nextDay, recognising);
      const withoutRecognition = importJson(nextDay, parsing);
      expect(withRecognition['counts']).toEqual(withoutRecognition['counts']);
      // the grade change and the removal; the student with odd shapes is unchanged, and its
      // state, made from the same bytes, notes them
      expect(withRecognition['counts']).toEqual({ StudentUpdated: 1, StudentRemoved: 1 });
      expect(findings(withRecognition)).toEqual(findings(withoutRecognition));
      const guarded = (await saved(recognising))!.state.users.get(GUARDED)!;
      expect(guarded.source).toBeDefined();
      expect(guarded.roles.student!.fields['ext']).toEqual({ 'sis.code': 'A1', 'local.ids': { 'state.id': '77' } });
      await expectSavedStateToBeTheLog(recognising);
      expect(canonicalState((await saved(recognising))!.state)).toEqual(canonicalState((await saved(parsing))!.state));
    });

    it('parses a record again once an event changed its state after the sync that noted its bytes', async () => {
      const folder = demoCopy('changed-since');
      const db = tmp.path('changed-since.db');
      importJson(folder, db);
      // an events sync (or any other writer) records a grade change of the student
      const { app } = await ledgerRuntime(LedgerConfig.load({ LEDGER_CONFIG: '' }, { db }));
      try {
        const store = app.get<EventStore>(EVENT_STORE);
        const stream = `user-${STUDENT}`;
        const revision = (await store.streamRevision(stream))!;
        await store.appendToStreams([
          { streamId: stream, expectedRevision: revision, events: [{ id: 'e-later', type: 'StudentUpdated', data: { id: STUDENT, changes: { grade: { from: '9', to: '11' } }, personal: {} }, metadata: { districtId: district, syncId: 'events' } }] },
        ]);
      } finally {
        await app.close();
      }
      // the snapshot still says grade 9: the sync must see that, although the bytes are the ones it noted
      const again = importJson(folder, db);
      expect(again).toMatchObject({ status: 'completed', appended: 1, counts: { StudentUpdated: 1 } });
      await expectSavedStateToBeTheLog(db);
    });
  });

  it('does not move the snapshot past district events another writer recorded between a load and an append', async () => {
    const db = tmp.path('interleaved.db');
    importJson(CLEVER_DEMO_FOLDER, db);
    const { app } = await ledgerRuntime(LedgerConfig.load({ LEDGER_CONFIG: '' }, { db }));
    try {
      const loader = app.get(LedgerStateLoader);
      const store = app.get<EventStore>(EVENT_STORE);
      const loaded = await loader.load(district);
      const [student] = [...loaded.state.users.values()].filter((u) => u.roles.student);
      const stream = `user-${student!.id}`;
      const revisionAtLoad = student!.revision;
      const metadata = { districtId: district, syncId: 'another-writer' };
      // another writer records a change of the district after our load...
      const theirs = { streamId: stream, expectedRevision: revisionAtLoad, events: [{ id: 'e-theirs', type: 'StudentUpdated', data: { id: student!.id, changes: { grade: { from: '1', to: '2' } }, personal: {} }, metadata }] };
      const [theirResult] = await store.appendToStreams([theirs]);
      // ...then our sync appends and tells the loader
      const ours = { streamId: stream, expectedRevision: theirResult!.nextRevision, events: [{ id: 'e-ours', type: 'StudentUpdated', data: { id: student!.id, changes: { grade: { from: '2', to: '3' } }, personal: {} }, metadata }] };
      const results = await store.appendToStreams([ours]);
      const before = (await saved(db))!.position;
      const touched = new Map<string, StateKey>();
      loader.fold(loaded, [ours as unknown as StreamChange], touched);
      await loader.remember(loaded, { results, written: 1, touched });

      // the snapshot stayed where it was (folding our append alone would skip theirs)...
      expect((await saved(db))!.position).toBe(before);
      // ...and the next load folds both from the log
      const next = await loader.load(district);
      expect(next.state.users.get(student!.id)!.revision).toBe(revisionAtLoad + 2);
      await expectSavedStateToBeTheLog(db);
    } finally {
      await app.close();
    }
  });
});

function withWritable(db: string, fn: (raw: SqliteLedgerDatabase['db']) => void): void {
  const database = new SqliteLedgerDatabase(db);
  try {
    fn(database.db);
  } finally {
    database.close();
  }
}
