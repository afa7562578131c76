import { posix } from 'node:path';
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
 * The folders of these paths (a sync's snapshot folder, the files its findings name), to be cut
 * whole: a path is told from the words after it by a space, so one whose folders' names hold
 * spaces (`/srv/clever north/2026-12-08/users.json`) is cut right only where its folder is known.
 */
export function foldersOf(paths: readonly (string | null | undefined)[]): string[] {
  return [...new Set(paths.filter((path): path is string => typeof path === 'string' && path.startsWith('/')).map((path) => posix.dirname(path)))];
}

/**
 * A text as compliance and support are shown it: a path on the server cut to its last part (see
 * withoutServerPaths), and a process of the server named without its id and host (`its process
 * had stopped`, `being rebuilt by another process`). Which machine runs the ledger, and where it keeps its files, is for those who
 * run it. `folders` are cut whole, whatever their names hold (see foldersOf).
 */
export function withoutServerDetails(text: string, folders: readonly string[] = []): string {
  return withoutServerPaths(text, folders).replace(PROCESS_ON_HOST, (_, by: string | undefined) => (by === undefined ? 'process' : 'by another process'));
}
