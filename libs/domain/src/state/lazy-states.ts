import type { RecordSource } from './record-source';

/** Reads a record's saved state (its JSON), or undefined when there is none. */
export type StateReader = (id: string) => string | undefined;

/** What every summary holds: the revision its state is at, and the bytes the state was made from. */
export interface StateSummary {
  revision: number;
  source?: RecordSource;
}

/**
 * The states of one kind of record, some of them known only by a summary kept in memory while
 * their state is saved (a snapshot's users, or what a first import wrote ahead): a state is read
 * (with the reader given) and parsed the first time it is asked for (`get`, or iterating values),
 * so that a sync reads only the records it touches and need not hold the others; subclasses answer
 * what the summaries tell without reading. Otherwise it works as a Map of states.
 */
export abstract class LazyStates<S extends StateSummary, M extends StateSummary> implements Iterable<[string, S]> {
  private readonly parsed = new Map<string, S>();
  private readonly unread = new Map<string, M>();
  private read: StateReader = () => undefined;

  /** @param noun what the records are, for errors (`user`, `section`). */
  constructor(private readonly noun: string) {}

  /** Where the states of records restored by summary are read from. */
  readWith(reader: StateReader): void {
    this.read = reader;
  }

  /** Puts back a record whose state is saved, by its summary: its state is read when asked for. */
  restoreUnread(id: string, summary: M): void {
    this.parsed.delete(id);
    this.unread.set(id, summary);
  }

  /**
   * @throws Error when a record's saved state is gone or at another revision than its summary said
   * (another process saved the district's state meanwhile): what was loaded no longer holds.
   */
  get(id: string): S | undefined {
    const parsed = this.parsed.get(id);
    if (parsed !== undefined) return parsed;
    const summary = this.unread.get(id);
    if (summary === undefined) return undefined;
    const text = this.read(id);
    const state = text === undefined ? undefined : (JSON.parse(text) as S);
    if (state?.revision !== summary.revision) {
      throw new Error(`the saved state of ${this.noun} ${id} changed after it was loaded (another process saved the district's state meanwhile): nothing was applied; try again`);
    }
    this.unread.delete(id);
    this.parsed.set(id, state);
    return state;
  }

  /** Whether the record's state is in memory (else it is known by its summary, and read when asked for). */
  isParsed(id: string): boolean {
    return this.parsed.has(id);
  }

  has(id: string): boolean {
    return this.parsed.has(id) || this.unread.has(id);
  }

  set(id: string, state: S): this {
    this.unread.delete(id);
    this.parsed.set(id, state);
    return this;
  }

  get size(): number {
    return this.parsed.size + this.unread.size;
  }

  /** Every id, read or not, without reading any (taken before iterating: asking for one reads it). */
  keys(): IterableIterator<string> {
    return [...this.parsed.keys(), ...this.unread.keys()][Symbol.iterator]();
  }

  /** Reads every record first. */
  entries(): IterableIterator<[string, S]> {
    this.readAll();
    return this.parsed.entries();
  }

  /** Reads every record first. */
  values(): IterableIterator<S> {
    this.readAll();
    return this.parsed.values();
  }

  [Symbol.iterator](): IterableIterator<[string, S]> {
    return this.entries();
  }

  /** The snapshot bytes a record's state was made from (see RecordSource), without reading the record. */
  sourceOf(id: string): RecordSource | undefined {
    const summary = this.unread.get(id);
    return summary !== undefined ? summary.source : this.parsed.get(id)?.source;
  }

  /** The states in memory. */
  protected parsedStates(): IterableIterator<S> {
    return this.parsed.values();
  }

  /** The summaries of the records not read. */
  protected summaries(): IterableIterator<M> {
    return this.unread.values();
  }

  /** A record's summary, while it is not read. */
  protected summaryOf(id: string): M | undefined {
    return this.unread.get(id);
  }

  /** A record's state, if it is in memory. */
  protected parsedOf(id: string): S | undefined {
    return this.parsed.get(id);
  }

  private readAll(): void {
    for (const id of [...this.unread.keys()]) this.get(id);
  }
}
