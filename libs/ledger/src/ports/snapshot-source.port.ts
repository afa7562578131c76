import type { InputLocation, KnownRecords, PartialCoverage, RecordKind, RosterRecord, SnapshotContents, SyncSource } from '@roster-ledger/domain';

/**
 * One item of a snapshot: a normalized record (with the fingerprint of its bytes, when the source
 * takes one, and what that record does not give beyond the source's `partial`), a record read but not recorded (a contact), a record the ledger recognised by its
 * bytes and the source did not parse (see {@link SnapshotSource.recognise}), or a value that
 * disagrees with another file's, that file's taken (`what`: file and column, as
 * `enrollments.csv School_id`; counted under the sync's `mismatched`), or a record its file gives
 * no name (a sections.csv row with neither Name nor Course_name; counted under `unnamed`), or a
 * person kept apart from another of the same email (`staff.csv Staff_email`; counted under `unpaired`),
 * or a record that ends before it starts (a term's end_date before its start_date; counted under
 * `endsBeforeStart`), recorded as given.
 */
export type SnapshotInput =
  | { type: 'record'; record: RosterRecord; origin: InputLocation; unknownValues: string[]; fingerprint?: string; partial?: PartialCoverage }
  | { type: 'skipped'; reason: string; origin: InputLocation }
  | { type: 'unchanged'; kind: RecordKind; id: string; origin: InputLocation }
  | { type: 'mismatch'; what: string; origin: InputLocation }
  | { type: 'unnamed'; kind: RecordKind; origin: InputLocation }
  | { type: 'unpaired'; what: string; origin: InputLocation }
  | { type: 'endsBeforeStart'; kind: RecordKind; origin: InputLocation };

/** A complete view of what a district shares, opened and ready to stream. */
export interface SnapshotSource {
  source: SyncSource;
  /** Where it comes from, for the sync record (a folder, a URL; never a token). */
  origin: string;
  /** Kinds this snapshot covers; kinds it does not cover are never removed by it. */
  kinds: RecordKind[];
  /** Roles and fields of those kinds it does not have (a file or column missing from a CSV upload): left as they are. */
  partial?: PartialCoverage;
  /** Records in dependency order (districts, schools, terms, courses, users, sections). @throws InvalidInput */
  items(): AsyncIterable<SnapshotInput>;
  /** Bytes read so far and in all, for progress; both 0 when unknown. */
  progress(): { done: number; total: number };
  /**
   * From now on (the current `items()` pass included), a record whose bytes `known` recognises is
   * yielded as `unchanged`, unparsed. Only sources that fingerprint their records have it.
   */
  recognise?(known: KnownRecords): void;
  /**
   * Sources of files only: the digests of the files the last whole `items()` pass read, taken
   * beside that pass (on another thread). Null when a file changed while it was read, or the pass
   * did not end. Call once the pass has ended.
   */
  contents?(): Promise<SnapshotContents | null>;
  /**
   * Sources of files only: whether the files are now exactly `contents` (read the same way; the
   * same names, sizes and SHA-256), without parsing them. Compares sizes first and stops hashing
   * at the first file that differs, so a changed snapshot costs little.
   */
  matches?(contents: SnapshotContents): Promise<boolean>;
}

/** Opens snapshots: a folder of files, or a district on a remote API, by its location. */
export interface SnapshotReader {
  /**
   * @param hints what the caller knows and the source may not say: the district (CSV uploads never
   * name it), the day of the import, `YYYY-MM-DD` by the ledger's clock (a CSV upload's
   * two-digit year of birth is the latest such year not after it), and the ledger's key for the
   * ids a CSV upload's records are given (see CsvIdKeyStore; none: derived without a key).
   * @throws InvalidInput when the location cannot be read as a snapshot (naming what is wrong).
   */
  open(location: string, hints?: { districtId?: string; importedOn?: string; csvIdKey?: Uint8Array }): Promise<SnapshotSource>;
  /**
   * What kind of source a location names, told from the location alone: a sync whose source
   * cannot be opened (a CSV upload without a required file) is recorded as of that kind.
   */
  sourceOf(location: string): SyncSource;
  /** Where a location is read from, as the sync records it, told without opening it (for a sync that fails to open it). */
  originOf(location: string): string;
}
