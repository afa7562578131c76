import type { InputLocation, SyncSummary } from '@roster-ledger/domain';
import type { LoggedChange, Viewer } from '@roster-ledger/ledger';
import { withoutServerPaths } from '../errors/problem-details';

/** The roles that run syncs on the server and are told where it read them from. */
const SERVER_OPERATORS: ReadonlySet<string> = new Set(['admin', 'engineer']);

/**
 * A sync as a role sees it. Where the server keeps its files is for those who run it: compliance
 * and support get a snapshot folder, and a file a failure or a finding's place names, cut to its last part
 * (`/srv/clever/north/2025-10-01` to `.../2025-10-01`), as every error answer cuts them; that part
 * still tells one day's snapshot from another.
 */
export function syncForViewer<T extends SyncSummary>(sync: T, viewer: Viewer): T {
  if (SERVER_OPERATORS.has(viewer.role)) return sync;
  const failure = sync.failure && {
    ...sync.failure,
    reason: withoutServerPaths(sync.failure.reason),
    ...(sync.failure.at === undefined ? {} : { at: cutPlace(sync.failure.at) }),
  };
  return {
    ...sync,
    origin: withoutServerPaths(sync.origin),
    failure,
    unknownValuesAt: cutPlaces(sync.unknownValuesAt),
    mismatchedAt: cutPlaces(sync.mismatchedAt),
  };
}

/**
 * A change of the audit feed as a role sees it: a sync's own events (its `origin`, a failure's
 * reason and place, its findings' places) with every server path cut as {@link syncForViewer}
 * cuts them, for compliance and support. Roster changes name no server path.
 */
export function changeForViewer(change: LoggedChange, viewer: Viewer): LoggedChange {
  if (SERVER_OPERATORS.has(viewer.role) || !change.streamId.startsWith('sync-')) return change;
  return { ...change, data: withPathsCut(change.data) as LoggedChange['data'] };
}

function withPathsCut(value: unknown): unknown {
  if (typeof value === 'string') return withoutServerPaths(value);
  if (Array.isArray(value)) return value.map(withPathsCut);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, withPathsCut(inner)]));
}

function cutPlace(place: InputLocation): InputLocation {
  return place.file === undefined ? place : { ...place, file: withoutServerPaths(place.file) };
}

/** The places of a sync's findings (the first few of each), each file cut as above. */
function cutPlaces(places: Record<string, InputLocation[]>): Record<string, InputLocation[]> {
  return Object.fromEntries(Object.entries(places).map(([finding, at]) => [finding, at.map(cutPlace)]));
}
