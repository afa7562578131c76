import { createHash } from 'node:crypto';

/**
 * A deterministic event id (a name-based UUID, version 5 layout over SHA-1) derived from the sync
 * and the change, so that appending the same change of the same sync twice is a no-op.
 */
export function deterministicEventId(...parts: readonly (string | number)[]): string {
  const hash = createHash('sha1').update(parts.join('\u001f')).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
