import type { Viewer } from '@roster-ledger/ledger';
import { withoutServerPaths } from '../errors/problem-details';

/** The roles that run the server and are told its own details: where it keeps its files, which of its processes did what. */
const SERVER_OPERATORS: ReadonlySet<string> = new Set(['admin', 'engineer']);

/** Whether a viewer runs the server (admin, engineer) and so sees its paths and processes. */
export function runsTheServer(viewer: Viewer): boolean {
  return SERVER_OPERATORS.has(viewer.role);
}

/** A process named by its id and host in a text (`its process 28270 on vm had stopped`). */
const PROCESS_ON_HOST = /\b(by )?process \d+ on [^\s;:,)]+/g;

/**
 * A text as compliance and support are shown it: a path on the server cut to its last part (see
 * withoutServerPaths), and a process of the server named without its id and host (`its process
 * had stopped`, `being rebuilt by another process`). Which machine runs the ledger, and where it keeps its files, is for those who
 * run it.
 */
export function withoutServerDetails(text: string): string {
  return withoutServerPaths(text).replace(PROCESS_ON_HOST, (_, by: string | undefined) => (by === undefined ? 'process' : 'by another process'));
}
