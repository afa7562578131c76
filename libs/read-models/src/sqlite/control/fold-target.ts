import type { ProjectionFailure } from '@roster-ledger/ledger';
import type { ProjectionWriter, SqliteProjection } from '../sqlite-projection';

/** One projection being fed: live, being rebuilt, or being rebuilt for a comparison. */
export interface Target {
  projection: SqliteProjection;
  version: number;
  position: number;
  writer: ProjectionWriter;
  /** The writer's key in the runner's cache of writers (one per projection version: see WriterCache). */
  key: string;
  /**
   * The checkpoint as stored now, read inside the batch transaction: another process may have
   * folded into the same tables since; null when this version is no longer the one fed here (a
   * rebuild another process swapped in or dropped).
   */
  stored(): number | null;
  /** Moves the checkpoint, inside the batch transaction. */
  checkpoint(position: number): void;
  /** After a batch's commit (a rebuild notes its progress in the state file for status readers). */
  committed?(position: number): void;
  failure: ProjectionFailure | null;
}
