import { DomainError } from '@roster-ledger/domain';
import type { ExpectedRevision } from './event-store.port';

/**
 * Base of the event store port's errors: DomainErrors (a stable `code`, a `kind`), so that every
 * place that tells a deliberate error from an unexpected one (a sync's failure record, the API's
 * problem answer, the CLI's exit code) knows them without asking for this class too.
 */
export abstract class EventStoreError extends DomainError {}

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

/**
 * The backend is held by another connection for now (SQLite's lock on the file: SQLITE_BUSY):
 * unavailable as the other errors are, but worth waiting for a moment and trying again.
 */
export class EventStoreBusy extends EventStoreUnavailable {}
