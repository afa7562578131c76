import type { RecordedEvent } from '@roster-ledger/ledger';
import type { Db } from './read-model-database';

/** Names one version of a projection's tables: `rm_{projection}_{table}_v{version}`. */
export type TableNamer = (table: string) => string;

export const tableNamer =
  (projection: string, version: number): TableNamer =>
  (table) =>
    `rm_${projection}_${table}_v${version}`;

/**
 * A projection kept in SQLite: its tables, and a writer that folds events into one version of
 * them. Writers run inside the runner's transaction, which also moves the checkpoint, so the
 * read model and its checkpoint always agree. Applying an event at or before a row's position
 * must change nothing (a replay after a crash between batches is harmless).
 */
export interface SqliteProjection {
  readonly name: string;
  /** What it serves, for `projections` listings. */
  readonly description: string;
  /**
   * About how long a rebuild spends on it beyond reading the log, against the others (seconds at a
   * million students, see BENCHMARKS.md): a rebuild of several splits them between two threads
   * by it. Default 1.
   */
  readonly rebuildWeight?: number;
  /**
   * Raised whenever the same events fold into other rows in the same tables (a key computed
   * another way, say): a ledger whose read model was folded by a release with another one starts
   * it over from the log, as it does when its tables change shape. Absent means 1.
   */
  readonly contentVersion?: number;
  /**
   * The one stream category whose events it folds (`sync` for the `sync-…` streams), when it folds
   * no others: caught up, rebuilt or verified on its own, it reads that category's events through
   * the log's index of categories, and passes over the rest of the log, instead of reading it all.
   */
  readonly category?: string;
  /** Base names of its tables, for rebuilds, drops and verification. */
  readonly tables: readonly string[];
  /** Creates the tables (and indexes) of one version. */
  create(db: Db, t: TableNamer): void;
  /** A writer bound to one version's tables. */
  writer(db: Db, t: TableNamer): ProjectionWriter;
}

export interface ProjectionWriter {
  /** Folds one event in (buffered: see `flush`). Throw to stop the projection at this event. */
  apply(event: RecordedEvent): void;
  /** Writes what `apply` buffered. Called once per batch, inside the transaction. */
  flush(): void;
  /** Forgets what `apply` buffered (the batch was rolled back). */
  reset(): void;
}
