import type { RecordedEvent } from '@roster-ledger/ledger';

/** The ledger's clocks and sync of one stored event, as read models keep them. */
export interface EventFacts {
  position: number;
  syncId: string | null;
  districtId: string | null;
  /** When the sync took its view of the district (the ledger's clock). */
  observedAt: string;
  /** When the ledger wrote the event. */
  recordedAt: string;
  /** When Clever says the record last changed, if Clever said so. */
  cleverLastModified: string | null;
}

/** Where an event came from, as the audit feed and timelines show it beside its clocks. */
export interface EventOrigin {
  source: string | null;
  cleverEventId: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function factsOf(event: RecordedEvent): EventFacts {
  const m = event.metadata;
  return {
    position: event.position,
    syncId: str(m['syncId']),
    districtId: str(m['districtId']),
    observedAt: str(m['observedAt']) ?? event.recordedAt,
    recordedAt: event.recordedAt,
    cleverLastModified: str(m['cleverLastModified']),
  };
}

export function originOf(event: RecordedEvent): EventOrigin {
  return { source: str(event.metadata['source']), cleverEventId: str(event.metadata['cleverEventId']) };
}
