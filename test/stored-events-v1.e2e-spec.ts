import { join } from 'node:path';
import type { JsonObject } from '@roster-ledger/ledger';
import { STORED_EVENTS_V1_FOLDER } from '@roster-ledger/testing';
import { cli, cliJson, readLog, scratch } from './support/ledger-cli';
import { startApiTestServer } from './support/api-test-server';
import { appendStoredEvents, storedEvents, withoutStamps } from './support/stored-log';

const STORED = storedEvents(STORED_EVENTS_V1_FOLDER);
const IDS = {
  district: '598089603f4224680d000000',
  students: ['5b3e39ab3f422468a5000000', '5b3facdf3f422468a5000001', '5b41625e3f422468a5000002'],
  teachers: ['5b5733e03f422468a5000009', '5b5ba9823f422468a500000b'],
  sections: ['68abc3a03f4224685e000000', '68abeb543f4224685e000001'],
};

/**
 * A log written at schema version 1, frozen (libs/testing/fixtures/stored-events-v1): the code of
 * today must fold it into the read models and the district state it made then. A change to what
 * a stored event means fails here, as it would fail every ledger in use.
 */
describe('a log stored at schema version 1 (end to end)', () => {
  const tmp = scratch('stored-events-v1');
  const db = tmp.path('ledger.db');

  beforeAll(() => appendStoredEvents(db, STORED));
  afterAll(() => tmp.cleanup());

  it('is read back event for event, in the order it was stored', async () => {
    expect((await readLog(db)).map(withoutStamps)).toEqual(STORED.map(withoutStamps));
  });

  it('folds into the syncs as they were decided: held ones approved and discarded, and one failed', () => {
    const { status, body } = cliJson<{ items: { status: string; approvedBy: string | null; discardedBy: string | null; failure: { code: string } | null; appended: number }[] }>(['syncs', 'list', '--db', db]);
    expect(status).toBe(0);
    expect(body.items.map((s) => [s.status, s.approvedBy ?? s.discardedBy ?? s.failure?.code ?? null])).toEqual([
      ['failed', 'INVALID_INPUT'],
      ['completed', 'alice'],
      ['discarded', 'bob'],
      ['completed', 'alice'],
      ['completed', null],
    ]);
  });

  it("folds into a student's timeline: shared, enrolled, changed (a demographic apart), moved between classes", () => {
    const { body } = cliJson<{ items: { type: string; data: JsonObject }[] }>(['timeline', 'user', IDS.students[0]!, '--role', 'compliance', '--db', db]);
    expect(body.items.map((e) => e.type)).toEqual(['StudentShared', 'StudentEnrolled', 'StudentUpdated', 'DemographicUpdated']);
    const gone = cliJson<{ items: { type: string }[] }>(['timeline', 'user', IDS.students[2]!, '--db', db]).body.items.map((e) => e.type);
    // shared in one class, moved into another, then removed: the removal and the unenrollments it brought, in the log's order
    expect(gone).toEqual(['StudentShared', 'StudentEnrolled', 'StudentEnrolled', 'StudentUnenrolled', 'StudentRemoved', 'StudentUnenrolled']);
  });

  it("folds into the district's, a term's and a course's timelines, which the CLI reads as it reads a school's", () => {
    const timeline = (kind: string, id: string) => cliJson<{ items: { type: string }[] }>(['timeline', kind, id, '--db', db]).body.items.map((e) => e.type);
    expect(timeline('district', IDS.district)).toEqual(['DistrictShared', 'DistrictUpdated']);
    expect(timeline('term', '68a52c213f4224687e000001')).toEqual(['TermShared', 'TermRemoved']);
    expect(timeline('course', '68a53a303f422468c0000000')).toEqual(['CourseShared', 'CourseUpdated']);
  });

  it("answers the district's, a term's and a course's timelines over the API as the CLI reads them, to every role", async () => {
    const server = await startApiTestServer(db);
    try {
      for (const [path, kind, id] of [
        ['districts', 'district', IDS.district],
        ['terms', 'term', '68a52c213f4224687e000001'],
        ['courses', 'course', '68a53a303f422468c0000000'],
      ] as const) {
        const cli = cliJson<{ items: { type: string; position: number }[] }>(['timeline', kind, id, '--db', db]).body.items;
        for (const role of ['admin', 'engineer', 'compliance', 'support'] as const) {
          const { status, body } = await server.client.as(role).get<{ items: { type: string; position: number }[]; next: string | null }>(`/${path}/${id}/timeline`);
          expect({ path, role, status, items: body.items.map((e) => [e.type, e.position]), next: body.next }).toEqual({ path, role, status: 200, items: cli.map((e) => [e.type, e.position]), next: null });
        }
      }
      // paged as every timeline: a page of one, then the rest after its cursor
      const first = await server.client.as('support').get<{ items: { type: string }[]; next: string | null }>(`/districts/${IDS.district}/timeline?limit=1`);
      expect(first.body.items.map((e) => e.type)).toEqual(['DistrictShared']);
      const rest = await server.client.as('support').get<{ items: { type: string }[]; next: string | null }>(`/districts/${IDS.district}/timeline?after=${first.body.next}`);
      expect(rest.body.items.map((e) => e.type)).toEqual(['DistrictUpdated']);
    } finally {
      await server.close();
    }
  });

  it('folds into the rosters: who is in the class now, and who was in it between the first two days, since when and by which sync', () => {
    type Roster = { teachers: { userId: string; primary: boolean; since: string; sinceSync: string }[]; students: { userId: string; since: string }[] };
    const now = cliJson<Roster>(['roster', IDS.sections[0]!, '--db', db]).body;
    expect(now.teachers.map((m) => [m.userId, m.primary])).toEqual([[IDS.teachers[1], true]]);
    expect(now.students.map((m) => m.userId)).toEqual([IDS.students[0]]);
    // the clocks the log holds: the first day's sync observed the district at 16:06:16.360, the second at 16:06:18.243
    const firstSync = STORED[0]!.streamId.slice('sync-'.length);
    const then = cliJson<Roster>(['roster', IDS.sections[0]!, '--as-of', '2026-12-07T16:06:17Z', '--db', db]).body;
    expect(then.teachers.map((m) => [m.userId, m.primary, m.since, m.sinceSync])).toEqual([[IDS.teachers[0], true, '2026-12-07T16:06:16.360Z', firstSync]]);
    expect(then.students.map((m) => m.userId)).toEqual([IDS.students[0], IDS.students[1]]);
    const removed = cliJson<{ class: { status: string } }>(['roster', IDS.sections[1]!, '--db', db]).body;
    expect(removed.class.status).toBe('removed');
  });

  it('folds into the audit feed, every roster and sync event once', () => {
    const exported = cli(['audit', 'export', '--format', 'json', '--db', db]);
    expect(exported.status).toBe(0);
    const changes = JSON.parse(exported.stdout) as { type: string }[];
    expect(changes.map((c) => c.type).sort()).toEqual(STORED.map((e) => e.type).sort());
  });

  it('folds into read models equal to a rebuild of them, and into the state the last snapshot it applied makes: that snapshot again appends nothing', () => {
    const verified = cliJson<{ name: string; equal: boolean }[]>(['projections', 'verify', '--db', db]);
    expect(verified.body.map((v) => [v.name, v.equal])).toEqual(verified.body.map((v) => [v.name, true]));
    const again = cliJson<{ status: string; appended: number }>(['import', join(STORED_EVENTS_V1_FOLDER, 'last-applied-snapshot'), '--read-all', '--db', db]);
    expect(again.body).toMatchObject({ status: 'completed', appended: 0 });
  });
});
