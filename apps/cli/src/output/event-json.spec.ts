import type { JsonObject, RecordedEvent } from '@roster-ledger/ledger';
import { eventsForJson } from './event-json';

const metadata: JsonObject = { syncId: 's1', observedAt: '2026-12-01T10:00:00.000Z', recordedAt: '2026-12-01T10:00:00.070Z', schemaVersion: 1 };
const event = (position: number, meta: JsonObject = metadata): RecordedEvent => ({
  id: `e${position}`, type: 'StudentShared', streamId: 'user-u1', revision: position - 1, position, data: { id: 'u1' }, metadata: meta, recordedAt: '2026-12-01T10:00:01.400Z',
});

describe('events as --json prints them', () => {
  it('has one recordedAt, when the log wrote the event; the metadata\'s, when the sync planned it, is its plannedAt', () => {
    const [shown] = eventsForJson([event(1)]);
    expect(shown).toEqual({ ...event(1), metadata: { syncId: 's1', observedAt: '2026-12-01T10:00:00.000Z', plannedAt: '2026-12-01T10:00:00.070Z', schemaVersion: 1 } });
    expect(Object.keys(shown!.metadata)).toEqual(['syncId', 'observedAt', 'plannedAt', 'schemaVersion']);
    expect(JSON.stringify(shown).match(/"recordedAt"/g)).toHaveLength(1);
  });

  it('leaves the events as read, and metadata without a recordedAt as it is', () => {
    const events = [event(1), event(2)];
    eventsForJson(events);
    expect(events[0]!.metadata).toEqual(metadata);
    const bare = event(3, { syncId: 's1' });
    expect(eventsForJson([bare])[0]).toBe(bare);
  });
});
