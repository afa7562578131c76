import { Logger, type ArgumentsHost } from '@nestjs/common';
import type { LedgerConfig } from '@roster-ledger/config';
import { ProblemDetailsFilter } from './problem-details.filter';

describe('ProblemDetailsFilter', () => {
  const ledger = '/srv/roster/ledger.db';
  const logged: string[] = [];
  let sent: { status?: number; body?: string } = {};
  const host = {
    switchToHttp: () => ({
      getRequest: () => ({ method: 'GET', path: '/accounts', route: { path: '/accounts' } }),
      getResponse: () => {
        const response = {
          headersSent: false,
          status: (status: number) => ((sent.status = status), response),
          set: () => response,
          type: () => response,
          send: (body: string) => ((sent.body = body), response),
        };
        return response;
      },
    }),
  } as unknown as ArgumentsHost;
  const filter = new ProblemDetailsFilter({ dbPath: ledger } as LedgerConfig);

  beforeEach(() => {
    logged.length = 0;
    sent = {};
    jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => void logged.push(String(message)));
  });
  afterEach(() => jest.restoreAllMocks());

  it("logs which file SQLite found damaged while serving, and what to do, beside the error; the client's 500 leaks neither", () => {
    filter.catch(Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' }), host);
    expect(sent.status).toBe(500);
    expect(sent.body).not.toContain(ledger);
    expect(logged).toEqual([
      expect.stringMatching(/^GET \/accounts failed: Error: database disk image is malformed/),
      expect.stringMatching(new RegExp(`^a read model of the ledger at ${ledger} is damaged \\(SQLITE_CORRUPT: .*move ${ledger}\\.read-models aside`)),
    ]);
  });

  it('logs an unexpected error that is no damage once, as it is', () => {
    filter.catch(new TypeError('x is undefined'), host);
    expect(sent.status).toBe(500);
    expect(logged).toEqual([expect.stringMatching(/^GET \/accounts failed: TypeError: x is undefined/)]);
  });
});
