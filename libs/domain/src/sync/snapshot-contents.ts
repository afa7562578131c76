/**
 * The bytes a sync read from a folder of files, as its SyncCompleted (or SyncHeld) records them:
 * what lets compliance check a file against the sync that read it (`sha256sum`), and the ledger
 * tell that a later folder is byte for byte the same, read the same way.
 */
export interface SnapshotContents {
  /**
   * How the files were read: the reader, the version of its mapping (see FINGERPRINT_VERSION) and
   * any option that can make the same bytes another set of records. Contents read another way
   * never match.
   */
  reading: string;
  /** Every file the reader read, by name. */
  files: SnapshotFileDigest[];
}

export interface SnapshotFileDigest {
  /** The file's name in its folder. */
  name: string;
  /** Its size in bytes. */
  bytes: number;
  /** The SHA-256 of its bytes, in hex (what `sha256sum` prints). */
  sha256: string;
}
