import type { LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { LedgerConfig } from '@roster-ledger/config';
import { ApiModule, type ApiModuleOptions } from './api.module';
import { ApiKeyRegistry } from './auth/api-key-registry';
import { bodyGate } from './body-gate.middleware';
import { answerClientErrors } from './client-errors';
import { setupOpenApi } from './openapi/openapi';
import { requestLogger } from './request-logger.middleware';
import { noStore } from './no-store.middleware';

export interface ApiApplicationOptions extends ApiModuleOptions {
  /** Nest's logger: `false` in tests, a quiet console logger in `serve`. */
  logger?: LoggerService | LogLevel[] | false;
}

/** The API as an unstarted Nest application: the module, the request log and the OpenAPI docs. */
export async function createApiApplication(config: LedgerConfig, options: ApiApplicationOptions = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config, options), {
    logger: options.logger ?? ['log', 'warn', 'error'],
    // a failure to start (the ledger cannot be opened) is thrown to the caller, which reports it, rather than ending the process
    abortOnError: false,
  });
  app.disable('x-powered-by');
  answerClientErrors(app.getHttpServer());
  app.use(requestLogger);
  app.use(noStore);
  app.use(bodyGate(app.get(ApiKeyRegistry)));
  setupOpenApi(app);
  return app;
}
