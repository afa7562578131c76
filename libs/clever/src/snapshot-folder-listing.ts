import { readdirSync, statSync, type Stats } from 'node:fs';
import { extname, join } from 'node:path';
import { RECORD_KINDS } from '@roster-ledger/domain';
import { isCsvSnapshotFolder } from './clever-source-reader';
import { entryInAnyCase } from './entry-in-any-case';
import { csvFileName, OPTIONAL_CSV_FILES, REQUIRED_CSV_FILES } from './csv/csv-folder';
import { readableAsFile, SNAPSHOT_FILE_NAMES } from './snapshot-folder';

/** What a snapshot folder holds, as an import of it would see it. */
export interface SnapshotFolderListing {
  /** The files an import reads, by the names it opens them by, in reading order. */
  read: string[];
  /** The data files (`.json`, `.csv`) an import leaves unread, sorted. */
  unread: string[];
  /** The names the folder's layout reads (JSON API files, or an SFTP CSV upload's), in reading order. */
  expected: string[];
  /** The files the layout needs that the folder lacks: an SFTP CSV upload's required files (any JSON file may be missing). */
  missing: string[];
  layout: 'json' | 'csv';
}

/** What looks like roster data: Clever's two formats. */
const DATA_EXTENSIONS = new Set(['.json', '.csv']);

/** A path's file status, or undefined for anything that cannot be looked at (gone, a loop of links, no permission). */
function statusOf(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** Which file a status is, so that one file under two names (a case-insensitive file system) is one file. */
const identity = (status: Stats): string => `${status.dev}:${status.ino}`;

/**
 * Lists a snapshot folder: the files an import reads, and those that look like data (a `.json` or
 * `.csv` file) but that no import reads: a misspelt name (`user.json`), another Clever layout (an
 * older API's `students.json`), CSV files beside JSON ones. Without this, such a file is silently
 * not part of the snapshot, and its records show up only as "unresolved" references, if at all.
 * Hidden files, folders and anything else (`README.md`, `SOURCE.txt`) are not data and are not
 * listed. The files read are found as the readers find them: by their names in any case (see
 * entryInAnyCase), and the JSON files by their own names in a folder that can be entered but not
 * listed. Never throws.
 */
export function listSnapshotFolder(folder: string): SnapshotFolderListing {
  const layout = isCsvSnapshotFolder(folder) ? 'csv' : 'json';
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    names = []; // not listed: the files are still opened by name
  }
  const fileStatusOf = (name: string) => {
    const status = statusOf(join(folder, name));
    return status !== undefined && readableAsFile(status) ? status : undefined;
  };
  const csv = [...REQUIRED_CSV_FILES, ...OPTIONAL_CSV_FILES];
  const expected = layout === 'csv' ? csv.map((spec) => spec.file) : RECORD_KINDS.map((kind) => SNAPSHOT_FILE_NAMES[kind]);
  // the CSV reader finds its files in the listing, in any case (see openCsvFolder); the JSON reader opens its names
  const readFiles = new Map<string, Stats>();
  for (const name of layout === 'csv' ? csv.flatMap((spec) => csvFileName(names, spec) ?? []) : expected.map((file) => entryInAnyCase(names, file) ?? file)) {
    const status = fileStatusOf(name);
    if (status !== undefined) readFiles.set(name, status);
  }
  const read = [...readFiles.keys()];
  const readIdentities = new Set([...readFiles.values()].map(identity));
  const unread = names.filter((name) => {
    if (name.startsWith('.') || !DATA_EXTENSIONS.has(extname(name).toLowerCase())) return false;
    const status = fileStatusOf(name);
    return status !== undefined && !readIdentities.has(identity(status));
  });
  const missing = layout === 'csv' ? REQUIRED_CSV_FILES.filter((spec) => !readFiles.has(csvFileName(names, spec) ?? spec.file)).map((spec) => spec.file) : [];
  return { read, unread: unread.sort(), expected, missing, layout };
}

/** The folders directly inside `folder` (links to folders included) that hold a file an import reads, by name. */
export function snapshotSubfolders(folder: string): string[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  return names.filter((name) => statusOf(join(folder, name))?.isDirectory() === true && listSnapshotFolder(join(folder, name)).read.length > 0).sort();
}

/** The files an import reads, in both layouts, for messages about a folder that holds none. */
export const WHAT_AN_IMPORT_READS = `Clever API JSON: ${RECORD_KINDS.map((kind) => SNAPSHOT_FILE_NAMES[kind]).join(', ')}; or an SFTP CSV upload: ${REQUIRED_CSV_FILES.map((spec) => spec.file).join(', ')}`;
