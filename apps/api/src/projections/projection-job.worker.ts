import 'reflect-metadata';
import { parentPort, workerData } from 'node:worker_threads';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { LedgerConfig } from '@roster-ledger/config';
import {
  RebuildProjectionsCommand,
  VerifyProjectionsCommand,
  type ProjectionProgress,
  type RebuildResult,
  type VerifyResult,
} from '@roster-ledger/ledger';
import { LedgerRuntimeModule } from '../../../cli/src/ledger-runtime.module';
import { jobFailure, type ProjectionJobMessage, type ProjectionJobRequest } from './projection-job';

/**
 * A worker thread that runs one rebuild or verification on connections of its own. The read
 * models are synchronous SQLite: run in the server's thread, a rebuild of millions of events
 * would hold the event loop (and so every other request) until it finished.
 */
async function run(request: ProjectionJobRequest, post: (message: ProjectionJobMessage) => void): Promise<void> {
  const config = LedgerConfig.load({ LEDGER_CONFIG: request.configFile ?? '' }, { db: request.dbPath });
  const app = await NestFactory.createApplicationContext(LedgerRuntimeModule.forRoot(config), { logger: ['error', 'warn'] });
  try {
    const commands = app.get(CommandBus);
    const onProgress = (progress: ProjectionProgress) => post({ type: 'progress', progress });
    const result =
      request.kind === 'rebuild'
        ? await commands.execute<RebuildProjectionsCommand, RebuildResult>(new RebuildProjectionsCommand(request.names, { dryRun: request.dryRun, onProgress }))
        : await commands.execute<VerifyProjectionsCommand, VerifyResult[]>(new VerifyProjectionsCommand(request.names, onProgress));
    post({ type: 'done', result });
  } finally {
    await app.close();
  }
}

if (parentPort) {
  const port = parentPort;
  const post = (message: ProjectionJobMessage) => port.postMessage(message);
  run((workerData as { data: ProjectionJobRequest }).data, post).catch((error: unknown) => post(jobFailure(error)));
}
