import type { InputLocation, RosterRecord } from '@roster-ledger/domain';

/**
 * One record of a snapshot, normalized, with where it was read. `unknownValues` names the fields
 * holding a value outside Clever's documented enumeration (kept as it is), e.g. `student.gender`,
 * `section.subject`. A skipped record was read but is not part of the roster (`reason: 'contact'`).
 */
export type SnapshotItem =
  | { type: 'record'; record: RosterRecord; origin: InputLocation; unknownValues: string[] }
  | { type: 'skipped'; reason: string; origin: InputLocation };
