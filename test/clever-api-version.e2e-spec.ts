import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import type { CommandBus } from '@nestjs/cqrs';
import { SyncDistrictCommand, type RecordedEvent, type SyncDistrictResult, type SyncMode } from '@roster-ledger/ledger';
import { CLEVER_DEMO_DISTRICT_ID, CleverStandIn } from '@roster-ledger/testing';
import { demoObjects, isRoster, ledgerRuntime, logOf, STAND_IN_TOKEN, standInConfig } from './support/clever-sync-runtime';

const D = CLEVER_DEMO_DISTRICT_ID;
type Json = Record<string, any>;

/**
 * A district read at Clever's API v3.1, then at v3.0 (its configured version changed back, or a
 * deployment without it): v3.0 has no 504 status, gifted status, disability, ISO home language
 * code nor preferred name. Their absence is not a change: the ledger keeps what v3.1 gave and
 * says so, through the Data API and the Events API alike; read at v3.1 again, a cleared value is.
 */
describe('Clever syncs at API v3.0 after v3.1 (end to end)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-ledger-clever-version-'));
  const standIn = new CleverStandIn({ token: STAND_IN_TOKEN });
  const db = join(dir, 'ledger.db');
  let runtime: { app: INestApplicationContext; commands: CommandBus } | undefined;

  const users = demoObjects('users.json');
  const index = users.findIndex((u) => u['roles']?.student);
  const plain = users[index]!;
  /** The student as v3.1 serves them: the v3.1 fields given. */
  const atV31: Json = {
    ...structuredClone(plain),
    roles: {
      ...structuredClone(plain['roles']),
      student: {
        ...structuredClone(plain['roles'].student),
        section_504_status: 'Y',
        gifted_status: 'N',
        disability: { disability_status: 'Y', disability_type: 'Autism' },
        home_language_code: 'eng',
        preferred_name: { first: 'Sunny' },
      },
    },
  };
  const serving = (student: Json) => standIn.setRecords('users', users.map((u, i) => (i === index ? student : u)));

  /** A sync of the district at `version`, in a runtime configured for it, and the roster events it appended. */
  const syncAt = async (version: 'v3.0' | 'v3.1', mode: SyncMode): Promise<{ result: SyncDistrictResult; appended: RecordedEvent[] }> => {
    await runtime?.app.close();
    runtime = await ledgerRuntime(standInConfig(db, standIn.baseUrl, { version }));
    const before = (await logOf(db)).length;
    const result = await runtime.commands.execute<SyncDistrictCommand, SyncDistrictResult>(new SyncDistrictCommand(D, { mode, requestedBy: 'e2e' }));
    return { result, appended: (await logOf(db)).slice(before).filter(isRoster) };
  };
  const ofStudent = (events: RecordedEvent[]) => events.filter((e) => e.streamId === `user-${plain['id']}`);

  beforeAll(async () => {
    await standIn.start();
    serving(atV31);
  });
  afterAll(async () => {
    await runtime?.app.close();
    await standIn.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps what v3.1 gave when a full sync reads at v3.0, and says which fields it kept', async () => {
    const first = await syncAt('v3.1', 'full');
    const shared = ofStudent(first.appended).find((e) => e.type === 'StudentShared')!;
    expect((shared.data as Json)['personal']).toMatchObject({ section_504_status: 'Y', preferred_name: { first: 'Sunny' } });

    serving(plain);
    const { result, appended } = await syncAt('v3.0', 'full');
    expect(result.summary.status).toBe('completed');
    expect(ofStudent(appended)).toEqual([]);
    expect(result.summary.kept).toEqual({
      'section_504_status (a v3.1 field, read at v3.0)': 1,
      'gifted_status (a v3.1 field, read at v3.0)': 1,
      'disability (a v3.1 field, read at v3.0)': 1,
      'home_language_code (a v3.1 field, read at v3.0)': 1,
      'preferred_name (a v3.1 field, read at v3.0)': 1,
    });
  });

  it('records what a v3.0 event changes, and keeps the v3.1 fields its object leaves out', async () => {
    const grade = String(Number(plain['roles'].student.grade) + 1);
    const changed: Json = { ...structuredClone(plain), roles: { ...structuredClone(plain['roles']), student: { ...structuredClone(plain['roles'].student), grade } } };
    standIn.pushEvent({ type: 'users.updated', data: { object: changed, previous_attributes: { roles: plain['roles'] } } });
    serving(changed);
    const { result, appended } = await syncAt('v3.0', 'events');
    expect(result.ran).toBe('events');
    expect(ofStudent(appended).map((e) => [e.type, (e.data as Json)['changes'] ?? (e.data as Json)['personal']])).toEqual([['StudentUpdated', { grade: { from: plain['roles'].student.grade, to: grade } }]]);
    expect(result.summary.kept).toMatchObject({ 'section_504_status (a v3.1 field, read at v3.0)': 1 });
  });

  it('records a v3.1 field cleared when read at v3.1 again', async () => {
    const grade = String(Number(plain['roles'].student.grade) + 1);
    const cleared: Json = structuredClone(atV31);
    cleared['roles'].student.grade = grade;
    cleared['roles'].student.section_504_status = '';
    serving(cleared);
    const { result, appended } = await syncAt('v3.1', 'full');
    expect(result.summary.kept).toEqual({});
    const demographic = ofStudent(appended).find((e) => e.type === 'DemographicUpdated');
    expect(demographic?.data).toMatchObject({ personal: { section_504_status: { from: 'Y', to: null } } });
  });
});
