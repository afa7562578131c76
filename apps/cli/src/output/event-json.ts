import type { JsonObject, RecordedEvent } from '@roster-ledger/ledger';

/**
 * Events as `events --json` prints them: as stored, but for the `recordedAt` of their metadata,
 * printed as `plannedAt`. The two are different moments under one name: the metadata's is when
 * the sync planned the event (for a held sync, its approval), the event's own `recordedAt` when
 * the log wrote it, which the text lines, timelines and the audit feed show, and which a script
 * means by it. Nothing is dropped: the metadata keeps its keys in their order.
 */
export function eventsForJson(events: readonly RecordedEvent[]): RecordedEvent[] {
  // a run of events shares one metadata object (see RecordedEvent.metadata): one copy for each
  const renamed = new Map<Readonly<JsonObject>, Readonly<JsonObject>>();
  return events.map((event) => {
    if (!Object.hasOwn(event.metadata, 'recordedAt')) return event;
    let metadata = renamed.get(event.metadata);
    if (metadata === undefined) {
      metadata = Object.fromEntries(Object.entries(event.metadata).map(([key, value]) => [key === 'recordedAt' ? 'plannedAt' : key, value])) as JsonObject;
      renamed.set(event.metadata, metadata);
    }
    return { ...event, metadata };
  });
}
