import { LedgerState, RECORD_KINDS, summariseSection, summariseUser, type SectionState, type UserState } from '@roster-ledger/domain';
import { SqliteDistrictStateStore, SqliteEventStore, SqliteLedgerDatabase, sectionSummaryOf, userSummaryOf } from '@roster-ledger/event-store';
import type { DistrictStateSnapshot } from '@roster-ledger/ledger';
import { canonicalJson, withReadOnly } from './crash-ledger';

/** A district's state folded from the whole log of a ledger file, up to `upTo` (default: all of it). */
export async function stateFoldedFromLog(db: string, districtId: string, upTo = Number.MAX_SAFE_INTEGER): Promise<LedgerState> {
  const store = new SqliteEventStore(new SqliteLedgerDatabase(db));
  const state = new LedgerState();
  for (const category of RECORD_KINDS) {
    for await (const event of store.readCategory(category)) {
      if (event.position <= upTo && event.metadata['districtId'] === districtId) state.apply(event);
    }
  }
  await store.close();
  return state;
}

/** The district's saved state snapshot in a ledger file, every user's and section's state read (a load reads them when asked for). */
export async function savedDistrictState(db: string, districtId: string): Promise<DistrictStateSnapshot | null> {
  const database = new SqliteLedgerDatabase(db);
  try {
    const snapshot = await new SqliteDistrictStateStore(database).load(districtId);
    snapshot?.state.users.values();
    snapshot?.state.sections.values();
    return snapshot;
  } finally {
    database.close();
  }
}

export const logHead = (db: string): number =>
  withReadOnly(db, (raw) => (raw.prepare('SELECT max(position) AS head FROM events').get() as { head: number }).head);

/**
 * Order-independent: the same records with the same states. Without the snapshot bytes a state
 * notes it was made from (`source`): the log does not hold them, a sync's diff sets them.
 */
export const canonicalState = (state: LedgerState): string[] =>
  [...state.entries()].map(({ state: { source: _source, ...rest }, ...key }) => canonicalJson({ ...key, state: rest })).sort();

/**
 * Expects the saved snapshot to be at `at` (default the log head) and to equal the log folded up
 * to there, and each user's and section's saved summary to be the summary of its saved state.
 */
export async function expectSavedStateToBeTheLog(db: string, districtId: string, at: number = logHead(db)): Promise<void> {
  const snapshot = await savedDistrictState(db, districtId);
  expect(snapshot?.position).toBe(at);
  expect(canonicalState(snapshot!.state)).toEqual(canonicalState(await stateFoldedFromLog(db, districtId, at)));
  const [states, summaries] = withReadOnly(db, (raw) => [
    raw.prepare(`SELECT id, state FROM district_state_records WHERE district_id = ? AND category = 'user' ORDER BY id`).all(districtId) as { id: string; state: string }[],
    raw.prepare('SELECT id, summary FROM district_state_user_summaries WHERE district_id = ? ORDER BY id').all(districtId) as { id: string; summary: string }[],
  ]);
  expect(summaries.map((row) => [row.id, userSummaryOf(JSON.parse(row.summary))])).toEqual(states.map((row) => [row.id, summariseUser(JSON.parse(row.state) as UserState)]));
  const [sections, sectionSummaries] = withReadOnly(db, (raw) => [
    raw.prepare(`SELECT id, state FROM district_state_records WHERE district_id = ? AND category = 'section' ORDER BY id`).all(districtId) as { id: string; state: string }[],
    raw.prepare('SELECT id, summary FROM district_state_section_summaries WHERE district_id = ? ORDER BY id').all(districtId) as { id: string; summary: string }[],
  ]);
  expect(sectionSummaries.map((row) => [row.id, sectionSummaryOf(JSON.parse(row.summary))])).toEqual(
    sections.map((row) => [row.id, summariseSection(JSON.parse(row.state) as SectionState)]),
  );
}
