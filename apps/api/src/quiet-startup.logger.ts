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
