import type { InputLocation } from '../errors/domain-error';
import type { SyncFindings } from '../events/sync-events';

/** How many places of each unknown value a sync keeps: enough to find the records, not a list of them. */
export const UNKNOWN_VALUE_PLACES_KEPT = 3;

/** A sync that has found nothing yet. */
export function noFindings(): Required<SyncFindings> {
  return { skipped: {}, unresolved: {}, unknownValues: {}, unknownValuesAt: {} };
}

/**
 * Counts values outside Clever's enumerations or formats (`student.dob`, by `kind.field`) held by
 * one record, and keeps where the first few of each were read.
 */
export function noteUnknownValues(findings: Required<SyncFindings>, fields: readonly string[], at: InputLocation): void {
  for (const field of fields) {
    findings.unknownValues[field] = (findings.unknownValues[field] ?? 0) + 1;
    const places = (findings.unknownValuesAt[field] ??= []);
    if (places.length < UNKNOWN_VALUE_PLACES_KEPT) places.push({ ...at });
  }
}

/**
 * The findings as a sync's SyncCompleted or SyncHeld records them: `unknownValuesAt` only where
 * there were unknown values, so that a sync without any records what syncs recorded before.
 */
export function recordedFindings(findings: SyncFindings): SyncFindings {
  const { skipped, unresolved, unknownValues, unknownValuesAt } = findings;
  const places = unknownValuesAt !== undefined && Object.keys(unknownValuesAt).length > 0;
  return { skipped, unresolved, unknownValues, ...(places ? { unknownValuesAt } : {}) };
}
