import type { CommandBus } from '@nestjs/cqrs';
import { InvalidInput } from '@roster-ledger/domain';
import { catchUpAfterSync, readModelsJson, readModelsLine, reportReadModelsBehind } from './read-models-after-sync';
import { reportErrorsOnLedger } from './common-options';

/** A command bus whose catch-up folds `events`, or fails with `error`. */
const bus = (outcome: { events: number; elsewhere?: boolean; rebuilt?: string[] } | { error: Error }): CommandBus =>
  ({ execute: async () => ('error' in outcome ? Promise.reject(outcome.error) : { folded: outcome.events, foldedElsewhere: outcome.elsewhere === true, rebuilt: outcome.rebuilt ?? [] }) }) as unknown as CommandBus;

describe('the read models after a sync that stands', () => {
  let exitCode: typeof process.exitCode;
  let stderr: string[];
  beforeEach(() => {
    exitCode = process.exitCode;
    stderr = [];
    jest.spyOn(process.stderr, 'write').mockImplementation((text) => (stderr.push(String(text)), true));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.exitCode = exitCode;
  });

  it('gives the events folded when the catch-up works', async () => {
    const after = await catchUpAfterSync(bus({ events: 42 }));
    expect(after).toEqual({ projected: 42, behind: null, foldedElsewhere: false, rebuilt: [] });
    expect(readModelsLine(after)).toBe('  Read models updated (42 events folded).');
    expect(readModelsLine(await catchUpAfterSync(bus({ events: 1 })))).toBe('  Read models updated (1 event folded).');
  });

  it("says another process had folded the sync's events when none were left to fold here, rather than '0 events folded'", async () => {
    expect(readModelsLine(await catchUpAfterSync(bus({ events: 0 })))).toBe("  Read models up to date: another process (serve, say) had already folded this sync's events.");
  });

  it('does not call the log a rebuild read "folded" when read models were so far behind that they were rebuilt', async () => {
    const after = await catchUpAfterSync(bus({ events: 271_663, rebuilt: ['accounts', 'enrollments'] }));
    expect(readModelsLine(after)).toBe('  Read models updated (271,663 events read): accounts, enrollments far behind the log, so rebuilt from it and swapped in.');
    expect(readModelsJson(after)).toEqual({ projectedEvents: 271_663, readModelsBehind: null, readModelsFoldedElsewhere: false, readModelsRebuilt: ['accounts', 'enrollments'] });
  });

  it('says so when another process (serve) is folding the read models and was left to fold the sync too', async () => {
    const after = await catchUpAfterSync(bus({ events: 0, elsewhere: true }));
    expect(after).toEqual({ projected: 0, behind: null, foldedElsewhere: true, rebuilt: [] });
    expect(readModelsLine(after)).toMatch(/^  Read models: another process \(serve, say\) is folding into them, so these events are left to it or to the next command that reads them; until then, queries answer from before this sync/);
    expect(readModelsJson(after)).toEqual({ projectedEvents: 0, readModelsBehind: null, readModelsFoldedElsewhere: true, readModelsRebuilt: [] });
  });

  it('says the read models were left, and what answers meanwhile, when the sync skipped them (--skip-projections)', () => {
    expect(readModelsLine(null)).toBe(
      '  Read models not updated (--skip-projections): serve, or the next command that reads them, folds these events; until then, queries answer from before this sync.',
    );
  });

  it('returns a failed catch-up (a full disk) instead of throwing it, so the sync is not reported as failed', async () => {
    const full = await catchUpAfterSync(bus({ error: new Error('database or disk is full') }));
    expect(full).toEqual({ projected: 0, behind: { code: 'UNEXPECTED_ERROR', message: 'database or disk is full' }, foldedElsewhere: false, rebuilt: [] });
    expect(readModelsLine(full)).toBeNull(); // (reported apart, by reportReadModelsBehind)
    const domain = await catchUpAfterSync(bus({ error: new InvalidInput('bad', {}) }));
    expect(domain.behind?.code).toBe('INVALID_INPUT');
  });

  it('says which file is damaged and what to do when a read model is found damaged, not that it catches up by itself', async () => {
    reportErrorsOnLedger('/srv/ledger.db');
    const corrupt = Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' });
    const after = await catchUpAfterSync(bus({ error: corrupt }));
    expect(after.behind).toEqual({ code: 'FILE_DAMAGED', message: expect.stringMatching(/^a read model of the ledger at \/srv\/ledger\.db is damaged \(SQLITE_CORRUPT: .*The read models stopped there\. Read models are made from the log: .*move \/srv\/ledger\.db\.read-models aside/) });
    reportReadModelsBehind(after.behind!, false);
    expect(stderr.join('')).toMatch(/^warning: the sync stands \(its events are in the log\), but the read models could not be brought up to date \(FILE_DAMAGED\): a read model /);
    expect(stderr.join('')).not.toContain('catch up from the log');
  });

  it('says the sync stands and the read models are behind, and exits 1; with --json the document carries it instead', () => {
    reportReadModelsBehind({ code: 'UNEXPECTED_ERROR', message: 'database or disk is full' }, false);
    expect(process.exitCode).toBe(1);
    expect(stderr.join('')).toBe(
      'warning: the sync stands (its events are in the log), but the read models could not be brought up to date (UNEXPECTED_ERROR): ' +
        'database or disk is full. They catch up from the log when a command next reads them, or when serve starts.\n',
    );
    stderr.length = 0;
    process.exitCode = undefined;
    reportReadModelsBehind({ code: 'UNEXPECTED_ERROR', message: 'database or disk is full' }, true);
    expect({ exitCode: process.exitCode, stderr }).toEqual({ exitCode: 1, stderr: [] });
  });
});
