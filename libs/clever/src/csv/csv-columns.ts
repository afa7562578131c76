import { InvalidInput } from '@roster-ledger/domain';

/**
 * The columns of one Clever SFTP file (clever-data.md §7). Columns are named here by Clever's
 * spelling and matched case-insensitively, in any order. `required` columns must be in the header
 * and have a value on every row; `aliases` are other header names read as the same column.
 * Columns not listed are not read: `CsvHeader.unreadColumns()` names them, for the import to tell.
 * Nor is `Password`, Clever's own column: a credential is never recorded.
 */
export interface CsvFileSpec {
  file: string;
  required: readonly string[];
  optional: readonly string[];
  aliases?: Readonly<Record<string, string>>;
}

const CONTACT_COLUMNS = [
  'Contact_name',
  'Contact_relationship',
  'Contact_type',
  'Contact_phone',
  'Contact_phone_type',
  'Contact_email',
  'Contact_sis_id',
];
export const CO_TEACHER_COLUMNS = Array.from({ length: 9 }, (_, i) => `Teacher_${i + 2}_id`);

export const SCHOOLS: CsvFileSpec = {
  file: 'schools.csv',
  required: ['School_id', 'School_name'],
  optional: [
    'School_number',
    'State_id',
    'Nces_id',
    'Mdr_number',
    'Low_grade',
    'High_grade',
    'Principal',
    'Principal_email',
    'School_address',
    'School_city',
    'School_state',
    'School_zip',
    'School_phone',
  ],
};

export const STUDENTS: CsvFileSpec = {
  file: 'students.csv',
  required: ['School_id', 'Student_id', 'First_name', 'Last_name'],
  optional: [
    'Middle_name',
    'Student_number',
    'State_id',
    'Grade',
    'Gender',
    'DOB',
    'Race',
    'Hispanic_Latino',
    'Home_language',
    'Ell_status',
    'Frl_status',
    'IEP_status',
    'Student_street',
    'Student_city',
    'Student_state',
    'Student_zip',
    'Student_email',
    'Graduation_year',
    'Username',
    'Unweighted_gpa',
    'Weighted_gpa',
    ...CONTACT_COLUMNS,
  ],
};

export const TEACHERS: CsvFileSpec = {
  file: 'teachers.csv',
  required: ['School_id', 'Teacher_id', 'First_name', 'Last_name'],
  optional: ['Middle_name', 'Teacher_number', 'State_teacher_id', 'Teacher_email', 'Title', 'Username'],
};

export const STAFF: CsvFileSpec = {
  file: 'staff.csv',
  required: ['School_id', 'Staff_id', 'Staff_email'],
  optional: ['First_name', 'Last_name', 'Department', 'Title', 'Username', 'Role'],
};

/** Deprecated by Clever in favour of staff.csv; read as staff under staff.csv's column names. */
export const ADMINS: CsvFileSpec = {
  ...STAFF,
  file: 'admins.csv',
  aliases: { Admin_email: 'Staff_email', Admin_title: 'Title' },
};

export const SECTIONS: CsvFileSpec = {
  file: 'sections.csv',
  required: ['School_id', 'Section_id', 'Teacher_id'],
  optional: [
    ...CO_TEACHER_COLUMNS,
    'Name',
    'Section_number',
    'Grade',
    'Course_name',
    'Course_number',
    'Course_description',
    'Period',
    'Subject',
    'Term_name',
    'Term_start',
    'Term_end',
  ],
};

export const ENROLLMENTS: CsvFileSpec = {
  file: 'enrollments.csv',
  required: ['School_id', 'Section_id', 'Student_id'],
  optional: [],
};

/** A student row naming a contact has a value in one of these. */
export const CONTACT_VALUE_COLUMNS: readonly string[] = CONTACT_COLUMNS;

/**
 * A header read as one column holding another separator (`School_id;School_name`): the file is
 * separated by that one, not by commas as Clever's are, and saying so is what fixes it.
 */
function separatorHint(values: readonly string[]): string {
  if (values.length !== 1) return '';
  const separator = [';', '\t', '|'].find((s) => values[0]!.includes(s));
  if (separator === undefined) return '';
  const named = separator === '\t' ? 'tabs' : `"${separator}"`;
  return ` (the header reads as one column holding ${named}: Clever's SFTP files are separated by commas, this one seems separated by ${named}; save it as comma-separated CSV)`;
}

/** A file's header, resolved against its spec: where each known column is. */
export class CsvHeader {
  private constructor(
    readonly file: string,
    private readonly positions: ReadonlyMap<string, number>,
    private readonly names: readonly string[],
  ) {}

  /**
   * @throws InvalidInput (line 1) when a required column is missing or a known column appears twice.
   */
  static resolve(values: readonly string[], spec: CsvFileSpec, file: string): CsvHeader {
    const known = new Map<string, string>();
    for (const column of [...spec.required, ...spec.optional]) known.set(column.toLowerCase(), column);
    for (const [alias, column] of Object.entries(spec.aliases ?? {})) known.set(alias.toLowerCase(), column);

    const positions = new Map<string, number>();
    values.forEach((raw, index) => {
      const column = known.get(raw.trim().toLowerCase());
      if (column === undefined) return;
      const first = positions.get(column);
      if (first !== undefined) {
        throw new InvalidInput(
          `column ${column} appears twice in the header (columns ${first + 1} and ${index + 1})`,
          { file, line: 1, column: raw.trim() },
        );
      }
      positions.set(column, index);
    });
    for (const column of spec.required) {
      if (!positions.has(column)) {
        throw new InvalidInput(`missing required column ${column} in the header${separatorHint(values)}`, { file, line: 1, column });
      }
    }
    return new CsvHeader(file, positions, values.map((name) => name.trim()));
  }

  /**
   * The header's columns that are not Clever's (an exporter's own `Locker`, a misspelt `Grade_level`),
   * as the file spells them, in its order: their values are not recorded. `Password` is Clever's and
   * left out on purpose. A column with no name is named by its place, `column 3 (no name)`, when it
   * is among `unnamedWithValues` (positions, see unnamedColumns): only its rows tell whether it holds
   * what a user meant to send or is a trailing comma's empty column, which names nothing to tell.
   */
  unreadColumns(unnamedWithValues: ReadonlySet<number> = new Set()): string[] {
    const read = new Set(this.positions.values());
    return this.names.flatMap((name, index) => {
      if (read.has(index) || name.toLowerCase() === 'password') return [];
      if (name !== '') return [name];
      return unnamedWithValues.has(index) ? [`column ${index + 1} (no name)`] : [];
    });
  }

  /** The positions of the header's columns with no name (an empty cell, a trailing comma): none is ever read. */
  get unnamedColumns(): number[] {
    return this.names.flatMap((name, index) => (name === '' ? [index] : []));
  }

  /** Number of columns, known or not: every row must have as many values. */
  get width(): number {
    return this.names.length;
  }

  has(column: string): boolean {
    return this.positions.has(column);
  }

  position(column: string): number | undefined {
    return this.positions.get(column);
  }

  /** The column as the file spells it, for messages; Clever's spelling when the file lacks it. */
  nameOf(column: string): string {
    const at = this.positions.get(column);
    return at === undefined ? column : (this.names[at] ?? column);
  }

  /** The header name at a position, for errors found by the parser. */
  nameAt(index: number): string | undefined {
    const name = this.names[index];
    return name === undefined || name === '' ? (index < this.names.length ? `#${index + 1}` : undefined) : name;
  }
}
