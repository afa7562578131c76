import { calendarProblem, parseMoment } from './moments';

describe('ISO-8601 moments of query parameters', () => {
  it('reads a date alone as the start, the end or the day after, in UTC', () => {
    expect(parseMoment('2025-10-01', 'start-of-day')).toBe('2025-10-01T00:00:00.000Z');
    expect(parseMoment('2025-10-01', 'end-of-day')).toBe('2025-10-01T23:59:59.999Z');
    expect(parseMoment('2025-12-31', 'next-day')).toBe('2026-01-01T00:00:00.000Z');
  });

  it('normalises a timestamp with a zone to UTC with milliseconds, as the read models store times', () => {
    expect(parseMoment('2025-10-01T14:00:00+02:00', 'end-of-day')).toBe('2025-10-01T12:00:00.000Z');
    expect(parseMoment('2025-10-01T12:00Z', 'start-of-day')).toBe('2025-10-01T12:00:00.000Z');
    expect(parseMoment('2025-10-01T12:00:00.123000z', 'start-of-day')).toBe('2025-10-01T12:00:00.123Z');
  });

  it('rounds a moment inside a millisecond so that the bound takes no moment on the wrong side of it', () => {
    // what was recorded at .123 is before .123456: not at or after it (`from`), but before it (`to`) and at or before it (`asOf`)
    expect(parseMoment('2025-10-01T12:00:00.123456Z', 'start-of-day')).toBe('2025-10-01T12:00:00.124Z');
    expect(parseMoment('2025-10-01T12:00:00.123456Z', 'next-day')).toBe('2025-10-01T12:00:00.124Z');
    expect(parseMoment('2025-10-01T12:00:00.123456Z', 'end-of-day')).toBe('2025-10-01T12:00:00.123Z');
    expect(parseMoment('2025-10-01T12:00:00.999999999+02:00', 'start-of-day')).toBe('2025-10-01T10:00:01.000Z');
    expect(parseMoment('1960-01-01T00:00:00.0001Z', 'start-of-day')).toBe('1960-01-01T00:00:00.001Z');
  });

  it('refuses what is not a moment: no zone, no such day, not a date at all', () => {
    for (const text of ['2025-10-01T12:00', '2025-02-30', '2025-13-01', 'yesterday', '', '1696118400', '2025-10-01 12:00Z', '2025-02-30T00:00:00Z']) {
      expect(parseMoment(text, 'end-of-day')).toBeNull();
    }
    expect(parseMoment('2024-02-29', 'end-of-day')).toBe('2024-02-29T23:59:59.999Z');
  });

  it('takes a moment past the year 9999 or before the year 0000 as the last or first one, which compare as text as moments do', () => {
    expect(parseMoment('9999-12-31', 'next-day')).toBe('9999-12-31T23:59:59.999Z');
    expect(parseMoment('9999-12-31T23:00:00-05:00', 'end-of-day')).toBe('9999-12-31T23:59:59.999Z');
    expect(parseMoment('9999-12-31', 'end-of-day')).toBe('9999-12-31T23:59:59.999Z');
    expect(parseMoment('0000-01-01T00:30:00+01:00', 'start-of-day')).toBe('0000-01-01T00:00:00.000Z');
    // ordered as text, as the read models compare them
    const moments = ['2025-10-01', '9999-12-31', '0000-01-01'].map((d) => parseMoment(d, 'next-day')!);
    expect([...moments].sort()).toEqual([moments[2], moments[0], moments[1]]);
  });

  it('reads the days of the years 0000 to 0099 as the days they are, not as 1900 to 1999', () => {
    expect(parseMoment('0099-06-15', 'end-of-day')).toBe('0099-06-15T23:59:59.999Z');
    expect(parseMoment('0001-01-01', 'start-of-day')).toBe('0001-01-01T00:00:00.000Z');
    expect(parseMoment('0000-12-31', 'next-day')).toBe('0001-01-01T00:00:00.000Z');
    expect(parseMoment('0050-03-01T12:00:00+02:00', 'start-of-day')).toBe('0050-03-01T10:00:00.000Z');
    // 0000 is a leap year (divisible by 400), 0100 is not: as the calendar has them, not as 1900 does
    expect(parseMoment('0000-02-29', 'end-of-day')).toBe('0000-02-29T23:59:59.999Z');
    expect(calendarProblem('0000-02-29')).toBeNull();
    expect(calendarProblem('0004-02-30')).toBe('0004-02-30 is not a day of the calendar (February 0004 has 29 days)');
    expect(calendarProblem('0100-02-29')).toBe('0100-02-29 is not a day of the calendar (February 0100 has 28 days)');
    expect(calendarProblem('0099-06-31')).toBe('0099-06-31 is not a day of the calendar (June 0099 has 30 days)');
  });

  it('says a real day whose time or zone is out of range is no moment, rather than ask for a zone it has', () => {
    for (const text of ['2025-10-01T25:00Z', '2025-10-01T12:61:00Z', '2025-10-01T12:00:00+25:00']) {
      expect(parseMoment(text, 'start-of-day')).toBeNull();
      expect(calendarProblem(text)).toBe(`${text} is not a moment: its time of day or zone is out of range (hours 00 to 23, minutes and seconds 00 to 59, a zone up to ±23:59)`);
    }
    for (const text of ['2025-10-01T12:00:00Z', '2025-10-01', '2025-10-01T12:00:00.123456789-04:00']) expect(calendarProblem(text)).toBeNull();
  });

  it('says a well-shaped day that does not exist is not a day of the calendar, and how long its month is', () => {
    expect(calendarProblem('2026-02-30')).toBe('2026-02-30 is not a day of the calendar (February 2026 has 28 days)');
    expect(calendarProblem('2024-02-30T08:00:00Z')).toBe('2024-02-30 is not a day of the calendar (February 2024 has 29 days)');
    expect(calendarProblem('2025-04-31')).toBe('2025-04-31 is not a day of the calendar (April 2025 has 30 days)');
    expect(calendarProblem('2025-13-01')).toBe('2025-13-01 is not a day of the calendar (months are 01 to 12)');
    // a wrong shape is another problem: the caller names the shapes it takes
    for (const text of ['yesterday', '2025-10-01T12:00', '2025-1-1', '2025-10-01']) expect(calendarProblem(text)).toBeNull();
  });
});
