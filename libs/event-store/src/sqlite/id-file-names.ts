import { createHash } from 'node:crypto';

/**
 * File names for ids (districts, syncs): each id is percent-encoded over its UTF-8 bytes,
 * everything but letters, digits, `-` and `_` (the dot included, so that a name of several ids
 * splits at its dots); an id whose encoding would pass 100 characters keeps its first 60 and a
 * hash of the whole after a `~` (file names are limited to 255 bytes).
 */
const KEPT = /[A-Za-z0-9_-]/;
const LONGEST = 100;

export function encodeName(id: string): string {
  let encoded = '';
  for (const byte of Buffer.from(id, 'utf8')) {
    const char = String.fromCharCode(byte);
    encoded += byte < 0x80 && KEPT.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (encoded.length <= LONGEST) return encoded;
  return `${encoded.slice(0, 60)}~${createHash('sha256').update(id).digest('hex').slice(0, 32)}`;
}

/** The id a name stands for; a shortened name (with its hash) or one not of ours as it is. */
export function decodeName(encoded: string): string {
  if (encoded.includes('~')) return encoded;
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}
