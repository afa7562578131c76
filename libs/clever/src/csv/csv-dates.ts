import { isoDateOfBirth } from '../clever-dates';

const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/;

/** A time of day after a date, as a spreadsheet saving dates with their time writes it: ` 0:00`, ` 00:00:00`, `T00:00:00.000Z`, ` 12:00 AM`. */
const TIME_OF_DAY = /(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?: ?[AP]M)?(?:Z|[+-]\d{2}:?\d{2})?)$/i;

/**
 * A CSV date as ISO `YYYY-MM-DD`: `M/D/YYYY` and `MM/DD/YYYY` (Clever's SFTP format), `M/D/YY`
 * (two-digit year, see nearestYear) or ISO `YYYY-MM-DD`, each perhaps with a time of day after it
 * (a spreadsheet's `8/1/2015 0:00`), which says nothing more about the day: kept raw, the same term
 * saved so would be another term. Anything else, or a day that does not exist (`2/30/2001`), gives
 * undefined: the caller keeps the raw value. So does a two-digit year without `importYear`, as
 * for a date of birth (see csvDateOfBirth): no century can be told.
 */
export function csvIsoDate(written: string, importYear: number | undefined): string | undefined {
  return isoDateWith(written, (short) => (importYear === undefined ? undefined : nearestYear(short, importYear)));
}

/**
 * The year ending in `short` (00–99) nearest the import's year: from 50 years before it to 49
 * after. A fixed cutoff (00–29 as 20xx) made a term `8/1/30` of the 2029-30 school year one of
 * 1930; a term is of about the year it is sent in, in either direction. A year exactly 50 away
 * either side is taken in the past (`76` in an import of 2026 is 1976): a ledger records what was,
 * and so a date of birth reads too. The same file read in the same year gives the same dates; read
 * in another, the import's year is part of how a CSV folder is read (see csvSnapshotReading).
 * Clever's demo file writes terms as `8/1/15` (-> 2015).
 */
function nearestYear(short: number, importYear: number): number {
  const sameCentury = importYear - (importYear % 100) + short;
  if (sameCentury - importYear >= 50) return sameCentury - 100;
  if (importYear - sameCentury > 50) return sameCentury + 100;
  return sameCentury;
}

/**
 * A date of birth, read as csvIsoDate reads a date except for a two-digit year: that is the latest
 * year ending in those digits that is not after the year of the import (`importYear`), so a birth
 * date is never in the future. Clever's demo file writes `11/1/98` (-> 1998, clever-data.md §7.3);
 * a fixed cutoff would make `1/2/29` a birth in 2029 in an import of 2026. The same file read in a
 * later year can give another century for such a date, which is why the import's year is part of
 * how a CSV folder is read (see csvSnapshotReading). Without `importYear` no century can be told:
 * a two-digit year gives undefined, and the caller keeps the raw value and reports it.
 */
export function csvDateOfBirth(written: string, importYear: number | undefined): string | undefined {
  return isoDateWith(written, (short) => {
    if (importYear === undefined) return undefined;
    const sameCentury = importYear - (importYear % 100) + short;
    return sameCentury <= importYear ? sameCentury : sameCentury - 100;
  });
}

/** `written` as an ISO date, the full year of a two-digit one by `fullYear` (undefined: no date). */
function isoDateWith(written: string, fullYear: (short: number) => number | undefined): string | undefined {
  const raw = written.replace(TIME_OF_DAY, '');
  const us = US_DATE.exec(raw);
  if (us) {
    const [, month, day, year = ''] = us;
    const full = year.length === 4 ? Number(year) : fullYear(Number(year));
    return full === undefined ? undefined : isoDateOfBirth(`${Number(month)}/${Number(day)}/${full}`);
  }
  return isoDateOfBirth(raw);
}
