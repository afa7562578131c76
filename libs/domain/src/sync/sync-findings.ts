import type { InputLocation } from '../errors/domain-error';
import type { SyncFindings } from '../events/sync-events';

/**
 * How many places of each unknown value, and ids of each kind of unresolved reference, a sync
 * keeps: enough to find the records, not a list of them.
 */
export const FINDING_EXAMPLES_KEPT = 3;

/** A sync that has found nothing yet. */
export function noFindings(): Required<SyncFindings> {
  return { skipped: {}, unresolved: {}, unresolvedIds: {}, unknownValues: {}, unknownValuesAt: {}, kept: {}, mismatched: {}, mismatchedAt: {}, roleConflicts: {}, roleConflictsAt: {}, unnamed: {}, unnamedAt: {}, unpaired: {}, unpairedAt: {}, endsBeforeStart: {}, endsBeforeStartAt: {} };
}

/** Counts an id of `kind` referenced and found nowhere, and keeps the first few such ids. */
export function noteUnresolved(findings: Required<SyncFindings>, kind: string, id: string): void {
  findings.unresolved[kind] = (findings.unresolved[kind] ?? 0) + 1;
  const ids = (findings.unresolvedIds[kind] ??= []);
  if (ids.length < FINDING_EXAMPLES_KEPT) ids.push(id);
}

/**
 * Counts values outside Clever's enumerations or formats (`student.dob`, by `kind.field`) held by
 * one record, and keeps where the first few of each were read.
 */
export function noteUnknownValues(findings: Required<SyncFindings>, fields: readonly string[], at: InputLocation): void {
  for (const field of fields) countWithPlace(findings.unknownValues, findings.unknownValuesAt, field, at);
}

/**
 * Counts a value that disagrees with another file's (`enrollments.csv School_id`, by file and
 * column), the other file's taken, and keeps where the first few were read.
 */
export function noteMismatch(findings: Required<SyncFindings>, what: string, at: InputLocation): void {
  countWithPlace(findings.mismatched, findings.mismatchedAt, what, at);
}

/**
 * Counts a section's new member recorded though the ledger holds the user without the role of the
 * list (`section.students`, `section.teachers`), and keeps where the first few were read.
 */
export function noteRoleConflict(findings: Required<SyncFindings>, list: string, at: InputLocation): void {
  countWithPlace(findings.roleConflicts, findings.roleConflictsAt, list, at);
}

/**
 * Counts a record its file gives no name (`section`: a sections.csv row with neither Name nor
 * Course_name), and keeps where the first few were read.
 */
export function noteUnnamed(findings: Required<SyncFindings>, kind: string, at: InputLocation): void {
  countWithPlace(findings.unnamed, findings.unnamedAt, kind, at);
}

/** Counts a person kept apart from another of the same email (see SyncFindings.unpaired), by file and column, and keeps where the first few were read. */
export function noteUnpaired(findings: Required<SyncFindings>, what: string, at: InputLocation): void {
  countWithPlace(findings.unpaired, findings.unpairedAt, what, at);
}

/** Counts a record that ends before it starts (see SyncFindings.endsBeforeStart), by kind, and keeps where the first few were read. */
export function noteEndsBeforeStart(findings: Required<SyncFindings>, kind: string, at: InputLocation): void {
  countWithPlace(findings.endsBeforeStart, findings.endsBeforeStartAt, kind, at);
}

/** Counts one more `label` and keeps where it was read, up to FINDING_EXAMPLES_KEPT places. */
function countWithPlace(counts: Record<string, number>, placesOf: Record<string, InputLocation[]>, label: string, at: InputLocation): void {
  counts[label] = (counts[label] ?? 0) + 1;
  const places = (placesOf[label] ??= []);
  if (places.length < FINDING_EXAMPLES_KEPT) places.push({ ...at });
}

/**
 * The findings as a sync's SyncCompleted or SyncHeld records them: `unresolvedIds`,
 * `unknownValuesAt`, `kept`, `mismatched`, `roleConflicts`, `unnamed`, `unpaired` and `endsBeforeStart` only where there are some, so that a sync without any records what
 * syncs recorded before.
 */
export function recordedFindings(findings: SyncFindings): SyncFindings {
  const { skipped, unresolved, unresolvedIds, unknownValues, unknownValuesAt, kept, mismatched, mismatchedAt, roleConflicts, roleConflictsAt, unnamed, unnamedAt, unpaired, unpairedAt, endsBeforeStart, endsBeforeStartAt } = findings;
  const some = (examples: object | undefined) => examples !== undefined && Object.keys(examples).length > 0;
  return {
    skipped,
    unresolved,
    ...(some(unresolvedIds) ? { unresolvedIds } : {}),
    unknownValues,
    ...(some(unknownValuesAt) ? { unknownValuesAt } : {}),
    ...(some(kept) ? { kept } : {}),
    ...(some(mismatched) ? { mismatched, mismatchedAt: mismatchedAt ?? {} } : {}),
    ...(some(roleConflicts) ? { roleConflicts, roleConflictsAt: roleConflictsAt ?? {} } : {}),
    ...(some(unnamed) ? { unnamed, unnamedAt: unnamedAt ?? {} } : {}),
    ...(some(unpaired) ? { unpaired, unpairedAt: unpairedAt ?? {} } : {}),
    ...(some(endsBeforeStart) ? { endsBeforeStart, endsBeforeStartAt: endsBeforeStartAt ?? {} } : {}),
  };
}
