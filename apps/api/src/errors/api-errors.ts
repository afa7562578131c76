/**
 * Errors the HTTP edge raises itself (the ledger's own errors are DomainErrors). Each carries the
 * HTTP status and a stable `code`, so the problem-details filter maps them without a table.
 */
export abstract class ApiError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** One request parameter (query, path or body field) and what is wrong with it. */
export interface ParameterProblem {
  parameter: string;
  problems: string[];
}

/** The request's parameters or body break the rules of its DTO. */
export class RequestInvalid extends ApiError {
  readonly code = 'INVALID_REQUEST';
  readonly status = 400;
  constructor(readonly errors: ParameterProblem[]) {
    super(errors.flatMap((e) => e.problems).join('; '));
  }
}

/** No API key, or one that is not configured. */
export class Unauthenticated extends ApiError {
  readonly code = 'UNAUTHENTICATED';
  readonly status = 401;
  constructor(reason: string) {
    super(reason);
  }
}

/** A valid API key whose role may not use the endpoint. */
export class RoleNotAllowed extends ApiError {
  readonly code = 'FORBIDDEN';
  readonly status = 403;
  constructor(role: string, allowed: readonly string[]) {
    super(allowed.length === 0 ? 'this endpoint is open to no role' : `the role ${role} may not use this endpoint; it is for ${allowed.join(', ')}`);
  }
}

/** A path the API has, asked with a method it does not answer there. */
export class MethodNotAllowed extends ApiError {
  readonly code = 'METHOD_NOT_ALLOWED';
  readonly status = 405;
  constructor(
    method: string,
    path: string,
    readonly allowed: readonly string[],
  ) {
    super(`${path} does not take ${method}; it takes ${allowed.join(', ')}`);
  }
}

/** A rebuild or verification is under way; one at a time, or they would fight over the same tables. */
export class ProjectionJobRunning extends ApiError {
  readonly code = 'PROJECTION_JOB_RUNNING';
  readonly status = 409;
  constructor(readonly jobId: string) {
    super(`projection job ${jobId} is still running; wait for it (GET /projections/jobs/${jobId}) and try again`);
  }
}

export class ProjectionJobNotFound extends ApiError {
  readonly code = 'PROJECTION_JOB_NOT_FOUND';
  readonly status = 404;
  constructor(jobId: string) {
    super(`no projection job ${jobId} (jobs are kept in memory until the server restarts)`);
  }
}

/** The server is shutting down: it starts no new work. */
export class ServerStopping extends ApiError {
  readonly code = 'SERVER_STOPPING';
  readonly status = 503;
  constructor() {
    super('the server is shutting down and starts no new sync; try again once it is back');
  }
}

/** A second approval of a held sync while this server applies the first (the same code as any sync already running). */
export class ApprovalUnderWay extends ApiError {
  readonly code = 'SYNC_ALREADY_RUNNING';
  readonly status = 409;
  constructor(syncId: string) {
    super(`sync ${syncId} is being approved by another request; one approval at a time`);
  }
}
