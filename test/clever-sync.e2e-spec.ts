import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import type { CommandBus } from '@nestjs/cqrs';
import type { SyncSummary } from '@roster-ledger/domain';
import { ApproveSyncCommand, EVENT_STORE, HeldSyncPending, RunEventsSyncCommand, RunSyncCommand, SYNC_LOCK, SyncAlreadyRunning, SyncDistrictCommand, SyncHistory, type EventStore, type SyncLock, type RecordedEvent, type SyncDistrictResult, type SyncMode } from '@roster-ledger/ledger';
import { LISTED_AGAIN } from '@roster-ledger/clever';
import { CLEVER_DEMO_DISTRICT_ID, CLEVER_DEMO_FOLDER, CleverStandIn, type StandInEvent } from '@roster-ledger/testing';
import { demoObjects, isRoster, ledgerRuntime, logOf, STAND_IN_TOKEN, standInConfig } from './support/clever-sync-runtime';
import { expectSavedStateToBeTheLog } from './support/district-state';

const D = CLEVER_DEMO_DISTRICT_ID;
type Json = Record<string, any>;
const clone = <T>(value: T): T => structuredClone(value);

/**
 * Syncing a district connected to Clever, against a local Clever stand-in serving the demo
 * district: a full sync through the Data API, incremental syncs through the Events API with their
 * cursor kept in the ledger, the fallback to a full sync, faults, and one sync at a time.
 */
