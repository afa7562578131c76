import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { LedgerConfig } from '@roster-ledger/config';
import { ACCESS_LOG, type AccessLog } from '@roster-ledger/ledger';
import { accessLogPath } from '@roster-ledger/read-models';
import { LedgerRuntimeModule } from '../apps/cli/src/ledger-runtime.module';
import { testKeysConfig } from './support/api-client';

/**
 * In a server, WAL checkpoints belong to the housekeeping thread: no request's commit may run one.
 * The access log's commits are the server's most frequent writes, so its connection must not
 * checkpoint either.
 */
describe("a server's access-log connection", () => {
  const dir = mkdtempSync(join(tmpdir(), 'access-log-server-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('never checkpoints the WAL inside a request\'s commit', async () => {
    const path = join(dir, 'ledger.db');
    const config = LedgerConfig.load({ LEDGER_CONFIG: '', LEDGER_API_KEYS: testKeysConfig() }, { db: path });
    const app = await NestFactory.createApplicationContext(LedgerRuntimeModule.forRoot(config, { server: true }), { logger: false });
    try {
      const log = app.get<AccessLog>(ACCESS_LOG);
      const pageSize = 4096;
      // a few thousand requests, well inside the housekeeper's first second: only the requests' own commits can checkpoint
      const students = Array.from({ length: 25 }, (_, i) => `student-${i}`);
      for (let i = 0; i < 3_000; i++) {
        await log.record({ at: new Date().toISOString(), who: 'desk', role: 'support', endpoint: 'GET /classes/:id/roster', studentIds: students });
      }
      const walFrames = statSync(`${accessLogPath(path)}-wal`).size / (pageSize + 24);
      // with the request path free of checkpoints the WAL holds every frame written (several thousand);
      // a checkpoint run by a request's commit makes the WAL start over at about 1000 frames
      expect(walFrames).toBeGreaterThan(2_000);
    } finally {
      await app.close();
    }
  });
});
