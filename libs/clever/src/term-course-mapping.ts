import type { CourseRecord, TermRecord } from '@roster-ledger/domain';
import { calendarDate } from './clever-dates';
import { splitParts, text } from './field-readers';
import type { PartsSpec, RecordContext } from './field-readers';
import { HEADER_KEYS } from './record-header';
import type { RecordHeader } from './record-header';

export const TERM: PartsSpec = { fields: { name: text, start_date: calendarDate, end_date: calendarDate }, personal: {}, skip: HEADER_KEYS };
export const COURSE: PartsSpec = { fields: { name: text, number: text }, personal: {}, skip: HEADER_KEYS };

export function mapTerm(raw: Record<string, unknown>, ctx: RecordContext, header: RecordHeader): TermRecord {
  return { kind: 'term', ...header, ...splitParts(raw, TERM, { ctx, path: '', label: 'term' }) };
}

export function mapCourse(raw: Record<string, unknown>, ctx: RecordContext, header: RecordHeader): CourseRecord {
  return { kind: 'course', ...header, ...splitParts(raw, COURSE, { ctx, path: '', label: 'course' }) };
}
