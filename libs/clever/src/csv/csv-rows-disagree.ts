import { InvalidInput } from '@roster-ledger/domain';
import type { CsvFile } from './csv-folder';
import { readCsvRows } from './csv-row-stream';
import type { CsvReadOptions, CsvRow } from './csv-row-stream';

/** How many differing columns a message names; the others are counted. */
const NAMED_COLUMNS = 3;

/**
 * Two rows with one SIS id whose values differ where the rows of one person may not (see
 * PeopleIndex): two people sharing an id, or one person's rows exported at different times. The
 * index keeps a digest of the person's first row, not the row, so when it finds this it cannot say
 * which columns differ; `withDifferingColumns` reads that row again to name them.
 *
 * The values themselves are never quoted: a person's name, date of birth or demographics would
 * stay in the log for good, in a failure every role reads (see the README, "Bad input changes
 * nothing"). The lines and columns point at them instead.
 */
export class RowsDisagree extends InvalidInput {
  constructor(
    readonly row: CsvRow,
    readonly idColumn: string,
    /** Where the person's first row is. */
    readonly first: { file: string; line: number },
    /** The columns all of a person's rows must agree on. */
    readonly compared: readonly string[],
    private readonly varyingLabel: string,
    /** Those of `compared` whose values differ, when known. */
    readonly differing: readonly string[] = [],
  ) {
    super(disagreement(row, idColumn, first, varyingLabel, differing), row.at(idColumn));
  }

  /** This error naming the columns where `firstRow`, the person's first row read again, differs from this row. */
  naming(firstRow: CsvRow): RowsDisagree {
    // in the file's order of columns, as someone comparing the two lines reads them
    const position = (column: string) => this.row.header.position(column) ?? Number.MAX_SAFE_INTEGER;
    const differing = this.compared
      .filter((column) => firstRow.get(column) !== this.row.get(column))
      .sort((a, b) => position(a) - position(b));
    if (differing.length === 0) return this;
    return new RowsDisagree(this.row, this.idColumn, this.first, this.compared, this.varyingLabel, differing);
  }
}

function disagreement(row: CsvRow, idColumn: string, first: { file: string; line: number }, varyingLabel: string, differing: readonly string[]): string {
  const where = first.file === row.header.file ? `line ${first.line}` : `${first.file}, line ${first.line}`;
  const names = differing.map((column) => row.header.nameOf(column));
  const named = names.slice(0, NAMED_COLUMNS);
  const more = names.length - named.length;
  const columns = more > 0 ? `${named.join(', ')} and ${more} more column${more === 1 ? '' : 's'}` : listed(named);
  const what = columns === '' ? 'other values' : `other values in ${columns}`;
  return `this ${idColumn} is also on ${where} with ${what}: the rows of one person may differ only in ${varyingLabel}`;
}

function listed(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * `error` naming the columns that differ when it is a RowsDisagree whose first row is in `files`
 * and still as it was; any other error, or one whose first row cannot be read again, as it is.
 */
export async function withDifferingColumns(error: unknown, files: readonly CsvFile[], options: CsvReadOptions): Promise<unknown> {
  if (!(error instanceof RowsDisagree)) return error;
  const file = files.find((each) => each.path === error.first.file);
  if (file === undefined) return error;
  try {
    for await (const row of readCsvRows(file.path, file.spec, options)) {
      if (row.line === error.first.line) return error.naming(row);
      if (row.line > error.first.line) break;
    }
  } catch {
    // the file changed or broke since the index pass read it: the error without the columns stands
  }
  return error;
}
