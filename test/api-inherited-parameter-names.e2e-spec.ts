import { startApiTestServer, type ApiTestServer } from './support/api-test-server';
import { scratch } from './support/ledger-cli';

/**
 * A parameter named as a member every object has (`constructor`, `toString`, `hasOwnProperty`,
 * `__proto__`) is one the request does not take like any other: refused with the list of those it
 * does, never answered as if it had not been sent.
 */
describe('parameters named as members of every object (end to end)', () => {
  const tmp = scratch('api-inherited-parameter-names');
  let server: ApiTestServer;

  beforeAll(async () => {
    server = await startApiTestServer(tmp.path('ledger.db'));
  });
  afterAll(async () => {
    await server?.close();
    tmp.cleanup();
  });

  it('refuses them in a query, naming each and the parameters the request takes', async () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      const answer = await server.client.as('admin').get(`/accounts?q=a&${name}=1`);
      expect([name, answer.status, answer.body.code]).toEqual([name, 400, 'INVALID_REQUEST']);
      expect(answer.body.errors).toEqual([{ parameter: name, problems: [`${name} is not a parameter of this request; it takes after, district, limit, q`] }]);
    }
  });

  it('refuses them beside whatever else the query breaks, in one answer', async () => {
    const answer = await server.client.as('compliance').get('/access-log?constructor=1&constructor=2&limit=0');
    expect(answer.status).toBe(400);
    expect(answer.body.errors.map((e: { parameter: string }) => e.parameter).sort()).toEqual(['constructor', 'limit']);
  });

  it('refuses them in a body, before any job is started', async () => {
    for (const name of ['constructor', 'toString', '__proto__']) {
      const body = JSON.parse(`{"names": ["accounts"], "dryRun": true, "${name}": 1}`);
      const answer = await server.client.as('admin').post('/projections/rebuild', body);
      expect([name, answer.status]).toEqual([name, 400]);
      expect(answer.body.errors).toEqual([{ parameter: name, problems: [`${name} is not a parameter of this request; it takes all, dryRun, names`] }]);
    }
    expect((await server.client.as('admin').get('/projections/jobs')).body.items).toEqual([]);
  });
});
