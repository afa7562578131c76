import { RECORD_KINDS } from '@roster-ledger/domain';
import type { KnownRecords, PartialCoverage, RecordKind, SnapshotContents, SyncSource } from '@roster-ledger/domain';
import { DEFAULT_MAX_STRING_LENGTH } from './json-record-stream';
import { SnapshotFileContents } from './snapshot-file-contents';
import { openSnapshotFolder } from './snapshot-folder';
import { jsonSnapshotReading } from './snapshot-reading';
import type { SnapshotFolderOptions } from './snapshot-folder';
import type { SnapshotItem } from './snapshot-item';

/** An opened snapshot folder, in the shape the ledger's SnapshotSource port asks for. */
export interface CleverSnapshotSource {
  source: SyncSource;
  /** The absolute folder path. */
  origin: string;
  /** Kinds whose file is present; the others are not part of this snapshot. */
  kinds: RecordKind[];
  /** CSV uploads only: the roles and fields of those kinds no file or column gives (see PartialCoverage). */
  partial?: PartialCoverage;
  /** @throws InvalidInput on the first fatal problem (see SnapshotFolder.items). */
  items(): AsyncIterable<SnapshotItem>;
  progress(): { done: number; total: number };
  /** See SnapshotFolder.recognise; only snapshot folders have it. */
  recognise?(known: KnownRecords): void;
  /** Folders only (see SnapshotFileContents): the digests of the files the last whole `items()` pass read. */
  contents?(): Promise<SnapshotContents | null>;
  /** Folders only (see SnapshotFileContents): whether the files are now exactly `contents`, without parsing them. */
  matches?(contents: SnapshotContents): Promise<boolean>;
}

/**
 * Opens folders of Clever JSON files as snapshots: what CleverSourceReader, the ledger's
 * SnapshotReader port, opens a folder of Data API JSON files with.
 */
export class CleverSnapshotReader {
  constructor(private readonly options: SnapshotFolderOptions = {}) {}

  /** @throws InvalidInput when the folder is missing or holds none of the snapshot files. */
  async open(location: string): Promise<CleverSnapshotSource> {
    const folder = await openSnapshotFolder(location, this.options);
    const reading = jsonSnapshotReading(this.options.maxStringLength ?? DEFAULT_MAX_STRING_LENGTH);
    const contents = new SnapshotFileContents(reading, Object.values(folder.files));
    return {
      source: 'snapshot',
      origin: folder.folder,
      kinds: RECORD_KINDS.filter((kind) => folder.files[kind] !== undefined),
      items: () => contents.pass(folder.items()),
      progress: () => folder.progress(),
      recognise: (known) => folder.recognise(known),
      contents: () => contents.contents(),
      matches: (expected) => contents.matches(expected),
    };
  }
}
