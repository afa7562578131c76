import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CleverSnapshotSource } from './clever-snapshot-reader';
import { CleverSnapshotReader } from './clever-snapshot-reader';
import { CleverCsvSnapshotReader } from './csv/csv-snapshot-reader';
import { CleverApiSnapshotReader, type CleverApiSnapshotOptions } from './api/clever-api-snapshot-reader';

/** Prefix of a location that names a district to read from the Clever Data API: `clever-api:<districtId>`. */
export const CLEVER_API_SCHEME = 'clever-api:';

/** Whether a folder is a Clever SFTP CSV upload (it has `students.csv`) rather than Data API JSON files. */
export const isCsvSnapshotFolder = (location: string): boolean => existsSync(join(location, 'students.csv'));

/**
 * Opens any Clever source by its location, so the ledger needs one reader: `clever-api:<id>` reads
 * the district from the Data API (its token resolved by `tokenFor`); a folder with `students.csv`
 * is an SFTP CSV upload; any other folder holds Data API JSON files.
 */
export class CleverSourceReader {
  constructor(private readonly api: CleverApiSnapshotOptions = {}) {}

  async open(location: string, hints: { districtId?: string } = {}): Promise<CleverSnapshotSource> {
    if (location.startsWith(CLEVER_API_SCHEME)) {
      return new CleverApiSnapshotReader(this.api).open(location.slice(CLEVER_API_SCHEME.length));
    }
    if (isCsvSnapshotFolder(location)) {
      return new CleverCsvSnapshotReader({ districtId: hints.districtId }).open(location);
    }
    return new CleverSnapshotReader().open(location);
  }
}
