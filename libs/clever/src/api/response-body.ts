import { CleverBadResponse } from './clever-api-errors';
import { redact } from './safe-text';

/**
 * Reading Clever's response bodies. Clever answers JSON, but warns that a wrong token type yields
 * an HTML page, and proxies in between answer HTML too; both error shapes (`{"message"}` in the v3
 * swagger, `{"error"}` in real v1.1 responses) occur.
 */

const looksLikeHtml = (text: string) => /^\s*<(!doctype|html|head|body|\?xml|[a-z]+[\s>])/i.test(text);

/** The JSON of a 2xx body. @throws CleverBadResponse for HTML, another Content-Type, or text that is not JSON. */
export function parseJsonBody(text: string, contentType: string | null, url: string, secrets: readonly string[]): unknown {
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'text/html' || looksLikeHtml(text)) {
    throw new CleverBadResponse(
      url,
      `expected JSON, got an HTML page${describeTitle(text, secrets)} (Content-Type ${contentType ?? 'missing'}): ` +
        'Clever sends HTML when the token is not a district-app token; a proxy or outage page looks the same',
    );
  }
  // A missing Content-Type is tolerated (the JSON parse decides); a wrong one is not.
  if (type !== '' && !type.includes('json')) {
    throw new CleverBadResponse(url, `expected JSON, got Content-Type ${contentType ?? ''}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // The parser's own message quotes the body, which may hold personal data: say only how long it is.
    const why = text.trim() === '' ? 'the body is empty' : `the body is not valid JSON (${text.length} characters: truncated or corrupted?)`;
    throw new CleverBadResponse(url, why);
  }
}

/** A readable account of an error body: Clever's `message` or `error`, else what the body is. Secrets removed. */
export function errorDetail(text: string, secrets: readonly string[]): string {
  const trimmed = text.trim();
  if (trimmed === '') return 'no explanation in the response body';
  if (looksLikeHtml(trimmed)) return `an HTML page instead of a JSON error${describeTitle(trimmed, secrets)}`;
  let body: unknown;
  try {
    body = JSON.parse(trimmed);
  } catch {
    return redact(trimmed, secrets, 200);
  }
  const said = cleverMessage(body);
  return said === undefined ? redact(trimmed, secrets, 200) : redact(said, secrets);
}

function cleverMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { message, error } = body as { message?: unknown; error?: unknown };
  if (typeof message === 'string' && message !== '') return message;
  if (typeof error === 'string' && error !== '') return error;
  // Some gateways nest it: {"error": {"message": "..."}}.
  if (typeof error === 'object' && error !== null) return cleverMessage(error);
  return undefined;
}

function describeTitle(html: string, secrets: readonly string[]): string {
  const title = /<title[^>]*>([^<]{1,120})<\/title>/i.exec(html)?.[1]?.trim();
  return title ? ` titled "${redact(title, secrets)}"` : '';
}
