import { workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { SectionState } from '@roster-ledger/domain';
import type { ListedUsersSearchAnswer, ListedUsersSearchInput } from './listed-users-search';

/*
 * The thread of listedUsersSearchOn: one pass over the district's saved sections, read on a
 * connection of its own, posting the `[section id, user id]` pairs of the users asked about, then
 * saying so through the shared `done` (the caller waits on it, not on its event loop).
 */

const { dbPath, districtId, users, port, done } = (workerData as { data: ListedUsersSearchInput }).data;
let answer: ListedUsersSearchAnswer;
try {
  const wanted = new Set(users);
  const db = new Database(dbPath, { fileMustExist: true, timeout: 5_000 });
  try {
    db.pragma('query_only = ON');
    const sections = db.prepare<[string], [string, string]>("SELECT id, state FROM district_state_records WHERE district_id = ? AND category = 'section'").raw();
    const pairs: [string, string][] = [];
    for (const [id, text] of sections.iterate(districtId)) {
      const { teachers, students } = JSON.parse(text) as SectionState;
      for (const user of teachers) if (wanted.has(user)) pairs.push([id, user]);
      for (const user of students) if (wanted.has(user)) pairs.push([id, user]);
    }
    answer = { pairs };
  } finally {
    db.close();
  }
} catch (error) {
  answer = { failed: error instanceof Error ? error.message : String(error) };
}
port.postMessage(answer);
Atomics.store(done, 0, 'failed' in answer ? 2 : 1);
Atomics.notify(done, 0);
port.close();
