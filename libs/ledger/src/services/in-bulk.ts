import type { EventStore } from '../ports/event-store.port';

/** Runs a sync's writes in the store's mode for large writes, where it has one (EventStore.inBulk). */
export function inBulk<T>(store: EventStore, work: () => Promise<T>): Promise<T> {
  return store.inBulk ? store.inBulk(work) : work();
}
