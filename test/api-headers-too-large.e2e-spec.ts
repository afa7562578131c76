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

/**
 * A request whose URL and headers are over Node's limit is refused before any route sees it, and
 * says so as every other refusal does: a problem document naming the limit.
 */
describe('a request too large in its URL or headers (end to end)', () => {
  const tmp = scratch('api-headers-too-large');
  let server: ApiTestServer;

  beforeAll(async () => {
    server = await startApiTestServer(tmp.path('ledger.db'));
  });
  afterAll(async () => {
    await server?.close();
    tmp.cleanup();
  });

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
