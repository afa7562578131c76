import { createHash, createHmac } from 'node:crypto';
import { SCHOOLS, SECTIONS, STUDENTS, TEACHERS } from './csv-columns';
import type { CsvFileSpec } from './csv-columns';
import type { CsvRow } from './csv-row-stream';

/**
 * Where a CSV key comes from. SIS ids are unique only within their own file (Student_id 47 and
 * Teacher_id 47 are two people), so the namespace is part of the id. Terms and courses have no id
 * in the CSV at all: their key is their own values (see `termKey`, `courseKey`).
 */
export type CsvIdNamespace = 'school' | 'student' | 'teacher' | 'staff' | 'section' | 'term' | 'course';

/** Hex digits of the digest kept: 96 bits, the size of a Clever ObjectID. */
const DIGEST_HEX = 24;

/**
 * The record id of a CSV row: `sis-<namespace>-<first 24 hex of a digest of ["<district>","<namespace>","<key>"]>`,
 * e.g. `sis-student-3f0c…`. The digest is an HMAC-SHA256 under the ledger's key for CSV ids
 * (`idKey`), or, in a ledger that recorded CSV ids before it had one, a plain SHA-256.
 *
 * - Stable: it depends on the district, the namespace, the SIS key and the ledger's key only,
 *   never on row order, file order or the import date, so importing the same CSVs again changes nothing.
 * - Not reversible: a SIS id is personal data, and most are short numbers. A plain digest of one
 *   can be found again by trying every number (a 9-digit student id in about an hour), so a role
 *   that sees ids but no personal data would learn SIS ids from every answer; the key, which no
 *   answer shows, makes the digest one that only the ledger can compute.
 * - Never a Clever id: Clever ids are exactly 24 lowercase hex digits (ObjectIDs); these start with
 *   `sis-`, so they cannot equal a real Clever id of another record, and a reader of the event log
 *   sees at once that the id was derived here.
 * - Distinct across districts and namespaces: both are digested with the key, JSON-encoded so that
 *   no concatenation of two different triples can give the same input.
 * - 96 bits: a chance collision among even 10^8 records is about 10^-13.
 *
 * Like Clever (which issues a new id when a `sis_id` changes), a changed SIS id is a new record.
 */
export function csvRecordId(districtId: string, namespace: CsvIdNamespace, key: string, idKey?: Uint8Array): string {
  const input = JSON.stringify([districtId, namespace, key]);
  const digest = (idKey === undefined ? createHash('sha256') : createHmac('sha256', idKey)).update(input).digest('hex');
  return `sis-${namespace}-${digest.slice(0, DIGEST_HEX)}`;
}

/**
 * A term is its values, as Clever synthesises terms from section columns: any change of name or
 * dates is another term (Clever deletes and recreates it too). Dates are taken after mapping to
 * ISO, so `8/1/15` and `08/01/2015` are the same term.
 */
export function termKey(name: string, startDate: string, endDate: string): string {
  return JSON.stringify([name, startDate, endDate]);
}

/**
 * A course is its name and number, district-wide. Clever has keyed courses on the number alone since
 * January 2023, but one number may carry several names in a file (the demo district has 69 numbers
 * for 344 name/number pairs), which would leave one course record with conflicting values; keying on
 * both keeps each course exactly what the rows say.
 */
export function courseKey(name: string, number: string): string {
  return JSON.stringify([name, number]);
}

/**
 * The ids of one district's records. School ids are asked for on every user and section row, and
 * there are few schools, so they are computed once each.
 */
export class CsvIds {
  private readonly schools = new Map<string, string>();

  /** @param idKey the ledger's key for CSV ids (see csvRecordId); none in a ledger that recorded CSV ids before it had one */
  constructor(
    readonly districtId: string,
    private readonly idKey?: Uint8Array,
  ) {}

  of(namespace: CsvIdNamespace, key: string): string {
    return csvRecordId(this.districtId, namespace, key, this.idKey);
  }

  school(sisId: string): string {
    let id = this.schools.get(sisId);
    if (id === undefined) {
      id = this.of('school', sisId);
      this.schools.set(sisId, id);
    }
    return id;
  }

  /**
   * The id of the record a row of `spec`'s file gives, for errors about the row: the ledger's id,
   * not the SIS id, which for a person is personal data that a failure, kept in the log for good,
   * never quotes. None for a row whose id is empty, for enrollments (no record of their own), and
   * for staff: a staff member whose email is exactly one teacher's takes that teacher's id, which
   * only the whole file settles.
   */
  ofRow(spec: CsvFileSpec, row: CsvRow): string | undefined {
    const key = ROW_RECORDS.get(spec);
    const sisId = key === undefined ? '' : row.get(key.column);
    return key === undefined || sisId === '' ? undefined : this.of(key.namespace, sisId);
  }

  /** School SIS ids -> record ids, sorted as the API sorts a user's `schools`. */
  schoolList(sisIds: readonly string[]): string[] {
    return [...new Set(sisIds.map((sisId) => this.school(sisId)))].sort();
  }
}

/** The files whose rows are records of their own, and the column each record's id comes from. */
const ROW_RECORDS: ReadonlyMap<CsvFileSpec, { namespace: CsvIdNamespace; column: string }> = new Map([
  [SCHOOLS, { namespace: 'school', column: 'School_id' }],
  [STUDENTS, { namespace: 'student', column: 'Student_id' }],
  [TEACHERS, { namespace: 'teacher', column: 'Teacher_id' }],
  [SECTIONS, { namespace: 'section', column: 'Section_id' }],
]);
