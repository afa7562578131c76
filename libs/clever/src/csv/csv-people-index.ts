import { createHash } from 'node:crypto';
import type { CsvRow } from './csv-row-stream';
import { RowsDisagree } from './csv-rows-disagree';

export interface PeopleIndexSpec {
  /** `Student_id`, `Teacher_id`, `Staff_id`. */
  idColumn: string;
  /** Columns whose values may differ between the rows of one person (School_id, contacts, Role). */
  varying: readonly string[];
  /** Every column the person's record is built from: apart from `varying`, all rows must agree on them. */
  columns: readonly string[];
  /** What a repeat of the varying columns is called in errors, e.g. "School_id and contact columns". */
  varyingLabel: string;
}

/**
 * The people of one kind, by SIS id: what the join keeps between the index pass and the record pass,
 * so that no row need be held (the record is built from the person's first row when the file is
 * read again).
 *
 * A person on several rows is one person at several schools (Clever's way to send multi-school
 * students and teachers) or, for students, with several contacts; every other value must be the
 * same on all their rows, or the rows are two people sharing an id. A row that repeats another
 * row's school (and contact) is a duplicate: taken once when it is that row again, value for value
 * (an SIS export that repeats a row), an error otherwise.
 *
 * People are numbered in order of first appearance ("ordinals"), and what is kept of each lives in
 * typed arrays indexed by ordinal: about 120 bytes a person with the id string (a million students:
 * about 120 MB). Rarer facts (a second school, a second row) go to small maps.
 */
export class PeopleIndex {
  private readonly ordinals = new Map<string, number>();
  /** Ordinal -> SIS id. */
  readonly ids: string[] = [];
  private lines = new Int32Array(1024);
  private files = new Uint8Array(1024);
  private fingerprints = new Float64Array(1024);
  private rowKeys = new Float64Array(1024);
  /** Digests of the whole rows (CsvRow.text) whose varying columns `rowKeys` holds, in the same order. */
  private rowTexts = new Float64Array(1024);
  private firstSchools = new Int32Array(1024);
  private done = new Uint8Array(1024);
  private readonly moreRowKeys = new Map<number, number[]>();
  private readonly moreRowTexts = new Map<number, number[]>();
  private readonly moreSchools = new Map<number, number[]>();
  /** File paths and school SIS ids are few: the arrays above hold their position here. */
  private readonly fileNames: string[] = [];
  private readonly schoolIds: string[] = [];
  private readonly schoolPositions = new Map<string, number>();

  constructor(private readonly spec: PeopleIndexSpec) {}

  get size(): number {
    return this.ids.length;
  }

  /**
   * Indexes a row; returns the person's ordinal, whether the row is the person's first, and whether
   * it repeats an earlier row of the person value for value (`repeated`: nothing to add).
   * @throws InvalidInput for a duplicate row that is not such a repeat, or rows of one id that disagree.
   */
  add(row: CsvRow): { ordinal: number; first: boolean; repeated: boolean } {
    const { idColumn, varying, columns, varyingLabel } = this.spec;
    const id = row.get(idColumn);
    const compared = columns.filter((column) => !varying.includes(column));
    const fingerprint = digest(compared.map((column) => row.get(column)));
    const rowKey = digest(varying.map((column) => row.get(column)));
    const text = rowDigest(row);
    const known = this.ordinals.get(id);
    if (known === undefined) {
      const ordinal = this.ids.length;
      this.grow(ordinal + 1);
      this.ordinals.set(id, ordinal);
      this.ids.push(id);
      this.lines[ordinal] = row.line;
      this.files[ordinal] = this.position(this.fileNames, row.header.file);
      this.fingerprints[ordinal] = fingerprint;
      this.rowKeys[ordinal] = rowKey;
      this.rowTexts[ordinal] = text;
      this.firstSchools[ordinal] = this.schoolPosition(row.get('School_id'));
      return { ordinal, first: true, repeated: false };
    }
    const first = this.firstRow(known);
    const where = first.file === row.header.file ? `line ${first.line}` : `${first.file}, line ${first.line}`;
    const keys = [this.rowKeys[known] ?? 0, ...(this.moreRowKeys.get(known) ?? [])];
    const texts = [this.rowTexts[known] ?? 0, ...(this.moreRowTexts.get(known) ?? [])];
    // rows that differ where a person's rows may not are named by those columns, whatever their school
    if (this.fingerprints[known] !== fingerprint) {
      throw new RowsDisagree(row, idColumn, first, compared, varyingLabel);
    }
    const same = keys.indexOf(rowKey);
    if (same !== -1 && texts[same] === text) return { ordinal: known, first: false, repeated: true };
    if (same !== -1) {
      // a person's id is a SIS number, personal data: a sync's failure is kept in the log for good,
      // and every role reads it, so the rows say which (the message never quotes the value)
      throw row.error(idColumn, `duplicate ${idColumn}: ${where} has the same one with the same ${varyingLabel}`);
    }
    this.moreRowKeys.set(known, [...keys.slice(1), rowKey]);
    this.moreRowTexts.set(known, [...texts.slice(1), text]);
    this.addSchool(known, row.get('School_id'));
    return { ordinal: known, first: false, repeated: false };
  }

