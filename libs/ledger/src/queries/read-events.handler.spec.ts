import type { EventStore, RecordedEvent } from '../ports/event-store.port';
import type { AccessLog, ReadModels } from '../ports/read-models.port';
import { ReadEventsHandler } from './read-events.handler';
import { ReadEventsQuery } from './read-events.query';

/**
 * `events --from`: a position past the end of the log, or a revision past the end of a stream,
 * was never a page's next, and is refused rather than answered "No events", which reads as
 * nothing recorded since.
 */
describe('ReadEventsHandler: where a page starts', () => {
  // a log of 3 events, the stream user-u1 holding the first two (revisions 0 and 1)
  const event = (position: number, streamId: string, revision: number): RecordedEvent =>
    ({ id: `e${position}`, type: 'StudentUpdated', data: {}, metadata: {}, position, streamId, revision, recordedAt: '2026-12-01T00:00:00.000Z' }) as RecordedEvent;
  const log = [event(1, 'user-u1', 0), event(2, 'user-u1', 1), event(3, 'section-s1', 0)];
  const store: Partial<EventStore> = {
    async *readAll({ after = 0, maxCount = Infinity } = {}) {
      yield* log.filter((e) => e.position > after).slice(0, maxCount);
    },
    async *readStream(streamId: string, { fromRevision = 0, maxCount = Infinity } = {}) {
      yield* log.filter((e) => e.streamId === streamId && e.revision >= fromRevision).slice(0, maxCount);
    },
    streamRevision: async (streamId: string) => log.filter((e) => e.streamId === streamId).at(-1)?.revision ?? null,
    headPosition: async () => log.length,
  };
  const access: Partial<AccessLog> = { record: async () => undefined };
  const handler = new ReadEventsHandler(store as EventStore, access as AccessLog, { now: () => new Date() }, {} as ReadModels);
  const read = (options: { stream?: string; from?: number }) =>
    handler.execute(new ReadEventsQuery({ name: 'eve', role: 'engineer', via: 'cli events' }, { ...options, limit: 10 }));

  it('refuses a log position past the end, and reads the end itself as nothing since', async () => {
    await expect(read({ from: 4 })).rejects.toMatchObject({
      rule: "4 is past the end of this ledger's log (its last position is 3): give a position of this ledger's log (a page's next), or leave it out to read it from its start",
      at: { field: 'from' },
    });
    expect(await read({ from: 3 })).toEqual({ items: [], next: null });
    expect((await read({ from: 1 })).items.map((e) => e.position)).toEqual([2, 3]);
  });

  it("refuses a stream's revision past the one its next event will have, and reads that one as nothing since", async () => {
    await expect(read({ stream: 'user-u1', from: 3 })).rejects.toMatchObject({
      rule: '3 is past the end of stream user-u1 (its last revision is 1): give a revision of it, or leave it out to read it from its start',
      at: { field: 'from' },
    });
    expect(await read({ stream: 'user-u1', from: 2 })).toEqual({ items: [], next: null });
    expect((await read({ stream: 'user-u1', from: 1 })).items.map((e) => e.revision)).toEqual([1]);
    await expect(read({ stream: 'user-nope', from: 5 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
