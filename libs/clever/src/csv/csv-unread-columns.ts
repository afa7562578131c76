import { basename } from 'node:path';
import { csvFilesOf, openCsvFolder } from './csv-folder';

/** A file of a CSV upload and the columns of its header that are not read. */
export interface UnreadCsvColumns {
  /** The file's name as it is in the folder. */
  file: string;
  /** As the header spells them, in its order. */
  columns: string[];
}

/**
 * The columns of a CSV upload that Clever's SFTP format does not define (see
 * CsvHeader.unreadColumns), by file, for the files that have any. The reader does not record
 * them: clever-data.md §7.3 has a district's extension fields surface under a record's `ext`, but
 * `ext` is among a record's plain fields, shown to every role, and an exporter's extra column is as
 * likely a disability or a lunch code as a locker number. So an import tells the user instead, who
 * may also have meant one of Clever's columns (a misspelt `Grade_level`).
 *
 * Reads the headers only. An upload whose files or headers cannot be read gives []: the sync of it
 * fails saying why.
 */
export async function unreadCsvColumns(location: string): Promise<UnreadCsvColumns[]> {
  const folder = await openCsvFolder(location, {}).catch(() => undefined);
  if (folder === undefined) return [];
  return csvFilesOf(folder)
    .map((file) => ({ file: basename(file.path), columns: file.header.unreadColumns }))
    .filter((file) => file.columns.length > 0);
}
