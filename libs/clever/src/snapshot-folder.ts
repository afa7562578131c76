import { readdir, readlink, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { InvalidInput, RECORD_KINDS } from '@roster-ledger/domain';
import type { InputLocation, KnownRecords, RecordKind } from '@roster-ledger/domain';
import { coverageOfUri, unreadVersionReason, versionOfUri } from './api/version-coverage';
import { normalizeCleverRecord } from './clever-normalizer';
import { coverageWithScopes } from './scoped-fields';
import { entryInAnyCase } from './entry-in-any-case';
import { JsonReadingThread, READ_ON_THREAD_FROM_BYTES } from './json-reading-thread';
import { DEFAULT_MAX_STRING_LENGTH } from './json-record-stream';
import type { JsonRecord } from './json-envelope-parser';
import { unfitIdProblem } from './record-header';
import type { SnapshotItem } from './snapshot-item';
import { findingsAfter } from './record-findings';

/** The file each kind is read from; any may be missing. */
export const SNAPSHOT_FILE_NAMES: Readonly<Record<RecordKind, string>> = {
  district: 'districts.json',
  school: 'schools.json',
  term: 'terms.json',
  course: 'courses.json',
  user: 'users.json',
  section: 'sections.json',
};

export interface SnapshotFolderOptions {
  /** Longest string value accepted, in characters (default 65,536). */
  maxStringLength?: number;
  /** The size from which a file is split on a second thread (default 1 MiB; see JsonReadingThread). */
  readOnThreadFrom?: number;
}

export interface SnapshotFolder {
  /** Absolute path. */
  folder: string;
  /** Kind -> absolute file path, only for the files present: a missing file means that kind is not part of the snapshot. */
  files: Partial<Record<RecordKind, string>>;
  /**
   * Streams every record, files in the order districts, schools, terms, courses, users, sections;
   * each file in its own order. Reads a chunk only when the consumer asks for more. Each call
   * reads the files again. Throws InvalidInput on the first fatal problem, after yielding the
   * records before it; when districts.json is present and a record of another file belongs to a
   * district it does not list, that record is yielded (its district names the failed sync) and
   * the error, naming the record, its district and districts.json, thrown when the next item is
   * asked for.
   */
  items(): AsyncIterable<SnapshotItem>;
  /** Bytes read so far by the current `items()` pass, and the size of all the files, for progress bars. */
  progress(): { done: number; total: number };
  /**
   * From now on (the current `items()` pass included), a record whose bytes `known` recognises (by
   * the id they hold and their fingerprint, which every record read gets) is yielded as
   * `unchanged`, unparsed: its bytes are still scanned, so a broken file is still reported, and
   * its id still counts for duplicates.
   */
  recognise(known: KnownRecords): void;
}

/** What an entry that is neither a file, a folder nor a named pipe is said to be. */
export const notAFile = 'no file (a device or a socket)';

/**
 * Whether a snapshot file's entry can be read as one: a regular file, or a named pipe (a large
 * file streamed in as it is unpacked: `mkfifo users.json; zcat users.json.gz > users.json &`),
 * read as it is written. A device (`/dev/zero`) or a socket would be read for ever, or not at all.
 */
export function readableAsFile(entry: { isFile(): boolean; isFIFO(): boolean }): boolean {
  return entry.isFile() || entry.isFIFO();
}

/**
 * Opens a folder of Clever Data API JSON files (the API's list envelope, or a plain array of
 * objects; an envelope whose `data` is one object is rejected when read). Throws InvalidInput
 * when the folder does not exist or holds none of the snapshot files.
 */
export async function openSnapshotFolder(folder: string, options: SnapshotFolderOptions = {}): Promise<SnapshotFolder> {
  const maxStringLength = options.maxStringLength ?? DEFAULT_MAX_STRING_LENGTH;
  if (!Number.isInteger(maxStringLength) || maxStringLength < 1) {
    throw new RangeError(`maxStringLength must be a positive integer, got ${maxStringLength}`);
  }
  const absolute = resolve(folder);
  const info = await stat(absolute).catch(() => undefined);
  if (info === undefined) throw new InvalidInput('snapshot folder not found', { file: absolute });
  if (!info.isDirectory()) throw new InvalidInput('snapshot folder not found: the path is a file, not a folder', { file: absolute });

  const files: Partial<Record<RecordKind, string>> = {};
  const threadFrom = options.readOnThreadFrom ?? READ_ON_THREAD_FROM_BYTES;
  // a folder that can be entered but not listed still has its files opened by their own names
  const names = await readdir(absolute).catch(() => [] as string[]);
  let total = 0;
  for (const kind of RECORD_KINDS) {
    const name = entryInAnyCase(names, SNAPSHOT_FILE_NAMES[kind]) ?? SNAPSHOT_FILE_NAMES[kind];
    const path = join(absolute, name);
    const entry = await stat(path).catch(() => undefined);
    if (entry === undefined) {
      // a link whose target is gone is a file the folder names and cannot give: never read as one absent,
      // which would leave every record of its kind as the ledger had them, without a word
      const link = await readlink(path).catch(() => undefined);
      if (link !== undefined) throw new InvalidInput(`${name} is a link to ${link}, which cannot be read (it is not there): expected the snapshot's ${kind} records as JSON there`, { file: path });
      continue;
    }
    // a folder of that name (an archive unpacked into it, say) is no snapshot of that kind: never read as one absent
    if (entry.isDirectory()) throw new InvalidInput(`${name} is a folder, not a file: expected the snapshot's ${kind} records as JSON there`, { file: path });
    if (!readableAsFile(entry)) throw new InvalidInput(`${name} is ${notAFile}: expected the snapshot's ${kind} records as JSON there, in a file`, { file: path });
    files[kind] = path;
    total += entry.size;
  }
  if (Object.keys(files).length === 0) {
    const expected = RECORD_KINDS.map((kind) => SNAPSHOT_FILE_NAMES[kind]).join(', ');
    throw new InvalidInput(`no snapshot files in the folder: expected at least one of ${expected}`, { file: absolute });
  }

  let done = 0;
  let known: KnownRecords | undefined;
  const reading: Reading = {
    maxStringLength,
    threadFrom,
    onBytes: (count) => {
      done += count;
    },
    known: () => known,
  };
  return {
    folder: absolute,
    files,
    items: () => {
      done = 0;
      return readSnapshot(files, reading);
    },
    progress: () => ({ done, total }),
    recognise: (records) => {
      known = records;
    },
  };
}

/** How a pass reads its files. */
interface Reading {
  maxStringLength: number;
  /** The size from which a file is read on the second thread. */
  threadFrom: number;
  onBytes: (count: number) => void;
  /** The records to recognise, read when each record is met (they may be given mid-pass). */
  known: () => KnownRecords | undefined;
}

async function* readSnapshot(files: Partial<Record<RecordKind, string>>, reading: Reading): AsyncGenerator<SnapshotItem> {
  // districts.json comes first: when it is there, it lists every district the other files may name.
  const hasDistricts = files.district !== undefined;
  const districts = new Set<string>();
  // large files are split into records and fingerprinted on a second thread, from now on: while
  // the first records are taken, a sync loads its district's state (see JsonReadingThread.readAhead)
  const thread = new JsonReadingThread({ threadFrom: reading.threadFrom });
  try {
    await thread.readAhead(
      RECORD_KINDS.flatMap((kind) => files[kind] ?? []),
      reading.maxStringLength,
    );
    for (const kind of RECORD_KINDS) {
      const file = files[kind];
      if (file === undefined) continue;
      for await (const item of readKind(kind, file, reading, thread)) {
        if (item.type === 'skipped' || item.type === 'mismatch' || item.type === 'unnamed' || item.type === 'unpaired' || item.type === 'endsBeforeStart') {
          yield item;
          continue;
        }
        // an unchanged record belongs to the district whose state recognised it
        const districtId = item.type === 'record' ? item.record.districtId : reading.known()!.districtId;
        if (kind === 'district') districts.add(item.type === 'record' ? item.record.id : item.id);
        if (!hasDistricts || kind === 'district' || districts.has(districtId)) {
          yield item;
          continue;
        }
        // A districts.json without the district the records belong to would remove that district
        // while its schools, users and sections stay shared. The record is yielded first, so that
        // the caller knows the district the failed sync is about.
        yield item;
        throw unlistedDistrict(districts, districtId, item.origin);
      }
    }
  } finally {
    await thread.close();
  }
}

/** A normalized record with the fingerprint of its bytes, and what the API version it was read at (or the app's scopes) does not give. */
function asRead(item: SnapshotItem, found: JsonRecord): SnapshotItem {
  if (item.type !== 'record') return item;
  const partial = coverageWithScopes(found.value, coverageOfUri(found.uri));
  if (found.fingerprint === undefined && partial === undefined) return item;
  return { ...item, ...(found.fingerprint === undefined ? {} : { fingerprint: found.fingerprint }), ...(partial === undefined ? {} : { partial }) };
}

/**
 * The API version a record was read at, as its envelope item's `uri` names it, if it does.
 * @throws InvalidInput naming the record when it is a version the ledger does not read.
 */
function readVersionOf(found: JsonRecord, file: string): string | undefined {
  const version = versionOfUri(found.uri);
  const unread = version === undefined ? null : unreadVersionReason(version);
  if (unread === null) return version;
  const id = found.value['id'];
  const named = typeof id === 'string' && id !== '' && unfitIdProblem(id) === null;
  throw new InvalidInput(unread, { file, line: found.line, record: found.index, ...(named ? { recordId: id } : {}), field: 'uri' });
}

function unlistedDistrict(listed: ReadonlySet<string>, districtId: string, origin: InputLocation): InvalidInput {
  const lists = listed.size === 0 ? 'it lists no district' : `it lists ${[...listed].join(', ')}`;
  return new InvalidInput(
    `district ${districtId} is not in districts.json (${lists}): a snapshot that has a districts.json must list the district of its records there`,
    { ...origin, field: 'district' },
  );
}

/**
 * `/users?role=teacher` and `/users?role=staff` both return a teacher who is also staff: a
 * users.json put together from them lists that person twice, where `/users` lists them once.
 * Two such copies are the same bytes, and are taken once; this is said when they differ.
 */
const ROLE_QUERIES_HINT = ' (a users.json made by joining the pages of role queries, /users?role=..., lists a person of several roles once per role: take the users from /users, which lists each person once)';

/**
 * One file's records, each with its fingerprint. A record that is an earlier record of its file
 * again, byte for byte, is the same record sent twice: taken once, and yielded as skipped
 * (`duplicate record (users.json)`). Any other id seen twice in the same file is fatal.
 */
async function* readKind(kind: RecordKind, file: string, reading: Reading, thread: JsonReadingThread): AsyncGenerator<SnapshotItem> {
  const recognise = (fingerprint: string, idHint: string) => reading.known()?.recognise(kind, idHint, fingerprint);
  // One entry per record: the price of naming both records of a duplicate id, and of telling a
  // copy from another record under the same id (48 bits of each record's fingerprint, by index)
  const seen = new Map<string, number>();
  const prints: number[] = [];
  // a duplicate id one of whose records has no fingerprint, to name if the file turns out whole
  let unsure: InvalidInput | null = null;
  for await (const found of thread.records(file, { maxStringLength: reading.maxStringLength, onBytes: reading.onBytes, recognise })) {
    const { index, line } = found;
    const item: SnapshotItem =
      found.value === null
        ? { type: 'unchanged', kind, id: found.knownAs, origin: { file, line, record: index, recordId: found.knownAs } }
        : asRead(normalizeCleverRecord(kind, found.value, { file, line, record: index }, readVersionOf(found, file)), found);
    const id = item.origin.recordId ?? '';
    const print = found.fingerprint === undefined ? Number.NaN : fingerprintBits(found.fingerprint);
    const first = seen.get(id);
    if (first !== undefined) {
      if (prints[first] === print) {
        yield { type: 'skipped', reason: `duplicate record (${basename(file)})`, origin: item.origin };
        continue;
      }
      // Clever's role queries list a person of several roles once per role (see ROLE_QUERIES_HINT)
      const hint = kind === 'user' ? ROLE_QUERIES_HINT : '';
      const sure = !Number.isNaN(print) && !Number.isNaN(prints[first]!);
      const duplicate = new InvalidInput(`duplicate id: records #${first + 1} and #${index + 1} both have id ${id}${sure ? ' and their bytes differ (a copy is taken once only when byte for byte the same: keys in another order are other bytes)' : ''}${hint}`, {
        ...item.origin,
        field: 'id',
      });
      if (sure) throw duplicate;
      // A record without a fingerprint was read again token by token after a problem in the
      // bytes, which the reading throws once it gets there: that problem is the one to name, not
      // a duplicate that may be a byte-for-byte copy (taken once, were the file whole)
      unsure ??= duplicate;
      continue;
    }
    seen.set(id, index);
    prints[index] = print;
    yield item;
    yield* findingsAfter(item);
  }
  if (unsure !== null) throw unsure;
}

const BASE64_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * The first 48 bits of a fingerprint's SHA-256 as a number: a plain array of numbers holds a
 * million of them in 8 MB, where the fingerprints' text would take ten times that. Two records
 * of one id whose 48 bits agree by chance are one in 2^48.
 */
function fingerprintBits(fingerprint: string): number {
  const digest = fingerprint.slice(fingerprint.indexOf(':') + 1);
  let bits = 0;
  for (let i = 0; i < 8; i++) bits = bits * 64 + BASE64_DIGITS.indexOf(digest.charAt(i));
  return bits;
}
