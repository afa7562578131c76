import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { CLEVER_DEMO_DISTRICT_ID, CleverStandIn } from '@roster-ledger/testing';
import { createApiApplication } from '../apps/api/src/api-application';
import { ApiClient } from './support/api-client';
import { logOf, STAND_IN_TOKEN, standInConfig } from './support/clever-sync-runtime';

const D = CLEVER_DEMO_DISTRICT_ID;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Syncs started over HTTP and by the schedule, against the Clever stand-in, in a running server. */
describe('Clever syncs through the API and the schedule (end to end)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-ledger-clever-api-'));
  const standIn = new CleverStandIn({ token: STAND_IN_TOKEN });
  beforeAll(() => standIn.start());
  afterAll(async () => {
    await standIn.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('POST /districts/:id/syncs', () => {
    let app: INestApplication;
    let api: ApiClient;
    beforeAll(async () => {
      app = await createApiApplication(standInConfig(join(dir, 'api.db'), standIn.baseUrl), { logger: false });
      await app.listen(0, '127.0.0.1');
      api = new ApiClient(`http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`);
    });
    afterAll(() => app?.close());

    it('answers 202 with the sync id at once, refuses a second sync of the district with 409 while it runs, and shows its progress until it completes', async () => {
      // the newest Clever event is read before the sync is recorded: held back, the sync is accepted but not recorded yet
      standIn.delay(1_500, { path: /\/v3\.0\/events/ });
      standIn.delay(1_500, { path: /\/v3\.0\/users/ });
      const started = await api.as('engineer').post(`/districts/${D}/syncs`, { mode: 'full' });
      expect(started.status).toBe(202);
      expect(started.body).toEqual({ syncId: expect.any(String), status: 'running', statusUrl: `/syncs/${started.body.syncId}`, mode: 'full' });
      expect(started.headers.get('location')).toBe(started.body.statusUrl);

      const running = await api.as('support').get(started.body.statusUrl);
      expect(running.body).toMatchObject({ syncId: started.body.syncId, status: 'running', source: 'clever-api', requestedBy: 'eve-engineer', requestedVia: 'api', progress: { phase: 'reading', records: expect.any(Number) } });
      // listed at once too, though the district has no recorded sync yet (which would be a 404)
      for (const path of ['/syncs', `/syncs?district=${D}`]) {
        const listed = await api.as('support').get(path);
        expect({ path, status: listed.status, syncs: listed.body.items?.map((s: { syncId: string; status: string }) => [s.syncId, s.status]) }).toEqual({ path, status: 200, syncs: [[started.body.syncId, 'running']] });
      }
      const { startedAt } = running.body as { startedAt: string };
      const recorded = await until('the sync to be recorded', async () => ((await logOf(join(dir, 'api.db'))).some((e) => e.type === 'SyncStarted') ? true : undefined));
      expect(recorded).toBe(true);
      // recorded as it was first shown: started when accepted
      expect((await api.as('support').get('/syncs')).body.items).toEqual([expect.objectContaining({ syncId: started.body.syncId, status: 'running', startedAt })]);

      const second = await api.as('admin').post(`/districts/${D}/syncs`, { mode: 'events' });
      expect(second.status).toBe(409);
      expect(second.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(second.body).toMatchObject({ code: 'SYNC_ALREADY_RUNNING', detail: `sync ${started.body.syncId} of district ${D} is running; one sync at a time per district` });

      const done = await until('the sync to complete', async () => {
        const { body } = await api.as('support').get(started.body.statusUrl);
        return body.status === 'running' ? undefined : body;
      });
      // as recorded: asked for with the engineer's key
      expect(done).toMatchObject({ status: 'completed', counts: { StudentShared: 1004 }, requestedBy: 'eve-engineer', requestedVia: 'api' });
      expect(done.progress).toBeUndefined();
    });

    it('runs an events sync on request', async () => {
      const pushed = standIn.pushEvent({ type: 'users.deleted', data: { object: { id: 'nobody-we-know', district: D } } });
      const started = await api.as('admin').post(`/districts/${D}/syncs`, { mode: 'events' });
      expect(started.status).toBe(202);
      const done = await until('the events sync', async () => {
        const { body } = await api.as('admin').get(started.body.statusUrl);
        return body.status === 'running' ? undefined : body;
      });
      // where it moved the district's events cursor, as every role reads the sync
      expect(done).toMatchObject({ status: 'completed', source: 'clever-events', appended: 0, eventsCursor: { value: pushed.id, at: done.startedAt } });
      expect((await api.as('support').get(started.body.statusUrl)).body.eventsCursor).toEqual(done.eventsCursor);
    });

    it('refuses a district the configuration does not connect (404), a bad mode (400) and roles that may not sync (403)', async () => {
      const unknown = await api.as('admin').post('/districts/000000000000000000000001/syncs', { mode: 'full' });
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ code: 'DISTRICT_NOT_CONFIGURED', detail: expect.stringContaining(`connected districts: ${D}`) });
      const bad = await api.as('admin').post(`/districts/${D}/syncs`, { mode: 'partial' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([{ parameter: 'mode', problems: ['mode must be one of full, events, got "partial"'] }]);
      // no body at all: the mode is missing, not wrong
      const none = await api.as('admin').post(`/districts/${D}/syncs`, undefined);
      expect(none.status).toBe(400);
      expect(none.body.errors).toEqual([{ parameter: 'mode', problems: ['mode is required: send {"mode": "full"} or {"mode": "events"} (as JSON, with Content-Type: application/json)'] }]);
      // an empty district filter is a variable left unset, said so
      const empty = await api.as('support').get('/accounts?q=noor&district=');
      expect(empty.body.errors).toEqual([{ parameter: 'district', problems: ['district is empty: give an id, or leave district out'] }]);
      expect((await api.as('support').post(`/districts/${D}/syncs`, { mode: 'full' })).status).toBe(403);
      expect((await api.as('compliance').post(`/districts/${D}/syncs`, { mode: 'full' })).status).toBe(403);
    });
  });

  describe('the schedule', () => {
    it('runs the configured events sync on its interval, and stops with the server', async () => {
      const db = join(dir, 'scheduled.db');
      const config = standInConfig(db, standIn.baseUrl, { schedule: { events: '1s' } });
      const app = await createApiApplication(config, { logger: false, schedules: true });
      await app.init();
      try {
        // the first run has no cursor yet and falls back to a full sync; the next one reads events
        const syncs = await until('a scheduled events sync', async () => {
          const log = await logOf(db);
          const events = log.filter((e) => e.type === 'SyncCompleted' && log.some((s) => s.type === 'SyncStarted' && s.streamId === e.streamId && s.data['source'] === 'clever-events'));
          return events.length > 0 ? log.filter((e) => e.type === 'SyncStarted') : undefined;
        });
        expect(syncs.map((e) => [e.data['source'], e.data['requestedBy'], e.data['requestedVia']]).slice(0, 2)).toEqual([
          ['clever-api', 'schedule', 'schedule'],
          ['clever-events', 'schedule', 'schedule'],
        ]);
      } finally {
        await app.close();
      }
      // nothing runs once it has stopped
      const after = (await logOf(db)).length;
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect((await logOf(db)).length).toBe(after);
    });
  });
});
