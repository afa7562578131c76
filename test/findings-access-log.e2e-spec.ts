import { join } from 'node:path';
import type { SyncSummary } from '@roster-ledger/domain';
import { CatchUpProjectionsCommand, RunSyncCommand } from '@roster-ledger/ledger';
import { TEST_KEYS } from './support/api-client';
import { DEMO_USERS, demoFolderWithUsers, withStudentFields, type Json } from './support/demo-users-folder';
import { startApiTestServer } from './support/api-test-server';
import { cli, cliJson, scratch } from './support/ledger-cli';


/**
 * A sync's findings name the student of a value outside Clever's lists in a personal field
 * (`student.gender` at record u5): that a named student's gender is none of Clever's is a fact
 * about their gender. Every command that shows those places writes the student to the access log,
 * as every read of a student's personal data is; one naming only roster facts (a grade) does not.
 */
describe("the access log of a sync's findings that name students (end to end)", () => {
  const tmp = scratch('findings-access-log');
  afterAll(() => tmp.cleanup());
  const db = tmp.path('ledger.db');

  const students = DEMO_USERS.filter((u) => u['roles']?.student);
  const [oddGender, oddGrade] = [students[0]!, students[1]!];

  interface Entry {
    endpoint: string;
    studentIds: string[];
  }
  const reads = () => cliJson<{ items: Entry[] }>(['access-log', '--db', db]).body.items.map((e) => [e.endpoint, e.studentIds]);

  /** The demo district with one student's gender and another's grade outside Clever's lists. */
  const oddFolder = (name: string): string =>
    demoFolderWithUsers(
      tmp.path(name),
      DEMO_USERS.map((u) => (u === oddGender ? withStudentFields(u, { gender: 'Q' }) : u === oddGrade ? withStudentFields(u, { grade: 'Year 14' }) : u)),
    );

  it('logs the student whose gender the import found outside the list, not the one whose grade it found so', () => {
    const folder = oddFolder('day-1');
    const imported = cliJson<{ syncId: string; unknownValues: Record<string, number> }>(['import', folder, '--db', db]);
    expect(imported.body.unknownValues).toEqual({ 'student.gender': 1, 'student.grade': 1 });
    expect(reads()).toEqual([['cli import', [oddGender['id']]]]);

    expect(cli(['syncs', 'show', imported.body.syncId, '--db', db]).stdout).toContain(`student.gender at ${join(folder, 'users.json')}`);
    expect(reads()[0]).toEqual(['cli syncs show', [oddGender['id']]]);
    // the text list shows no place; its JSON does
    cli(['syncs', 'list', '--db', db]);
    expect(reads()).toHaveLength(2);
    cliJson(['syncs', 'list', '--db', db]);
    expect(reads()[0]).toEqual(['cli syncs list', [oddGender['id']]]);
    // the audit export carries the sync's events, findings and all
    cli(['audit', 'export', '--types', 'SyncCompleted', '--db', db]);
    expect(reads()[0]).toEqual(['cli audit export', [oddGender['id']]]);
    // and so does the raw log, which shows the odd gender, count and place, only to a role that may see genders
    const completed = (role: string) =>
      cliJson<{ items: { type: string; data: Json }[] }>(['events', '--stream', `sync-${imported.body.syncId}`, '--role', role, '--db', db]).body.items.find((e) => e.type === 'SyncCompleted')!.data;
    for (const role of ['engineer', 'support']) {
      expect([completed(role)['unknownValues'], Object.keys(completed(role)['unknownValuesAt'])]).toEqual([{ 'student.grade': 1 }, ['student.grade']]);
      expect(completed(role)['unknownValuesAt']['student.grade']).toEqual([expect.objectContaining({ recordId: oddGrade['id'] })]);
    }
    expect(reads()).toHaveLength(4);
    expect(completed('admin')['unknownValuesAt']['student.gender']).toEqual([expect.objectContaining({ recordId: oddGender['id'] })]);
    expect(reads()[0]).toEqual(['cli events', [oddGender['id']]]);
  });

  it('logs them for GET /syncs/:id, GET /syncs and the audit feed, for the roles shown them, not for engineers', async () => {
    const server = await startApiTestServer(tmp.path('api-ledger.db'));
    try {
      const sync = await server.commands.execute<RunSyncCommand, SyncSummary>(new RunSyncCommand(oddFolder('day-1-api'), { requestedBy: 'e2e' }));
      await server.commands.execute(new CatchUpProjectionsCommand());
      const api = server.client;
      const readsOf = async (who: string) =>
        (await api.as('compliance').get(`/access-log?who=${who}&limit=1000`)).body.items.map((e: Entry) => [e.endpoint, e.studentIds]);
      expect((await api.as('compliance').get(`/syncs/${sync.syncId}`)).body.unknownValuesAt['student.gender'][0].recordId).toBe(oddGender['id']);
      expect(await readsOf(TEST_KEYS.compliance.name)).toEqual([['GET /syncs/:id', [oddGender['id']]]]);
      await api.as('compliance').get('/syncs');
      await api.as('compliance').get(`/districts/${sync.districtId}/audit?types=SyncCompleted`);
      expect((await readsOf(TEST_KEYS.compliance.name)).slice(0, 2)).toEqual([
        ['GET /districts/:id/audit', [oddGender['id']]],
        ['GET /syncs', [oddGender['id']]],
      ]);
      // a page that shows students' data and a sync's findings is one read: one entry, every student in it
      const positions: number[] = [];
      for (let after: string | null = '0'; after !== null; ) {
        const shares: { items: { position: number }[]; next: string | null } = (await api.as('compliance').get(`/districts/${sync.districtId}/audit?types=StudentShared&limit=1000&after=${after}`)).body;
        positions.push(...shares.items.map((c: { position: number }) => c.position));
        after = shares.next;
      }
      const tail = `types=SyncCompleted,StudentShared&after=${positions.at(-3)! - 1}`;
      const before = (await readsOf(TEST_KEYS.compliance.name)).length;
      const page = (await api.as('compliance').get(`/districts/${sync.districtId}/audit?${tail}`)).body.items as { type: string; streamId: string }[];
      expect(page.map((c) => c.type)).toEqual(['StudentShared', 'StudentShared', 'StudentShared', 'SyncCompleted']);
      const shared = page.slice(0, 3).map((c) => c.streamId.slice('user-'.length));
      const [read, ...rest] = await readsOf(TEST_KEYS.compliance.name);
      expect(rest).toHaveLength(before);
      expect([read[0], new Set(read[1])]).toEqual(['GET /districts/:id/audit', new Set([...shared, oddGender['id']])]);
      // and so is each page of an export
      const exported = await fetch(`${api.base}/districts/${sync.districtId}/audit/export?format=json&${tail}`, { headers: { Authorization: `Bearer ${TEST_KEYS.compliance.key}` } });
      expect(exported.status).toBe(200);
      expect((JSON.parse(await exported.text()) as { streamId: string }[]).map((c) => c.streamId)).toEqual(page.map((c) => c.streamId));
      const [exportRead, ...earlier] = await readsOf(TEST_KEYS.compliance.name);
      expect(earlier).toHaveLength(before + 1);
      expect([exportRead[0], new Set(exportRead[1])]).toEqual(['GET /districts/:id/audit/export', new Set([...shared, oddGender['id']])]);
      // an engineer is shown nothing of a gender, neither the count nor the student: nothing to log
      const engineers = (await api.as('engineer').get(`/syncs/${sync.syncId}`)).body;
      expect([engineers.unknownValues['student.gender'], engineers.unknownValuesAt['student.gender']]).toEqual([undefined, undefined]);
      expect(await readsOf(TEST_KEYS.engineer.name)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
