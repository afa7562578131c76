import { ConsoleLogger, type LogLevel } from '@nestjs/common';

/** The contexts of Nest's start-up chatter: one line per module and route, noise for someone starting `serve`. */
export const NEST_START_UP_CONTEXTS: ReadonlySet<string> = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

/**
 * Nest's console logger for `serve` and the CLI: without the start-up listing of modules and
 * routes, without Nest's report of a failure to start (the caller reports it in one line), and on
 * stderr only, so that stdout keeps what the command itself prints (`--json` is one document).
 */
export class QuietStartupLogger extends ConsoleLogger {
  override log(message: unknown, context?: string): void {
    if (context !== undefined && NEST_START_UP_CONTEXTS.has(context)) return;
    super.log(message, context);
  }

  /**
   * A failure to start, which Nest's ExceptionHandler logs with its stack, is reported by the caller
   * in one line; so is a failure to listen (a port in use), which NestApplication logs as it rejects
   * (its only other error, getUrl before listen, rejects too).
   */
  override error(message: unknown, ...rest: unknown[]): void {
    const context = rest[rest.length - 1];
    if (context === 'ExceptionHandler' || context === 'NestApplication') return;
    super.error(message, ...rest);
  }

  /**
   * When a line was logged, as ISO-8601 UTC with milliseconds like every other time the ledger
   * writes: Nest's own is in the machine's locale and zone (`12/07/2026, 12:10:29 PM`, or
   * `07.12.2026, 12:10:38` under a German locale), which a log shipper cannot parse.
   */
  protected override getTimestamp(): string {
    return new Date().toISOString();
  }

  protected override printMessages(messages: unknown[], context?: string, logLevel?: LogLevel, _stream?: 'stdout' | 'stderr', errorStack?: unknown): void {
    super.printMessages(messages, context, logLevel, 'stderr', errorStack);
  }
}

/** A QuietStartupLogger of these levels only (the CLI: errors). */
export function quietLogger(levels: LogLevel[]): QuietStartupLogger {
  const logger = new QuietStartupLogger();
  logger.setLogLevels(levels);
  return logger;
}
