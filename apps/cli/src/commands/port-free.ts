import { createServer } from 'node:net';

/**
 * Listens on the address for a moment and lets go: the listen error (EADDRINUSE, EACCES) if it
 * cannot be had. `serve` asks before it opens the ledger, so a port in use creates no ledger file
 * on a path given by mistake. Only a first look: the port may be taken between this and the real
 * listen, which reports the same error.
 */
export function checkPortFree(port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}
