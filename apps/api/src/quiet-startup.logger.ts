import { ConsoleLogger, type LogLevel } from '@nestjs/common';

// Nest's start-up chatter: one line per module and route, noise for someone starting `serve`.
const CHATTY = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

/**
 * Nest's console logger for `serve`: without the start-up listing of modules and routes, and on
 * stderr only, so that stdout keeps what the command itself prints (`--json` is one document).
 */
export class QuietStartupLogger extends ConsoleLogger {
  override log(message: unknown, context?: string): void {
    if (context !== undefined && CHATTY.has(context)) return;
    super.log(message, context);
  }

  protected override printMessages(messages: unknown[], context?: string, logLevel?: LogLevel, _stream?: 'stdout' | 'stderr', errorStack?: unknown): void {
    super.printMessages(messages, context, logLevel, 'stderr', errorStack);
  }
}
