import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { LedgerConfig } from '@roster-ledger/config';
import { DomainError, type ErrorKind } from '@roster-ledger/domain';
import { startSourceWorker, type SyncMode, type SyncProgress } from '@roster-ledger/ledger';

/** A command that appends to the ledger, asked of a worker thread. */
export type LedgerCommandRequest =
  | { kind: 'sync'; districtId: string; mode: SyncMode; requestedBy: string; requestedVia: 'api' | 'schedule'; syncId: string; startedAt: string }
  | { kind: 'approve'; syncId: string; by: string };

/** What the worker tells the server. */
export type LedgerCommandMessage =
  | { type: 'accepted' }
  | { type: 'progress'; progress: SyncProgress }
  | { type: 'log'; level: 'log' | 'warn' | 'error'; context: string; message: string }
  | { type: 'done'; result: unknown }
  | { type: 'failed'; name: string; deliberate: { code: string; kind: ErrorKind } | null; message: string; stack: string | null };

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

/** A deliberate error raised in the worker, with its code, kind, class name and message, for the API's mapping. */
export class LedgerCommandRefused extends DomainError {
  constructor(
    readonly code: string,
    readonly kind: ErrorKind,
    name: string,
    message: string,
  ) {
    super(message);
    this.name = name;
  }
}

/** The thread ended without telling how its command ended: it crashed (out of memory, say). */
export class LedgerThreadStopped extends Error {
  constructor(kind: LedgerCommandRequest['kind'], exitCode: number) {
    super(`the ${kind} thread stopped before it finished (exit code ${exitCode}); see the server log`);
    this.name = 'LedgerThreadStopped';
  }
}

/** A command running in a thread. */
export interface LedgerCommandThread<T> {
  /**
   * Its result or error, as soon as the thread tells it (its district's lock is released by then);
   * a LedgerThreadStopped when the thread ended without telling.
   */
  result: Promise<T>;
  /** The thread's end, its connections closed: what a shutdown waits for. */
  exited: Promise<void>;
}

/**
 * Runs a sync or an approval in a worker thread of its own, on connections of its own. A sync of a
 * whole district reads, diffs and appends on one thread for seconds to minutes, and SQLite is
 * synchronous: run on the server's thread, it would leave every request waiting that long.
 * Deliberate errors come back as {@link LedgerCommandRefused} with their code and kind; anything else as
 * an Error; both with the worker's stack. What the thread logs goes through the server's logger.
 */
export function runLedgerCommandInThread<T>(config: LedgerConfig, request: LedgerCommandRequest, handlers: LedgerCommandHandlers = {}): LedgerCommandThread<T> {
  const data: LedgerCommandThreadData = { request, config: config.loadArguments() };
  const worker = startSourceWorker(join(__dirname, 'ledger-command.worker'), __filename, data);
  let settle: { resolve: (result: T) => void; reject: (error: Error) => void } | null = null;
  const result = new Promise<T>((resolve, reject) => (settle = { resolve, reject }));
  // the first word on how it ended counts (a failure to close after its result does not undo it)
  const end = (outcome: { result: T } | { error: Error }) => {
    const waiting = settle;
    settle = null;
    if (waiting === null) return;
    if ('result' in outcome) waiting.resolve(outcome.result);
    else waiting.reject(outcome.error);
  };
  worker.on('message', (message: LedgerCommandMessage) => {
    if (message.type === 'accepted') handlers.onAccepted?.();
    else if (message.type === 'progress') handlers.onProgress?.(message.progress);
    else if (message.type === 'log') new Logger(message.context)[message.level](message.message);
    else if (message.type === 'done') end({ result: message.result as T });
    else end({ error: errorOf(message) });
  });
  worker.on('error', (error) => {
    new Logger('LedgerThread').error(`the ${request.kind} thread crashed: ${error.stack ?? error.message}`);
  });
  const exited = new Promise<void>((resolve) =>
    worker.on('exit', (code) => {
      end({ error: new LedgerThreadStopped(request.kind, code) });
      resolve();
    }),
  );
  return { result, exited };
}

function errorOf(failure: Extract<LedgerCommandMessage, { type: 'failed' }>): Error {
  const { deliberate } = failure;
  const error = deliberate !== null ? new LedgerCommandRefused(deliberate.code, deliberate.kind, failure.name, failure.message) : new Error(failure.message);
  if (failure.stack !== null) error.stack = failure.stack;
  return error;
}
