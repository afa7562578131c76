import { basename } from 'node:path';
import { csvFilesOf, openCsvFolder } from './csv-folder';
import type { CsvFile } from './csv-folder';
import { readCsvRows } from './csv-row-stream';

/** A file of a CSV upload and the columns of its header that are not read. */
export interface UnreadCsvColumns {
  /** The file's name as it is in the folder. */
  file: string;
  /** As the header spells them, in its order; one with no name by its place, `column 3 (no name)`. */
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
 * Reads the headers, and the first rows of a file whose header has a column with no name, to tell
 * whether one gives it a value: such a column (a header cell left empty) is listed then, so
 * that nothing a user sent goes unsaid, and left out when all its values are empty (a trailing
 * comma on every line). An upload whose files or headers cannot be read gives []: the sync of it
 * fails saying why.
 */
export async function unreadCsvColumns(location: string): Promise<UnreadCsvColumns[]> {
  const folder = await openCsvFolder(location, {}).catch(() => undefined);
  if (folder === undefined) return [];
  const unread: UnreadCsvColumns[] = [];
  for (const file of csvFilesOf(folder)) {
    const columns = file.header.unreadColumns(await unnamedWithValues(file));
    if (columns.length > 0) unread.push({ file: basename(file.path), columns });
  }
  return unread;
}

/**
 * How many rows of a file are looked at for a value in a column with no name. A trailing comma on
 * every line makes such a column with no value in any row, and a search for one read the whole
 * file before the sync began, without a word: ten seconds for a million enrollments. A column whose
 * header cell was left empty by mistake has values from its first rows on.
 */
export const UNNAMED_COLUMN_ROWS_LOOKED_AT = 10_000;

/**
 * The positions of a file's columns with no name that one of its first rows gives a value (see
 * UNNAMED_COLUMN_ROWS_LOOKED_AT), read until each has one. A row that cannot be read ends the
 * search: the sync of the file fails saying where.
 */
async function unnamedWithValues(file: CsvFile): Promise<Set<number>> {
  const unnamed = file.header.unnamedColumns;
  const valued = new Set<number>();
  if (unnamed.length === 0) return valued;
  let rows = 0;
  try {
    for await (const row of readCsvRows(file.path, file.spec)) {
      for (const index of unnamed) if (row.valueAt(index) !== '') valued.add(index);
      if (valued.size === unnamed.length || ++rows >= UNNAMED_COLUMN_ROWS_LOOKED_AT) break;
    }
  } catch {
    // the sync reads the same rows and reports the failure, with its file and line
  }
  return valued;
}
