import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BadRequestException, NotFoundException } from '@nestjs/common';
import { InvalidInput } from '@roster-ledger/domain';
import { CleverRequestFailed } from '@roster-ledger/clever';
import { DuplicateEventId, EventStoreUnavailable, HeldSyncOutdated, NotFound, SyncNotFound, SyncNotHeld, UnknownProjection } from '@roster-ledger/ledger';
import { RequestInvalid, RoleNotAllowed, Unauthenticated } from './api-errors';
import { LedgerCommandRefused } from '../district-syncs/ledger-command-thread';
import { problemOf, withoutServerPaths } from './problem-details';

const statusOf = (error: unknown) => problemOf(error, '/x').body.status;

describe('errors as problem details', () => {
  it('maps the ledger’s errors by their code', () => {
    expect(statusOf(new NotFound('account a'))).toBe(404);
    expect(statusOf(new SyncNotFound('s'))).toBe(404);
    expect(statusOf(new SyncNotHeld('s', 'completed'))).toBe(409);
    expect(statusOf(new HeldSyncOutdated('s', 'moved on'))).toBe(409);
    expect(statusOf(new InvalidInput('bad', {}))).toBe(400);
    expect(statusOf(new UnknownProjection('p', ['accounts']))).toBe(400);
    expect(problemOf(new SyncNotHeld('s1', 'completed'), '/syncs/s1/approve').body).toEqual({
      type: 'urn:roster-ledger:problem:sync-not-held',
      title: 'Conflict',
      status: 409,
      detail: 'sync s1 is completed, not held: only a held sync can be approved or discarded',
      code: 'SYNC_NOT_HELD',
      instance: '/syncs/s1/approve',
    });
  });

  it('says 401 with a challenge, 403, and 400 naming each parameter', () => {
    const unauthenticated = problemOf(new Unauthenticated('no key'), '/x');
    expect(unauthenticated.body.status).toBe(401);
    expect(unauthenticated.headers['WWW-Authenticate']).toMatch(/^Bearer realm=/);
    expect(statusOf(new RoleNotAllowed('support', ['admin']))).toBe(403);
    const invalid = problemOf(new RequestInvalid([{ parameter: 'limit', problems: ['limit must not be greater than 1000'] }]), '/x').body;
    expect(invalid).toMatchObject({ status: 400, code: 'INVALID_REQUEST', errors: [{ parameter: 'limit' }] });
    // a rule the ledger finds broken is a bad request too, with the code the API documents
    expect(problemOf(new InvalidInput('from is after to', { field: 'to' }), '/x').body).toMatchObject({
      status: 400,
      code: 'INVALID_REQUEST',
      detail: 'from is after to',
      errors: [{ parameter: 'to', problems: ['from is after to'] }],
    });
    // a rule that does not name its parameter is told with it
    expect(problemOf(new InvalidInput('must be the id of a sync of this ledger, got "nope"', { field: 'after' }), '/x').body).toMatchObject({
      detail: 'after: must be the id of a sync of this ledger, got "nope"',
      errors: [{ parameter: 'after', problems: ['must be the id of a sync of this ledger, got "nope"'] }],
    });
  });

  it('says a body is not JSON, and where, without repeating what the client sent', () => {
    // as Nest hands on the body parser's SyntaxError
    const parseFailed = (message: string) => new BadRequestException(message);
    for (const [message, where] of [
      [`Unexpected token 'h', "hello sk_l"... is not valid JSON`, ''],
      ['Unterminated string in JSON at position 12', ' (at character 12)'],
      ['Unexpected end of JSON input', ' (it ends too soon)'],
    ]) {
      const { body } = problemOf(parseFailed(message!), '/projections/rebuild');
      expect(body).toMatchObject({ status: 400, code: 'BAD_REQUEST', detail: `the request body is not valid JSON${where}; send a JSON object` });
    }
  });

  it('says a path segment is not percent-encoded UTF-8, and how to escape an id, where the router only failed to decode it', () => {
    for (const segment of ['50%', '%FF', '%E0%A4%A']) {
      // as Nest hands on the router's URIError
      const { body } = problemOf(new BadRequestException(`Failed to decode param '${segment}'`), `/accounts/${segment}`);
      expect(body).toMatchObject({
        status: 400,
        code: 'BAD_REQUEST',
        detail: `the path segment ${segment} is not percent-encoded UTF-8 (a % starts an escape such as %2F; a % of the id itself is %25): escape each id put in a path with encodeURIComponent`,
      });
    }
  });

  it("keeps Nest's and the body parser's client errors, with a code", () => {
    expect(problemOf(new NotFoundException('Cannot GET /nope'), '/nope').body).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND' });
    expect(statusOf(new BadRequestException('Unexpected end of JSON input'))).toBe(400);
    const tooLarge = Object.assign(new Error('request entity too large'), { status: 413, expose: true });
    expect(problemOf(tooLarge, '/x').body).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('says how large a body may be when it refuses one as too large', () => {
    const tooLarge = Object.assign(new Error('request entity too large'), { status: 413, expose: true, limit: 102_400, length: 2_000_017 });
    expect(problemOf(tooLarge, '/x').body.detail).toBe('the request body is 2,000,017 bytes; the limit is 102,400 bytes (100 kB)');
    const chunked = Object.assign(new Error('request entity too large'), { status: 413, expose: true, limit: 102_400 });
    expect(problemOf(chunked, '/x').body.detail).toBe('the request body is larger than that; the limit is 102,400 bytes (100 kB)');
  });

  it('answers anything else with a 500 that leaks nothing', () => {
    const problem = problemOf(new Error('SQLITE_CORRUPT: database disk image is malformed at /var/secret/ledger.db'), '/x');
    expect(problem.body).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
    expect(JSON.stringify(problem.body)).not.toMatch(/SQLITE|secret/);
    expect(problem.unexpected).toBe(true);
    const busy = problemOf(new EventStoreUnavailable('SQLITE_BUSY: database is locked'), '/x');
    expect(busy.body).toMatchObject({ status: 503, code: 'EVENT_STORE_UNAVAILABLE' });
    expect(busy.headers['Retry-After']).toBe('1');
    expect(JSON.stringify(busy.body)).not.toMatch(/SQLITE/);
  });

  it('answers work that failed with its code and what failed, not a bare 500: a client can tell a Clever outage from a bug', () => {
    const refused = problemOf(new CleverRequestFailed(400, 'https://api.clever.com/v3.0/users?limit=1', 'invalid parameter'), '/districts/d/syncs');
    expect(refused.body).toEqual({
      type: 'urn:roster-ledger:problem:clever-request-failed',
      title: 'Internal server error',
      status: 500,
      detail: 'Clever refused GET https://api.clever.com/v3.0/users?limit=1 (HTTP 400): invalid parameter',
      code: 'CLEVER_REQUEST_FAILED',
      instance: '/districts/d/syncs',
    });
    // logged with its stack on the server, which the client never gets
    expect(refused.unexpected).toBe(true);
    expect(problemOf(new DuplicateEventId('user-1', 'e1'), '/x').body).toMatchObject({ status: 500, code: 'DUPLICATE_EVENT_ID', detail: 'event id e1 is already stored, but not as this append to user-1' });
    // as an approval's thread hands it back
    const applyFailed = new LedgerCommandRefused('DUPLICATE_EVENT_ID', 'failed', 'DuplicateEventId', 'event id e1 is already stored, but not as this append to user-1');
    applyFailed.stack = 'DuplicateEventId: event id e1 ...\n    at append (/srv/app/libs/event-store/src/sqlite/sqlite-event-store.ts:1:1)';
    const body = problemOf(applyFailed, '/syncs/s1/approve').body;
    expect(body).toMatchObject({ status: 500, title: 'Internal server error', code: 'DUPLICATE_EVENT_ID', detail: 'event id e1 is already stored, but not as this append to user-1' });
    expect(JSON.stringify(body)).not.toMatch(/ at |\.ts|srv/);
  });

  it('answers a configuration a sync thread could not load by its code and its files by their names, without a stack in the log', () => {
    const misconfigured = problemOf(new LedgerCommandRefused('CONFIGURATION_ERROR', 'misconfigured', 'ConfigError', '/etc/roster-ledger/ledger.json: districts.d1.tokenEnv must be a string'), '/districts/d1/syncs');
    expect(misconfigured.body).toMatchObject({ status: 500, code: 'CONFIGURATION_ERROR', detail: '.../ledger.json: districts.d1.tokenEnv must be a string' });
    expect(misconfigured.unexpected).toBe(false);
  });

  it('names a file of the server’s in a failure by its name alone', () => {
    const failed = new LedgerCommandRefused('DUPLICATE_EVENT_ID', 'failed', 'DuplicateEventId', 'cannot append to /srv/secret-tenant/ledger.db: id e1 stored twice');
    expect(problemOf(failed, '/x').body.detail).toBe('cannot append to .../ledger.db: id e1 stored twice');
    expect(withoutServerPaths('Clever did not serve GET https://api.clever.com/v3.0/sections after 3 attempts: HTTP 503')).toBe(
      'Clever did not serve GET https://api.clever.com/v3.0/sections after 3 attempts: HTTP 503',
    );
    expect(withoutServerPaths('C:\\ledgers\\district\\ledger.db is busy; revision 3/4')).toBe('.../ledger.db is busy; revision 3/4');
  });

  it('cuts a folder of the server whose name holds a space whole: the ledger\'s, where it runs, its home, the temp folder', () => {
    const failed = new LedgerCommandRefused('DUPLICATE_EVENT_ID', 'failed', 'DuplicateEventId', 'cannot append to /srv/school data/ledger.db: id e1 stored twice');
    expect(problemOf(failed, '/x', ['/srv/school data']).body.detail).toBe('cannot append to .../ledger.db: id e1 stored twice');
    expect(withoutServerPaths('/srv/school data/ledger.db.read-models/accounts.db is damaged', ['/srv/school data/'])).toBe('.../accounts.db is damaged');
    expect(withoutServerPaths(`${join(tmpdir(), 'up load', 'students.csv')} is gone`)).toBe('.../up load/students.csv is gone');
    expect(withoutServerPaths(`${join(process.cwd(), 'x.db')} and /srv/a/b.db at 3/4`)).toBe('.../x.db and .../b.db at 3/4');
    // a URL whose path starts like a folder of the server's is the URL still
    expect(withoutServerPaths('Clever refused GET https://api.clever.com/tmp/x (HTTP 400)', ['/tmp'])).toBe('Clever refused GET https://api.clever.com/tmp/x (HTTP 400)');
    expect(withoutServerPaths('cannot open /tmpfiles/x/y.db', ['/tmp'])).toBe('cannot open .../y.db');
  });
});
