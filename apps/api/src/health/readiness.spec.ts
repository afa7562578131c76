import type { ProjectionStatus } from '@roster-ledger/ledger';
import { readinessOf } from './readiness';

const status = (name: string, lag: number, state: ProjectionStatus['status'] = 'running'): ProjectionStatus => ({
  name,
  description: name,
  version: 1,
  position: 100 - lag,
  head: 100,
  lag: { events: lag, seconds: lag / 10 },
  status: state,
  failure: null,
  rebuilding: null,
});

describe('readiness', () => {
  it('is ready when every projection runs and none lags too far', () => {
    expect(readinessOf([status('accounts', 0), status('audit', 9)], 10).ready).toBe(true);
  });

  it('is not ready when one lags too far, has failed, or there are none', () => {
    expect(readinessOf([status('accounts', 0), status('audit', 10)], 10).ready).toBe(false);
    expect(readinessOf([status('accounts', 0, 'failed')], 10).ready).toBe(false);
    expect(readinessOf([], 10).ready).toBe(false);
  });

  it('is not ready once the server is shutting down, however well its projections keep up', () => {
    expect(readinessOf([status('accounts', 0)], 10, true)).toMatchObject({ ready: false, stopping: true });
    expect(readinessOf([status('accounts', 0)], 10)).toMatchObject({ ready: true, stopping: false });
  });

  it('reports each projection’s lag either way', () => {
    expect(readinessOf([status('accounts', 3)], 10).projections).toEqual([
      { name: 'accounts', status: 'running', position: 97, head: 100, lagEvents: 3, lagSeconds: 0.3 },
    ]);
  });
});
