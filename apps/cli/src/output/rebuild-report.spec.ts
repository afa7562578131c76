import type { RebuildResult } from '@roster-ledger/ledger';
import { rebuildReport } from './rebuild-report';

const result = (over: Partial<RebuildResult>): RebuildResult => ({
  projections: ['accounts', 'audit'],
  version: { accounts: 3, audit: 2 },
  resumedFrom: { accounts: 0, audit: 0 },
  joined: {},
  events: 20_000,
  seconds: 2,
  swapped: true,
  ...over,
});

describe("rebuild's report", () => {
  it('names what went live, and what a resumed build had left to fold', () => {
    expect(rebuildReport(result({ resumedFrom: { accounts: 120_000, audit: 0 } }))).toEqual([
      'Rebuilt accounts, audit in 2.0 s: folded 20,000 events of the log in this run (10,000 events/s with the index builds).',
      'Resumed where an interrupted rebuild stopped: accounts after position 120,000.',
      'Now live: accounts v3, audit v2.',
    ]);
  });

  it('counts the events of the whole log for a build that did not resume', () => {
    expect(rebuildReport(result({}))[0]).toBe('Rebuilt accounts, audit in 2.0 s: folded 20,000 events of the log (10,000 events/s with the index builds).');
  });

  it('gives no rate for a resumed build that had folded the whole log, and only made itself live', () => {
    expect(rebuildReport(result({ resumedFrom: { accounts: 50_000, audit: 50_000 }, events: 0, seconds: 0.2 })).slice(0, 2)).toEqual([
      'Rebuilt accounts, audit in 0.2 s: no events left to fold.',
      'Resumed where an interrupted rebuild stopped: accounts after position 50,000, audit after position 50,000.',
    ]);
  });

  it('a dry run gives each comparison and says the live read models stay', () => {
    expect(rebuildReport(result({ swapped: false, differences: { accounts: 0, audit: 2 } })).slice(1)).toEqual([
      '  accounts     equal to the live read model',
      '  audit        2 rows in one version and not the other, against the live read model',
      'Dry run: the live read models were not replaced.',
    ]);
  });

  it("lines up a dry run's comparisons under a read model's name longer than the column's twelve characters", () => {
    expect(rebuildReport(result({ swapped: false, differences: { accounts: 0, school_counts: 0 } })).slice(1, 3)).toEqual([
      '  accounts      equal to the live read model',
      '  school_counts equal to the live read model',
    ]);
  });

  it('a dry run that finished an interrupted rebuild says that build was kept, for the next rebuild to swap in', () => {
    const lines = rebuildReport(result({ swapped: false, resumedFrom: { accounts: 120_000, audit: 0 }, differences: { accounts: 0, audit: 0 }, kept: ['accounts'] }));
    expect(lines[lines.length - 1]).toBe(
      'Dry run: the live read models were not replaced. The interrupted rebuild of accounts was finished for the comparison and kept: the next rebuild folds only what the log has gained since, and swaps it in.',
    );
  });

  it('a dry run says which live read models it first caught up in bulk, since those were replaced, by the catch-up', () => {
    const lines = rebuildReport(result({ swapped: false, differences: { accounts: 0, audit: 0 }, kept: [], rebuiltFirst: ['accounts'] }));
    expect(lines.slice(1, 2)).toEqual([
      'Caught up first: accounts was far behind the log, so rebuilt from it and swapped in, as any command reading the read models does; this dry run compares with that.',
    ]);
    expect(lines[lines.length - 1]).toBe('Dry run: the live read models were not replaced.');
  });

  it('a dry run names a kept build that had been interrupted before its first commit too', () => {
    const lines = rebuildReport(result({ swapped: false, differences: { accounts: 0, audit: 0 }, kept: ['audit'] }));
    expect(lines).not.toContainEqual(expect.stringContaining('Resumed where'));
    expect(lines[lines.length - 1]).toContain('The interrupted rebuild of audit was finished for the comparison and kept');
  });
});
