import type { SnapshotFolderListing } from '@roster-ledger/clever';

/**
 * The line an import's report ends with when its folder holds data files it did not read (a
 * misspelt name, another layout's files), naming the files it reads; null when there are none.
 * A warning, not a failure: the snapshot read is still the folder's, but a person must see that
 * `students.json` was not part of it before trusting its "unresolved" counts.
 */
export function unreadFilesNote(listing: SnapshotFolderListing): string | null {
  if (listing.unread.length === 0) return null;
  const holds = listing.layout === 'csv' ? 'an SFTP CSV upload holds' : 'a snapshot folder holds';
  return `  Not read: ${listing.unread.join(', ')} (${holds} ${listing.expected.join(', ')})`;
}
