import type { LedgerState, ListedUsersFinder, StateEntry } from '@roster-ledger/domain';

/** A saved district state: what folding the district's events up to `position` gives. */
export interface DistrictStateSnapshot {
  /** Global log position the state is folded up to (inclusive). */
  position: number;
  state: LedgerState;
}

export interface DistrictStateChange {
  /**
   * The snapshot's position this change builds on (a snapshot a sync wrote ahead from there
   * counts as at it); null to replace whatever is saved with `entries` alone.
   */
  basePosition: number | null;
  /** The new position: every district event up to it is folded into the saved state. */
  position: number;
  /** The records whose state changed since `basePosition` (every record when `basePosition` is null). */
  entries: Iterable<StateEntry>;
}

/**
 * Write-side snapshots of each district's ledger state, so a sync folds only the events recorded
 * since the last one instead of the district's whole log. A cache of the log, never a source of
 * truth: losing it, or a snapshot of another `LEDGER_STATE_FORMAT`, only means folding more.
 */
export interface DistrictStateStore {
  /** The district's saved state, or null when none is saved (or it was saved in another format). */
  load(districtId: string): Promise<DistrictStateSnapshot | null>;
  /**
   * Saves `change` atomically, only if the saved snapshot is still at `change.basePosition`
   * (another process may have moved it on meanwhile: then nothing is saved).
   * @returns whether it was saved.
   */
  save(districtId: string, change: DistrictStateChange): Promise<boolean>;
  /**
   * Writes the states of records a running sync has folded in, ahead of the sync's append, so
   * that the sync need not hold them in memory to its end. Until `save` moves the snapshot past
   * the sync's append, the saved snapshot is marked as being written ahead, and `load` ignores it
   * (its records are no longer those of its position): a sync that fails, or is held, leaves the
   * next load to fold the district's log. Only if the saved snapshot is still at `basePosition`.
   * @returns whether it was written.
   */
  writeAhead(districtId: string, basePosition: number, entries: Iterable<StateEntry>): Promise<boolean>;
  /**
   * Reads a user's or section's saved state (its JSON) when asked: what a loaded state reads the
   * records it knows by summary with. Synchronous, as a sync's diff asks for them one at a time.
   */
  stateReader(districtId: string, category: 'user' | 'section'): (id: string) => string | undefined;
  /**
   * Finds which of some users the district's saved sections list, in one pass over their saved
   * states: what a loaded state asks of the sections it knows by summary instead of reading each.
   */
  listedUsersFinder(districtId: string): ListedUsersFinder;
  /** Whether the log holds roster events of the district with positions in (after, upTo]. */
  recordedBetween(districtId: string, after: number, upTo: number): Promise<boolean>;
}