  ordinalOf(id: string): number | undefined {
    return this.ordinals.get(id);
  }

  /** Where the person's first row is. */
  firstRow(ordinal: number): { file: string; line: number } {
    return { file: this.fileNames[this.files[ordinal] ?? 0] ?? '', line: this.lines[ordinal] ?? 0 };
  }

  /** School SIS ids of the person's rows and sections, first occurrence each. */
  schoolsOf(ordinal: number): string[] {
    const positions = [this.firstSchools[ordinal] ?? 0, ...(this.moreSchools.get(ordinal) ?? [])];
    return positions.map((position) => this.schoolIds[position] ?? '');
  }

  addSchool(ordinal: number, school: string): void {
    const position = this.schoolPosition(school);
    if (this.firstSchools[ordinal] === position) return;
    const more = this.moreSchools.get(ordinal);
    if (more === undefined) this.moreSchools.set(ordinal, [position]);
    else if (!more.includes(position)) more.push(position);
  }

  /** True the first time it is asked for a person: the record pass builds each person once. */
  claim(ordinal: number): boolean {
    if (this.done[ordinal] === 1) return false;
    this.done[ordinal] = 1;
    return true;
  }

  private schoolPosition(school: string): number {
    const known = this.schoolPositions.get(school);
    if (known !== undefined) return known;
    this.schoolPositions.set(school, this.schoolIds.length);
    this.schoolIds.push(school);
    return this.schoolIds.length - 1;
  }

  private position(list: string[], value: string): number {
    const at = list.indexOf(value);
    if (at !== -1) return at;
    list.push(value);
    return list.length - 1;
  }

  private grow(size: number): void {
    if (size <= this.lines.length) return;
    const capacity = this.lines.length * 2;
    this.lines = grown(this.lines, new Int32Array(capacity));
    this.files = grown(this.files, new Uint8Array(capacity));
    this.fingerprints = grown(this.fingerprints, new Float64Array(capacity));
    this.rowKeys = grown(this.rowKeys, new Float64Array(capacity));
    this.rowTexts = grown(this.rowTexts, new Float64Array(capacity));
    this.firstSchools = grown(this.firstSchools, new Int32Array(capacity));
    this.done = grown(this.done, new Uint8Array(capacity));
  }
}

function grown<T extends Int32Array | Uint8Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** 48 bits of SHA-1: two different rows of one person collide with a chance of 2^-48. */
function digest(values: readonly string[]): number {
  return digestText(JSON.stringify(values));
}

/** The digest of a whole row (CsvRow.text): two rows with one digest are the same row repeated. */
export function rowDigest(row: CsvRow): number {
  return digestText(row.text);
}

function digestText(text: string): number {
  return createHash('sha1').update(text).digest().readUIntBE(0, 6);
}