describe('Clever syncs: full and events (end to end)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-ledger-clever-sync-'));
  const standIn = new CleverStandIn({ token: STAND_IN_TOKEN });
  const db = join(dir, 'ledger.db');
  let runtime: { app: INestApplicationContext; commands: CommandBus };
  const sync = (mode: SyncMode, syncId?: string) =>
    runtime.commands.execute<SyncDistrictCommand, SyncDistrictResult>(new SyncDistrictCommand(D, { mode, requestedBy: 'e2e', ...(syncId ? { syncId } : {}) }));
  /** The events appended by `action`. */
  const appendedBy = async (action: () => Promise<unknown>): Promise<RecordedEvent[]> => {
    const before = (await logOf(db)).length;
    await action();
    return (await logOf(db)).slice(before);
  };

  // the demo district as Clever shares it now, changed as the events below say
  const users = demoObjects('users.json');
  const sections = demoObjects('sections.json');
  const students = users.filter((u) => u['roles']?.student);
  const graded = students.find((u) => /^([1-9]|1[01])$/.test(String(u['roles'].student.grade)))!;
  const removed = students[10]!;
  const section = sections.find((s) => s['students'].length >= 2 && !s['students'].includes(removed['id']))!;
  const dropped = section['students'][0] as string;
  const added: Json = {
    ...clone(students[0]!),
    id: '6a00000000000000000000e1',
    name: { first: 'Noor', last: 'Haddad' },
    email: 'noor.haddad@example.org',
    roles: { student: { ...clone(students[0]!['roles'].student), sis_id: '199900001', student_number: '199900001', email: 'noor.haddad@example.org' } },
  };
  const gradeFrom = String(graded['roles'].student.grade);
  const gradeTo = String(Number(gradeFrom) + 1);
  const gradedNow: Json = { ...clone(graded), roles: { ...clone(graded['roles']), student: { ...clone(graded['roles'].student), grade: gradeTo } } };
  const sectionNow: Json = { ...clone(section), students: [...section['students'].slice(1), added['id']] };
  let pushed: StandInEvent[] = [];

  beforeAll(async () => {
    const baseUrl = await standIn.start();
    runtime = await ledgerRuntime(standInConfig(db, baseUrl));
  });
  afterAll(async () => {
    await runtime?.app.close();
    await standIn.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records the demo district through the Data API exactly as an import of its snapshot folder, and sets the events cursor in the same append', async () => {
    const fresh = await appendedBy(() => sync('full'));
    expect(await sync('full')).toMatchObject({ ran: 'full', summary: { appended: 0 } }); // a second one finds nothing new

    const imported = join(dir, 'imported.db');
    const importer = await ledgerRuntime(standInConfig(imported, standIn.baseUrl));
    await importer.commands.execute(new RunSyncCommand(CLEVER_DEMO_FOLDER, { requestedBy: 'e2e' }));
    await importer.app.close();
    const viaFolder = (await logOf(imported)).filter(isRoster);
    const viaApi = fresh.filter(isRoster);
    expect(viaApi.length).toBe(10_881);
    expect(viaApi.map((e) => [e.type, e.streamId])).toEqual(viaFolder.map((e) => [e.type, e.streamId]));
    expect(viaApi.map((e) => e.data)).toEqual(viaFolder.map((e) => e.data));
    expect(viaApi[0]!.metadata).toMatchObject({ source: 'clever-api', districtId: D });

    // the feed was empty before the sync: the cursor is its start, set with the sync's last append
    const cursor = fresh.filter((e) => e.streamId === `cursor-${D}`);
    expect(cursor.map((e) => [e.type, e.data])).toEqual([
      ['EventsCursorSet', { districtId: D, cursor: null, reason: 'full-sync', syncId: viaApi[0]!.metadata['syncId'], setAt: expect.any(String) }],
    ]);
    const completed = fresh.find((e) => e.type === 'SyncCompleted')!;
    expect(cursor[0]!.recordedAt).toBe(completed.recordedAt);
    expect(completed.position - cursor[0]!.position).toBe(1);
  });

  it('records exactly the changes Clever events report, each with its Clever event id, and advances the cursor in the same append', async () => {
    pushed = [
      standIn.pushEvent({ type: 'users.created', data: { object: added } }),
      standIn.pushEvent({ type: 'users.updated', data: { object: gradedNow, previous_attributes: { roles: graded['roles'] } } }),
      standIn.pushEvent({ type: 'sections.updated', data: { object: sectionNow, previous_attributes: { students: section['students'] } } }),
      standIn.pushEvent({ type: 'users.deleted', data: { object: removed } }),
    ];
    // Clever's Data API shows the same changes from now on
    standIn.setRecords('users', [...users.filter((u) => u['id'] !== removed['id'] && u['id'] !== graded['id']), gradedNow, added]);
    standIn.setRecords('sections', [...sections.filter((s) => s['id'] !== section['id']), sectionNow]);

    let result: SyncDistrictResult | undefined;
    const fresh = await appendedBy(async () => (result = await sync('events')));
    expect(result).toMatchObject({ mode: 'events', ran: 'events', fallback: null, summary: { source: 'clever-events', status: 'completed', appended: 5 } });
    expect(result!.summary.origin).toBe(`${standIn.baseUrl}/v3.0 district ${D} events after the start of the feed`);

    const [e1, e2, e3, e4] = pushed.map((e) => e.id);
    expect(fresh.filter(isRoster).map((e) => [e.streamId, e.type, e.data, e.metadata['cleverEventId']])).toEqual([
      [`user-${added['id']}`, 'StudentShared', expect.objectContaining({ id: added['id'], sharedAgain: false }), e1],
      [`user-${graded['id']}`, 'StudentUpdated', { id: graded['id'], changes: { grade: { from: gradeFrom, to: gradeTo } }, personal: {} }, e2],
      [`section-${section['id']}`, 'StudentUnenrolled', { sectionId: section['id'], studentId: dropped }, e3],
      [`section-${section['id']}`, 'StudentEnrolled', { sectionId: section['id'], studentId: added['id'] }, e3],
      [`user-${removed['id']}`, 'StudentRemoved', { id: removed['id'] }, e4],
    ]);
    expect(fresh.filter(isRoster).every((e) => e.metadata['source'] === 'clever-events' && e.metadata['syncId'] === result!.syncId)).toBe(true);

    // the roster events, the cursor and SyncCompleted: one append (one transaction, one clock reading, consecutive positions)
    const applied = fresh.filter((e) => e.type !== 'SyncStarted');
    expect(applied.map((e) => e.type).slice(-2)).toEqual(['EventsCursorAdvanced', 'SyncCompleted']);
    expect(applied.at(-2)!.data).toEqual({ districtId: D, from: null, cursor: e4, cleverEvents: 4, syncId: result!.syncId, advancedAt: result!.summary.startedAt });
    expect(new Set(applied.map((e) => e.recordedAt)).size).toBe(1);
    expect(applied.map((e) => e.position)).toEqual(applied.map((_, i) => applied[0]!.position + i));
    expect(result!.cursor).toEqual({ value: e4, at: result!.summary.startedAt });
    // the district state this events sync saved for the next sync is the log's
    await expectSavedStateToBeTheLog(db, D);
  });

  it('appends nothing but its own start and end when run again: the cursor is past every event', async () => {
    const fresh = await appendedBy(() => sync('events'));
    expect(fresh.map((e) => e.type)).toEqual(['SyncStarted', 'SyncCompleted']);
    expect(fresh[1]!.data).toMatchObject({ appended: 0, counts: {} });
  });

  it('records a change once when Clever reports it again under a new event id, and a full sync later sees it too', async () => {
    const again = standIn.pushEvent({ type: 'users.updated', data: { object: gradedNow, previous_attributes: { roles: graded['roles'] } } });
    const viaEvents = await appendedBy(() => sync('events'));
    expect(viaEvents.filter(isRoster)).toEqual([]);
    expect(viaEvents.find((e) => e.type === 'EventsCursorAdvanced')!.data).toMatchObject({ from: pushed[3]!.id, cursor: again.id, cleverEvents: 1 });

    const viaFull = await appendedBy(() => sync('full'));
    expect(viaFull.filter(isRoster)).toEqual([]);
    expect(viaFull.find((e) => e.type === 'EventsCursorSet')!.data).toMatchObject({ cursor: again.id, reason: 'full-sync' });
    const log = await logOf(db);
    expect(log.filter((e) => e.streamId === `user-${graded['id']}` && e.type === 'StudentUpdated')).toHaveLength(1);
    expect(log.filter((e) => e.streamId === `user-${added['id']}`).map((e) => e.type)).toEqual(['StudentShared']);
  });

  it('records an event Clever lists twice once, and moves the cursor past it (the next events sync reads on)', async () => {
    const renamed: Json = { ...clone(added), name: { first: 'Noor', last: 'Haddad-Saleh' }, last_modified: '2026-02-01T00:00:00.000Z' };
    const twice = standIn.pushEvent({ type: 'users.updated', data: { object: renamed, previous_attributes: { name: added['name'] } } });
    standIn.repeatEvent(twice);
    standIn.setRecords('users', [...users.filter((u) => u['id'] !== removed['id'] && u['id'] !== graded['id']), gradedNow, renamed]);
    const result = await sync('events');
    // the repeat is counted, so that what was passed over leaves a trace
    expect(result.summary).toMatchObject({ status: 'completed', appended: 1, counts: { StudentUpdated: 1 }, skipped: { [LISTED_AGAIN]: 1 } });
    expect(result.cursor).toMatchObject({ value: twice.id });
    expect((await sync('events')).summary).toMatchObject({ status: 'completed', appended: 0 });
  });

  it('fails on an event it cannot read, every events sync alike, saying that a full sync gets past it', async () => {
    const unreadable = standIn.pushEvent({ type: 'users.updated', data: { object: { ...clone(gradedNow), id: '' } } });
    for (const _ of [1, 2]) {
      await expect(sync('events')).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        message: expect.stringMatching(
          /record has no id; every events sync reads this event again and fails the same way, until a full sync \(not an events sync\) records the district as Clever shows it now and moves the cursor past it \(should the record still break the rule, the full sync names it too\)$/,
        ),
      });
    }
    const full = await sync('full');
    expect(full).toMatchObject({ ran: 'full', summary: { status: 'completed', appended: 0 } });
    expect(full.cursor).toMatchObject({ value: unreadable.id });
    expect((await sync('events')).summary).toMatchObject({ status: 'completed', appended: 0 });
  });

  it('survives a 429 and a 500 during a full sync', async () => {
    standIn.fail({ path: /\/users/, status: 429, headers: { 'X-Ratelimit-Reset': String(Math.floor(Date.now() / 1000) + 1) } });
    standIn.fail({ path: /\/sections/, status: 500 });
    const from = standIn.requests.length;
    const result = await sync('full');
    expect(result.summary).toMatchObject({ status: 'completed', appended: 0 });
    const statuses = standIn.requests.slice(from).map((r) => [r.path.replace(/\?.*/, ''), r.status]);
    expect(statuses).toEqual(expect.arrayContaining([['/v3.0/users', 429], ['/v3.0/users', 200], ['/v3.0/sections', 500], ['/v3.0/sections', 200]]));
  });

  it('falls back to a full sync, and says so, when Clever no longer knows the cursor', async () => {
    const last = standIn.pushEvent({ type: 'users.updated', data: { object: gradedNow } });
    await sync('events');
    standIn.forgetEvents();
    let result: SyncDistrictResult | undefined;
    const fresh = await appendedBy(async () => (result = await sync('events', 'fallback-sync-1')));
    expect(result).toMatchObject({
      syncId: 'fallback-sync-1',
      mode: 'events',
      ran: 'full',
      fallback: `Clever no longer knows its cursor, event ${last.id} (HTTP 404)`,
      summary: { syncId: 'fallback-sync-1', source: 'clever-api', status: 'completed', appended: 0, fallback: `Clever no longer knows its cursor, event ${last.id} (HTTP 404)` },
      cursor: { value: null },
    });
    // no failed events sync is recorded: the one sync recorded is the full sync, with the new cursor and why
    expect(fresh.filter((e) => e.type === 'SyncStarted').map((e) => e.data['source'])).toEqual(['clever-api']);
    expect(fresh.find((e) => e.type === 'EventsCursorSet')!.data).toMatchObject({ cursor: null, reason: 'fallback', detail: result!.fallback });
  });

  it("goes on from a quiet district's cursor whose event is weeks old: the feed was read up to it lately", async () => {
    // the only event Clever keeps is 40 days old; the full sync reads it as the newest, so nothing after it is lost
    const createdSecond = Math.floor(Date.now() / 1000) - 40 * 86_400;
    const old = standIn.pushEvent({ id: createdSecond.toString(16) + '00000000000000e2', type: 'users.updated', data: { object: gradedNow } });
    await sync('full');
    const advanced = await sync('events');
    expect(advanced).toMatchObject({ ran: 'events', fallback: null, summary: { status: 'completed', appended: 0 }, cursor: { value: old.id } });

    // an events sync that finds nothing after the cursor has read the feed up to it: 40 days on,
    // with one such sync at 20, the cursor is still good; 30 days without one, events after it
    // may have expired: a full sync, without asking Clever
    const onlyDate = ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] as const;
    const start = Date.now();
    jest.useFakeTimers({ doNotFake: [...onlyDate], now: start + 20 * 86_400_000 });
    try {
      expect(await sync('events')).toMatchObject({ ran: 'events', fallback: null });
      jest.setSystemTime(start + 40 * 86_400_000);
      const quiet = await sync('events');
      expect(quiet).toMatchObject({ ran: 'events', fallback: null, cursor: { value: old.id, at: advanced.cursor!.at } });
      jest.setSystemTime(start + 70 * 86_400_000);
      const asked = standIn.requests.length;
      const late = await sync('events');
      expect(late).toMatchObject({ ran: 'full', summary: { status: 'completed' } });
      expect(late.fallback).toBe(`the feed was last read up to its cursor (Clever event ${old.id}) on ${quiet.summary.startedAt}, more than 29 days ago, and Clever keeps events 30 days`);
      expect(standIn.requests.slice(asked).map((r) => r.path)).not.toContain(`/v3.0/events/${old.id}`);
    } finally {
      jest.useRealTimers();
    }
  });

  it('runs one sync of a district at a time: a second one at once is refused before anything is recorded', async () => {
    const outcomes = await Promise.allSettled([sync('full', 'first-of-two'), sync('events', 'second-of-two')]);
    expect(outcomes[0]).toMatchObject({ status: 'fulfilled', value: { syncId: 'first-of-two' } });
    expect(outcomes[1]).toMatchObject({ status: 'rejected', reason: expect.any(SyncAlreadyRunning) });
    expect((outcomes[1] as PromiseRejectedResult).reason.message).toBe(`sync first-of-two of district ${D} is running; one sync at a time per district`);
    expect((await logOf(db)).filter((e) => e.streamId === 'sync-second-of-two')).toEqual([]);
  });

  it('takes the district before an events sync is recorded as running, and records a refusal started and failed in one append', async () => {
    // the events sync's own handler, as any dispatcher of it would run it (not under a lock taken for it)
    const lock = runtime.app.get<SyncLock>(SYNC_LOCK);
    const store = runtime.app.get<EventStore>(EVENT_STORE);
    const recorded = async (syncId: string) => {
      let n = 0;
      for await (const _ of store.readStream(`sync-${syncId}`)) n++;
      return n;
    };
    const recordedWhenTaken: number[] = [];
    const take = lock.acquire.bind(lock);
    const acquire = jest.spyOn(lock, 'acquire').mockImplementation(async (districtId, syncId) => {
      recordedWhenTaken.push(await recorded(syncId));
      return take(districtId, syncId);
    });
    const events = (syncId: string) => runtime.commands.execute(new RunEventsSyncCommand(D, { requestedBy: 'e2e', syncId }));
    try {
      await events('events-taken-first');
      expect(recordedWhenTaken).toEqual([0]);
      expect((await logOf(db)).filter((e) => e.streamId === 'sync-events-taken-first').map((e) => e.type)).toEqual(['SyncStarted', 'SyncCompleted']);

      // refused after a moment, so that a start recorded before the refusal would be stamped apart from its failure
      acquire.mockImplementationOnce(async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new SyncAlreadyRunning(D, 'another-sync');
      });
      await expect(events('events-refused')).rejects.toThrow(SyncAlreadyRunning);
      const refused = (await logOf(db)).filter((e) => e.streamId === 'sync-events-refused');
      expect(refused.map((e) => [e.type, e.data['code']])).toEqual([['SyncStarted', undefined], ['SyncFailed', 'SYNC_ALREADY_RUNNING']]);
      // recorded with where it would have read from, as a sync that ran is
      expect(refused[0]!.data['origin']).toMatch(/ events after event [0-9a-f]{24}$/);
      // one append: never seen running without the district it would hold
      expect(refused[1]!.recordedAt).toBe(refused[0]!.recordedAt);
    } finally {
      acquire.mockRestore();
    }
  });

  describe('an events batch the mass-change guard holds', () => {
    it('moves the cursor only when the held sync is approved, with the events it produced', async () => {
      const other = join(dir, 'held.db');
      const held = await ledgerRuntime(standInConfig(other, standIn.baseUrl));
      const run = (mode: SyncMode) => held.commands.execute<SyncDistrictCommand, SyncDistrictResult>(new SyncDistrictCommand(D, { mode, requestedBy: 'e2e' }));
      try {
        standIn.forgetEvents();
        standIn.setRecords('users', users);
        standIn.setRecords('sections', sections);
        await run('full');
        // 150 of 1,004 students unshared at once: 15% > 10%
        const gone = students.slice(0, 150).map((u) => standIn.pushEvent({ type: 'users.deleted', data: { object: u } }));
        const result = await run('events');
        expect(result.summary).toMatchObject({ status: 'held', pending: 150, breaches: [expect.objectContaining({ recordType: 'student', change: 'removed', count: 150 })] });
        expect(result.cursor).toMatchObject({ value: null });
        // its record says where approval moves the cursor
        expect(result.summary.eventsCursor).toEqual({ value: gone.at(-1)!.id, at: result.summary.startedAt });
        // a sync whose process is gone is recorded as interrupted by a sync refused for the held one,
        // which is never recorded itself, so is not named as its finder
        const dead = randomUUID();
        const started = { syncId: dead, owner: { pid: spawnSync('true').pid, host: hostname() }, districtId: D, source: 'clever-api', origin: 'killed', startedAt: new Date().toISOString(), requestedBy: 'e2e' };
        await held.app.get<EventStore>(EVENT_STORE).appendToStream(`sync-${dead}`, [{ id: randomUUID(), type: 'SyncStarted', data: started, metadata: {} }], 'no_stream');
        await expect(run('events')).rejects.toThrow(HeldSyncPending);
        await expect(run('full')).rejects.toThrow(HeldSyncPending);
        const found = await held.app.get(SyncHistory).get(dead);
        expect(found).toMatchObject({ status: 'failed', failure: { code: 'INTERRUPTED' } });
        expect(found.failure).not.toHaveProperty('foundBy');

        await held.commands.execute(new ApproveSyncCommand(result.syncId, 'alice', 'cli'));
        const log = await logOf(other);
        expect(log.filter((e) => e.type === 'StudentRemoved' && e.metadata['syncId'] === result.syncId)).toHaveLength(150);
        const advanced = log.filter((e) => e.type === 'EventsCursorAdvanced');
        expect(advanced.map((e) => e.data)).toEqual([expect.objectContaining({ from: null, cursor: gone.at(-1)!.id, cleverEvents: 150, syncId: result.syncId })]);
        expect(advanced[0]!.metadata).toMatchObject({ approvedBy: 'alice' });
        // and, approved, that it moved it there: in the approval's own record of completion too
        const completion = log.find((e) => e.type === 'SyncCompleted' && e.data['syncId'] === result.syncId)!;
        expect(completion.data['eventsCursor']).toEqual({ value: gone.at(-1)!.id, at: result.summary.startedAt });
        expect(await held.app.get(SyncHistory).get(result.syncId)).toMatchObject({ status: 'completed', eventsCursor: { value: gone.at(-1)!.id } });
        expect((await run('events')).summary).toMatchObject({ status: 'completed', appended: 0, eventsCursor: null });
      } finally {
        await held.app.close();
      }
    });
  });

  describe('a full sync the mass-change guard holds', () => {
    it('sets the events cursor only when the held sync is approved, in the append of its changes', async () => {
      const other = join(dir, 'held-full.db');
      const held = await ledgerRuntime(standInConfig(other, standIn.baseUrl));
      const run = (mode: SyncMode) => held.commands.execute<SyncDistrictCommand, SyncDistrictResult>(new SyncDistrictCommand(D, { mode, requestedBy: 'e2e' }));
      const cursorEvents = async () => (await logOf(other)).filter((e) => e.streamId === `cursor-${D}`);
      try {
        standIn.forgetEvents();
        standIn.setRecords('users', users);
        standIn.setRecords('sections', sections);
        expect((await run('full')).summary).toMatchObject({ status: 'completed' });
        expect((await cursorEvents()).map((e) => e.data['cursor'])).toEqual([null]);

        // 150 of 1,004 students unshared at once (15% > 10%), and the feed has moved on meanwhile
        const gone = new Set(students.slice(0, 150).map((u) => u['id'] as string));
        standIn.setRecords('users', users.filter((u) => !gone.has(u['id'])));
        standIn.setRecords('sections', sections.map((s) => ({ ...s, students: s['students'].filter((id: string) => !gone.has(id)) })));
        const latest = standIn.pushEvent({ type: 'users.updated', data: { object: gradedNow } });
        const result = await run('full');
        expect(result.summary).toMatchObject({ status: 'held', breaches: expect.arrayContaining([expect.objectContaining({ recordType: 'student', change: 'removed', count: 150 })]) });
        // held: neither the removals nor the new cursor are recorded
        expect((await logOf(other)).filter((e) => e.type === 'StudentRemoved')).toEqual([]);
        expect((await cursorEvents()).map((e) => e.data['cursor'])).toEqual([null]);

        await held.commands.execute(new ApproveSyncCommand(result.syncId, 'alice', 'cli'));
        const log = await logOf(other);
        const removals = log.filter((e) => e.type === 'StudentRemoved' && e.metadata['syncId'] === result.syncId);
        expect(removals).toHaveLength(150);
        const cursor = await cursorEvents();
        expect(cursor.map((e) => e.data)).toEqual([
          expect.objectContaining({ cursor: null, reason: 'full-sync' }),
          expect.objectContaining({ cursor: latest.id, reason: 'full-sync', syncId: result.syncId }),
        ]);
        expect(cursor[1]!.metadata).toMatchObject({ approvedBy: 'alice' });
        // one append: the cursor moved with the changes it accounts for
        expect(cursor[1]!.recordedAt).toBe(removals[0]!.recordedAt);
        // the next events sync reads on from there: the event the full sync already saw is not read again
        expect((await run('events')).summary).toMatchObject({ status: 'completed', appended: 0 });
      } finally {
        standIn.setRecords('users', users);
        standIn.setRecords('sections', sections);
        await held.app.close();
      }
    });
  });

  describe('a district that never had a full sync', () => {
    it('falls back to a full sync on its first events sync, and keeps the cursor of the feed as it was before it', async () => {
      const other = join(dir, 'fresh.db');
      const fresh = await ledgerRuntime(standInConfig(other, standIn.baseUrl));
      try {
        const first = standIn.pushEvent({ type: 'users.updated', data: { object: gradedNow } });
        const result = await fresh.commands.execute<SyncDistrictCommand, SyncDistrictResult>(new SyncDistrictCommand(D, { mode: 'events', requestedBy: 'e2e' }));
        expect(result).toMatchObject({ ran: 'full', fallback: 'it has no events cursor yet (no full sync through the Clever API has set one)', cursor: { value: first.id } });
        expect((result.summary as SyncSummary).counts).toMatchObject({ StudentShared: 1004 });
      } finally {
        await fresh.app.close();
      }
    });
  });

  describe('events that overlap a full sync', () => {
    /** Starts a full sync whose /users answers slowly, and hands it over (unfinished) once it waits on /users. */
    const fullSyncWaitingOnUsers = async (run: (mode: SyncMode) => Promise<SyncDistrictResult>): Promise<{ full: Promise<SyncDistrictResult> }> => {
      standIn.delay(1500, { path: /^\/v3\.0\/users/ });
      const from = standIn.requests.length;
      const full = run('full');
      for (let waited = 0; !standIn.requests.slice(from).some((r) => r.path.startsWith('/v3.0/users')); waited += 10) {
        if (waited > 10_000) throw new Error('the full sync never asked for /users');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return { full };
    };

    it('record nothing when the full sync already recorded a later version, and a removal older than a re-created record removes nothing', async () => {
      const other = join(dir, 'overlap.db');
      const ledger = await ledgerRuntime(standInConfig(other, standIn.baseUrl));
      const run = (mode: SyncMode) => ledger.commands.execute<SyncDistrictCommand, SyncDistrictResult>(new SyncDistrictCommand(D, { mode, requestedBy: 'e2e' }));
      const version = (user: Json, grade: string, lastModified: string): Json => ({
        ...clone(user), last_modified: lastModified, roles: { ...clone(user['roles']), student: { ...clone(user['roles'].student), grade } },
      });
      try {
        standIn.forgetEvents();
        standIn.setRecords('users', users);
        standIn.setRecords('sections', sections);
        await run('full');

        const pupil = students.find((u) => /^[1-8]$/.test(String(u['roles'].student.grade)))!;
        const g = Number(pupil['roles'].student.grade);
        const reshared = students.find((u) => u['id'] !== pupil['id'] && /^[1-9]$/.test(String(u['roles'].student.grade)))!;
        const recreated = version(reshared, String(Number(reshared['roles'].student.grade) + 1), '2026-01-05T09:00:03.000Z');
        // a full sync whose /users answers slowly: while it waits, Clever changes the grade twice, and
        // unshares then shares again another student (changed); the Data API then serves the newest versions
        const { full } = await fullSyncWaitingOnUsers(run);
        const overlap = [
          standIn.pushEvent({ type: 'users.updated', data: { object: version(pupil, String(g + 1), '2026-01-05T09:00:01.000Z'), previous_attributes: { roles: pupil['roles'] } } }),
          standIn.pushEvent({ type: 'users.updated', data: { object: version(pupil, String(g + 2), '2026-01-05T09:00:02.000Z'), previous_attributes: { roles: version(pupil, String(g + 1), '')['roles'] } } }),
          standIn.pushEvent({ type: 'users.deleted', data: { object: reshared } }),
          standIn.pushEvent({ type: 'users.created', data: { object: recreated } }),
        ];
        standIn.setRecords('users', [
          ...users.filter((u) => u['id'] !== pupil['id'] && u['id'] !== reshared['id']),
          version(pupil, String(g + 2), '2026-01-05T09:00:02.000Z'),
          recreated,
        ]);
        const fullResult = await full;
        expect(fullResult.summary).toMatchObject({ status: 'completed', appended: 2, counts: { StudentUpdated: 2 } });
        const pupilStream = `user-${pupil['id']}`;
        expect((await logOf(other)).filter((e) => e.streamId === pupilStream && e.type === 'StudentUpdated').map((e) => e.data['changes'])).toEqual([
          { grade: { from: String(g), to: String(g + 2) } },
        ]);

        // the events sync reads the four events (its cursor was taken before the full sync): they change nothing
        const before = (await logOf(other)).length;
        const events = await run('events');
        const fresh = (await logOf(other)).slice(before);
        expect(fresh.filter(isRoster)).toEqual([]);
        expect(events.summary).toMatchObject({ status: 'completed', appended: 0, skipped: { 'older than the ledger': 2 } });
        expect(events.cursor).toMatchObject({ value: overlap.at(-1)!.id });
        const log = await logOf(other);
        expect(log.filter((e) => e.streamId === pupilStream).map((e) => e.type)).toEqual(['StudentShared', 'StudentUpdated']);
        expect(log.filter((e) => e.streamId === `user-${reshared['id']}`).map((e) => e.type)).toEqual(['StudentShared', 'StudentUpdated']);
        await expectSavedStateToBeTheLog(other, D);
      } finally {
        standIn.setRecords('users', users);
        await ledger.app.close();
      }
    });

    it('record a removal once: an update and a delete the full sync already saw as a removal neither share the record again nor remove it twice', async () => {
      const other = join(dir, 'overlap-removal.db');
      const ledger = await ledgerRuntime(standInConfig(other, standIn.baseUrl));
      const run = (mode: SyncMode) => ledger.commands.execute<SyncDistrictCommand, SyncDistrictResult>(new SyncDistrictCommand(D, { mode, requestedBy: 'e2e' }));
      // Clever's clock for the overlap: before the full sync's view is complete (it reads after these changes)
      const ago = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();
      try {
        standIn.forgetEvents();
        standIn.setRecords('users', users);
        standIn.setRecords('sections', sections);
        await run('full');

        const gone = sections.find((s) => s['students'].length >= 2 && s['teachers'].length >= 1)!;
        const goneUpdated: Json = { ...clone(gone), name: `${String(gone['name'])} (moved)`, students: gone['students'].slice(1), last_modified: ago(60) };
        const pupil = students.find((u) => /^[1-8]$/.test(String(u['roles'].student.grade)))!;
        const pupilUpdated: Json = {
          ...clone(pupil), last_modified: ago(60),
          roles: { ...clone(pupil['roles']), student: { ...clone(pupil['roles'].student), grade: String(Number(pupil['roles'].student.grade) + 1) } },
        };
        // a full sync whose /users answers slowly: while it waits, Clever changes a section and a
        // student, then unshares both; the Data API then serves the district without them
        const { full } = await fullSyncWaitingOnUsers(run);
        const overlap = [
          standIn.pushEvent({ type: 'sections.updated', data: { object: goneUpdated, previous_attributes: { name: gone['name'], students: gone['students'] } } }),
          standIn.pushEvent({ type: 'sections.deleted', data: { object: { ...goneUpdated, last_modified: ago(59) } } }),
          standIn.pushEvent({ type: 'users.updated', data: { object: pupilUpdated, previous_attributes: { roles: pupil['roles'] } } }),
          standIn.pushEvent({ type: 'users.deleted', data: { object: { ...pupilUpdated, last_modified: ago(59) } } }),
        ];
        standIn.setRecords('users', users.filter((u) => u['id'] !== pupil['id']));
        standIn.setRecords('sections', sections.filter((s) => s['id'] !== gone['id']));
        const fullResult = await full;
        expect(fullResult.summary).toMatchObject({ status: 'completed', counts: { SectionRemoved: 1, StudentRemoved: 1, StudentUnenrolled: gone['students'].length } });
        const sectionStream = `section-${gone['id']}`;
        const pupilStream = `user-${pupil['id']}`;
        const removal = (await logOf(other)).find((e) => e.streamId === sectionStream && e.type === 'SectionRemoved')!;
        expect(removal.metadata['removedAsOf']).toEqual(expect.any(String));
        expect(Date.parse(String(removal.metadata['removedAsOf']))).toBeGreaterThanOrEqual(Date.parse(String(overlap[1]!.data.object['last_modified'])));

        // the events sync reads the four events (its cursor was taken before the full sync): the
        // ledger already holds the removals they end in, so they record nothing
        const before = (await logOf(other)).length;
        const events = await run('events');
        expect((await logOf(other)).slice(before).filter(isRoster)).toEqual([]);
        expect(events.summary).toMatchObject({ status: 'completed', appended: 0, skipped: { 'older than the ledger': 4 } });
        expect(events.cursor).toMatchObject({ value: overlap.at(-1)!.id });
        let log = await logOf(other);
        const sectionTypes = log.filter((e) => e.streamId === sectionStream).map((e) => e.type);
        expect(sectionTypes.filter((t) => t === 'SectionShared')).toHaveLength(1);
        expect(sectionTypes.filter((t) => t === 'SectionRemoved')).toHaveLength(1);
        expect(sectionTypes.at(-1)).toBe('SectionRemoved');
        expect(log.filter((e) => e.streamId === pupilStream).map((e) => e.type)).toEqual(['StudentShared', 'StudentRemoved']);
        await expectSavedStateToBeTheLog(other, D);

        // Clever shares the section again later: that is newer than the removal, and recorded
        const back = standIn.pushEvent({ type: 'sections.created', data: { object: { ...clone(gone), last_modified: new Date(Date.now() + 1000).toISOString() } } });
        const again = await run('events');
        expect(again.summary).toMatchObject({ status: 'completed', counts: { SectionShared: 1, StudentEnrolled: gone['students'].length } });
        expect(again.cursor).toMatchObject({ value: back.id });
        log = await logOf(other);
        expect(log.filter((e) => e.streamId === sectionStream && e.type === 'SectionShared').map((e) => e.data['sharedAgain'])).toEqual([false, true]);
        await expectSavedStateToBeTheLog(other, D);
      } finally {
        standIn.setRecords('users', users);
        standIn.setRecords('sections', sections);
        await ledger.app.close();
      }
    });
  });
});
