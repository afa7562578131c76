import { homedir, tmpdir } from 'node:os';
import { BadRequestException, HttpException, HttpStatus } from '@nestjs/common';
import { DomainError, InvalidInput } from '@roster-ledger/domain';
import { ApiError, MethodNotAllowed, RequestInvalid, type ParameterProblem } from './api-errors';
import { STATUS_OF_KIND } from './status-of-kind';

/** The media type of every error answer (RFC 9457). */
export const PROBLEM_JSON = 'application/problem+json';

/** An RFC 9457 problem document, with the ledger's stable `code` as an extension member. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  /** The request path (never the query string: it may hold a person's name). */
  instance?: string;
  /** For INVALID_REQUEST: each parameter at fault and what is wrong with it. */
  errors?: ParameterProblem[];
}

export interface Problem {
  body: ProblemDetails;
  headers: Record<string, string>;
  /** Unexpected: log it with its stack (the client only learns that something went wrong). */
  unexpected: boolean;
}

/** Codes for Nest's own HTTP exceptions (an unknown route, a body that is not JSON, a body too large). */
const CODE_OF_STATUS: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST',
  404: 'ROUTE_NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/**
 * The status of an error the body parser raised (http-errors: a body too large, not JSON, badly
 * compressed). `expose` is its own verdict that the message is fit for the client.
 */
function exposedStatusOf(error: unknown): number | null {
  if (typeof error !== 'object' || error === null) return null;
  const { status, expose } = error as { status?: unknown; expose?: unknown };
  return expose === true && typeof status === 'number' ? status : null;
}

/**
 * A body sent as JSON that does not parse: the body parser's SyntaxError, which Nest hands on as a
 * BadRequestException with the parser's message (a path with bad percent-encoding is the other
 * error it maps so, and its message has no "JSON"); this code throws no BadRequestException itself.
 */
function bodyNotJson(error: unknown): boolean {
  return error instanceof BadRequestException && /\bJSON\b/.test(error.message);
}

/**
 * What is wrong with a path segment whose escapes are no UTF-8 text (`/accounts/50%`,
 * `/accounts/%FF`), or null for any other error: the router says only "Failed to decode param
 * '50%'", which names neither what is wrong with it nor what to do.
 */
function undecodablePathDetail(error: unknown): string | null {
  const segment = error instanceof Error ? /^Failed to decode param '(.*)'$/s.exec(error.message)?.[1] : undefined;
  if (segment === undefined) return null;
  return `the path segment ${segment} is not percent-encoded UTF-8 (a % starts an escape such as %2F; a % of the id itself is %25): escape each id put in a path with encodeURIComponent`;
}

/**
 * Says where a body stops being JSON without repeating it: the parser's own message quotes the
 * body's first characters, which may be anything the client sent (a token pasted by mistake).
 */
function notJsonDetail(parserMessage: string): string {
  const position = /at position (\d+)/.exec(parserMessage)?.[1];
  const where = position !== undefined ? ` (at character ${position})` : /end of JSON input/.test(parserMessage) ? ' (it ends too soon)' : '';
  return `the request body is not valid JSON${where}; send a JSON object`;
}

/**
 * A body over the parser's limit, with the limit: the parser's own "request entity too large"
 * leaves the client to guess how much smaller to send. `limit` and `length` are the body
 * parser's (raw-body's) fields, in bytes; `length` is absent for a chunked body, cut off at the limit.
 */
