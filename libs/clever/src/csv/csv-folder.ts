import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvalidInput } from '@roster-ledger/domain';
import { entryInAnyCase } from '../entry-in-any-case';
import { notAFile, readableAsFile } from '../snapshot-folder';
import { ADMINS, ENROLLMENTS, SCHOOLS, SECTIONS, STAFF, STUDENTS, TEACHERS } from './csv-columns';
import type { CsvFileSpec, CsvHeader } from './csv-columns';
import { readCsvHeader } from './csv-row-stream';
import type { CsvReadOptions } from './csv-row-stream';

/** Clever's required files, in the order they are read. */
export const REQUIRED_CSV_FILES = [SCHOOLS, STUDENTS, TEACHERS, SECTIONS, ENROLLMENTS] as const;
/** staff.csv, and admins.csv, which Clever deprecated in its favour: both are read as staff. */
export const OPTIONAL_CSV_FILES = [STAFF, ADMINS] as const;

/** Why a CSV upload's file `name` (at `path`) cannot be a named pipe, as a JSON snapshot's may be. */
export function csvNamedPipe(name: string, path: string): InvalidInput {
  return new InvalidInput(
    `${name} is a named pipe: an upload's CSV files are each read more than once (the header first, to know its columns), and a pipe's bytes only once: unpack it into a file first`,
    { file: path },
  );
}

export interface CsvFile {
  spec: CsvFileSpec;
  /** Absolute path. */
  path: string;
  size: number;
  header: CsvHeader;
}

export interface CsvFolder {
  folder: string;
  schools: CsvFile;
  students: CsvFile;
  teachers: CsvFile;
  sections: CsvFile;
  enrollments: CsvFile;
  /** staff.csv then admins.csv, those present. */
  staff: CsvFile[];
}

/**
 * Finds the files of a Clever SFTP upload and reads their headers, so that a missing file or
 * column fails before any record is read. Clever's names are lower case; a file whose name
 * differs only in case (`Schools.csv`, as in some of Clever's own help pages) is accepted when the
 * exact name is absent.
 *
 * @throws InvalidInput when the folder does not exist, a required file is missing (naming it), or a
 * header lacks a required column.
 */
export async function openCsvFolder(location: string, options: CsvReadOptions): Promise<CsvFolder> {
  const folder = resolve(location);
  const info = await stat(folder).catch(() => undefined);
  if (info === undefined) throw new InvalidInput('CSV snapshot folder not found', { file: folder });
  if (!info.isDirectory()) throw new InvalidInput('CSV snapshot folder not found: the path is a file, not a folder', { file: folder });
  const names = await readdir(folder);

  const find = async (spec: CsvFileSpec): Promise<CsvFile | undefined> => {
    const name = csvFileName(names, spec);
    if (name === undefined) return undefined;
    const path = join(folder, name);
    const entry = await stat(path);
    // a folder of that name is a mistake to say, never a file taken as absent
    if (entry.isDirectory()) throw new InvalidInput(`${name} is a folder, not a file: expected the snapshot's ${spec.file} there`, { file: path });
    if (!readableAsFile(entry)) throw new InvalidInput(`${name} is ${notAFile}: expected the snapshot's ${spec.file} there, in a file`, { file: path });
    // a pipe's bytes can be read once; a CSV file is read more than once (its header first)
    if (entry.isFIFO()) throw csvNamedPipe(name, path);
    return { spec, path, size: entry.size, header: await readCsvHeader(path, spec, options) };
  };
  const required = async (spec: CsvFileSpec): Promise<CsvFile> => {
    const file = await find(spec);
    if (file !== undefined) return file;
    const all = REQUIRED_CSV_FILES.map((each) => each.file).join(', ');
    throw new InvalidInput(`missing required file ${spec.file}: a Clever SFTP snapshot needs ${all}`, { file: join(folder, spec.file) });
  };

  const [schools, students, teachers, sections, enrollments] = [
    await required(SCHOOLS),
    await required(STUDENTS),
    await required(TEACHERS),
    await required(SECTIONS),
    await required(ENROLLMENTS),
  ];
  const staff: CsvFile[] = [];
  for (const spec of OPTIONAL_CSV_FILES) {
    const file = await find(spec);
    if (file !== undefined) staff.push(file);
  }
  return { folder, schools, students, teachers, sections, enrollments, staff };
}

/** The entry of a folder read as one of the upload's files, in any case (see entryInAnyCase). Undefined when there is none. */
export function csvFileName(names: readonly string[], spec: CsvFileSpec): string | undefined {
  return entryInAnyCase(names, spec.file);
}

/**
 * Bytes one `items()` pass reads: the files the join needs twice (an index pass, then the record
 * pass) count twice, so that progress reaches its total exactly at the end.
 */
export function bytesToRead(folder: CsvFolder): number {
  const twice = [folder.students, folder.teachers, folder.sections, ...folder.staff];
  return [...csvFilesOf(folder), ...twice].reduce((sum, file) => sum + file.size, 0);
}

/** Every file of the upload a pass reads, each once. */
export function csvFilesOf(folder: CsvFolder): CsvFile[] {
  return [folder.schools, folder.students, folder.teachers, folder.sections, folder.enrollments, ...folder.staff];
}
