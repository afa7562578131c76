export { openSnapshotFolder, SNAPSHOT_FILE_NAMES } from './snapshot-folder';
export type { SnapshotFolder, SnapshotFolderOptions } from './snapshot-folder';
export type { SnapshotItem } from './snapshot-item';
export { DEFAULT_MAX_STRING_LENGTH } from './json-record-stream';
export { CleverSnapshotReader } from './clever-snapshot-reader';
export type { CleverSnapshotSource } from './clever-snapshot-reader';
