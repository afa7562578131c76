import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { LedgerConfig } from '@roster-ledger/config';
import { DomainError } from '@roster-ledger/domain';
import { startSourceWorker, type SyncMode, type SyncProgress } from '@roster-ledger/ledger';

/** A command that appends to the ledger, asked of a worker thread. */
export type LedgerCommandRequest =
  | { kind: 'sync'; districtId: string; mode: SyncMode; requestedBy: string; syncId: string }
  | { kind: 'approve'; syncId: string; by: string };

/** What the worker tells the server. */
export type LedgerCommandMessage =
  | { type: 'accepted' }
  | { type: 'progress'; progress: SyncProgress }
  | { type: 'log'; level: 'log' | 'warn' | 'error'; context: string; message: string }
  | { type: 'done'; result: unknown }
  | { type: 'failed'; name: string; code: string | null; message: string; stack: string | null };

/** The worker's input: the command, and what loads the server's configuration again. */
export interface LedgerCommandThreadData {
  request: LedgerCommandRequest;
  config: ReturnType<LedgerConfig['loadArguments']>;
}

export interface LedgerCommandHandlers {
  /** A sync has taken its district's lock: from then on it runs and is recorded. */
  onAccepted?: () => void;
  onProgress?: (progress: SyncProgress) => void;
}

/** A deliberate error raised in the worker, with its code, class name and message, for the API's mapping. */
export class LedgerCommandRefused extends DomainError {
  constructor(
    readonly code: string,
    name: string,
    message: string,
  ) {
    super(message);
    this.name = name;
  }
}

/**
 * Runs a sync or an approval in a worker thread of its own, on connections of its own, and
 * resolves with its result once the thread has exited (its connections closed). A sync of a
 * whole district reads, diffs and appends on one thread for seconds to minutes, and SQLite is
 * synchronous: run on the server's thread, it would leave every request waiting that long.
 * Deliberate errors come back as {@link LedgerCommandRefused} with their code; anything else as
 * an Error with the worker's stack. What the thread logs goes through the server's own logger.
 */
export function runLedgerCommandInThread<T>(config: LedgerConfig, request: LedgerCommandRequest, handlers: LedgerCommandHandlers = {}): Promise<T> {
  const data: LedgerCommandThreadData = { request, config: config.loadArguments() };
  const worker = startSourceWorker(join(__dirname, 'ledger-command.worker'), __filename, data);
  return new Promise<T>((resolve, reject) => {
    let outcome: { result: T } | { error: Error } | null = null;
    worker.on('message', (message: LedgerCommandMessage) => {
      if (message.type === 'accepted') handlers.onAccepted?.();
      else if (message.type === 'progress') handlers.onProgress?.(message.progress);
      else if (message.type === 'log') new Logger(message.context)[message.level](message.message);
      else if (message.type === 'done') outcome = { result: message.result as T };
      else outcome = { error: errorOf(message) };
    });
    worker.on('error', (error) => {
      outcome ??= { error };
    });
    worker.on('exit', (code) => {
      const ended = outcome ?? { error: new Error(`the ${request.kind} thread stopped before it finished (exit code ${code})`) };
      if ('result' in ended) resolve(ended.result);
      else reject(ended.error);
    });
  });
}

function errorOf(failure: Extract<LedgerCommandMessage, { type: 'failed' }>): Error {
  if (failure.code !== null) return new LedgerCommandRefused(failure.code, failure.name, failure.message);
  const error = new Error(failure.message);
  if (failure.stack !== null) error.stack = failure.stack;
  return error;
}
