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

const HEX_DIGITS = Array.from('0123456789abcdef', (digit) => digit.charCodeAt(0));

export class IdFactory {
  /** Character codes of the id being built; positions 8-15 (the seed's hash) never change. */
  private readonly codes = new Array<number>(24).fill(48);

  constructor(seed: string) {
    this.put(hash32(`object-id:${seed}`), 8, 8);
  }

  /** The id of the `ordinal`-th record of `kind`, created at `createdMs`. */
  id(kind: IdKind, createdMs: number, ordinal: number): string {
    if (!Number.isInteger(ordinal) || ordinal < 0 || ordinal > MAX_ORDINAL) {
      throw new RangeError(`${kind} ordinal ${ordinal} does not fit an ObjectID counter (max ${MAX_ORDINAL})`);
    }
    this.put(Math.floor(createdMs / 1000), 0, 8);
    this.put(ID_KINDS[kind], 16, 2);
    this.put(ordinal, 18, 6);
    // One flat string from character codes: a million ids kept as concatenations ("ropes") of
    // four pieces would cost about three times the memory.
    return String.fromCharCode(...this.codes);
  }

  /** Writes `value` as `width` lower-case hex digits at `offset`. */
  private put(value: number, offset: number, width: number): void {
    let rest = value >>> 0;
    for (let i = offset + width - 1; i >= offset; i--) {
      this.codes[i] = HEX_DIGITS[rest & 15] as number;
      rest >>>= 4;
    }
  }
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
