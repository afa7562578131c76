import { CLEVER_DEMO_FOLDER } from '@roster-ledger/testing';
import { sampleIds } from '../scripts/bench/query-latency';
import { cliJson, scratch } from './support/ledger-cli';

/** The latency benchmark asks about ids it reads straight from the live read models' files. */
describe('bench: the ids the latency clients ask about', () => {
  const tmp = scratch('bench-sample-ids');
  afterAll(() => tmp.cleanup());

  it('are the live version’s students and sections, after a rebuild too', () => {
    const db = tmp.path('sampled.db');
    expect(cliJson(['import', CLEVER_DEMO_FOLDER, '--db', db]).status).toBe(0);
    const first = sampleIds(db);
    expect(first.students.length).toBeGreaterThan(0);
    expect(first.sections.length).toBeGreaterThan(0);
    const someone = cliJson<{ items: { id: string; roles: string[] }[] }>(['search', first.students[0]!, '--db', db]).body.items;
    expect(someone.map((a) => [a.id, a.roles.includes('student')])).toEqual([[first.students[0], true]]);

    expect(cliJson(['rebuild', '--all', '--db', db]).status).toBe(0);
    const again = sampleIds(db);
    // the demo district has fewer than the 4,000 sampled: every one, in another order
    expect([new Set(again.students), new Set(again.sections)]).toEqual([new Set(first.students), new Set(first.sections)]);
  }, 60_000);
});
