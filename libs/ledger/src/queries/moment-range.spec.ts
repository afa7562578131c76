import { emptyRangeProblem } from './moment-range';

const range = (from: string, to: string) => emptyRangeProblem({ parameter: 'from', text: from }, { parameter: 'to', text: to });

describe('an empty time range, in the words given', () => {
  it('says a from after a date-only to is after it, a to that includes its whole day', () => {
    expect(range('2026-12-02', '2026-12-01')).toBe('from 2026-12-02 is after to 2026-12-01 (to includes the whole day)');
    // the next midnight is past the day to takes in
    expect(range('2026-12-02T00:00:00Z', '2026-12-01')).toBe('from 2026-12-02T00:00:00Z is after to 2026-12-01 (to includes the whole day)');
  });

  it('says a to timestamp is exclusive when from is the same moment', () => {
    expect(range('2026-12-01T08:00:00Z', '2026-12-01T09:00:00+01:00')).toBe(
      'from 2026-12-01T08:00:00Z is the same moment as to 2026-12-01T09:00:00+01:00, which is exclusive: the range holds no moment',
    );
    expect(range('2026-12-01T09:00:00Z', '2026-12-01T08:00:00Z')).toBe('from 2026-12-01T09:00:00Z is after to 2026-12-01T08:00:00Z');
  });

  it('tells which comes first of two moments inside one millisecond, by the digits given past it', () => {
    expect(range('2026-12-01T08:00:00.0005Z', '2026-12-01T08:00:00.0003Z')).toBe('from 2026-12-01T08:00:00.0005Z is after to 2026-12-01T08:00:00.0003Z');
    expect(range('2026-12-01T08:00:00.0003Z', '2026-12-01T08:00:00.00030Z')).toBe(
      'from 2026-12-01T08:00:00.0003Z is the same moment as to 2026-12-01T08:00:00.00030Z, which is exclusive: the range holds no moment',
    );
    // a range of moments the ledger's clock, in milliseconds, never records
    expect(range('2026-12-01T08:00:00.0001Z', '2026-12-01T08:00:00.0009Z')).toBe(
      'between from 2026-12-01T08:00:00.0001Z and to 2026-12-01T08:00:00.0009Z (exclusive) is no moment the ledger records: it records moments to the millisecond',
    );
    expect(range('2026-12-01T08:00:00.0001Z', '2026-12-01T08:00:00.001Z')).toMatch(/^between from .* is no moment the ledger records/);
    expect(range('2026-12-01T08:00:00.000Z', '2026-12-01T08:00:00.0001Z')).toBeNull();
  });

  it('finds nothing wrong with a range that holds a moment, or with an end that is no moment (its own check says so)', () => {
    expect(range('2026-12-01', '2026-12-01')).toBeNull();
    expect(range('2026-12-01T23:59:59.999Z', '2026-12-01')).toBeNull();
    expect(range('2026-12-02', 'yesterday')).toBeNull();
  });
});
