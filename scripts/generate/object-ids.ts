import { hash32 } from './prng';

/**
 * Clever ids are MongoDB ObjectIDs: 4 bytes of creation time (Unix seconds), 5 bytes of
 * machine/process, 3 bytes of counter (clever-data.md §0.12). We keep that layout:
 *   8 hex  creation second (non-decreasing along a file, so files come out in Clever's ascending order)
 *   8 hex  a hash of the seed (two seeds never share ids)
 *   2 hex  the kind (ids are unique across kinds, as Clever's are)
 *   6 hex  the record's ordinal within its kind (unique within the kind)
 */
export const ID_KINDS = {
  district: 0x0d,
  school: 0x5c,
  term: 0x7e,
  course: 0xc0,
  user: 0xa5,
  section: 0x5e,
  /** The pre-v3 per-role `legacy_id` of teachers, staff and district admins. */
  legacy: 0x1e,
} as const;
export type IdKind = keyof typeof ID_KINDS;

/** The 24-bit counter bounds how many records of one kind a district can have. */
export const MAX_ORDINAL = 0xffffff;

export class IdFactory {
  private readonly machine: string;

  constructor(seed: string) {
    this.machine = hex(hash32(`object-id:${seed}`), 8);
  }

  /** The id of the `ordinal`-th record of `kind`, created at `createdMs`. */
  id(kind: IdKind, createdMs: number, ordinal: number): string {
    if (!Number.isInteger(ordinal) || ordinal < 0 || ordinal > MAX_ORDINAL) {
      throw new RangeError(`${kind} ordinal ${ordinal} does not fit an ObjectID counter (max ${MAX_ORDINAL})`);
    }
    return hex(Math.floor(createdMs / 1000), 8) + this.machine + hex(ID_KINDS[kind], 2) + hex(ordinal, 6);
  }
}

function hex(value: number, width: number): string {
  return (value >>> 0).toString(16).padStart(width, '0');
}

/**
 * Creation time of the `ordinal`-th of `total` records created evenly over [startMs, endMs):
 * non-decreasing in the ordinal, so ids sort in creation order, as Clever's do. The milliseconds
 * come from the ordinal so that neighbouring records do not share a timestamp.
 */
export function spreadCreatedMs(startMs: number, endMs: number, ordinal: number, total: number): number {
  const second = Math.floor(((endMs - startMs) / 1000) * (ordinal / Math.max(total, 1)));
  return startMs + second * 1000 + (ordinal % 1000);
}
