/**
 * Runs a synchronous action again while it fails with SQLITE_BUSY (or one of its extended codes:
 * another connection holds a lock the action needs), sleeping a
 * little longer each time (blocking: for start-up work of synchronous database drivers), until it
 * succeeds or `timeoutMs` has passed; then the last error is thrown.
 *
 * Why: SQLite does not call its busy handler for some locks. Switching a new ledger file to WAL
 * needs an exclusive lock and fails at once with SQLITE_BUSY when another process opens the same
 * new file at that moment (two imports started together on a fresh ledger).
 */
export function retryWhileBusy<T>(action: () => T, timeoutMs: number): T {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let delayMs = 5; ; delayMs = Math.min(delayMs * 2, 200)) {
    try {
      return action();
    } catch (error) {
      if (!isBusy(error) || Date.now() + delayMs > deadline) throw error;
      Atomics.wait(pause, 0, 0, delayMs);
    }
  }
}

/** Recognised by its code, whichever realm or copy of the SQLite driver threw it. */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/**
 * Runs a synchronous action again while it fails with SQLITE_BUSY, waiting between tries without
 * blocking the thread, until it succeeds or `timeoutMs` has passed; then the last error is
 * thrown. For a connection whose busy timeout is 0, in a server: SQLite's own busy handler
 * sleeps, and a sleeping server thread answers nobody.
 */
export async function waitWhileBusy<T>(action: () => T, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delayMs = 1; ; delayMs = Math.min(delayMs * 2, 50)) {
    try {
      return action();
    } catch (error) {
      if (!isBusy(error) || Date.now() + delayMs > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
