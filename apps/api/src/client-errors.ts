import { maxHeaderSize, STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Logger } from '@nestjs/common';
import { PROBLEM_JSON, problemType } from './errors/problem-details';

const logger = new Logger('Http');

/** The status Node answers a request it could not parse with (its own choice, kept for every other error). */
const STATUS_OF_PARSE_ERROR: Readonly<Record<string, number>> = {
  HPE_HEADER_OVERFLOW: 431,
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 413,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

/**
 * The answer to a request whose request line and headers together are over Node's limit (16 kB
 * unless `--max-http-header-size` says otherwise): a long query (`types=` listing every type many
 * times over, an id pasted in a loop) or a header grown past reason. Node answered it with a bare
 * 431, no body and no line in the log, where every other refusal is a problem saying why.
 */
export function headersTooLargeProblem(limit: number = maxHeaderSize): string {
  const code = 'REQUEST_HEADERS_TOO_LARGE';
  return JSON.stringify({
    type: problemType(code),
    title: 'Request header fields too large',
    status: 431,
    detail:
      `the request's URL and headers are over the server's limit of ${limit.toLocaleString('en-US')} bytes: ` +
      'send a shorter query (each list value once) and headers of a usual size',
    code,
  });
}

/**
 * Answers requests Node refuses before any route sees them. One too large in its URL or headers
 * gets a problem document (see headersTooLargeProblem) and a line in the log, by its status alone
 * (nothing of the request was read); any other gets the answer Node gives it when nothing listens
 * for `clientError`, which listening here takes over.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const answering = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
    if (!socket.writable || answering?.headersSent === true || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const status = STATUS_OF_PARSE_ERROR[error.code ?? ''] ?? 400;
    const reason = `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n`;
    if (status !== 431) {
      socket.end(`${reason}\r\n`);
      return;
    }
    const body = headersTooLargeProblem();
    socket.end(`${reason}Content-Type: ${PROBLEM_JSON}; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\n\r\n${body}`);
    logger.log('(refused before routing: request line and headers too large) 431');
  });
}
