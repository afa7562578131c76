import type { INestApplication } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { LedgerConfig } from '@roster-ledger/config';
import { createApiApplication } from '../../apps/api/src/api-application';
import { ApiClient, testKeysConfig } from './api-client';

export interface ApiTestServer {
  app: INestApplication;
  commands: CommandBus;
  client: ApiClient;
  close(): Promise<void>;
}

/**
 * The API on a ledger file, listening on an ephemeral port of 127.0.0.1, with one key per role.
 * No live projection runner: a spec records syncs through the CommandBus and catches up itself,
 * so what it asks is always current.
 */
export async function startApiTestServer(dbPath: string): Promise<ApiTestServer> {
  const config = LedgerConfig.load({ LEDGER_CONFIG: '', LEDGER_API_KEYS: testKeysConfig() }, { db: dbPath });
  const app = await createApiApplication(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, commands: app.get(CommandBus), client: new ApiClient(`http://127.0.0.1:${port}`), close: () => app.close() };
}
