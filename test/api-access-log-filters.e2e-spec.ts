import { startApiTestServer, type ApiTestServer } from './support/api-test-server';
import { scratch } from './support/ledger-cli';

/**
 * The access log's `after` is the place of the last entry of a page: one past the newest entry
 * ends no page of this log, and is refused rather than answered with the newest entries again.
 */
describe('the access log asked with filters that name nothing in it (end to end)', () => {
  const tmp = scratch('api-access-log-filters');
  let server: ApiTestServer;

  beforeAll(async () => {
    server = await startApiTestServer(tmp.path('ledger.db'));
  });
  afterAll(async () => {
    await server?.close();
    tmp.cleanup();
  });

  it('refuses it with a 400 naming after, and the place of the newest entry', async () => {
    const answer = await server.client.as('compliance').get('/access-log?after=999999');
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      code: 'INVALID_REQUEST',
      detail: "after: 999999 is past the newest entry of this ledger's access log (it holds no entry yet): give the next of one of its pages, or leave it out for the newest entries",
      errors: [{ parameter: 'after', problems: [expect.stringContaining('999999 is past the newest entry')] }],
    });
    expect((await server.client.as('compliance').get('/access-log')).status).toBe(200);
  });

  it('says an empty who is empty, as every other filter says it', async () => {
    const answer = await server.client.as('compliance').get('/access-log?who=');
    expect([answer.status, answer.body.errors]).toEqual([400, [{ parameter: 'who', problems: ['who is empty: give the name of a key holder or CLI user, or leave who out'] }]]);
    const long = await server.client.as('compliance').get(`/access-log?who=${'a'.repeat(101)}`);
    expect([long.status, long.body.detail]).toEqual([400, 'who must be a name of at most 100 characters']);
  });
});
