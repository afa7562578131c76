import { startApiTestServer, type ApiTestServer } from './support/api-test-server';
import { scratch } from './support/ledger-cli';

/** An id put in a path unescaped, whose `%` starts no UTF-8 escape, is refused saying how to escape it. */
describe('a path whose escapes are no UTF-8 text (end to end)', () => {
  const tmp = scratch('api-undecodable-path');
  let server: ApiTestServer;

  beforeAll(async () => {
    server = await startApiTestServer(tmp.path('ledger.db'));
  });
  afterAll(async () => {
    await server?.close();
    tmp.cleanup();
  });

  it('is a 400 problem naming the segment and encodeURIComponent', async () => {
    for (const segment of ['50%', '%FF']) {
      const answer = await server.client.as('support').get(`/accounts/${segment}/timeline`);
      expect([segment, answer.status, answer.headers.get('content-type')]).toEqual([segment, 400, 'application/problem+json; charset=utf-8']);
      expect(answer.body).toMatchObject({
        code: 'BAD_REQUEST',
        detail: `the path segment ${segment} is not percent-encoded UTF-8 (a % starts an escape such as %2F; a % of the id itself is %25): escape each id put in a path with encodeURIComponent`,
      });
    }
  });
});
