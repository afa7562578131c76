import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonObject } from '@roster-ledger/ledger';
import { CleverStandIn, STORED_EVENTS_V1_CURSORS_FOLDER } from '@roster-ledger/testing';
import { STAND_IN_TOKEN, TOKEN_ENV } from './support/clever-sync-runtime';
import { cli, cliJson, readLog, scratch } from './support/ledger-cli';
import { runCli } from './support/crash-process';
import { appendStoredEvents, storedEvents, withoutStamps } from './support/stored-log';

const STORED = storedEvents(STORED_EVENTS_V1_CURSORS_FOLDER);
const IDS = {
  district: '598089603f4224680d000000',
  school: '5981dae03f4224685c000000',
  students: ['5b3e39ab3f422468a5000000', '5b3facdf3f422468a5000001'],
  section: '68abc3a03f4224685e000000',
};
/** The Clever events of the feed the log was written from, in order: the events cursor stood after each in turn. */
const CLEVER_EVENTS = {
  beforeFirstSync: '6b17067b0000000000000001',
  studentRenamed: '6b17067d0000000000000002',
  studentLeftClass: '6b17067d0000000000000003',
  districtDeleted: '6b17067e0000000000000004',
};

/**
 * A log written at schema version 1 through Clever's API, frozen (libs/testing/fixtures/
 * stored-events-v1-cursors): a full sync that set the district's events cursor, an events sync
 * that advanced it with two roster changes, and a held events sync, approved, that removed the
 * district. The code of today must fold it the same way, and go on from the cursor it leaves.
 */
