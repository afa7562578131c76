import type { InputLocation, PartialCoverage, RecordKind, RosterRecord } from '@roster-ledger/domain';

/**
 * One record of a snapshot, normalized, with where it was read. `unknownValues` names the fields
 * holding a value outside Clever's documented enumeration (kept as it is), e.g. `student.gender`,
 * `section.subject`; `fingerprint`, when the reader takes one, is that of the record's bytes (see
 * recordFingerprint). A skipped record was read but is not part of the roster (`reason: 'contact'`).
 * `partial` is what the record's source does not give beyond what its file does (a record of a
 * saved v3.0 API answer has no v3.1 field: see coverageOfUri). An unchanged record is one the ledger recognised by its bytes (see KnownRecords): not parsed.
 * A mismatch is a value that disagrees with another file's, that file's taken (`what`: the file and
 * column, `enrollments.csv School_id`); `origin` is where it was read, with the id of the record it
 * belongs to. An unnamed item is a record its file gives no name (a sections.csv row with neither
 * Name nor Course_name), yielded after the record itself; `origin` is where it was read, with its id.
 * An unpaired item is a person kept apart from another of the same email (`what`: the file and
 * column, `staff.csv Staff_email`), yielded after the person's record. An endsBeforeStart item is a
 * record that ends before it starts (a term's end_date before its start_date: see
 * termEndingBeforeStart), recorded as given and yielded after it; `origin` is where it was read, with its id.
 */
export type SnapshotItem =
  | NormalizedItem
  | { type: 'unchanged'; kind: RecordKind; id: string; origin: InputLocation }
  | { type: 'mismatch'; what: string; origin: InputLocation }
  | { type: 'unnamed'; kind: RecordKind; origin: InputLocation }
  | { type: 'unpaired'; what: string; origin: InputLocation }
  | { type: 'endsBeforeStart'; kind: RecordKind; origin: InputLocation };

/** A record that was parsed and normalized. */
export type NormalizedItem =
  | { type: 'record'; record: RosterRecord; origin: InputLocation; unknownValues: string[]; fingerprint?: string; partial?: PartialCoverage }
  | { type: 'skipped'; reason: string; origin: InputLocation };
