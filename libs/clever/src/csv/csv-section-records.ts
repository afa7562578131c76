import type { InputLocation } from '@roster-ledger/domain';
import { normalizeCleverRecord } from '../clever-normalizer';
import type { SnapshotItem } from '../snapshot-item';
import { CO_TEACHER_COLUMNS } from './csv-columns';
import { csvIsoDate } from './csv-dates';
import { courseKey, termKey } from './csv-ids';
import type { CsvIds } from './csv-ids';
import type { CsvRow } from './csv-row-stream';
import { mapGrade, mapSubject } from './csv-value-mapping';

/** A term or course Clever would synthesise from section columns, with the first row that named it. */
export interface DerivedRecord {
  id: string;
  raw: Record<string, unknown>;
  origin: InputLocation;
  unknownValues: string[];
}

/**
 * The term of a sections.csv row, when it names one: Clever creates a term from at least one of
 * Term_name, Term_start, Term_end. Dates become ISO `YYYY-MM-DD` (a two-digit year by the import's
 * year, `importYear`: see csvIsoDate); a date that does not parse is kept raw and reported as
 * `term.start_date` / `term.end_date`.
 */
export function termOf(row: CsvRow, ids: CsvIds, importYear: number | undefined): DerivedRecord | undefined {
  const name = row.get('Term_name');
  const [start, startUnknown] = date(row.get('Term_start'), importYear);
  // an end's two-digit year is the one nearest its start's (a term of an archive read decades on,
  // `8/1/98`-`6/1/99` in an import of 2049, would have its dates in two centuries otherwise)
  const startYear = start !== '' && !startUnknown ? Number(start.slice(0, 4)) : undefined;
  const [end, endUnknown] = date(row.get('Term_end'), startYear ?? importYear);
  if (name === '' && start === '' && end === '') return undefined;
  const id = ids.of('term', termKey(name, start, end));
  return {
    id,
    raw: { id, district: ids.districtId, name, start_date: start, end_date: end },
    origin: row.origin,
    unknownValues: [...(startUnknown ? ['term.start_date'] : []), ...(endUnknown ? ['term.end_date'] : [])],
  };
}

/** The course of a row: Clever creates one only from a Course_name. */
export function courseOf(row: CsvRow, ids: CsvIds): DerivedRecord | undefined {
  const name = row.get('Course_name');
  if (name === '') return undefined;
  const number = row.get('Course_number');
  const id = ids.of('course', courseKey(name, number));
  return { id, raw: { id, district: ids.districtId, name, number }, origin: row.origin, unknownValues: [] };
}

export function derivedItem(kind: 'term' | 'course', derived: DerivedRecord): SnapshotItem {
  const item = normalizeCleverRecord(kind, derived.raw, derived.origin);
  if (item.type !== 'record' || derived.unknownValues.length === 0) return item;
  return { ...item, unknownValues: [...new Set([...item.unknownValues, ...derived.unknownValues])].sort() };
}

/** Teacher_id, then Teacher_2_id … Teacher_10_id, without blanks or repeats: the primary comes first. */
export function sectionTeachers(row: CsvRow): string[] {
  const ids = ['Teacher_id', ...CO_TEACHER_COLUMNS].map((column) => row.get(column)).filter((id) => id !== '');
  return [...new Set(ids)];
}

export interface SectionMembers {
  /** Teacher SIS ids, primary first. */
  teachers: readonly string[];
  /** Student SIS ids, any order, repeats allowed. */
  students: readonly string[];
  /** Last name of the primary teacher, for the name Clever generates. */
  primaryLastName: string;
}

/**
 * A section as the Clever API shows it. Clever generates the name as `<course name> - <primary
 * teacher's last name> - <period>` when there is a course name, and uses the file's `Name` only
 * otherwise (dev.clever.com "Sections"; all 376 demo sections follow it). Students are sorted by
 * id, as the API sorts them, so the order of enrollments.csv never shows as a change.
 */
export function sectionItem(row: CsvRow, members: SectionMembers, ids: CsvIds, importYear: number | undefined): SnapshotItem {
  const courseName = row.get('Course_name');
  const period = row.get('Period');
  const generated = [courseName, members.primaryLastName, period].filter((part) => part !== '').join(' - ');
  const teacherIds = members.teachers.map((sisId) => ids.of('teacher', sisId));
  const raw = {
    id: ids.of('section', row.get('Section_id')),
    district: ids.districtId,
    school: ids.school(row.get('School_id')),
    sis_id: row.get('Section_id'),
    name: courseName === '' ? row.get('Name') : generated,
    section_number: row.get('Section_number'),
    subject: mapSubject(row.get('Subject')),
    grade: mapGrade(row.get('Grade')),
    period,
    course: courseOf(row, ids)?.id,
    term_id: termOf(row, ids, importYear)?.id,
    teacher: teacherIds[0],
    teachers: teacherIds,
    students: [...new Set(members.students.map((sisId) => ids.of('student', sisId)))].sort(),
  };
  return normalizeCleverRecord('section', raw, row.origin);
}

/**
 * Whether a sections.csv row gives its section a name: a Course_name (the name is generated from
 * it) or a Name. A column the file lacks reads as empty.
 */
export function hasSectionName(row: CsvRow): boolean {
  return row.get('Course_name') !== '' || row.get('Name') !== '';
}

/** [ISO date or the raw value, whether the raw value was kept because it does not parse]. */
function date(raw: string, importYear: number | undefined): [string, boolean] {
  if (raw === '') return ['', false];
  const iso = csvIsoDate(raw, importYear);
  return iso === undefined ? [raw, true] : [iso, false];
}
