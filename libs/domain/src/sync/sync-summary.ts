import type { GuardBreach } from '../guard/mass-change-guard';
import type { InputLocation } from '../errors/domain-error';
import type { DecisionChannel, RequestChannel, SyncEvent, SyncEventsCursor, SyncFindings, SyncOwner, SyncSource } from '../events/sync-events';
import type { SnapshotContents } from './snapshot-contents';
import { noFindings } from './sync-findings';

export type SyncStatus = 'running' | 'completed' | 'failed' | 'held' | 'discarded';

/**
 * The version of what a summary holds and how its events fold into it. The syncs read model keeps
 * summaries as documents, and the list of syncs every sync consults is read from it: raise this
 * when a summary gains a field or folds an event differently, and the read model is folded again
 * from the log (a document folded before would lack the field).
 */
export const SYNC_SUMMARY_VERSION = 10;

/** What one sync did, folded from its `sync-{id}` stream. */
export interface SyncSummary extends Required<SyncFindings> {
  syncId: string;
  districtId: string | null;
  source: SyncSource;
  origin: string;
  status: SyncStatus;
  requestedBy: string;
  /** Through what it was asked for (see RequestChannel); null when its record does not say. */
  requestedVia: RequestChannel | null;
  startedAt: string;
  finishedAt: string | null;
  /** Roster events appended (completed) or pending (held), by type. */
  counts: Record<string, number>;
  appended: number;
  pending: number;
  breaches: GuardBreach[];
  /**
   * When the mass-change guard held it, kept once it is approved or discarded (`finishedAt` is then
   * the decision's moment); null for a sync never held.
   */
  heldAt: string | null;
  /** Why it failed; `foundBy`: the sync that found it INTERRUPTED (its process gone) and recorded it so. */
  failure: { code: string; reason: string; at?: InputLocation; foundBy?: string } | null;
  approvedBy: string | null;
  /** Through which the approval came (see DecisionChannel); null before it was recorded, or when not approved. */
  approvedVia: DecisionChannel | null;
  discardedBy: string | null;
  discardedVia: DecisionChannel | null;
  /** The process that ran it, when recorded. */
  owner: SyncOwner | null;
  /**
   * Not from the log but from the moment it is read: true for a sync recorded as running whose
   * process is known to be gone (killed or crashed, in any container sharing the ledger), which the district's next sync records
   * as interrupted. Absent otherwise.
   */
  processGone?: true;
  /**
   * Not from the log but from the moment it is read: true for a held sync whose change set is not
   * beside the ledger (a ledger file copied or restored without its `.staged` folder): it cannot be
   * approved, only discarded. Absent otherwise.
   */
  changeSetMissing?: true;
  /** The files it read (name, size, SHA-256), when it read a folder and got as far as its end. */
  contents: SnapshotContents | null;
  /** The earlier sync whose files these were byte for byte: this one read no record. */
  sameFilesAs: string | null;
  /** The ledger state format under which the state was checked to be what the files make (see SyncHeldData.settledUnder). */
  settledUnder: number | null;
  /** For a full sync run because an events sync could not go on from its cursor: why. */
  fallback: string | null;
  /** For a full sync through the Clever API that set no events cursor (Clever's newest event could not be read): why. */
  cursorNotSet: string | null;
  /**
   * Where it moved its district's events cursor (completed) or moves it on approval (held): see
   * SyncHeldData.eventsCursor. Null when it moves none, when discarded (the cursor stayed), and for
   * syncs recorded before it was kept.
   */
  eventsCursor: SyncEventsCursor | null;
}

/**
 * A sync event as the log holds it: with `recordedAt`, when the ledger recorded it (absent for one
 * not recorded yet).
 */
export type RecordedSyncEvent = SyncEvent & { recordedAt?: string };

/** The events that end a sync (for now: a held sync ends again when approved or discarded). */
const ENDINGS: ReadonlySet<SyncEvent['type']> = new Set(['SyncCompleted', 'SyncHeld', 'SyncFailed', 'SyncDiscarded']);

/** Folds the events of one sync stream, oldest first, into its summary. */
export function summarizeSync(events: readonly RecordedSyncEvent[]): SyncSummary | null {
  let summary: SyncSummary | null = null;
  for (const event of events) summary = evolveSyncSummary(summary, event);
  return summary;
}

