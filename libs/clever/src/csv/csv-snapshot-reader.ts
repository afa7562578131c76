import { InvalidInput } from '@roster-ledger/domain';
import type { RecordKind } from '@roster-ledger/domain';
import type { CleverSnapshotSource } from '../clever-snapshot-reader';
import { SnapshotFileContents } from '../snapshot-file-contents';
import { csvSnapshotReading } from '../snapshot-reading';
import { coversCourses, coversTerms, partialCoverage } from './csv-coverage';
import { bytesToRead, csvFilesOf, openCsvFolder } from './csv-folder';
import type { CsvFolder } from './csv-folder';
import { DEFAULT_MAX_RECORD_CHARS } from './csv-row-stream';
import { readCsvSnapshot } from './csv-snapshot-items';

export interface CsvSnapshotOptions {
  /**
   * The Clever district the files belong to: Clever's CSVs never name it, and every record carries
   * it (and it is part of every derived id, see `csvRecordId`). Required; the CLI's `--district`.
   */
  districtId?: string;
  /** Longest CSV record accepted, in characters (default 1,048,576); bounds memory on an unbalanced quote. */
  maxRecordChars?: number;
  /**
   * The day of the import, `YYYY-MM-DD` (the sync's start by the ledger's clock): a two-digit year
   * of birth is the latest such year not after its year (see csvDateOfBirth), one of a term's date
   * the nearest such year to it (see csvIsoDate). Without it, such a date is kept as given and
   * reported as an unknown value.
   */
  importedOn?: string;
  /**
   * The ledger's key for CSV ids (see csvRecordId), which keeps a SIS id from being found again
   * from the record id; none in a ledger that recorded CSV ids before it had one.
   */
  idKey?: Uint8Array;
}

/** Why a CSV snapshot cannot be read without a district id. */
export const CSV_NEEDS_DISTRICT = 'a CSV snapshot needs --district <id>: Clever CSV files do not name their district';

/**
 * Opens folders of Clever SFTP CSV files (schools.csv, students.csv, teachers.csv, sections.csv,
 * enrollments.csv; staff.csv and the deprecated admins.csv if present) as snapshots holding the same
 * domain records a Clever API snapshot of the district would, under ids derived from SIS ids
 * (`csvRecordId`). What CleverSourceReader, the ledger's SnapshotReader port, opens a CSV folder with.
 */
export class CleverCsvSnapshotReader {
  constructor(private readonly options: CsvSnapshotOptions = {}) {}

  /**
   * Checks the district option, finds the files and reads their headers; reads no record.
   * @throws InvalidInput when no district id was given, the folder is missing, a required file is
   * missing (naming it) or a header lacks a required column.
   */
  async open(location: string): Promise<CleverSnapshotSource> {
    const districtId = this.options.districtId?.trim() ?? '';
    if (districtId === '') {
      throw new InvalidInput(CSV_NEEDS_DISTRICT, { file: location });
    }
    const maxRecordChars = this.options.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;
    if (!Number.isInteger(maxRecordChars) || maxRecordChars < 1) {
      throw new RangeError(`maxRecordChars must be a positive integer, got ${maxRecordChars}`);
    }
    const importYear = yearOf(this.options.importedOn);
    const folder = await openCsvFolder(location, { maxRecordChars });
    const total = bytesToRead(folder);
    const partial = partialCoverage(folder);
    const contents = new SnapshotFileContents(csvSnapshotReading(districtId, maxRecordChars, importYear, this.options.idKey !== undefined), csvFilesOf(folder).map((file) => file.path));
    let done = 0;
    const onBytes = (count: number) => {
      done += count;
    };
    return {
      source: 'sftp-csv',
      origin: folder.folder,
      kinds: kindsOf(folder),
      ...(partial === undefined ? {} : { partial }),
      items: () => {
        done = 0;
        return contents.pass(readCsvSnapshot(folder, { districtId, maxRecordChars, onBytes, importYear, ...(this.options.idKey === undefined ? {} : { idKey: this.options.idKey }) }));
      },
      progress: () => ({ done, total }),
      contents: () => contents.contents(),
      matches: (expected) => contents.matches(expected),
    };
  }
}

/** No district file: the district record is not part of a CSV snapshot. Terms and courses only when sections.csv has their columns. */
function kindsOf(folder: CsvFolder): RecordKind[] {
  const kinds: RecordKind[] = ['school'];
  if (coversTerms(folder)) kinds.push('term');
  if (coversCourses(folder)) kinds.push('course');
  kinds.push('user', 'section');
  return kinds;
}

function yearOf(day: string | undefined): number | undefined {
  if (day === undefined) return undefined;
  const year = /^(\d{4})-\d{2}-\d{2}/.exec(day);
  if (!year) throw new RangeError(`importedOn must be a date, YYYY-MM-DD, got ${day}`);
  return Number(year[1]);
}