describe('a log stored at schema version 1 with events cursors and a district removed (end to end)', () => {
  const tmp = scratch('stored-events-v1-cursors');
  const db = tmp.path('ledger.db');
  const syncIds = STORED.filter((e) => e.type === 'SyncStarted').map((e) => e.streamId.slice('sync-'.length));

  beforeAll(() => appendStoredEvents(db, STORED));
  afterAll(() => tmp.cleanup());

  it('is read back event for event, in the order it was stored', async () => {
    expect((await readLog(db)).map(withoutStamps)).toEqual(STORED.map(withoutStamps));
  });

  it('folds into the syncs as they ran: each with the events cursor it moved, the last held and approved', () => {
    type Sync = { syncId: string; source: string; status: string; approvedBy: string | null; eventsCursor: { value: string | null } | null; origin: string };
    const { status, body } = cliJson<{ items: Sync[] }>(['syncs', 'list', '--db', db]);
    expect(status).toBe(0);
    expect(body.items.map((s) => [s.syncId, s.source, s.status, s.approvedBy, s.eventsCursor?.value])).toEqual([
      [syncIds[2], 'clever-events', 'completed', 'alice', CLEVER_EVENTS.districtDeleted],
      [syncIds[1], 'clever-events', 'completed', null, CLEVER_EVENTS.studentLeftClass],
      [syncIds[0], 'clever-api', 'completed', null, CLEVER_EVENTS.beforeFirstSync],
    ]);
    // each events sync read on from where the sync before it left the cursor
    expect(body.items.map((s) => s.origin.replace(/^.* district \S+/, ''))).toEqual([
      ` events after event ${CLEVER_EVENTS.studentLeftClass}`,
      ` events after event ${CLEVER_EVENTS.beforeFirstSync}`,
      '',
    ]);
    for (const [i, cursor] of [CLEVER_EVENTS.beforeFirstSync, CLEVER_EVENTS.studentLeftClass, CLEVER_EVENTS.districtDeleted].entries()) {
      const shown = cliJson<{ status: string; eventsCursor: { value: string | null; at: string } | null }>(['syncs', 'show', syncIds[i]!, '--db', db]).body;
      expect(shown.eventsCursor?.value).toBe(cursor);
      const text = cli(['syncs', 'show', syncIds[i]!, '--db', db]).stdout;
      expect(text).toContain(`\n  Events cursor: moved by this sync to after event ${cursor}\n`);
    }
  });

  it("folds into the students' timelines: shared and enrolled by the full sync, then changed by Clever's events", () => {
    type Item = { type: string; syncId: string; cleverEventId: string | null; data: JsonObject };
    const renamed = cliJson<{ items: Item[] }>(['timeline', 'user', IDS.students[0]!, '--db', db]).body.items;
    expect(renamed.map((e) => [e.type, e.syncId, e.cleverEventId])).toEqual([
      ['StudentShared', syncIds[0], null],
      ['StudentEnrolled', syncIds[0], null],
      ['StudentUpdated', syncIds[1], CLEVER_EVENTS.studentRenamed],
    ]);
    const left = cliJson<{ items: Item[] }>(['timeline', 'user', IDS.students[1]!, '--db', db]).body.items;
    expect(left.map((e) => [e.type, e.syncId, e.cleverEventId])).toEqual([
      ['StudentShared', syncIds[0], null],
      ['StudentEnrolled', syncIds[0], null],
      ['StudentUnenrolled', syncIds[1], CLEVER_EVENTS.studentLeftClass],
    ]);
  });

  it('folds into the roster: who is in the class now, under which name, and who was in it before the events sync', () => {
    type Roster = { class: { status: string }; students: { userId: string; name: { last: string }; sinceSync: string }[] };
    const now = cliJson<Roster>(['roster', IDS.section, '--db', db]).body;
    expect(now.class.status).toBe('active');
    expect(now.students.map((m) => [m.userId, m.name.last, m.sinceSync])).toEqual([[IDS.students[0], 'Carter-Reyes', syncIds[0]]]);
    // the clocks the log holds: the full sync observed the district at 19:18:20.777, the events sync at 19:18:22.227
    const then = cliJson<Roster>(['roster', IDS.section, '--as-of', '2026-12-07T19:18:21Z', '--db', db]).body;
    expect(then.students.map((m) => m.userId)).toEqual([IDS.students[0], IDS.students[1]]);
  });

  it('folds into the audit feed, every roster, sync and cursor event once', () => {
    const exported = cli(['audit', 'export', '--format', 'json', '--db', db]);
    expect(exported.status).toBe(0);
    const changes = JSON.parse(exported.stdout) as { type: string }[];
    expect(changes.map((c) => c.type).sort()).toEqual(STORED.map((e) => e.type).sort());
    type Cursor = { type: string; syncId: string; data: { cursor: string; from?: string } };
    const cursors = JSON.parse(cli(['audit', 'export', '--format', 'json', '--record-types', 'cursor', '--db', db]).stdout) as Cursor[];
    expect(cursors.map((c) => [c.type, c.syncId, c.data.from ?? null, c.data.cursor])).toEqual([
      ['EventsCursorSet', syncIds[0], null, CLEVER_EVENTS.beforeFirstSync],
      ['EventsCursorAdvanced', syncIds[1], CLEVER_EVENTS.beforeFirstSync, CLEVER_EVENTS.studentLeftClass],
      ['EventsCursorAdvanced', syncIds[2], CLEVER_EVENTS.studentLeftClass, CLEVER_EVENTS.districtDeleted],
    ]);
  });

  it("folds the district's removal into the audit feed, with the district as it last stood, and into its stream", () => {
    type Change = { type: string; syncId: string; source: string; cleverEventId: string | null; syncApprovedBy: string | null; lastKnown?: { record: { name: string } } };
    const removals = JSON.parse(cli(['audit', 'export', '--format', 'json', '--record-types', 'district', '--db', db]).stdout) as Change[];
    expect(removals.map((c) => [c.type, c.syncId, c.source, c.cleverEventId, c.syncApprovedBy, c.lastKnown?.record.name ?? null])).toEqual([
      ['DistrictShared', syncIds[0], 'clever-api', null, null, null],
      ['DistrictRemoved', syncIds[2], 'clever-events', CLEVER_EVENTS.districtDeleted, 'alice', 'Union County Public Schools (renamed)'],
    ]);
    // `timeline` reads users, sections and schools: the district's own history is its stream
    const stream = cliJson<{ items: { type: string }[] }>(['events', '--stream', `district-${IDS.district}`, '--db', db]).body;
    expect(stream.items.map((e) => e.type)).toEqual(['DistrictShared', 'DistrictRemoved']);
  });

  it("folds into read models equal to a rebuild of them, and into the state the district's last records make: they again append nothing", () => {
    const verified = cliJson<{ projection: string; equal: boolean }[]>(['projections', 'verify', '--db', db]);
    expect(verified.status).toBe(0);
    expect(verified.body.length).toBeGreaterThan(0);
    expect(verified.body.map((v) => [v.projection, v.equal])).toEqual(verified.body.map((v) => [v.projection, true]));
    const again = cliJson<{ status: string; appended: number }>(['import', join(STORED_EVENTS_V1_CURSORS_FOLDER, 'last-served-snapshot'), '--read-all', '--db', db]);
    expect(again.body).toMatchObject({ status: 'completed', appended: 0 });
  });

  it('leaves the events cursor where an events sync goes on from: after the last Clever event it recorded', async () => {
    const standIn = new CleverStandIn({ folder: join(STORED_EVENTS_V1_CURSORS_FOLDER, 'last-served-snapshot'), token: STAND_IN_TOKEN });
    const baseUrl = await standIn.start();
    try {
      const env = { LEDGER_DISTRICTS: JSON.stringify({ [IDS.district]: { tokenEnv: TOKEN_ENV, baseUrl } }), [TOKEN_ENV]: STAND_IN_TOKEN };
      // the feed as Clever keeps it: the events already recorded, then one more (the student back
      // in the class of the district removed: skipped and counted, and the cursor moves past it)
      standIn.pushEvent({ id: CLEVER_EVENTS.beforeFirstSync, type: 'users.updated', data: { object: { id: IDS.students[1]!, district: IDS.district } } });
      standIn.pushEvent({ id: CLEVER_EVENTS.districtDeleted, type: 'districts.deleted', data: { object: { id: IDS.district } } });
      const section = (JSON.parse(readFileSync(join(STORED_EVENTS_V1_CURSORS_FOLDER, 'last-served-snapshot', 'sections.json'), 'utf8')) as { data: { data: JsonObject }[] }).data[0]!.data;
      const back = standIn.pushEvent({
        id: '6b1706ff0000000000000005',
        type: 'sections.updated',
        data: { object: { ...section, students: IDS.students, last_modified: '2026-12-08T09:00:00.000Z' } },
      });
      const synced = await runCli(['sync', '--district', IDS.district, '--events', '--db', db, '--json'], env);
      expect(synced.status).toBe(0);
      const report = JSON.parse(synced.stdout) as { status: string; mode: string; ran: string; origin: string; counts: Record<string, number>; skipped: Record<string, number>; eventsCursor: { value: string } };
      expect(report).toMatchObject({ status: 'completed', mode: 'events', ran: 'events', counts: {}, eventsCursor: { value: back.id } });
      expect(report.skipped).toEqual({ 'change of a record of a removed district': 1 });
      expect(report.origin).toMatch(new RegExp(` events after event ${CLEVER_EVENTS.districtDeleted}$`));
      // it asked Clever for the events after the stored cursor, and for none before it
      expect(standIn.requests.some((r) => r.path.includes(`starting_after=${CLEVER_EVENTS.districtDeleted}`))).toBe(true);
      expect(standIn.requests.some((r) => r.path.includes(`starting_after=${CLEVER_EVENTS.studentLeftClass}`))).toBe(false);
    } finally {
      await standIn.stop();
    }
  });
});
