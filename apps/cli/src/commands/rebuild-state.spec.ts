import type { UnfinishedRebuild } from '@roster-ledger/ledger';
import { rebuildState } from './projections.command';

describe('rebuildState: what `projections` says of a rebuild that is not live', () => {
  const build = (over: Partial<UnfinishedRebuild>): UnfinishedRebuild => ({ version: 5, position: 1_000, builder: null, underWay: false, resumedBy: 'rebuild', ...over });

  it('names the process of a rebuild under way', () => {
    expect(rebuildState(build({ underWay: true, builder: { pid: 42, host: 'h1' } }), 5_000)).toBe('under way in process 42 on h1');
  });

  it('says what resumes an interrupted rebuild short of the head', () => {
    expect(rebuildState(build({}), 5_000)).toBe('interrupted: resumes on the next rebuild');
    expect(rebuildState(build({ resumedBy: 'catch-up' }), 5_000)).toBe('interrupted: resumes when a CLI command next reads the read models');
  });

  it('says a build at the head (one a dry run finished and kept) waits only to be swapped in, not that it was interrupted', () => {
    expect(rebuildState(build({ position: 5_000 }), 5_000)).toBe('built to the head, not live yet: the next rebuild swaps it in');
    expect(rebuildState(build({ position: 5_000, resumedBy: 'catch-up' }), 5_000)).toBe(
      'built to the head, not live yet: swapped in when a CLI command next reads the read models, or by the next rebuild',
    );
  });
});
