import { CleverTokenRejected, CleverUnavailable } from '@roster-ledger/clever';
import { CleverTokenMissing, ConfigError, DistrictNotConfigured } from '@roster-ledger/config';
import { InvalidInput } from '@roster-ledger/domain';
import {
  ConcurrencyConflict,
  DistrictUnknown,
  DuplicateEventId,
  EventStoreUnavailable,
  HeldSyncDecisionUnderWay,
  HeldSyncOutdated,
  HeldSyncPending,
  NotFound,
  RebuildUnderWay,
  SyncAlreadyRunning,
  SyncNotFound,
  SyncNotHeld,
  UnknownProjection,
  VerifyUnderWay,
} from '@roster-ledger/ledger';
import { ProjectionFailed } from '@roster-ledger/read-models';
import { BackupNotWritten } from '@roster-ledger/event-store';
import { problemOf } from '../apps/api/src/errors/problem-details';
import { reportError } from '../apps/cli/src/commands/common-options';
import { LedgerCommandRefused } from '../apps/api/src/district-syncs/ledger-command-thread';

/** The exit code the CLI ends with when a command fails with `error`. */
function exitCodeOf(error: Error): number | undefined {
  const quiet = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const before = process.exitCode;
  try {
    reportError(error, false);
    return typeof process.exitCode === 'number' ? process.exitCode : undefined;
  } finally {
    process.exitCode = before;
    quiet.mockRestore();
  }
}

const statusOf = (error: Error): number => problemOf(error, '/x').body.status;

/** One of each of the ledger's deliberate errors, as a command or a request may meet it. */
const DELIBERATE: Error[] = [
  new InvalidInput('bad', {}),
  new UnknownProjection('p', ['accounts']),
  new DistrictUnknown('/tmp/empty'),
  new NotFound('account a'),
  new SyncNotFound('s'),
  new DistrictNotConfigured('d', []),
  new SyncNotHeld('s', 'completed'),
  new HeldSyncPending('d', 's'),
  new HeldSyncOutdated('s', 'moved on'),
  new HeldSyncDecisionUnderWay('s'),
  new SyncAlreadyRunning('d', 's'),
  new RebuildUnderWay('accounts', null),
  new VerifyUnderWay('accounts', null),
  new ConcurrencyConflict('user-1', 3, 4),
  new CleverTokenMissing('d', 'TOKEN'),
  new EventStoreUnavailable('SQLITE_BUSY: database is locked'),
  new DuplicateEventId('user-1', 'e1'),
  new BackupNotWritten('ledger.db', 'the disk is full, SQLITE_FULL'),
  new CleverTokenRejected('https://api.clever.com/v3.0/users'),
  new CleverUnavailable('https://api.clever.com/v3.0/users', 3, 'HTTP 503'),
  new ConfigError('LEDGER_DISTRICTS: not valid JSON'),
  new ProjectionFailed('timelines', { position: 3, type: 'StudentShared', streamId: 'user-u1', message: 'no such column: x' }),
];

describe('the CLI and the API answer each deliberate error alike', () => {
  it.each(DELIBERATE.map((error) => [(error as Error & { code: string }).code, error] as const))(
    '%s: exit 2 exactly when the API answers 4xx (the request is to change), else exit 1 and a 5xx',
    (code, error) => {
      const exit = exitCodeOf(error);
      const status = statusOf(error);
      // the one exception: a missing token or a configuration that does not load is the
      // configuration of whoever runs the process, so the CLI's user fixes it (exit 2) and the
      // API's client cannot (500)
      if (code === 'CLEVER_TOKEN_MISSING' || code === 'CONFIGURATION_ERROR') return expect([exit, status]).toEqual([2, 500]);
      expect(status >= 400 && status < 500 ? 2 : 1).toBe(exit);
    },
  );

  it('answers work that failed under its own code, saying what failed, as the CLI prints it: never a bare INTERNAL_ERROR', () => {
    for (const error of DELIBERATE.filter((e) => (e as Error & { kind: string }).kind === 'failed')) {
      expect(problemOf(error, '/x').body).toMatchObject({ status: 500, title: 'Internal server error', code: (error as Error & { code: string }).code, detail: error.message });
    }
  });

  it('reports a configuration that does not load, and a projection stopped at an event, by their codes: they are of a kind too', () => {
    const printed = (error: Error): string => {
      const said = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
      const before = process.exitCode;
      try {
        reportError(error, false);
        return said.mock.calls.map(([text]) => String(text)).join('');
      } finally {
        process.exitCode = before;
        said.mockRestore();
      }
    };
    const config = new ConfigError('LEDGER_DISTRICTS: not valid JSON');
    expect([printed(config), exitCodeOf(config)]).toEqual(['error (CONFIGURATION_ERROR): LEDGER_DISTRICTS: not valid JSON\n', 2]);
    expect(problemOf(config, '/x').body).toMatchObject({ status: 500, code: 'CONFIGURATION_ERROR' });
    const stopped = new ProjectionFailed('timelines', { position: 3, type: 'StudentShared', streamId: 'user-u1', message: 'no such column: x' });
    expect([printed(stopped), exitCodeOf(stopped)]).toEqual(['error (PROJECTION_FAILED): projection timelines stopped at position 3 (StudentShared on user-u1): no such column: x\n', 1]);
    expect(problemOf(stopped, '/x').body).toMatchObject({ status: 500, code: 'PROJECTION_FAILED', detail: stopped.message });
  });

  it('answers the four codes that used to disagree by what they mean', () => {
    // the request must name the district: a usage mistake
    expect([exitCodeOf(new DistrictUnknown('/tmp/empty')), statusOf(new DistrictUnknown('/tmp/empty'))]).toEqual([2, 400]);
    // nothing was applied, and the held sync is to be discarded: the ledger turns the approval down
    expect([exitCodeOf(new HeldSyncOutdated('s', 'moved on')), statusOf(new HeldSyncOutdated('s', 'moved on'))]).toEqual([2, 409]);
    // another writer got there first and nothing was written: as SYNC_ALREADY_RUNNING
    const conflict = new ConcurrencyConflict('user-1', 3, 4);
    expect([exitCodeOf(conflict), statusOf(conflict)]).toEqual([2, 409]);
    // a district the configuration does not connect: named by the request, not held
    expect([exitCodeOf(new DistrictNotConfigured('d', [])), statusOf(new DistrictNotConfigured('d', []))]).toEqual([2, 404]);
  });

  it("answers an error a sync's thread refused with by its kind, as raised in the thread", () => {
    expect(problemOf(new LedgerCommandRefused('HELD_SYNC_OUTDATED', 'conflict', 'HeldSyncOutdated', 'moved on'), '/syncs/s/approve').body).toMatchObject({
      status: 409,
      code: 'HELD_SYNC_OUTDATED',
      detail: 'moved on',
    });
  });
});
