import { connect } from 'node:net';
import { startApiTestServer, type ApiTestServer } from './support/api-test-server';
import { scratch } from './support/ledger-cli';

/** What a raw request gets back, as sent: status line, headers and body. */
function rawRequest(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

/** Requests the API refuses at its edges, before or beside any query: one server on an empty ledger answers them all. */
describe('requests refused at the edges of the API (end to end)', () => {
  const tmp = scratch('api-request-edges');
  let server: ApiTestServer;

  beforeAll(async () => {
    server = await startApiTestServer(tmp.path('ledger.db'));
  });
  afterAll(async () => {
    await server?.close();
    tmp.cleanup();
  });

  /**
   * A parameter named as a member every object has (`constructor`, `toString`, `hasOwnProperty`,
   * `__proto__`) is one the request does not take like any other: refused with the list of those it
   * does, never answered as if it had not been sent.
   */
  describe('parameters named as members of every object', () => {
    it('refuses them in a query, naming each and the parameters the request takes', async () => {
      for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
        const answer = await server.client.as('admin').get(`/accounts?q=a&${name}=1`);
        expect([name, answer.status, answer.body.code]).toEqual([name, 400, 'INVALID_REQUEST']);
        expect(answer.body.errors).toEqual([{ parameter: name, problems: [`${name} is not a parameter of this request; it takes after, district, limit, q`] }]);
      }
    });

    it('refuses a parameter with no name as one, not as a blank', async () => {
      const answer = await server.client.as('admin').get('/accounts?q=a&=1');
      expect(answer.status).toBe(400);
      expect(answer.body.errors).toEqual([{ parameter: '', problems: ['a parameter with no name ("=" without a name before it) is not a parameter of this request; it takes after, district, limit, q'] }]);
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

  /**
   * A path no endpoint has is told by its path alone, as `instance` gives it: a mistyped path's query
   * (`/acounts?q=noor haddad`) may hold a person's name, and is never repeated back.
   */
  describe('a path no endpoint has', () => {
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

  /** An id put in a path unescaped, whose `%` starts no UTF-8 escape, is refused saying how to escape it. */
  describe('a path whose escapes are no UTF-8 text', () => {
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

  /**
   * A request whose URL and headers are over Node's limit is refused before any route sees it, and
   * says so as every other refusal does: a problem document naming the limit.
   */
  describe('a request too large in its URL or headers', () => {
    it('answers a query over the limit with a 431 problem saying what the limit is', async () => {
      const types = Array.from({ length: 2000 }, () => 'StudentShared').join(',');
      const answer = await server.client.as('compliance').get(`/districts/d1/audit?types=${types}`);
      expect(answer.status).toBe(431);
      expect(answer.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
      expect(answer.body).toEqual({
        type: 'urn:roster-ledger:problem:request-headers-too-large',
        title: 'Request header fields too large',
        status: 431,
        detail: "the request's URL and headers are over the server's limit of 16,384 bytes: send a shorter query (each list value once) and headers of a usual size",
        code: 'REQUEST_HEADERS_TOO_LARGE',
      });
    });

    it('answers a request Node cannot parse as Node does, and goes on serving', async () => {
      const { port } = server.app.getHttpServer().address() as { port: number };
      expect(await rawRequest(port, 'NOT HTTP\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      expect((await server.client.as('admin').get('/health/live')).status).toBe(200);
    });
  });

  /**
   * The access log's `after` is the place of the last entry of a page: one past the newest entry
   * ends no page of this log, and is refused rather than answered with the newest entries again.
   */
  describe('the access log asked with filters that name nothing in it', () => {
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
});
