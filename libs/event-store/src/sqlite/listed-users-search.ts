import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { ListedUsersSearch } from '@roster-ledger/domain';
import { startSourceWorker } from '@roster-ledger/ledger';

/** What the search's thread is given. */
export interface ListedUsersSearchInput {
  dbPath: string;
  districtId: string;
  users: string[];
  /** Its answer goes to this port, then `done` says it is there. */
  port: MessagePort;
  /** 0 while it searches, then 1 (found) or 2 (failed). */
  done: Int32Array;
}

/** What the thread posts: every `[section id, user id]` pair found, or why it could not search. */
export type ListedUsersSearchAnswer = { pairs: [string, string][] } | { failed: string };

/** How long collecting waits for the thread before searching itself: a million students' sections take seconds. */
const WAIT_AT_MOST_MS = 120_000;

/**
 * Looks for the saved sections of a district that list any of some users on a thread of its own,
 * on a connection of its own (see ListedUsersSearch): a million students' district has 170,000
 * sections to parse, seconds a sync would otherwise spend on its own thread at its end.
 * Collecting blocks until the thread has answered: the sync's end is synchronous. A thread that
 * fails or has not answered within two minutes gives null, and the caller searches itself.
 */
export function listedUsersSearchOn(dbPath: string, districtId: string): ListedUsersSearch {
  return (users) => {
    const { port1, port2 } = new MessageChannel();
    const done = new Int32Array(new SharedArrayBuffer(4));
    const input: ListedUsersSearchInput = { dbPath, districtId, users: [...users], port: port2, done };
    const worker = startSourceWorker(join(__dirname, 'listed-users-search.worker'), __filename, input, [port2]);
    // an answer nobody collects (a sync that failed first) keeps nothing alive
    worker.unref();
    port1.unref();
    return {
      collect: () => {
        const state = Atomics.wait(done, 0, 0, WAIT_AT_MOST_MS);
        const answer = state === 'timed-out' ? undefined : (receiveMessageOnPort(port1)?.message as ListedUsersSearchAnswer | undefined);
        port1.close();
        if (answer === undefined || 'failed' in answer) {
          void worker.terminate();
          return null;
        }
        return answer.pairs;
      },
    };
  };
}
