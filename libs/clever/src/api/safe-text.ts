/**
 * Keeping secrets out of messages. The bearer token only ever travels in the Authorization
 * header, but a response body may echo it and a misconfigured base URL may carry credentials, so
 * everything that reaches an error message goes through these.
 */

/** Query parameters whose value is never shown (Clever's own parameters are not secret). */
const SECRET_PARAMS = /token|secret|password|passwd|key|code|auth|signature|credential/i;

export const REDACTED = '[redacted]';

/** The URL as it may be shown: no user info, secret-looking query values redacted, no fragment. */
export function displayUrl(url: URL | string): string {
  const copy = new URL(url.toString());
  copy.username = '';
  copy.password = '';
  copy.hash = '';
  for (const name of [...new Set(copy.searchParams.keys())]) {
    if (SECRET_PARAMS.test(name)) copy.searchParams.set(name, REDACTED);
  }
  // URLSearchParams encodes "[" and "]"; keep the marker readable.
  return copy.toString().replaceAll(encodeURIComponent(REDACTED), REDACTED);
}

/** `text` with every occurrence of each secret replaced, cut to `max` characters. */
export function redact(text: string, secrets: readonly string[], max = 500): string {
  let safe = text;
  for (const secret of secrets) {
    // A very short "secret" would shred ordinary words; real tokens are long.
    if (secret.length >= 4) safe = safe.split(secret).join(REDACTED);
  }
  return safe.length > max ? `${safe.slice(0, max)}…` : safe;
}