function tooLargeDetail(error: unknown): string {
  const { limit, length } = error as { limit?: unknown; length?: unknown };
  if (typeof limit !== 'number') return 'the request body is too large';
  const sent = typeof length === 'number' ? `is ${length.toLocaleString('en-US')} bytes` : 'is larger than that';
  return `the request body ${sent}; the limit is ${limit.toLocaleString('en-US')} bytes (${Math.round(limit / 1024)} kB)`;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Folders of the server's that any message may name: where it runs, its user's home, the temp folder. */
const PROCESS_FOLDERS = (): string[] => [process.cwd(), homedir(), tmpdir()];

/**
 * A message with each absolute file path cut to its last part (`/srv/ledger/data/x.db` to `.../x.db`):
 * where the server keeps its files is none of the client's business. A URL's path is kept (`https://` is
 * no file path): the Clever errors show theirs already made safe to display. A path is told from the
 * words after it by a space, so a folder whose name holds one (`/srv/school data`) is cut as a
 * folder the server names (`folders`: the ledger's, say) and the process's own folders, whatever
 * their names hold.
 */
export function withoutServerPaths(message: string, folders: readonly string[] = []): string {
  const known = [...folders, ...PROCESS_FOLDERS()].filter((folder) => folder.length > 1).sort((a, b) => b.length - a.length);
  // a folder where a path starts, as the pattern below takes one: not inside a URL (https://host/tmp/x) nor a longer name
  const cut = known.reduce((text, folder) => text.replace(new RegExp(`(?<![\\w:/.~-])${escapeRegExp(folder.replace(/[\\/]+$/, ''))}(?=[\\/])`, 'g'), '...'), message);
  const lastPart = (path: string) => `.../${path.split(/[\\/]/).pop()}`;
  // a path inside a folder cut above keeps its last part alone too (`.../data/x.db` to `.../x.db`)
  return cut.replace(/(?<![\w:/.~-])(?:~|[A-Za-z]:)?(?:[\\/][^\s\\/:"'`()]+){2,}/g, lastPart).replace(/\.\.\.(?:[\\/][^\s\\/:"'`()]+){2,}/g, lastPart);
}

/** `SYNC_NOT_HELD` -> `urn:roster-ledger:problem:sync-not-held`: stable, and not a link that could rot. */
export const problemType = (code: string): string => `urn:roster-ledger:problem:${code.toLowerCase().replace(/_/g, '-')}`;

const titleOf = (status: number): string =>
  (HttpStatus[status] ?? 'ERROR')
    .toLowerCase()
    .split('_')
    .map((w, i) => (i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w))
    .join(' ');

function problem(status: number, code: string, detail: string, extra: Partial<ProblemDetails> = {}): ProblemDetails {
  return { type: problemType(code), title: titleOf(status), status, detail, code, ...extra };
}

/**
 * What the client is told about an error, and nothing more: deliberate errors (the ledger's
 * DomainErrors, the edge's ApiErrors, Nest's HTTP exceptions) say what went wrong; anything else
 * is a 500 whose detail leaks nothing.
 */
export function problemOf(error: unknown, path: string, serverFolders: readonly string[] = []): Problem {
  const headers: Record<string, string> = {};
  const at = { instance: path };
  if (error instanceof RequestInvalid) {
    return { body: problem(400, error.code, error.message, { ...at, errors: error.errors }), headers, unexpected: false };
  }
  if (error instanceof InvalidInput) {
    // a rule of the ledger's that what the request sent breaks: over HTTP that is a bad request like
    // any the DTOs refuse, with the one code the API documents for it, and the parameter named
    const field = error.at.field;
    if (field === undefined) return { body: problem(400, 'INVALID_REQUEST', error.message, at), headers, unexpected: false };
    // the detail names the parameter when the rule does not (`after: must be the id of ...`)
    const detail = new RegExp(`(?<![\\w-])${escapeRegExp(field)}(?![\\w-])`).test(error.rule) ? error.rule : `${field}: ${error.rule}`;
    return { body: problem(400, 'INVALID_REQUEST', detail, { ...at, errors: [{ parameter: field, problems: [error.rule] }] }), headers, unexpected: false };
  }
  if (error instanceof ApiError) {
    if (error.status === 401) headers['WWW-Authenticate'] = 'Bearer realm="roster-ledger"';
    if (error instanceof MethodNotAllowed) headers['Allow'] = error.allowed.join(', ');
    return { body: problem(error.status, error.code, error.message, at), headers, unexpected: false };
  }
  if (error instanceof DomainError) {
    const status = STATUS_OF_KIND[error.kind];
    if (error.kind === 'unavailable') {
      // the file is busy (a large sync in another process) or cannot be read: worth a retry
      headers['Retry-After'] = '1';
      return { body: problem(status, error.code, 'the ledger is busy or unavailable; retry shortly', at), headers, unexpected: true };
    }
    if (status >= 500) {
      // the server's own trouble: the work failed (Clever refused or did not answer, an append met
      // ids it cannot explain) or its configuration is wrong (a district without its token, a
      // configuration file a sync thread could not load again). The client is told which by its
      // code, and what by the message made for whoever asked (the CLI prints it as it is), never
      // with a stack; a file of the server's is named by its name alone. Work that failed is
      // logged with its stack, as anything unexpected; a configuration is told once, at start
      // (serve's schedule warns of a missing token), not with a stack on every request it refuses.
      return { body: problem(status, error.code, withoutServerPaths(error.message, serverFolders), at), headers, unexpected: error.kind === 'failed' };
    }
    return { body: problem(status, error.code, error.message, at), headers, unexpected: false };
  }
  if (bodyNotJson(error)) {
    return { body: problem(400, 'BAD_REQUEST', notJsonDetail((error as Error).message), at), headers, unexpected: false };
  }
  const clientStatus = error instanceof HttpException ? error.getStatus() : exposedStatusOf(error);
  const undecodable = clientStatus === 400 ? undecodablePathDetail(error) : null;
  if (undecodable !== null) return { body: problem(400, 'BAD_REQUEST', undecodable, at), headers, unexpected: false };
  if (clientStatus !== null && clientStatus >= 400 && clientStatus < 500) {
    const code = CODE_OF_STATUS[clientStatus] ?? `HTTP_${clientStatus}`;
    const detail = clientStatus === 413 ? tooLargeDetail(error) : (error as Error).message;
    return { body: problem(clientStatus, code, detail, at), headers, unexpected: false };
  }
  return {
    body: problem(500, 'INTERNAL_ERROR', 'an unexpected error occurred; it has been logged on the server', at),
    headers,
    unexpected: true,
  };
}
