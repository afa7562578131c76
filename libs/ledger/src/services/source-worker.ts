import { extname, join } from 'node:path';
import { Worker, type TransferListItem } from 'node:worker_threads';

const BOOT = `
const { workerData } = require('node:worker_threads');
if (workerData.register) require(workerData.register);
require(workerData.entry);
`;

/**
 * Starts a worker thread on a module of this code base, given as its path without extension
 * (`join(__dirname, 'x.worker')`). Run from TypeScript sources (the CLI, the tests), the thread
 * first loads the same on-the-fly compiler (bin/register.js); run from compiled JavaScript, it loads the `.js`.
 * The module reads its input from `workerData.data`; `transfer` lists what of it moves to the
 * thread (a MessagePort).
 */
export function startSourceWorker(entryWithoutExtension: string, callerFile: string, data: unknown, transfer: TransferListItem[] = []): Worker {
  const extension = extname(callerFile);
  const register = extension === '.ts' ? join(__dirname, '../../../../bin/register.js') : null;
  return new Worker(BOOT, { eval: true, workerData: { entry: `${entryWithoutExtension}${extension}`, register, data }, transferList: transfer });
}
