import { DomainError } from '@roster-ledger/domain';
import type { ProjectionProgress, RebuildResult, VerifyResult } from '@roster-ledger/ledger';

export type ProjectionJobKind = 'rebuild' | 'verify';

/** A rebuild or verification run in the background, as its status URL reports it. */
export interface ProjectionJob {
  id: string;
  kind: ProjectionJobKind;
  /** The projections the job works on: those asked for, or every one when none was named. */
  projections: string[];
  dryRun: boolean;
  requestedBy: string;
  status: 'running' | 'succeeded' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  /** The latest progress report (position, head, events per second, ETA). */
  progress: ProjectionProgress | null;
  result: RebuildResult | VerifyResult[] | null;
  error: { code: string; message: string } | null;
  statusUrl: string;
}

/** What the job's worker is asked to do. */
export interface ProjectionJobRequest {
  kind: ProjectionJobKind;
  names: string[];
  dryRun: boolean;
  dbPath: string;
  configFile: string | null;
}

/** What the worker tells the server. */
export type ProjectionJobMessage =
  | { type: 'progress'; progress: ProjectionProgress }
  | { type: 'done'; result: RebuildResult | VerifyResult[] }
  | { type: 'failed'; code: string; message: string };

/**
 * How the worker reports a job that threw: a deliberate error (a DomainError) by its stable code,
 * anything else as UNEXPECTED_ERROR, whose message the server logs and keeps from the client. A
 * system's or SQLite's own code (ENOSPC, SQLITE_FULL) is no code of ours: it is not passed on.
 */
export function jobFailure(error: unknown): Extract<ProjectionJobMessage, { type: 'failed' }> {
  return { type: 'failed', code: error instanceof DomainError ? error.code : 'UNEXPECTED_ERROR', message: error instanceof Error ? error.message : String(error) };
}
