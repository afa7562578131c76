import type { SyncOwner } from '@roster-ledger/domain';

/** Where a projection stopped, and why: it never skips an event it could not fold. */
export interface ProjectionFailure {
  position: number;
  type: string;
  streamId: string;
  message: string;
}

export interface ProjectionStatus {
  name: string;
  description: string;
  /** Version of the live tables (a rebuild makes a new one beside them). */
  version: number;
  /** Log position the read model reflects. */
  position: number;
  head: number;
  lag: { events: number; seconds: number };
  status: 'running' | 'failed';
  failure: ProjectionFailure | null;
  /** A rebuild under way, or interrupted (to be resumed by the next rebuild). */
  rebuilding: UnfinishedRebuild | null;
}

export interface UnfinishedRebuild {
  /** The version being built beside the live one. */
  version: number;
  /** How far it has folded the log. */
  position: number;
  /** The process building it, as last noted; null when none is (its rebuild failed here). */
  builder: { pid: number; host: string } | null;
  /** Whether that process may still be at work (see ownerAlive); false: interrupted, resumed as `resumedBy` says. */
  underWay: boolean;
  /**
   * What resumes it once interrupted: `catch-up` when the live read model is so far behind the log
   * that the next catch-up of a CLI command that reads the read models rebuilds it in
   * bulk (a killed first import's, say); `rebuild` when only the next rebuild does.
   */
  resumedBy: 'catch-up' | 'rebuild';
}

export interface ProjectionProgress {
  projections: string[];
  position: number;
  head: number;
  eventsPerSecond: number;
  etaSeconds: number | null;
}

export interface RebuildResult {
  projections: string[];
  version: Record<string, number>;
  events: number;
  seconds: number;
  swapped: boolean;
  /**
   * Per projection, the log position its build started from: 0, or the checkpoint of an
   * interrupted rebuild it resumed.
   */
  resumedFrom: Record<string, number>;
  /**
   * The projections whose rebuild under way in another live process this one joined (both build
   * the same version, and whichever ends first makes it live), with that process; any other
   * projection resumed from a position resumed a rebuild that was interrupted.
   */
  joined: Record<string, SyncOwner>;
  /** With a dry run: whether the rebuilt tables equal the live ones. */
  differences?: Record<string, number>;
  /**
   * With a dry run: the projections whose interrupted rebuild it resumed (from any position, 0
   * included), finished for the comparison, and left for the next rebuild to swap in.
   */
  kept?: string[];
  /**
   * With a dry run: the projections whose live version was so far behind the log that bringing
   * it to the head, before the comparison, rebuilt it in bulk and swapped that in (as any command
   * reading the read models would have).
   */
  rebuiltFirst?: string[];
}

/** A read model this process found unusable as it opened it, and so started over from the log. */
export interface ProjectionRestart {
  name: string;
  /** Why, in words for an engineer: "this release stores it in tables of another shape". */
  reason: string;
  /** The one stream category it folds (`sync`), when it folds no others: only those events are read again. */
  category?: string;
}

/** What a catch-up did. */
export interface CatchUpResult {
  /** Events folded into the read models. */
  folded: number;
  /**
   * Whether it found another process folding the same read models (a server's runner) and left
   * the events to it: queries answer from before them until that process commits.
   */
  foldedElsewhere: boolean;
  /**
   * The read models so far behind that it rebuilt them from the log beside their live versions
   * and swapped them in (see ProjectionControl.catchUp): `folded` then counts the whole log they
   * were rebuilt from, not only the events that were new to them.
   */
  rebuilt: string[];
}

export interface VerifyResult {
  projection: string;
  position: number;
  /** Rows that differ between the live read model and one rebuilt from the log, per table. */
  differences: Record<string, number>;
  equal: boolean;
}

/**
 * Control of the read models: their checkpoints, catching up, rebuilding beside the live
 * version with an atomic swap, and verification against a rebuild from the log.
 */
export interface ProjectionControl {
  names(): string[];
  status(): Promise<ProjectionStatus[]>;
  /**
   * The read models this process started over from the log as it opened them (tables of another
   * shape after an upgrade, tables deleted from outside, files of another ledger): their next
   * catch-up folds the whole log again, which at scale takes minutes, so callers say so first.
   */
  startedOver(): ProjectionRestart[];
  /**
   * Folds every event not yet folded into each live read model; returns the events applied. An
   * adapter may bring a read model that is far behind up to date by rebuilding it beside the
   * live one and swapping it in (readers see the old version until then, never a half-built one).
   */
  catchUp(onProgress?: (p: ProjectionProgress) => void): Promise<number>;
  /** Whether this process's last catch-up left the events to another process folding them (see CatchUpResult). */
  foldedElsewhere(): boolean;
  /** The read models this process's last catch-up rebuilt from the log and swapped in (see CatchUpResult). */
  rebuiltInBulk(): string[];
  /** @throws UnknownProjection */
  rebuild(names: string[], options?: { dryRun?: boolean; onProgress?: (p: ProjectionProgress) => void }): Promise<RebuildResult>;
  /** @throws UnknownProjection */
  verify(names: string[], onProgress?: (p: ProjectionProgress) => void): Promise<VerifyResult[]>;
}
