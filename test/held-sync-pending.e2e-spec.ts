import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_KEYS } from './support/api-client';
import { startApiTestServer, type ApiTestServer } from './support/api-test-server';
import { cli, cliJson, scratch } from './support/ledger-cli';

interface Related {
  field: string;
  kind: string;
  id: string;
  name: string | null;
  personalRedacted?: true;
}
interface PendingPage {
  syncId: string;
  pending: number;
  items: { index: number; type: string; streamId: string; data: Record<string, unknown>; related: Related[] }[];
  next: string | null;
}
interface Entry {
  endpoint: string;
  who: string;
  studentIds: string[];
}

/**
 * A held sync's pending changes, read before deciding on it (`syncs pending` and `GET
 * /syncs/:id/pending`): which students it would remove and from which classes, by name, for the
 * roles that may see names, each page's students in the access log.
 */
describe('the changes a held sync would append (end to end)', () => {
  const tmp = scratch('held-sync-pending');
  const db = tmp.path('ledger.db');
  const removed = new Set<string>();
  const names = new Map<string, string>();
  let held: string;
  let completed: string;
  let server: ApiTestServer;
  const NEWCOMER = '5a25ffb0c1bc2a00360ffff1';

  beforeAll(async () => {
    expect(cli(['import', tmp.demoCopy('demo'), '--db', db]).status).toBe(0);
    completed = cliJson<{ items: { syncId: string }[] }>(['syncs', 'list', '--db', db, '--json']).body.items[0]!.syncId;
    // the demo without 150 of its students: the guard holds the sync that would remove them
    const folder = tmp.demoCopy('minus-150');
    const users = JSON.parse(readFileSync(join(folder, 'users.json'), 'utf8')) as { data: { data: { id: string; roles: { student?: unknown }; name: { first: string; last: string } } }[] };
    for (const u of users.data.filter((u) => u.data.roles.student).slice(0, 150)) {
      removed.add(u.data.id);
      names.set(u.data.id, `${u.data.name.first} ${u.data.name.last}`);
    }
    // and a new student: a share, with demographics, that the roles see as they see any other
    const newcomer = structuredClone(users.data.find((u) => removed.has(u.data.id))!);
    users.data = users.data.filter((u) => !removed.has(u.data.id));
    users.data.push({ ...newcomer, data: { ...newcomer.data, id: NEWCOMER, name: { first: 'Noor', last: 'Pending' } } });
    writeFileSync(join(folder, 'users.json'), JSON.stringify(users));
    const sections = JSON.parse(readFileSync(join(folder, 'sections.json'), 'utf8')) as { data: { data: { students: string[] } }[] };
    for (const s of sections.data) s.data.students = s.data.students.filter((id) => !removed.has(id));
    writeFileSync(join(folder, 'sections.json'), JSON.stringify(sections));
    const sync = cliJson<{ syncId: string; status: string }>(['import', folder, '--db', db, '--json']);
    expect(sync.body.status).toBe('held');
    held = sync.body.syncId;
    server = await startApiTestServer(db);
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    tmp.cleanup();
  });

  const accessLog = () => cliJson<{ items: Entry[] }>(['access-log', '--db', db, '--limit', '1000', '--json']).body.items;

  it('lists the students the sync would remove, by name, a page at a time, and logs the read', () => {
    const first = cliJson<PendingPage>(['syncs', 'pending', held, '--types', 'StudentRemoved', '--limit', '100', '--db', db, '--json']);
    expect(first.status).toBe(0);
    expect(first.body.items).toHaveLength(100);
    const second = cliJson<PendingPage>(['syncs', 'pending', held, '--types', 'StudentRemoved', '--limit', '100', '--after', first.body.next!, '--db', db, '--json']);
    expect([second.body.items.length, second.body.next]).toEqual([50, null]);
    const items = [...first.body.items, ...second.body.items];
    expect(new Set(items.map((c) => c.type))).toEqual(new Set(['StudentRemoved']));
    // every one of the 150, once, in the order the approval would append them
    expect(new Set(items.map((c) => c.data['id']))).toEqual(removed);
    expect(items.map((c) => c.index)).toEqual([...items.map((c) => c.index)].sort((a, b) => a - b));
    // a removal carries the id alone: the name is the account's now
    for (const c of items) expect(c.related).toEqual([expect.objectContaining({ field: 'id', kind: 'user', name: names.get(c.data['id'] as string) })]);
    const reads = accessLog().filter((e) => e.endpoint === 'cli syncs pending');
    expect(reads.map((e) => new Set(e.studentIds))).toEqual([new Set(second.body.items.map((c) => c.data['id'])), new Set(first.body.items.map((c) => c.data['id']))]);
  });

  it('prints one line a change, naming the class and the student of each enrollment, and the command of the next page', () => {
    const text = cli(['syncs', 'pending', held, '--types', 'StudentUnenrolled', '--limit', '2', '--db', db]);
    expect(text.status).toBe(0);
    const lines = text.stdout.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^Sync ${held} of district \\S+ is held: 1,\\d{3} roster events pending \\(listed: StudentUnenrolled\\)\\.$`));
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^ {2}#\d+ {2}StudentUnenrolled {6}.+ \(section \w+\) {2}.+ \(student \w+\)$/);
    const student = /\(student (\w+)\)$/.exec(lines[1]!)![1]!;
    expect(removed.has(student)).toBe(true);
    expect(lines[1]).toContain(`${names.get(student)} (student ${student})`);
    const last = /^ {2}#(\d+) /.exec(lines[2]!)![1];
    expect(lines[3]).toBe(`More: roster-ledger syncs pending ${held} --types StudentUnenrolled --limit 2 --db ${db} --after ${last}`);
  });

  it('names no one to an engineer, and logs no read', () => {
    const before = accessLog().length;
    const page = cliJson<PendingPage>(['syncs', 'pending', held, '--types', 'StudentRemoved', '--limit', '3', '--role', 'engineer', '--db', db, '--json']);
    expect(page.body.items.map((c) => c.related[0])).toEqual(page.body.items.map((c) => ({ field: 'id', kind: 'user', id: c.data['id'], name: null, status: 'active', personalRedacted: true })));
    expect(cli(['syncs', 'pending', held, '--types', 'StudentRemoved', '--limit', '1', '--role', 'engineer', '--db', db]).stdout).toMatch(/#\d+ {2}StudentRemoved +student \w+ {2}no longer shared/);
    expect(accessLog()).toHaveLength(before);
  });

  it('over HTTP: every change of the set once across its pages, as many as the sync says are pending, names for each role that may see them', async () => {
    const seen: PendingPage['items'] = [];
    let after: string | null = null;
    let pending = 0;
    do {
      const answer = await server.client.as('compliance').get(`/syncs/${held}/pending?limit=1000${after === null ? '' : `&after=${after}`}`);
      expect(answer.status).toBe(200);
      const page = answer.body as PendingPage;
      seen.push(...page.items);
      pending = page.pending;
      after = page.next;
    } while (after !== null);
    expect(seen.map((c) => c.index)).toEqual(seen.map((_, i) => i + 1));
    expect(seen).toHaveLength(pending);
    const shown = (await cliJson<{ counts: Record<string, number> }>(['syncs', 'show', held, '--db', db, '--json'])).body.counts;
    const counted: Record<string, number> = {};
    for (const c of seen) counted[c.type] = (counted[c.type] ?? 0) + 1;
    expect(counted).toEqual(shown);

    const one = (role: 'support' | 'engineer') => server.client.as(role).get(`/syncs/${held}/pending?types=StudentRemoved&limit=1`);
    const support = await one('support');
    const student = support.body.items[0].data.id as string;
    expect(support.body.items[0].related[0]).toMatchObject({ id: student, name: names.get(student) });
    expect((await one('engineer')).body.items[0].related[0]).toMatchObject({ id: student, name: null, personalRedacted: true });
    const reads = (await server.client.as('compliance').get(`/access-log?student=${student}`)).body.items as Entry[];
    // newest first: support's page, then compliance's pages that named the student (an unenrollment, the removal)
    const who = reads.filter((e) => e.endpoint === 'GET /syncs/:id/pending').map((e) => e.who);
    expect(who[0]).toBe(TEST_KEYS.support.name);
    expect(new Set(who.slice(1))).toEqual(new Set([TEST_KEYS.compliance.name]));
  });

  it('shows a new student\'s share with the personal fields each role may see', async () => {
    const share = async (role: 'compliance' | 'support' | 'engineer') => {
      const { body } = await server.client.as(role).get(`/syncs/${held}/pending?types=StudentShared`);
      expect(body.items.map((c: { streamId: string }) => c.streamId)).toEqual([`user-${NEWCOMER}`]);
      return body.items[0].data as { personal: Record<string, unknown>; personalRedacted?: true };
    };
    const compliance = await share('compliance');
    expect(compliance.personal).toMatchObject({ name: { first: 'Noor', last: 'Pending' }, race: expect.any(String), dob: expect.any(String) });
    const support = await share('support');
    expect(support).toMatchObject({ personal: { name: { first: 'Noor', last: 'Pending' } }, personalRedacted: true });
    expect(support.personal).not.toHaveProperty('race');
    expect(support.personal).not.toHaveProperty('dob');
    expect(await share('engineer')).toMatchObject({ personal: {}, personalRedacted: true });
    const reads = (await server.client.as('compliance').get(`/access-log?student=${NEWCOMER}`)).body.items as Entry[];
    // newest first (compliance read the whole set before, too)
    expect(reads.slice(0, 2).map((e) => [e.who, e.endpoint])).toEqual([TEST_KEYS.support.name, TEST_KEYS.compliance.name].map((who) => [who, 'GET /syncs/:id/pending']));
  });

  it('refuses a sync that is not held, an unknown type, and a held sync whose change set is gone', async () => {
    const notHeld = cli(['syncs', 'pending', completed, '--db', db]);
    expect(notHeld.status).toBe(2);
    expect(notHeld.stderr).toBe(`error (SYNC_NOT_HELD): sync ${completed} is completed, not held: its changes are in the log: the audit feed of the sync shows them\n`);
    expect((await server.client.as('admin').get(`/syncs/${completed}/pending`)).body).toMatchObject({ status: 409, code: 'SYNC_NOT_HELD' });
    const unknownType = cli(['syncs', 'pending', held, '--types', 'StudentLeft', '--db', db]);
    expect([unknownType.status, unknownType.stderr]).toEqual([2, expect.stringContaining('--types: "StudentLeft" is not a roster event type')]);
    expect((await server.client.as('admin').get(`/syncs/${held}/pending?types=SyncHeld`)).status).toBe(400);

    renameSync(`${db}.staged`, `${db}.staged-away`);
    try {
      const gone = cli(['syncs', 'pending', held, '--db', db]);
      expect([gone.status, gone.stderr]).toEqual([2, expect.stringContaining(`error (HELD_SYNC_OUTDATED): sync ${held} can no longer be applied (its pending change set is missing)`)]);
      // support may read a held sync but not discard one: the answer says who can
      expect((await server.client.as('support').get(`/syncs/${held}/pending`)).body).toMatchObject({
        status: 409,
        code: 'HELD_SYNC_OUTDATED',
        detail: expect.stringContaining(`an engineer or admin discards it ("roster-ledger syncs discard ${held} --by <name>", or POST /syncs/${held}/discard)`),
      });
    } finally {
      renameSync(`${db}.staged-away`, `${db}.staged`);
    }
    expect(cliJson(['syncs', 'approve', held, '--by', 'e2e', '--db', db, '--json']).status).toBe(0);
    expect((await server.client.as('admin').get(`/syncs/${held}/pending`)).body).toMatchObject({ status: 409, code: 'SYNC_NOT_HELD' });
  });
});
