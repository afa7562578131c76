import type { ErrorKind } from '@roster-ledger/domain';
import type { ExpectedRevision } from './event-store.port';

/** Base of the event store port's errors. `code` is stable; `kind` as a DomainError's. */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;
  abstract readonly kind: ErrorKind;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The stream was not at the revision the caller expected: someone else wrote first. */
export class ConcurrencyConflict extends EventStoreError {
  readonly code = 'CONCURRENCY_CONFLICT';
  readonly kind = 'conflict';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | null,
  ) {
    super(
      `stream ${streamId} is at ${actual === null ? 'no stream' : `revision ${actual}`}, expected ${
        typeof expected === 'number' ? `revision ${expected}` : expected.replace('_', ' ')
      }`,
    );
  }
}

/** Event ids collide in a way a retried append cannot explain. */
export class DuplicateEventId extends EventStoreError {
  readonly code = 'DUPLICATE_EVENT_ID';
  readonly kind = 'failed';
  constructor(
    readonly streamId: string,
    readonly eventId: string,
  ) {
    super(`event id ${eventId} is already stored, but not as this append to ${streamId}`);
  }
}

/** The backend could not be reached or failed; `file`, for an embedded one, the file it failed on. */
export class EventStoreUnavailable extends EventStoreError {
  readonly code = 'EVENT_STORE_UNAVAILABLE';
  readonly kind = 'unavailable';
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(message);
  }
}
