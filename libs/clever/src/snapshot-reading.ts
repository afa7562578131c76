import { FINGERPRINT_VERSION } from './record-fingerprint';

/*
 * The `reading` of a snapshot's contents (see SnapshotContents): the reader, the version of its
 * mapping and every option that can make the same bytes other records, or no records. Two syncs
 * of the same files read with different strings are not the same sync. Options that change only
 * how the work is done (which thread splits a file) are left out.
 */

/** How a folder of Clever Data API JSON files is read: strings longer than `maxStringLength` fail it. */
export function jsonSnapshotReading(maxStringLength: number): string {
  return `clever-json v${FINGERPRINT_VERSION} max-string ${maxStringLength}`;
}

/**
 * How a folder of Clever SFTP CSV files is read: every record's id is derived from the district,
 * under the ledger's key or without one (see csvRecordId; a ledger's key never changes), a record
 * longer than `maxRecordChars` fails it, and the import's year tells the century of a two-digit
 * year (of birth, see csvDateOfBirth; of a term, see csvIsoDate), so the same files read in another
 * year are read again. The
 * district id, which the user types, comes last: whatever it holds, the string reads one way only.
 */
export function csvSnapshotReading(districtId: string, maxRecordChars: number, importYear: number | undefined, keyedIds: boolean): string {
  const years = importYear === undefined ? '' : ` years-by ${importYear}`;
  const keyed = keyedIds ? ' ids-keyed' : '';
  return `clever-csv v${FINGERPRINT_VERSION}.${CSV_MAPPING_VERSION} max-record ${maxRecordChars}${years}${keyed} district ${districtId}`;
}

/**
 * Raise whenever the same CSV files could make other records: a change under `csv/` (columns,
 * value mapping, derived ids, how staff and teachers are joined). The ledger recognises the files
 * of a district's last sync, read the same way, and does not read them again: a new version
 * makes them be read once more. Changes that touch JSON too (the diff, the fold) raise
 * FINGERPRINT_VERSION, which this reading also names.
 */
export const CSV_MAPPING_VERSION = 6;
