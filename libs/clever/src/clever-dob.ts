import { text } from './field-readers';
import type { ValueReader } from './field-readers';

const CLEVER_DOB = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Clever's `M/D/YYYY` (no zero padding) as an ISO `YYYY-MM-DD`. An ISO date is accepted as it is.
 * Anything else, or a day that does not exist, gives undefined.
 */
export function isoDateOfBirth(raw: string): string | undefined {
  const clever = CLEVER_DOB.exec(raw);
  if (clever) return isoDate(Number(clever[3]), Number(clever[1]), Number(clever[2]));
  const iso = ISO_DATE.exec(raw);
  if (iso) return isoDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  return undefined;
}

/** The ISO `YYYY-MM-DD` of a day, or undefined when there is no such day. */
export function isoDate(year: number, month: number, day: number): string | undefined {
  if (month < 1 || month > 12 || day < 1) return undefined;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return undefined;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** A dob that does not parse is kept raw and reported as an unknown value. */
export const dob: ValueReader = (value, at) => {
  const raw = text(value, at);
  if (typeof raw !== 'string') return raw;
  const iso = isoDateOfBirth(raw);
  if (iso !== undefined) return iso;
  at.ctx.unknownValue(at.label);
  return raw;
};
