import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { RECORD_KINDS } from '@roster-ledger/domain';
import { isCsvSnapshotFolder } from './clever-source-reader';
import { csvFileName, OPTIONAL_CSV_FILES, REQUIRED_CSV_FILES } from './csv/csv-folder';
import { SNAPSHOT_FILE_NAMES } from './snapshot-folder';

/** Data files in a snapshot folder that an import of it leaves unread. */
export interface UnreadSnapshotFiles {
  /** Their names, sorted. */
  files: string[];
  /** The names the folder's layout reads (JSON API files, or an SFTP CSV upload's), in reading order. */
  expected: string[];
  layout: 'json' | 'csv';
}

/** What looks like roster data: Clever's two formats. */
const DATA_EXTENSIONS = new Set(['.json', '.csv']);

/**
 * The files of a snapshot folder that look like data (a `.json` or `.csv` file) but that no import
 * reads: a misspelt name (`user.json`), another Clever layout (an older API's `students.json`),
 * CSV files beside JSON ones. Without this, such a file is silently not part of the snapshot, and
 * its records show up only as "unresolved" references, if at all. Hidden files, folders and
 * anything else (`README.md`, `SOURCE.txt`) are not data and are not listed. Reads the folder's
 * listing only; a folder that cannot be listed has nothing to list (opening it fails the sync).
 */
export async function unreadSnapshotFiles(folder: string): Promise<UnreadSnapshotFiles> {
  const layout = isCsvSnapshotFolder(folder) ? 'csv' : 'json';
  const names = await readdir(folder).catch(() => [] as string[]);
  const csv = [...REQUIRED_CSV_FILES, ...OPTIONAL_CSV_FILES];
  const expected = layout === 'csv' ? csv.map((spec) => spec.file) : RECORD_KINDS.map((kind) => SNAPSHOT_FILE_NAMES[kind]);
  // the CSV reader also takes a name that differs only in case (see openCsvFolder)
  const read = new Set(layout === 'csv' ? csv.flatMap((spec) => csvFileName(names, spec) ?? []) : expected);
  const files: string[] = [];
  for (const name of names) {
    if (name.startsWith('.') || read.has(name) || !DATA_EXTENSIONS.has(extname(name).toLowerCase())) continue;
    const entry = await stat(join(folder, name)).catch(() => undefined);
    if (entry?.isFile()) files.push(name);
  }
  return { files: files.sort(), expected, layout };
}
