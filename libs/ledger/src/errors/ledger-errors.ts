import { DomainError } from '@roster-ledger/domain';

export class SyncNotFound extends DomainError {
  readonly code = 'SYNC_NOT_FOUND';
  readonly kind = 'not-found';
  constructor(readonly syncId: string) {
    super(`no sync with id ${syncId}`);
  }
}

/** Approve and discard apply only to a held sync, and only a held sync has changes pending. */
export class SyncNotHeld extends DomainError {
  readonly code = 'SYNC_NOT_HELD';
  readonly kind = 'conflict';
  constructor(
    readonly syncId: string,
    readonly status: string,
    why = 'only a held sync can be approved or discarded',
  ) {
    super(`sync ${syncId} is ${status}, not held: ${why}`);
  }
}

export class SyncAlreadyRunning extends DomainError {
  readonly code = 'SYNC_ALREADY_RUNNING';
  readonly kind = 'conflict';
  constructor(
    readonly districtId: string,
    /** null: a process has taken the district and not yet said for which sync */
    readonly runningSyncId: string | null,
  ) {
    super(`${runningSyncId === null ? 'another sync' : `sync ${runningSyncId}`} of district ${districtId} is running; one sync at a time per district`);
  }
}

/**
 * An approval or a discard of a held sync while another decision on the same sync holds its
 * district (two people, two processes or two requests): the code of any sync already running,
 * but said as what it is, not as the held sync "running".
 */
export class HeldSyncDecisionUnderWay extends DomainError {
  readonly code = 'SYNC_ALREADY_RUNNING';
  readonly kind = 'conflict';
  constructor(readonly syncId: string) {
    super(
      `sync ${syncId} is being approved or discarded by another request or process; one decision at a time ` +
        `("roster-ledger syncs show ${syncId}", or GET /syncs/${syncId}, tells how it ended)`,
    );
  }
}

/** A held sync must be approved or discarded before the district syncs again: its preview would go stale. */
export class HeldSyncPending extends DomainError {
  readonly code = 'HELD_SYNC_PENDING';
  readonly kind = 'conflict';
  constructor(
    readonly districtId: string,
    readonly heldSyncId: string,
  ) {
    super(
      // the same message on a terminal and over HTTP: both ways to decide are named
      `sync ${heldSyncId} of district ${districtId} is held awaiting approval; approve or discard it first: ` +
        `"roster-ledger syncs approve|discard ${heldSyncId} --by <name>", or POST /syncs/${heldSyncId}/approve or /discard`,
    );
  }
}

/** The ledger moved on since a sync was held; its change set no longer applies. */
export class HeldSyncOutdated extends DomainError {
  readonly code = 'HELD_SYNC_OUTDATED';
  readonly kind = 'conflict';
  constructor(
    readonly syncId: string,
    detail: string,
  ) {
    // read by every role (a held sync's pending changes), so it says who may act, not "you"
    super(
      `sync ${syncId} can no longer be applied (${detail}); an engineer or admin discards it ` +
        `("roster-ledger syncs discard ${syncId} --by <name>", or POST /syncs/${syncId}/discard) and runs the sync again`,
    );
  }
}

/** The snapshot names no district (it holds no record) and none was given: refused before any sync is recorded. */
export class DistrictUnknown extends DomainError {
  readonly code = 'DISTRICT_UNKNOWN';
  readonly kind = 'invalid';
  constructor(origin: string) {
    super(`cannot tell which district ${origin} is for: it holds no record that names a district; give --district <id> (nothing was recorded)`);
  }
}

export class UnknownProjection extends DomainError {
  readonly code = 'UNKNOWN_PROJECTION';
  readonly kind = 'invalid';
  constructor(
    readonly projection: string,
    known: readonly string[],
  ) {
    super(`no projection named ${projection}; the projections are ${known.join(', ')}`);
  }
}

/** `projections verify` of a projection that another process is verifying: both would build into the one scratch version. */
export class VerifyUnderWay extends DomainError {
  readonly code = 'VERIFY_UNDER_WAY';
  readonly kind = 'conflict';
  constructor(
    readonly projection: string,
    /** The verifying process, when it has noted itself yet. */
    readonly owner: { pid: number; host: string } | null,
  ) {
    super(`projection ${projection} is being verified by ${owner === null ? 'another process' : `process ${owner.pid} on ${owner.host}`}; one verify at a time per projection: try again when it ends`);
  }
}

/** A dry run of a read model another live process is rebuilding (it would drop the version that process builds), or a rebuild of one another process is starting to build. */
export class RebuildUnderWay extends DomainError {
  readonly code = 'REBUILD_UNDER_WAY';
  readonly kind = 'conflict';
  constructor(
    readonly projection: string,
    /** The building process, when it has noted itself yet. */
    readonly owner: { pid: number; host: string } | null,
    /** Why this one cannot go on beside it. */
    readonly why = 'a dry run would drop what it builds',
  ) {
    super(`projection ${projection} is being rebuilt by ${owner === null ? 'another process' : `process ${owner.pid} on ${owner.host}`}; ${why}: try again when it ends`);
  }
}

/** A record asked for by id that the read models do not hold; `hint` says how the id may have been mistyped. */
export class NotFound extends DomainError {
  readonly code = 'NOT_FOUND';
  readonly kind = 'not-found';
  constructor(what: string, hint?: string) {
    super(hint === undefined ? `${what} not found` : `${what} not found; ${hint}`);
  }
}

/**
 * An events sync cannot go on from the district's cursor: there is none yet, it is older than
 * Clever keeps events, or Clever no longer knows it. Not a failure: the caller runs a full sync
 * instead (and sets a new cursor), saying why.
 */
export class EventsCursorGap extends DomainError {
  readonly code = 'EVENTS_CURSOR_GAP';
  readonly kind = 'failed';
  constructor(
    readonly districtId: string,
    readonly reason: string,
  ) {
    super(`the events of district ${districtId} cannot be read on from its cursor: ${reason}`);
  }
}
