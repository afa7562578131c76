import { SQLITE_PROJECTIONS } from './catalog';
import { ReadModelHarness, type Row } from '../../spec-support/read-model-harness';
import { rosterStory } from '../../spec-support/roster-story';

/**
 * The SqliteProjection contract: "Applying an event at or before a row's position must change
 * nothing (a replay after a crash between batches is harmless)". Each projection folds the story
 * (every event type of the catalogue), then gets each of its events again, one at a time; every
 * table of the projection must be as it was.
 */
describe.each(SQLITE_PROJECTIONS.map((p) => [p.name, p] as const))('replaying events into %s', (_name, projection) => {
  let harness: ReadModelHarness;
  beforeEach(() => {
    harness = new ReadModelHarness([projection]);
  });
  afterEach(() => harness.close());

  const changedTables = (a: Record<string, Row[]>, b: Record<string, Row[]>) => Object.keys(a).filter((t) => JSON.stringify(a[t]) !== JSON.stringify(b[t]));

  it('re-applying the last event applied changes nothing', () => {
    const { events } = rosterStory();
    harness.given(events);
    const before = harness.dump();
    harness.when(events[events.length - 1]!);
    expect(harness.dump()).toEqual(before);
  });

  it('re-applying any already-applied event, alone or with the whole log, changes none of its tables', () => {
    const { events } = rosterStory();
    harness.given(events);
    const folded = harness.dump();
    const changes: string[] = [];
    for (const event of events) {
      harness.when(event);
      const after = harness.dump();
      const changed = changedTables(folded, after);
      if (changed.length > 0) {
        changes.push(`@${event.position} ${event.type} ${event.streamId}: ${changed.join(', ')}`);
        // start again from the folded log, so each replay is judged on its own
        harness.close();
        harness = new ReadModelHarness([projection]);
        harness.given(events);
      }
    }
    harness.given(events); // the whole log again, in one batch
    const whole = changedTables(folded, harness.dump());
    if (whole.length > 0) changes.push(`the whole log again: ${whole.join(', ')}`);
    expect(changes).toEqual([]);
  });

  it('gives the same tables whether the log comes in one batch or one batch per event', () => {
    const { events } = rosterStory();
    harness.given(events);
    const oneBatch = harness.dump();
    const eventByEvent = new ReadModelHarness([projection]).oneByOne(events);
    try {
      expect(eventByEvent.dump()).toEqual(oneBatch);
    } finally {
      eventByEvent.close();
    }
  });
});
