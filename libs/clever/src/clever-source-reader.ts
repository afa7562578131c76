import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SyncSource } from '@roster-ledger/domain';
import type { SnapshotReader } from '@roster-ledger/ledger';
import type { CleverSnapshotSource } from './clever-snapshot-reader';
import { CleverSnapshotReader } from './clever-snapshot-reader';
import { CleverCsvSnapshotReader } from './csv/csv-snapshot-reader';
import { OPTIONAL_CSV_FILES, REQUIRED_CSV_FILES } from './csv/csv-folder';
import { STUDENTS } from './csv/csv-columns';
import { SNAPSHOT_FILE_NAMES } from './snapshot-folder';
import { CleverApiSnapshotReader, type CleverApiSnapshotOptions } from './api/clever-api-snapshot-reader';

/** Prefix of a location that names a district to read from the Clever Data API: `clever-api:<districtId>`. */
export const CLEVER_API_SCHEME = 'clever-api:';

/**
 * Whether a folder is a Clever SFTP CSV upload rather than Data API JSON files: it holds
 * `students.csv`, or one of Clever's other CSV files and none of the JSON files; a name counts in
 * any case (`Students.csv` as readily as `students.csv`). So a CSV upload that lacks
 * `students.csv` fails naming the file it lacks, not as a folder without JSON files, and a CSV
 * file beside JSON files is one the JSON import does not read (see listSnapshotFolder).
 */
export function isCsvSnapshotFolder(location: string): boolean {
  let names: string[];
  try {
    names = readdirSync(location).map((name) => name.toLowerCase());
  } catch {
    return false; // not a folder: the reader says so
  }
  if (names.includes(STUDENTS.file)) return true;
  return names.some((name) => CSV_FILE_NAMES.has(name)) && !names.some((name) => JSON_FILE_NAMES.has(name));
}

const CSV_FILE_NAMES: ReadonlySet<string> = new Set([...REQUIRED_CSV_FILES, ...OPTIONAL_CSV_FILES].map((spec) => spec.file));
const JSON_FILE_NAMES: ReadonlySet<string> = new Set(Object.values(SNAPSHOT_FILE_NAMES));

/**
 * Opens any Clever source by its location, so the ledger needs one reader: `clever-api:<id>` reads
 * the district from the Data API (its token resolved by `tokenFor`); a folder with Clever's CSV
 * files is an SFTP CSV upload; any other folder holds Data API JSON files. The ledger's
 * SnapshotReader port.
 */
export class CleverSourceReader implements SnapshotReader {
  constructor(private readonly api: CleverApiSnapshotOptions = {}) {}

  sourceOf(location: string): SyncSource {
    if (location.startsWith(CLEVER_API_SCHEME)) return 'clever-api';
    return isCsvSnapshotFolder(location) ? 'sftp-csv' : 'snapshot';
  }

  /** Where a location is read from, as a sync records it, without opening it: a Data API district's URL, else the folder. */
  originOf(location: string): string {
    if (location.startsWith(CLEVER_API_SCHEME)) return new CleverApiSnapshotReader(this.api).originOf(location.slice(CLEVER_API_SCHEME.length));
    return resolve(location);
  }

  async open(location: string, hints: { districtId?: string; importedOn?: string; csvIdKey?: Uint8Array } = {}): Promise<CleverSnapshotSource> {
    if (location.startsWith(CLEVER_API_SCHEME)) {
      return new CleverApiSnapshotReader(this.api).open(location.slice(CLEVER_API_SCHEME.length));
    }
    if (isCsvSnapshotFolder(location)) {
      return new CleverCsvSnapshotReader({ districtId: hints.districtId, importedOn: hints.importedOn, ...(hints.csvIdKey === undefined ? {} : { idKey: hints.csvIdKey }) }).open(location);
    }
    return new CleverSnapshotReader().open(location);
  }
}
