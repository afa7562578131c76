import { copyFile, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { cell } from './columns';
import type { DistrictState } from './district-state';
import { RecordJson } from './record-json';
import { EnvelopeWriter } from './snapshot-writer';

export const SNAPSHOT_FILES = ['districts.json', 'schools.json', 'terms.json', 'courses.json', 'users.json', 'sections.json'] as const;
export type SnapshotFile = (typeof SNAPSHOT_FILES)[number];

export interface FileSummary {
  file: SnapshotFile;
  records: number;
  bytes: number;
}

export interface WriteOptions {
  /** Files known to be byte-identical to the same file in another folder written earlier: copied, not rendered again. */
  reuse?: { folder: string; files: readonly SnapshotFile[] };
}

/** Writes the six files of a snapshot folder (created if missing; the six files are replaced). */
export async function writeSnapshot(state: DistrictState, folder: string, options: WriteOptions = {}): Promise<FileSummary[]> {
  await mkdir(folder, { recursive: true });
  const json = new RecordJson(state);
  const { schools, terms, courses, students, staff, sections } = state;
  const summaries: FileSummary[] = [];
  /** `count` is only asked for a reused file; a written file counts what it wrote. */
  const write = async (file: SnapshotFile, collection: string, count: () => number, fill: (writer: EnvelopeWriter) => Promise<void>) => {
    const path = join(folder, file);
    const reuse = options.reuse;
    if (reuse !== undefined && reuse.files.includes(file)) {
      await copyFile(join(reuse.folder, file), path);
      summaries.push({ file, records: count(), bytes: (await stat(path)).size });
      return;
    }
    const writer = new EnvelopeWriter(path, collection);
    await fill(writer);
    summaries.push({ file, ...(await writer.close()) });
  };
  // `add` is synchronous and says when a chunk is full; only then do we await (backpressure), so
  // a million records do not cost a million promises.
  await write('districts.json', 'districts', () => 1, async (writer) => {
    writer.add(state.district.id, json.district());
  });
  await write('schools.json', 'schools', () => schools.count, async (writer) => {
    for (let row = 0; row < schools.count; row++) if (writer.add(schools.ids[row] ?? '', json.school(row))) await writer.flush();
  });
  await write('terms.json', 'terms', () => terms.filter((term) => term.listed).length, async (writer) => {
    for (const [index, term] of terms.entries()) if (term.listed) writer.add(term.id, json.term(index));
  });
  await write('courses.json', 'courses', () => courses.length, async (writer) => {
    for (const [index, course] of courses.entries()) writer.add(course.id, json.course(index));
  });
  await write('users.json', 'users', () => students.count - countFlagged(students.removed, students.count) + staff.count - countFlagged(staff.removed, staff.count), async (writer) => {
    // Students and staff share one id timeline (student rows are in id order, staff rows in school order): merge them.
    const staffRows = idOrder(staff.ordinal, staff.count);
    let next = 0;
    for (let row = 0; row <= students.count; row++) {
      const ordinal = row < students.count ? cell(students.ordinal, row) : Infinity;
      for (; next < staff.count && cell(staff.ordinal, cell(staffRows, next)) < ordinal; next++) {
        const staffRow = cell(staffRows, next);
        if (cell(staff.removed, staffRow) === 0 && writer.add(staff.ids[staffRow] ?? '', json.staff(staffRow))) await writer.flush();
      }
      if (row < students.count && cell(students.removed, row) === 0 && writer.add(students.ids[row] ?? '', json.student(row))) {
        await writer.flush();
      }
    }
  });
  await write('sections.json', 'sections', () => sections.count - countFlagged(sections.removed, sections.count), async (writer) => {
    for (const row of idOrder(sections.ordinal, sections.count)) {
      if (cell(sections.removed, row) === 0 && writer.add(sections.ids[row] ?? '', json.section(row))) await writer.flush();
    }
  });
  return summaries;
}

function countFlagged(flags: Uint8Array, count: number): number {
  let flagged = 0;
  for (let row = 0; row < count; row++) if (cell(flags, row) === 1) flagged++;
  return flagged;
}

/** Rows in ordinal (= id) order; derived snapshots append rows whose ids sort after the kept ones. */
function idOrder(ordinals: Int32Array, count: number): Int32Array {
  const order = new Int32Array(count);
  let sorted = true;
  for (let row = 0; row < count; row++) {
    order[row] = row;
    if (row > 0 && cell(ordinals, row) < cell(ordinals, row - 1)) sorted = false;
  }
  if (!sorted) order.sort((a, b) => cell(ordinals, a) - cell(ordinals, b));
  return order;
}
