import { hash } from 'node:crypto';

/**
 * Raise whenever the same Clever JSON can map to a different domain record: a change to the
 * normalizer, a `*-mapping` file, the field readers, the enumerations or what counts as an
 * unknown value. A ledger trusts a record's state to be what bytes with this fingerprint make
 * (and skips parsing them); a new version makes every fingerprint new, so every record is parsed
 * and diffed again once.
 */
export const RECORD_MAPPING_VERSION = 1;

const PREFIX = `${RECORD_MAPPING_VERSION}:`;

/**
 * The fingerprint of a Clever JSON record's bytes as they are in the file (for an item of the list
 * envelope, the whole item) under this mapping version: the version, then the SHA-1 of the bytes
 * in base64. Equal fingerprints mean the same bytes, which map to the same record. One call, no
 * hash object: it runs for every record of every snapshot.
 */
export function recordFingerprint(bytes: Uint8Array): string {
  return PREFIX + hash('sha1', bytes, 'base64');
}
