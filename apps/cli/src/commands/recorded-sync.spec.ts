import type { CommandBus, QueryBus } from '@nestjs/cqrs';
import { runRecordedSync } from './recorded-sync';

describe('runRecordedSync', () => {
  /** Buses that note what was asked of them, in order: the catch-up of the read models among it. */
  const buses = (seen: string[]) => ({
    commands: { execute: async () => (seen.push('read models folded'), { folded: 3, foldedElsewhere: false, rebuilt: [] }) } as unknown as CommandBus,
    queries: { execute: async () => [] } as unknown as QueryBus,
  });

  it("prints the sync's outcome as soon as it is committed, before the read models follow it: a command stopped meanwhile has said what it applied", async () => {
    const seen: string[] = [];
    const done = await runRecordedSync(buses(seen), { syncId: 's1', stopProgress: () => seen.push('bar stopped'), reportSync: (result) => seen.push(`reported ${result}`) }, async () => 'completed');
    expect(seen).toEqual(['bar stopped', 'reported completed', 'read models folded']);
    expect(done).toMatchObject({ result: 'completed', readModels: { projected: 3, behind: null } });
  });

  it('leaves the report to the caller with --json, whose output is one document', async () => {
    const seen: string[] = [];
    await runRecordedSync(buses(seen), { syncId: 's1', json: true, stopProgress: () => undefined, reportSync: () => seen.push('reported') }, async () => 'completed');
    expect(seen).toEqual(['read models folded']);
  });
});