/**
 * Folds one sync event into a summary (a new one for SyncStarted). Mutates and returns it.
 * `finishedAt` is when the ledger recorded the event that ended the sync, where the event says: the
 * clock of every event's `recordedAt`, so that a sync is never shown finished before the events it
 * appended were recorded (its own `completedAt` is taken as the append is planned: for the
 * approval of a rollover of 100,000 students, 650 ms before it). Without it, the moment the event names.
 */
export function evolveSyncSummary(summary: SyncSummary | null, event: RecordedSyncEvent): SyncSummary | null {
  if (event.type === 'SyncStarted') {
    const d = event.data;
    return {
      syncId: d.syncId, districtId: d.districtId, source: d.source, origin: d.origin, status: 'running',
      requestedBy: d.requestedBy, requestedVia: d.requestedVia ?? null, startedAt: d.startedAt, finishedAt: null, counts: {}, appended: 0, pending: 0,
      breaches: [], heldAt: null, ...noFindings(), failure: null, approvedBy: null, approvedVia: null, discardedBy: null, discardedVia: null,
      owner: d.owner ?? null, contents: null, sameFilesAs: null, settledUnder: null, fallback: d.fallback ?? null,
      cursorNotSet: d.cursorNotSet ?? null, eventsCursor: null,
    };
  }
  if (!summary) return summary;
  switch (event.type) {
    case 'SyncCompleted': {
      const { counts, appended, completedAt, districtId, approvedBy } = event.data;
      Object.assign(summary, { status: 'completed', counts, appended, finishedAt: completedAt, ...findingsOf(event.data), districtId, pending: 0 });
      if (approvedBy !== undefined) summary.approvedBy = approvedBy;
      if (event.data.contents !== undefined) summary.contents = event.data.contents;
      if (event.data.sameFilesAs !== undefined) summary.sameFilesAs = event.data.sameFilesAs;
      if (event.data.settledUnder !== undefined) summary.settledUnder = event.data.settledUnder;
      if (event.data.eventsCursor !== undefined) summary.eventsCursor = event.data.eventsCursor;
      break;
    }
    case 'SyncHeld': {
      const { counts, pending, breaches, heldAt, districtId } = event.data;
      Object.assign(summary, { status: 'held', counts, pending, breaches, finishedAt: heldAt, heldAt: event.recordedAt ?? heldAt, ...findingsOf(event.data), districtId });
      if (event.data.contents !== undefined) summary.contents = event.data.contents;
      if (event.data.settledUnder !== undefined) summary.settledUnder = event.data.settledUnder;
      if (event.data.eventsCursor !== undefined) summary.eventsCursor = event.data.eventsCursor;
      break;
    }
    case 'SyncFailed': {
      const { code, reason, at, failedAt, districtId, foundBy } = event.data;
      summary.status = 'failed';
      if (districtId) summary.districtId = districtId;
      summary.failure = { code, reason, ...(at === undefined ? {} : { at }), ...(foundBy === undefined ? {} : { foundBy }) };
      summary.finishedAt = failedAt;
      break;
    }
    case 'SyncApproved':
      summary.approvedBy = event.data.by;
      summary.approvedVia = event.data.via ?? null;
      break;
    case 'SyncDiscarded':
      Object.assign(summary, { status: 'discarded', discardedBy: event.data.by, discardedVia: event.data.via ?? null, finishedAt: event.data.discardedAt, pending: 0, eventsCursor: null });
      break;
  }
  if (event.recordedAt !== undefined && ENDINGS.has(event.type)) summary.finishedAt = event.recordedAt;
  return summary;
}

/** A recorded sync's findings, with no examples for syncs recorded before they were kept. */
function findingsOf(data: SyncFindings): Required<SyncFindings> {
  const { skipped, unresolved, unresolvedIds, unknownValues, unknownValuesAt, kept, mismatched, mismatchedAt, roleConflicts, roleConflictsAt, unnamed, unnamedAt, unpaired, unpairedAt, endsBeforeStart, endsBeforeStartAt } = data;
  return {
    skipped, unresolved, unresolvedIds: unresolvedIds ?? {}, unknownValues, unknownValuesAt: unknownValuesAt ?? {}, kept: kept ?? {},
    mismatched: mismatched ?? {}, mismatchedAt: mismatchedAt ?? {}, roleConflicts: roleConflicts ?? {}, roleConflictsAt: roleConflictsAt ?? {},
    unnamed: unnamed ?? {}, unnamedAt: unnamedAt ?? {}, unpaired: unpaired ?? {}, unpairedAt: unpairedAt ?? {},
    endsBeforeStart: endsBeforeStart ?? {}, endsBeforeStartAt: endsBeforeStartAt ?? {},
  };
}
