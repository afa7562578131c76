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
