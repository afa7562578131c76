import { InvalidInput } from '@roster-ledger/domain';
import type { EventStore } from '../ports/event-store.port';

/**
 * A position past the end of the log was never given by this ledger: the last position of an
 * export of another ledger, of a newer copy of this one, or a damaged file of positions. Taken as
 * it is, every export after it would be empty, and a nightly series would go on writing nothing
 * without a word; a timeline paged from it would say nothing was recorded since.
 */
export async function checkInLog(after: number, store: Pick<EventStore, 'headPosition'>): Promise<void> {
  const head = await store.headPosition();
  if (after > head) {
    throw new InvalidInput(`${after} is past the end of this ledger's log (its last position is ${head}): give a position of this ledger's log (the last of an earlier export, or a page's next), or leave it out to start from the beginning`, { field: 'after' });
  }
}
