import { SQLITE_PROJECTIONS } from '../projections/catalog';
import { ReadModelHarness } from '../../spec-support/read-model-harness';
import { rosterStory } from '../../spec-support/roster-story';

describe('SqliteReadModels.atOneMoment: several questions answered from one moment of the log', () => {
  const FAR = '2099-01-01T00:00:00.000Z';
  // sync-4 shares u2 again and enrols her in sec1
  const story = () => {
    const { events } = rosterStory();
    const at = events.findIndex((e) => e.streamId === 'sync-sync-4');
    return { before: events.slice(0, at), sync: events.slice(at, events.findIndex((e) => e.streamId === 'sync-sync-5')) };
  };
  const ask = (harness: ReadModelHarness) => Promise.all([harness.models.rosterAsOf('sec1', FAR), harness.models.account('u2')]);

  it('asks again when the read models moved on between two of its questions, and answers from the later moment', async () => {
    const { before, sync } = story();
    const harness = new ReadModelHarness(SQLITE_PROJECTIONS).given(before);
    let runs = 0;
    const answer = await harness.models.atOneMoment(async () => {
      runs++;
      const roster = await harness.models.rosterAsOf('sec1', FAR);
      // a sync's fold commits between the two questions, the first time only
      if (runs === 1) harness.fold(sync);
      const account = await harness.models.account('u2');
      return [roster, account];
    });
    expect(runs).toBe(2);
    expect(answer).toEqual(await ask(harness));
    // (the roster before the sync is another: the answer is not a mix of the two moments)
    expect(answer[0]).not.toEqual(await ask(new ReadModelHarness(SQLITE_PROJECTIONS).given(before)).then(([roster]) => roster));
  });

  it("does not ask again for a read model stopped at an event: it stays behind, and would make every request wait its retries", async () => {
    const { before, sync } = story();
    const harness = new ReadModelHarness(SQLITE_PROJECTIONS).given(before);
    // the class lists' read model (what rosterAsOf reads) stopped at an event
    (harness.models as unknown as { live: { stopped: (name: string) => boolean } }).live.stopped = (name) => name === 'enrollments';
    let runs = 0;
    await harness.models.atOneMoment(async () => {
      runs++;
      await harness.models.rosterAsOf('sec1', FAR);
      if (runs === 1) harness.fold(sync);
      return harness.models.account('u2');
    });
    expect(runs).toBe(1);
  });

  it('asks once when nothing moved', async () => {
    const { before } = story();
    const harness = new ReadModelHarness(SQLITE_PROJECTIONS).given(before);
    let runs = 0;
    await harness.models.atOneMoment(() => {
      runs++;
      return ask(harness);
    });
    expect(runs).toBe(1);
  });
});
