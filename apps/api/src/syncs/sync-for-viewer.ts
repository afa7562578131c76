import { findingsShownTo } from '@roster-ledger/clever';
import type { InputLocation, SyncSummary } from '@roster-ledger/domain';
import { personalAccessOf, type LoggedChange, type Viewer } from '@roster-ledger/ledger';
import { foldersOf, runsTheServer, withoutServerDetails } from '../common/server-details';

/**
 * A sync as a role sees it.
 *
 * Where the server keeps its files is for those who run it: compliance and support get a snapshot
 * folder, and a file a failure or a finding's place names, cut to its last part
 * (`/srv/clever/north/2025-10-01` to `.../2025-10-01`), as every error answer cuts them; that part
 * still tells one day's snapshot from another. So is the process that ran the sync (`owner`: its
 * host, process id and boot id, for an engineer to tell a dead sync's process): null for them.
 *
 * A value outside Clever's lists in a personal field a role may not see (a student's `gender` or
 * `race`, for support and engineers) is not shown to it at all, neither its count nor its places:
 * "this student's race is not one of Clever's" is itself a fact about the student's race, and a
 * count of one beside the one DemographicUpdated of the sync, which a timeline shows, names the
 * student as well as a record id would.
 */
export function syncForViewer<T extends SyncSummary>(sync: T, viewer: Viewer): T {
  const operator = runsTheServer(viewer);
  const access = personalAccessOf(viewer.role);
  if (operator && access === 'full') return sync;
  // the sync's own folders, cut whole even where their names hold spaces
  const folders = operator ? [] : foldersOf(pathsIn(sync));
  const place = (at: InputLocation): InputLocation => (operator ? at : cutPlace(at, folders));
  const failure = sync.failure && {
    ...sync.failure,
    reason: operator ? sync.failure.reason : withoutServerDetails(sync.failure.reason, folders),
    ...(sync.failure.at === undefined ? {} : { at: place(sync.failure.at) }),
  };
  return {
    ...sync,
    origin: operator ? sync.origin : withoutServerDetails(sync.origin, folders),
    owner: operator ? sync.owner : null,
    failure,
    unknownValues: findingsShownTo(sync.unknownValues, access),
    unknownValuesAt: placesOf(findingsShownTo(sync.unknownValuesAt, access), (_label, at) => place(at)),
    mismatchedAt: placesOf(sync.mismatchedAt, (_label, at) => place(at)),
    roleConflictsAt: placesOf(sync.roleConflictsAt, (_label, at) => place(at)),
    unnamedAt: placesOf(sync.unnamedAt, (_label, at) => place(at)),
    unpairedAt: placesOf(sync.unpairedAt, (_label, at) => place(at)),
    endsBeforeStartAt: placesOf(sync.endsBeforeStartAt, (_label, at) => place(at)),
  };
}

/**
 * A change of the audit feed as a role sees it: a sync's own events (its `origin`, a failure's
 * reason and place, its findings' places) with every server path cut as {@link syncForViewer}
 * cuts them, for compliance and support, and without the process that ran it (`owner`), as
 * syncForViewer leaves it out. Roster changes name neither. Only the texts that may hold a path are
 * cut: the rest of the event (its counts, its findings) is as stored.
 */
export function changeForViewer(change: LoggedChange, viewer: Viewer): LoggedChange {
  if (runsTheServer(viewer) || !change.streamId.startsWith('sync-')) return change;
  return { ...change, data: withPathsCut(change.data, false, foldersOf(pathsIn(change.data))) as LoggedChange['data'] };
}

/** The keys of a sync event's texts that may name a file on the server, at any depth. */
const TEXTS_WITH_PATHS: ReadonlySet<string> = new Set(['origin', 'reason', 'file', 'fallback', 'cursorNotSet']);

/** The keys of a sync event that name the server's own process (SyncStarted's `owner`), left out for compliance and support. */
const SERVER_PROCESS_KEYS: ReadonlySet<string> = new Set(['owner']);

function withPathsCut(value: unknown, mayHoldPath: boolean, folders: readonly string[]): unknown {
  if (typeof value === 'string') return mayHoldPath ? withoutServerDetails(value, folders) : value;
  if (Array.isArray(value)) return value.map((inner) => withPathsCut(inner, mayHoldPath, folders));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !SERVER_PROCESS_KEYS.has(key))
      .map(([key, inner]) => [key, withPathsCut(inner, TEXTS_WITH_PATHS.has(key), folders)]),
  );
}

/** The texts of a sync (or a sync event) that name a file or folder whole (its `origin`, the `file` of a failure or a finding's place), at any depth. */
function pathsIn(value: unknown, key = ''): string[] {
  if (typeof value === 'string') return key === 'origin' || key === 'file' ? [value] : [];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([inner, v]) => pathsIn(v, Array.isArray(value) ? key : inner));
}

function cutPlace(place: InputLocation, folders: readonly string[]): InputLocation {
  return place.file === undefined ? place : { ...place, file: withoutServerDetails(place.file, folders) };
}

/** The places of a sync's findings (the first few of each), each as `shown` shows it. */
function placesOf(places: Record<string, InputLocation[]>, shown: (finding: string, at: InputLocation) => InputLocation): Record<string, InputLocation[]> {
  return Object.fromEntries(Object.entries(places).map(([finding, at]) => [finding, at.map((one) => shown(finding, one))]));
}
