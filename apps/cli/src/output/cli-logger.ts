import { ConsoleLogger } from '@nestjs/common';

/**
 * The CLI's Nest logger: errors only. Nest's own ExceptionHandler, which reports a failure to start
 * the application (the ledger could not be opened: locked, not a database, unreadable) with its
 * whole stack, is left out: main reports that failure itself, as one line naming the file and why.
 */
export class CliLogger extends ConsoleLogger {
  constructor() {
    super();
    this.setLogLevels(['error']);
  }

  override error(message: unknown, ...rest: unknown[]): void {
    if (rest[rest.length - 1] === 'ExceptionHandler') return;
    super.error(message, ...rest);
  }
}
