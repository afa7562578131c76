import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { RECORD_KINDS } from '@roster-ledger/domain';
import { isCsvSnapshotFolder } from './clever-source-reader';
import { csvFileName, OPTIONAL_CSV_FILES, REQUIRED_CSV_FILES } from './csv/csv-folder';
import { SNAPSHOT_FILE_NAMES } from './snapshot-folder';

/** What a snapshot folder holds, as an import of it would see it. */
export interface SnapshotFolderListing {
  /** The files an import reads, as the folder names them, in reading order. */
  read: string[];
  /** The data files (`.json`, `.csv`) an import leaves unread, sorted. */
  unread: string[];
  /** The names the folder's layout reads (JSON API files, or an SFTP CSV upload's), in reading order. */
  expected: string[];
  layout: 'json' | 'csv';
}

/** What looks like roster data: Clever's two formats. */
const DATA_EXTENSIONS = new Set(['.json', '.csv']);

/**
 * Lists a snapshot folder: the files an import reads, and those that look like data (a `.json` or
 * `.csv` file) but that no import reads: a misspelt name (`user.json`), another Clever layout (an
 * older API's `students.json`), CSV files beside JSON ones. Without this, such a file is silently
 * not part of the snapshot, and its records show up only as "unresolved" references, if at all.
 * Hidden files, folders and anything else (`README.md`, `SOURCE.txt`) are not data and are not
 * listed. Reads the folder's listing only; a folder that cannot be listed holds nothing (opening
 * it fails the sync).
 */
export function listSnapshotFolder(folder: string): SnapshotFolderListing {
  const layout = isCsvSnapshotFolder(folder) ? 'csv' : 'json';
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    names = [];
  }
  const isFile = (name: string) => statSync(join(folder, name), { throwIfNoEntry: false })?.isFile() === true;
  const csv = [...REQUIRED_CSV_FILES, ...OPTIONAL_CSV_FILES];
  const expected = layout === 'csv' ? csv.map((spec) => spec.file) : RECORD_KINDS.map((kind) => SNAPSHOT_FILE_NAMES[kind]);
  // the CSV reader also takes a name that differs only in case (see openCsvFolder)
  const readable = layout === 'csv' ? csv.flatMap((spec) => csvFileName(names, spec) ?? []) : expected.filter((name) => names.includes(name));
  const read = readable.filter(isFile);
  const readNames = new Set(readable);
  const unread = names.filter((name) => !name.startsWith('.') && !readNames.has(name) && DATA_EXTENSIONS.has(extname(name).toLowerCase()) && isFile(name));
  return { read, unread: unread.sort(), expected, layout };
}

/** The folders directly inside `folder` that hold a file an import reads, by name. */
export function snapshotSubfolders(folder: string): string[] {
  try {
    return readdirSync(folder, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && listSnapshotFolder(join(folder, entry.name)).read.length > 0)
      .map((entry) => entry.name)
      .sort();
  } catch {
    return [];
  }
}

/** The files an import reads, in both layouts, for messages about a folder that holds none. */
export const WHAT_AN_IMPORT_READS = `Clever API JSON: ${RECORD_KINDS.map((kind) => SNAPSHOT_FILE_NAMES[kind]).join(', ')}; or an SFTP CSV upload: ${REQUIRED_CSV_FILES.map((spec) => spec.file).join(', ')}`;
