import type { UnreadCsvColumns } from '@roster-ledger/clever';

/**
 * The line an import of a CSV upload ends with when its headers have columns that Clever's SFTP
 * format does not define, naming them by file; null when there are none. A warning, not a
 * failure: Clever's own columns were all read, but a person must see that a column they meant to
 * send (a misspelt `Grade_level`, an exporter's own `Locker`) was not recorded.
 */
export function unreadColumnsNote(unread: readonly UnreadCsvColumns[]): string | null {
  if (unread.length === 0) return null;
  const files = unread.map(({ file, columns }) => `${file} ${columns.join(', ')}`).join('; ');
  return `  Columns not read: ${files} (not columns of Clever's SFTP format: their values are not recorded)`;
}
