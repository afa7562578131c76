import type { SnapshotItem } from './snapshot-item';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The finding to yield after a term whose end_date is before its start_date, or undefined. Clever
 * documents no order for a term's dates and the ledger records what it is given: such a term is
 * recorded as it is (refusing it would hold back the whole district's sync for dates only the
 * district can fix), and the sync says so, naming it and where it was read, whether it came from
 * a JSON snapshot, Clever's API or a CSV upload's sections.csv. Only dates read as dates are
 * compared: one that is not is reported as an unknown value already.
 */
export function termEndingBeforeStart(item: SnapshotItem): Extract<SnapshotItem, { type: 'endsBeforeStart' }> | undefined {
  if (item.type !== 'record' || item.record.kind !== 'term') return undefined;
  const { start_date: start, end_date: end } = item.record.fields;
  if (typeof start !== 'string' || typeof end !== 'string' || !ISO_DATE.test(start) || !ISO_DATE.test(end)) return undefined;
  return end < start ? { type: 'endsBeforeStart', kind: 'term', origin: item.origin } : undefined;
}
