import type { AddressInfo } from 'node:net';
import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { API_KEY_HASH_COMMAND, ConfigError, type LedgerConfig } from '@roster-ledger/config';
import { createApiApplication } from './api-application';
import { SyncScheduler, type ScheduledSync } from './district-syncs/sync-scheduler';
import { DOCS_PATH } from './openapi/openapi';

export interface ApiServerOptions {
  port: number;
  host: string;
  logger?: LoggerService | LogLevel[] | false;
}

/** Refusing to start is kinder than a server that answers 401 to everyone. */
export function assertApiKeysConfigured(config: LedgerConfig): void {
  if (config.apiKeys.length > 0) return;
  throw new ConfigError(
    'no API key is configured: set LEDGER_API_KEYS to a JSON array such as ' +
      `'[{"name": "alice", "role": "support", "sha256": "<hex SHA-256 of the key>"}]' (or "apiKeys" in the LEDGER_CONFIG file); ` +
      `make a hash with: ${API_KEY_HASH_COMMAND}`,
  );
}

/**
 * The API serving HTTP, with the live projection runner and the districts' sync schedules in the
 * same process on the embedded store: what `roster-ledger serve` runs.
 */
export class ApiServer {
  private constructor(
    private readonly app: INestApplication,
    /** The base URL, e.g. http://127.0.0.1:3000 */
    readonly url: string,
  ) {}

  get docsUrl(): string {
    return `${this.url}/${DOCS_PATH}`;
  }

  /** The sync schedules this server runs. */
  get schedules(): ScheduledSync[] {
    return this.app.get(SyncScheduler).schedules();
  }

  /**
   * @throws ConfigError when no API key is configured
   * @throws the listen error (EADDRINUSE, EACCES) when the port cannot be had
   */
  static async start(config: LedgerConfig, options: ApiServerOptions): Promise<ApiServer> {
    assertApiKeysConfigured(config);
    const app = await createApiApplication(config, { liveProjections: true, schedules: true, logger: options.logger });
    try {
      await app.listen(options.port, options.host);
    } catch (error) {
      await app.close();
      throw error;
    }
    const address = app.getHttpServer().address() as AddressInfo;
    // an unspecified address is not one a browser can open
    const unspecified = address.address === '0.0.0.0' || address.address === '::';
    const host = unspecified ? 'localhost' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return new ApiServer(app, `http://${host}:${address.port}`);
  }

  /** Stops the runner (before the ledger's connections close), then the HTTP server. */
  async stop(): Promise<void> {
    await this.app.close();
  }
}
