import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLEVER_DEMO_DISTRICT_ID, CleverStandIn } from '@roster-ledger/testing';
import { STAND_IN_TOKEN, TOKEN_ENV, demoObjects } from './support/clever-sync-runtime';
// (a child process, without blocking this one: the Clever stand-in answers from here)
import { runCli as cli } from './support/crash-process';

const D = CLEVER_DEMO_DISTRICT_ID;

describe('roster-ledger sync --events: findings about the records it reads, as a full sync reports them (end to end)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-ledger-events-findings-'));
  const db = join(dir, 'ledger.db');
  const standIn = new CleverStandIn({ token: STAND_IN_TOKEN });
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    const baseUrl = await standIn.start();
    env = { LEDGER_DISTRICTS: JSON.stringify({ [D]: { tokenEnv: TOKEN_ENV, baseUrl } }), [TOKEN_ENV]: STAND_IN_TOKEN };
  });
  afterAll(async () => {
    await standIn.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports a term ending before it starts and a section whose name is "", each with its event and events page, as a full sync reports them', async () => {
    expect((await cli(['sync', '--district', D, '--db', db, '--json'], env)).status).toBe(0);
    const section = demoObjects('sections.json')[0]!;
    const term = standIn.pushEvent({ type: 'terms.created', data: { object: { id: '5a0c91b95c7cc000010d41ff', district: D, name: 'Summer', start_date: '2029-08-01', end_date: '2029-06-01' } } });
    const unnamed = standIn.pushEvent({ type: 'sections.updated', data: { object: { ...section, name: '', last_modified: new Date().toISOString() }, previous_attributes: { name: section['name'] } } });
    const { status, stdout } = await cli(['sync', '--district', D, '--events', '--db', db, '--json'], env);
    expect(status).toBe(0);
    const page = `${standIn.baseUrl}/v3.0/events?limit=1000`;
    expect(JSON.parse(stdout)).toMatchObject({
      status: 'completed',
      counts: { TermShared: 1, SectionUpdated: 1 },
      endsBeforeStart: { term: 1 },
      endsBeforeStartAt: { term: [{ file: `terms.created event ${term.id} (events page ${page})`, record: 0, recordId: '5a0c91b95c7cc000010d41ff' }] },
      unnamed: { section: 1 },
      unnamedAt: { section: [{ file: `sections.updated event ${unnamed.id} (events page ${page})`, record: 1, recordId: section['id'] }] },
    });
  });

  it("counts a section's term and course the ledger holds as no one shared, kept as ids, as a full sync counts those its snapshot lacks", async () => {
    const section = demoObjects('sections.json')[1]!;
    const term = '5a0c91b95c7cc000010d42aa';
    const course = '5a0c91b95c7cc000010d42bb';
    standIn.pushEvent({ type: 'sections.updated', data: { object: { ...section, term_id: term, course, last_modified: new Date().toISOString() }, previous_attributes: { term_id: section['term_id'], course: section['course'] } } });
    const { status, stdout } = await cli(['sync', '--district', D, '--events', '--db', db, '--json'], env);
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ status: 'completed', counts: { SectionUpdated: 1 }, unresolved: { term: 1, course: 1 }, unresolvedIds: { term: [term], course: [course] } });
  });
});
