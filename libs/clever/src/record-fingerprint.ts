import { hash } from 'node:crypto';

/**
 * Raise whenever the same Clever JSON could end as a different state: a change to the normalizer,
 * a `*-mapping` file, the field readers, the enumerations, what counts as an unknown value or
 * another finding about a record (a term that ends before it starts), the
 * diff's rules or how events fold into a state (raising LEDGER_STATE_FORMAT also does: it drops
 * the saved states, fingerprints and all). A ledger trusts a record's state to be what bytes with
 * this fingerprint make, and skips parsing and diffing them; a new version makes every
 * fingerprint new, so every record is parsed and diffed again once.
 *
 * It is also the mapping's version in the `reading` of a snapshot's contents (see
 * snapshot-reading.ts), which a ledger trusts the same way for whole folders, CSV ones included
 * (a change to the `csv/` mapping alone raises CSV_MAPPING_VERSION instead). A ledger also checks
 * a folder under its own LEDGER_STATE_FORMAT, so raising that makes whole folders read again too.
 */
export const FINGERPRINT_VERSION = 5;
// 2: a role's email that is not the person's is kept as `<role>_email` for every role (a teacher's
// used to replace the person's email; a student's was dropped before 2026-12-06)
// 3: a student without a key of a scoped field (ELL, FRL, IEP, home language) leaves the ledger's
// value (see scoped-fields.ts); it used to be recorded as cleared
// 4: a student, teacher or staff role read at v3 or later without its `schools` list is refused; it
// used to be recorded as in no school
// 5: a record holding a lone UTF-16 surrogate in a string or key is refused, and a school or
// district whose name is `""` (as one without a name is); both used to be recorded, the empty name
// as none; a term whose end_date is before its start_date, and a section whose name is `""`, are
// named among the sync's findings (`endsBeforeStart`, `unnamed`), which a record recognised by its
// bytes would not be

/** How a record sits in its file: an element of a plain array, or an item of the list envelope (`{"data": {...}, "uri": ...}`). */
export type RecordUnit = 'record' | 'item';

const PREFIX: Record<RecordUnit, string> = { record: `${FINGERPRINT_VERSION}r:`, item: `${FINGERPRINT_VERSION}i:` };

/**
 * The fingerprint of a Clever JSON record's bytes as they are in the file (for an item of the list
 * envelope, the whole item), under this version and for its place (the same bytes are another
 * record in the other form): the version and place, then the SHA-256 of the bytes in base64.
 * Equal fingerprints mean the same bytes, which map to the same record. One call, no hash object:
 * it runs for every record of every snapshot.
 */
export function recordFingerprint(bytes: Uint8Array, unit: RecordUnit): string {
  return PREFIX[unit] + hash('sha256', bytes, 'base64');
}
