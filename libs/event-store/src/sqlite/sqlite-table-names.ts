import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Pages of the schema's B-tree this reads at most: a ledger's schema spans a few. */
const MAX_PAGES = 10_000;

/**
 * The names of the tables an SQLite database file holds, read from its schema's B-tree in the
 * file itself (sqlite.org/fileformat2.html, sections 1.6 and 2), without SQLite: opening a file
 * in WAL mode, even read-only, makes `-wal` and `-shm` files beside it, and a file given as
 * `--db` by mistake (another application's database, a read model) must be left as it was.
 * What only a write-ahead log holds (a database in use) is not seen: ask only of a file without
 * one. Undefined when the file is not read as expected (another text encoding, a page that is not
 * a table B-tree page, a schema larger than MAX_PAGES): the caller then knows nothing.
 */
export function sqliteTableNames(path: string): Set<string> | undefined {
  const fd = openSync(path, 'r');
  try {
    const header = readAt(fd, 0, 100);
    if (header.length < 100) return undefined;
    const rawPageSize = header.readUInt16BE(16);
    const pageSize = rawPageSize === 1 ? 65_536 : rawPageSize;
    const usable = pageSize - header[20]!;
    const pageCount = Math.floor(fstatSync(fd).size / pageSize);
    // the text encoding: 1 is UTF-8, the only one a ledger is written in (0 before a first table)
    if (header.readUInt32BE(56) > 1) return undefined;
    const names = new Set<string>();
    // a damaged file's pointers may lead anywhere, back to a page seen among them
    const seen = new Set<number>();
    const pending = [1];
    while (pending.length > 0) {
      const number = pending.pop()!;
      if (number < 1 || number > pageCount || seen.has(number) || seen.size >= MAX_PAGES) return undefined;
      seen.add(number);
      const page = readAt(fd, (number - 1) * pageSize, pageSize);
      if (page.length < pageSize) return undefined;
      // page 1 starts with the file's header
      const at = number === 1 ? 100 : 0;
      const kind = page[at];
      const interior = kind === 0x05;
      if (!interior && kind !== 0x0d) return undefined;
      const pointers = at + (interior ? 12 : 8);
      const cells = page.readUInt16BE(at + 3);
      if (pointers + 2 * cells > usable) return undefined;
      if (interior) pending.push(page.readUInt32BE(at + 8));
      for (let i = 0; i < cells; i++) {
        const cell = page.readUInt16BE(pointers + 2 * i);
        if (cell < pointers + 2 * cells || cell + 4 > usable) return undefined;
        if (interior) {
          pending.push(page.readUInt32BE(cell));
          continue;
        }
        const row = schemaRow(page, cell, usable);
        if (row === undefined) return undefined;
        if (row.type === 'table') names.add(row.name);
      }
    }
    return names;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * The `type` and `name` of the schema's row in the table leaf cell at `cell`: the first two
 * columns, read only from the part of the row kept on the page (a long row goes on in overflow
 * pages, whose pointer follows that part).
 */
function schemaRow(page: Buffer, cell: number, usable: number): { type: string; name: string } | undefined {
  const [size, afterLength] = varint(page, cell);
  const [, payload] = varint(page, afterLength);
  const [headerSize, firstType] = varint(page, payload);
  const [typeSerial, secondType] = varint(page, firstType);
  const [nameSerial] = varint(page, secondType);
  // text has an odd serial type from 13 up; the first two columns of a schema row are text
  if (typeSerial < 13 || typeSerial % 2 === 0 || nameSerial < 13 || nameSerial % 2 === 0) return undefined;
  const typeStart = payload + headerSize;
  const typeLength = (typeSerial - 13) / 2;
  const nameLength = (nameSerial - 13) / 2;
  const end = typeStart + typeLength + nameLength;
  if (end > payload + onPage(size, usable) || end > usable) return undefined;
  return {
    type: page.toString('utf8', typeStart, typeStart + typeLength),
    name: page.toString('utf8', typeStart + typeLength, end),
  };
}

/** How much of a table leaf cell's payload of `size` bytes is on its page (sqlite.org/fileformat2.html, 1.6). */
function onPage(size: number, usable: number): number {
  const most = usable - 35;
  if (size <= most) return size;
  const least = Math.floor(((usable - 12) * 32) / 255) - 23;
  const kept = least + ((size - least) % (usable - 4));
  return kept <= most ? kept : least;
}

/** SQLite's variable-length integer at `at`: its value and where the next one starts. */
function varint(bytes: Buffer, at: number): [number, number] {
  let value = 0;
  for (let i = 0; i < 8; i++) {
    const byte = bytes[at + i]!;
    value = value * 128 + (byte & 0x7f);
    if (byte < 0x80) return [value, at + i + 1];
  }
  return [value * 256 + bytes[at + 8]!, at + 9];
}

function readAt(fd: number, offset: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  const read = readSync(fd, buffer, 0, length, offset);
  return buffer.subarray(0, read);
}
