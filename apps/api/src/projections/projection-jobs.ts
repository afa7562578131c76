import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { LedgerConfig } from '@roster-ledger/config';
import { SqliteProjectionControl } from '@roster-ledger/read-models';
import { GetProjectionStatusQuery, startSourceWorker, UnknownProjection, type ProjectionStatus } from '@roster-ledger/ledger';
import { ProjectionJobNotFound, ProjectionJobRunning } from '../errors/api-errors';
import { LiveProjections } from './live-projections';
import type { ProjectionJob, ProjectionJobKind, ProjectionJobMessage, ProjectionJobRequest } from './projection-job';

/** Finished jobs kept for their status URL; older ones are forgotten. */
const KEPT_JOBS = 50;

/** How a job ended: its result, or why it failed. */
type Outcome = { result?: ProjectionJob['result']; error?: ProjectionJob['error'] };

/**
 * Rebuilds and verifications, one at a time, each in a worker thread so that the server keeps
 * answering. The caller gets the job at once (202 and a status URL); the job reports progress,
 * then its result or its error.
 */
@Injectable()
export class ProjectionJobs implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ProjectionJobs.name);
  private readonly jobs = new Map<string, ProjectionJob>();
  private current: { job: ProjectionJob; worker: Worker | null } | null = null;
  private closing = false;

  constructor(
    private readonly config: LedgerConfig,
    private readonly queries: QueryBus,
    private readonly live: LiveProjections,
    private readonly control: SqliteProjectionControl,
  ) {}

  /**
   * @throws UnknownProjection when a name is not a projection
   * @throws ProjectionJobRunning while another job runs
   */
  async start(kind: ProjectionJobKind, names: string[], dryRun: boolean, requestedBy: string): Promise<ProjectionJob> {
    // a request that is wrong in itself hears so first, whether or not a job runs
    const known = (await this.queries.execute<GetProjectionStatusQuery, ProjectionStatus[]>(new GetProjectionStatusQuery())).map((s) => s.name);
    const unknown = names.find((n) => !known.includes(n));
    if (unknown !== undefined) throw new UnknownProjection(unknown, known);
    // after the look-up: another request may have started a job meanwhile
    this.assertIdle();
    const id = randomUUID();
    const job: ProjectionJob = {
      id,
      kind,
      // all of them by name, not an empty list a reader must know means "all"
      projections: names.length > 0 ? names : known,
      dryRun,
      requestedBy,
      status: 'running',
      startedAt: new Date().toISOString(),
      finishedAt: null,
      progress: null,
      result: null,
      error: null,
      statusUrl: `/projections/jobs/${id}`,
    };
    this.current = { job, worker: null };
    this.keep(job);
    this.logger.log(`${kind} of ${names.length > 0 ? names.join(', ') : 'every projection'} started by ${requestedBy} (job ${id})`);
    await this.live.pause();
    this.current.worker = this.spawn(job, { kind, names, dryRun, dbPath: this.config.dbPath, configFile: this.config.configFile });
    return { ...job };
  }

  private assertIdle(): void {
    if (this.current) throw new ProjectionJobRunning(this.current.job.id);
  }

  /** @throws ProjectionJobNotFound */
  get(id: string): ProjectionJob {
    const job = this.jobs.get(id);
    if (!job) throw new ProjectionJobNotFound(id);
    return { ...job };
  }

  /** Jobs, newest first. */
  list(): ProjectionJob[] {
    return [...this.jobs.values()].reverse().map((j) => ({ ...j }));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    const current = this.current;
    if (!current?.worker) return;
    // an interrupted rebuild resumes where it stopped the next time one is asked for
    this.finish(current.job, { error: { code: 'INTERRUPTED', message: 'the server shut down before the job finished' } });
    await current.worker.terminate();
  }

  /**
   * Runs a job in a worker thread. Its outcome is reported once the worker has exited, not when it
   * is told: until then its connections are open and the next job would be refused, so a job
   * shown as ended means another may start.
   */
  private spawn(job: ProjectionJob, request: ProjectionJobRequest): Worker {
    const worker = startSourceWorker(join(__dirname, 'projection-job.worker'), __filename, request);
    let outcome: Outcome | null = null;
    worker.on('message', (message: ProjectionJobMessage) => {
      if (message.type === 'progress') job.progress = message.progress;
      else if (message.type === 'done') outcome = { result: message.result };
      else if (message.code !== 'UNEXPECTED_ERROR') outcome = { error: { code: message.code, message: message.message } };
      else {
        // not a deliberate error: its message may tell internals, which stay in the server log
        this.logger.error(`projection job ${job.id} failed: ${message.message}`);
        outcome = { error: { code: message.code, message: 'the job failed unexpectedly; see the server log' } };
      }
    });
    worker.on('error', (error) => {
      this.logger.error(`projection job ${job.id} crashed: ${error.stack ?? error.message}`);
      outcome ??= { error: { code: 'UNEXPECTED_ERROR', message: 'the job crashed; see the server log' } };
    });
    worker.on('exit', (code) => {
      if (this.current?.job === job) this.current = null;
      this.forgetEndedWork(job);
      // the live runner goes on only once the worker's connections are closed
      if (!this.closing) this.live.resume();
      this.finish(job, outcome ?? { error: { code: 'UNEXPECTED_ERROR', message: `the job's worker stopped (exit code ${code})` } });
    });
    return worker;
  }

  /**
   * A worker that crashed mid-job left its verify or rebuild noted as this process's, which other
   * processes take for under way while this one lives: forgotten once no job runs.
   */
  private forgetEndedWork(job: ProjectionJob): void {
    try {
      this.control.forgetEndedWork();
    } catch (error) {
      this.logger.error(`after projection job ${job.id}: could not forget the work its thread left noted: ${(error as Error).message}`);
    }
  }

  private finish(job: ProjectionJob, outcome: Outcome): void {
    if (job.status !== 'running') return;
    job.status = outcome.error ? 'failed' : 'succeeded';
    job.result = outcome.result ?? null;
    job.error = outcome.error ?? null;
    job.finishedAt = new Date().toISOString();
    this.logger.log(`${job.kind} job ${job.id} ${job.status}${job.error ? ` (${job.error.code}): ${job.error.message}` : ''}`);
  }

  private keep(job: ProjectionJob): void {
    this.jobs.set(job.id, job);
    for (const id of this.jobs.keys()) {
      if (this.jobs.size <= KEPT_JOBS) break;
      if (this.jobs.get(id)?.status !== 'running') this.jobs.delete(id);
    }
  }
}
