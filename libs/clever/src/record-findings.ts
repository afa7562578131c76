import type { RecordFinding } from '@roster-ledger/domain';
import type { SnapshotItem } from './snapshot-item';
import { termEndingBeforeStart } from './term-dates';

/**
 * What the sync is told about a record of Clever's JSON (a snapshot file's or an API page's), to
 * be yielded after it: a term that ends before it starts, a section without a name. Each is
 * recorded as it came and named among the sync's findings, not refused. An events sync reports
 * those of an event's object by this same rule (see cleverChangeOf). (A CSV upload yields its
 * own, where its rows say more: see csv-snapshot-items.ts.)
 */
export function findingsAfter(item: SnapshotItem): Extract<SnapshotItem, { type: RecordFinding }>[] {
  const findings: Extract<SnapshotItem, { type: RecordFinding }>[] = [];
  const endsBeforeStart = termEndingBeforeStart(item);
  if (endsBeforeStart !== undefined) findings.push(endsBeforeStart);
  if (item.type === 'record' && item.record.kind === 'section' && item.record.fields['name'] === undefined) {
    // a missing name is refused (see mapSection): a section read without one had `""`
    findings.push({ type: 'unnamed', kind: 'section', origin: item.origin });
  }
  return findings;
}
