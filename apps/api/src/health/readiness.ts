import type { ProjectionStatus } from '@roster-ledger/ledger';

/** Above this many events behind the log, a projection's answers are too stale to serve. */
export const READY_MAX_LAG_EVENTS = 10_000;

export interface Readiness {
  ready: boolean;
  /** True once the server is shutting down (it finishes running syncs, and starts nothing new): not ready. */
  stopping: boolean;
  maxLagEvents: number;
  projections: { name: string; status: ProjectionStatus['status']; position: number; head: number; lagEvents: number; lagSeconds: number }[];
}

/**
 * Ready when the server is not shutting down, every projection is running (none stopped at a
 * failing event) and none lags too far.
 */
export function readinessOf(statuses: readonly ProjectionStatus[], maxLagEvents = READY_MAX_LAG_EVENTS, stopping = false): Readiness {
  const projections = statuses.map((s) => ({
    name: s.name,
    status: s.status,
    position: s.position,
    head: s.head,
    lagEvents: s.lag.events,
    lagSeconds: s.lag.seconds,
  }));
  const ready = !stopping && projections.length > 0 && projections.every((p) => p.status === 'running' && p.lagEvents < maxLagEvents);
  return { ready, stopping, maxLagEvents, projections };
}
