import { startApiTestServer, type ApiTestServer } from './support/api-test-server';
import { scratch } from './support/ledger-cli';

/**
 * A path no endpoint has is told by its path alone, as `instance` gives it: a mistyped path's query
 * (`/acounts?q=noor haddad`) may hold a person's name, and is never repeated back.
 */
describe('a path no endpoint has (end to end)', () => {
  const tmp = scratch('api-route-not-found');
  let server: ApiTestServer;

  beforeAll(async () => {
    server = await startApiTestServer(tmp.path('ledger.db'));
  });
  afterAll(async () => {
    await server?.close();
    tmp.cleanup();
  });

  it('is a 404 naming the path and where the endpoints are listed, never the query', async () => {
    for (const role of ['support', null] as const) {
      const answer = await server.client.as(role).get('/acounts?q=noor%20haddad&limit=5');
      expect(answer.text).not.toMatch(/noor|haddad/i);
      expect(answer.body).toEqual({
        type: 'urn:roster-ledger:problem:route-not-found',
        title: 'Not found',
        status: 404,
        detail: 'no endpoint has the path /acounts (GET): the endpoints are listed at /docs',
        code: 'ROUTE_NOT_FOUND',
        instance: '/acounts',
      });
    }
    // a path there under another method is still a 405 naming those it takes
    expect((await server.client.as('admin').request('DELETE', '/access-log?student=x')).status).toBe(405);
  });
});
