import 'reflect-metadata';
import { parentPort, workerData } from 'node:worker_threads';
import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { LedgerConfig } from '@roster-ledger/config';
import { DomainError } from '@roster-ledger/domain';
import { ApproveSyncCommand, SyncDistrictCommand } from '@roster-ledger/ledger';
import { LedgerRuntimeModule } from '../../../cli/src/ledger-runtime.module';
import { NEST_START_UP_CONTEXTS } from '../quiet-startup.logger';
import type { LedgerCommandMessage, LedgerCommandThreadData } from './ledger-command-thread';

/** Hands what the thread logs to the server, whose logger decides where it goes (and whether at all). */
function serverLogger(post: (message: LedgerCommandMessage) => void): LoggerService {
  const forward =
    (level: 'log' | 'warn' | 'error') =>
    (message: unknown, ...rest: unknown[]): void => {
      const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : 'LedgerThread';
      // Nest's start-up chatter stays here: the server has already said it is up
      if (NEST_START_UP_CONTEXTS.has(context)) return;
      post({ type: 'log', level, context, message: message instanceof Error ? (message.stack ?? message.message) : String(message) });
    };
  return { log: forward('log'), warn: forward('warn'), error: forward('error') };
}

/** A worker thread that runs one sync or approval for the server (see runLedgerCommandInThread). */
async function run({ request, config: loadArguments }: LedgerCommandThreadData, post: (message: LedgerCommandMessage) => void): Promise<void> {
  const config = LedgerConfig.load(loadArguments.env, { db: loadArguments.db, file: loadArguments.file });
  // a failure to start (a ledger it cannot open) is thrown, for the server to answer with its code
  const app = await NestFactory.createApplicationContext(LedgerRuntimeModule.forRoot(config, { serverThread: true }), {
    logger: serverLogger(post),
    abortOnError: false,
  });
  try {
    const commands = app.get(CommandBus);
    const result =
      request.kind === 'sync'
        ? await commands.execute(
            new SyncDistrictCommand(request.districtId, {
              mode: request.mode,
              requestedBy: request.requestedBy,
              requestedVia: request.requestedVia,
              syncId: request.syncId,
              startedAt: request.startedAt,
              onAccepted: () => post({ type: 'accepted' }),
              onProgress: (progress) => post({ type: 'progress', progress }),
            }),
          )
        : await commands.execute(new ApproveSyncCommand(request.syncId, request.by, 'api'));
    post({ type: 'done', result });
  } finally {
    await app.close();
  }
}

function failureOf(error: unknown): Extract<LedgerCommandMessage, { type: 'failed' }> {
  if (!(error instanceof Error)) return { type: 'failed', name: 'Error', deliberate: null, message: String(error), stack: null };
  // a deliberate error by its code and kind; a system's or SQLite's code (ENOSPC, SQLITE_FULL) is not one
  const deliberate = error instanceof DomainError ? { code: error.code, kind: error.kind } : null;
  return { type: 'failed', name: error.name, deliberate, message: error.message, stack: error.stack ?? null };
}

if (parentPort) {
  const port = parentPort;
  const post = (message: LedgerCommandMessage) => port.postMessage(message);
  run((workerData as { data: LedgerCommandThreadData }).data, post).catch((error: unknown) => post(failureOf(error)));
}
