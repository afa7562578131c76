import { once, type EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { studentsNamedInSyncEvents } from '@roster-ledger/clever';
import { exportAudit, type AuditFilter, type Viewer } from '@roster-ledger/ledger';
import type { Response } from 'express';
import type { ExportFormat } from './audit-export-query.dto';
import { changeForViewer } from '../syncs/sync-for-viewer';

/** Changes read and written at a time: memory stays flat whatever the feed's size. */
export const EXPORT_PAGE_SIZE = 1_000;

const CONTENT_TYPE: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/**
 * Streams a district's whole filtered audit feed to a response: the ledger's exportAudit pages
 * through the audit query (which redacts by role and writes the access log), the same export as
 * `roster-ledger audit export`; this writes each page as it comes, waits when the client reads
 * slower than the ledger (which also lets other requests in between pages), and stops when the
 * client goes away.
 */
@Injectable()
export class AuditExporter {
  constructor(private readonly queries: QueryBus) {}

  async export(filter: AuditFilter, viewer: Viewer, format: ExportFormat, response: Response, fileName: string, { after, bom = false }: { after?: number; bom?: boolean } = {}): Promise<void> {
    let gone = false;
    response.once('close', () => (gone = true));
    // the students a sync event's findings name beside a personal field: logged with the rest each page shows
    const chunks = exportAudit(this.queries, filter, viewer, format, {
      pageSize: EXPORT_PAGE_SIZE,
      after,
      shown: (change) => changeForViewer(change, viewer),
      namedInFindings: studentsNamedInSyncEvents,
      bom,
    })[Symbol.asyncIterator]();
    // the opening and the first page are read before any byte is sent, so a failure there is still a problem+json answer
    const opening = await chunks.next();
    const firstPage = await chunks.next();
    response.status(200).set({
      'Content-Type': CONTENT_TYPE[format],
      'Content-Disposition': `attachment; filename="${fileName}.${format}"`,
      // personal data: no shared cache may keep it
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    for (const chunk of [opening, firstPage]) if (!chunk.done) await writeOrWait(response, chunk.value);
    if (!firstPage.done) {
      for (let next = await chunks.next(); !next.done && !gone; next = await chunks.next()) await writeOrWait(response, next.value);
    }
    if (gone) await chunks.return(undefined);
    else response.end();
  }
}

/**
 * Writes a chunk, and when the response's buffer is full waits until it drains or the client goes
 * away. The listener of the event that did not come is removed: a long export waits many times.
 */
export async function writeOrWait(response: NodeJS.WritableStream & EventEmitter, chunk: string): Promise<void> {
  if (response.write(chunk)) return;
  const waited = new AbortController();
  try {
    await Promise.race([once(response, 'drain', { signal: waited.signal }), once(response, 'close', { signal: waited.signal })]);
  } finally {
    waited.abort();
  }
}
