import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { Logger } from '@nestjs/common';
import { ConfigError, keepNewFilesPrivate, LedgerConfig } from '@roster-ledger/config';
import { ApiServer } from './api-server';
import { QuietStartupLogger } from './quiet-startup.logger';
import { DEFAULT_HOST, DEFAULT_PORT } from './listen-defaults';
import { shutdownSignal } from './shutdown-signal';

/**
 * Serves the API until SIGINT or SIGTERM, then stops the projection runner and the HTTP server.
 * `roster-ledger serve` is the usual way in; this entry point is the same without the CLI:
 * `node -r ./bin/register.js apps/api/src/main.ts [--port 3000] [--host 127.0.0.1] [--db <path>]`.
 */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const logger = new Logger('RosterLedgerApi');
  // a ledger, its read models and its access log hold students' personal data
  keepNewFilesPrivate();
  const { values } = parseArgs({ args: argv.slice(2), options: { port: { type: 'string' }, host: { type: 'string' }, db: { type: 'string' } } });
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    logger.error(`--port must be a whole number from 0 to 65535, got "${values.port}"`);
    process.exitCode = 2;
    return;
  }
  let server: ApiServer;
  try {
    const config = LedgerConfig.load(process.env, { db: values.db });
    server = await ApiServer.start(config, { port, host: values.host ?? DEFAULT_HOST, logger: new QuietStartupLogger() });
  } catch (error) {
    logger.error(`cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = error instanceof ConfigError ? 2 : 1;
    return;
  }
  logger.log(`listening on ${server.url}; OpenAPI docs at ${server.docsUrl}`);
  const signal = await shutdownSignal(() => process.exit(130));
  logger.log(`${signal}: stopping`);
  await server.stop();
}

if (require.main === module) {
  void main();
}
