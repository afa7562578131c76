import { CatchUpProjectionsCommand } from '@roster-ledger/ledger';
import { DEMO_USERS, demoFolderWithUsers } from './support/demo-users-folder';
import { startApiTestServer, type ApiTestServer } from './support/api-test-server';
import { cli, scratch } from './support/ledger-cli';

/**
 * An id the import takes is one the API can be asked for: a snapshot's record ids may hold a `/`,
 * a `+`, a `#` or a letter beyond ASCII, and CSV districts recorded before were named with a space
 * inside. Escaped in the path or the query, each is asked for as it is; a control character never is.
 */
describe('ids the import took, asked for through the API (end to end)', () => {
  const tmp = scratch('api-odd-ids');
  const db = tmp.path('ledger.db');
  const odd = ['a/b06', 'stu+03', 'élève04', 'x%2507', 'sec#2'];
  let server: ApiTestServer;

  beforeAll(async () => {
    const students = DEMO_USERS.filter((u) => u['roles']?.student).slice(0, odd.length);
    const folder = demoFolderWithUsers(
      tmp.path('snapshot'),
      students.map((u, i) => ({ ...structuredClone(u), id: odd[i] })),
    );
    // the demo's sections name the demo's ids, not these: only the users are of interest here
    expect(cli(['import', folder, '--db', db, '--skip-projections']).status).toBe(0);
    server = await startApiTestServer(db);
    await server.commands.execute(new CatchUpProjectionsCommand());
  });
  afterAll(async () => {
    await server?.close();
    tmp.cleanup();
  });

  it('answers the timeline of each, asked for with its id escaped in the path', async () => {
    for (const id of odd) {
      const answer = await server.client.as('support').get(`/accounts/${encodeURIComponent(id)}/timeline`);
      expect([id, answer.status]).toEqual([id, 200]);
      expect(answer.body.items[0]).toMatchObject({ type: 'StudentShared', streamId: `user-${id}` });
    }
  });

  it('refuses an id with a control character, or longer than any the ledger takes, naming why', async () => {
    const control = await server.client.as('support').get(`/accounts/${encodeURIComponent('a\u001b[31m')}/timeline`);
    expect([control.status, control.body.detail]).toEqual([400, expect.stringContaining('must be an id, without control characters')]);
    const long = await server.client.as('support').get(`/accounts/${'a'.repeat(256)}/timeline`);
    expect([long.status, long.body.detail]).toEqual([400, expect.stringContaining('must be an id of at most 255 characters')]);
  });
});
