import { InvalidInput } from '@roster-ledger/domain';
import { CLEVER_DEMO_DISTRICT_ID, CleverStandIn } from '@roster-ledger/testing';
import { CleverBadResponse } from '../api/clever-api-errors';
import { collect, failure, TOKEN, useStandIn } from '../api/spec-support/stand-in-client';
import { CleverApiEventsFeed, type CleverEventsFeedOptions } from './clever-api-events-feed';
import type { CleverChange } from '@roster-ledger/ledger';
import { LISTED_AGAIN } from './clever-event-changes';

const D = CLEVER_DEMO_DISTRICT_ID;
const student = (id: string, grade = '9') => ({ id, district: D, name: { first: 'A', last: id }, roles: { student: { school: 's1', schools: ['s1'], grade } } });

describe('CleverApiEventsFeed against the stand-in', () => {
  const ctx = useStandIn((now) => new CleverStandIn({ token: TOKEN, now }));
  const feed = (options: Partial<CleverEventsFeedOptions> = {}) =>
    new CleverApiEventsFeed({ baseUrl: ctx.baseUrl, tokenFor: () => TOKEN, now: ctx.time.now, sleep: ctx.time.sleep, random: ctx.time.random, ...options });
  const events = () => ctx.standIn.requests.filter((r) => r.path.includes('/events'));

  it('reads the newest event id for the cursor (null for an empty feed) with one request', async () => {
    expect(await feed().latestEventId(D)).toBeNull();
    ctx.standIn.pushEvent({ type: 'users.created', data: { object: student('u1') } });
    const last = ctx.standIn.pushEvent({ type: 'users.created', data: { object: student('u2') } });
    expect(await feed().latestEventId(D)).toBe(last.id);
    expect(events().map((r) => r.path)).toEqual(['/v3.0/events?ending_before=last&limit=1', '/v3.0/events?ending_before=last&limit=1']);
  });

  it('refuses a newest event whose id is no Clever event id as a bad response, as an events page\'s is refused, rather than take it for the cursor', async () => {
    ctx.standIn.pushEvent({ id: 'not an id/..', type: 'users.created', data: { object: student('u1') } });
    const error = await failure(() => feed().latestEventId(D));
    expect(error).toBeInstanceOf(CleverBadResponse);
    expect(error.message).toBe(
      `Clever sent an unusable response to GET ${ctx.baseUrl}/v3.0/events?ending_before=last&limit=1: the newest event's id: "not an id/.." is no Clever event id (Clever's are 24 hex digits; at most 64 letters, digits, "_" or "-" are taken)`,
    );
    // the same id on an events page
    await expect(collect(feed().changesAfter(D, null))).rejects.toThrow(/, field id: "not an id\/\.\." is no Clever event id \(Clever's are 24 hex digits/);
  });

  it('pages through the events after a cursor with a small limit, in feed order, each with its id', async () => {
    const pushed = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'].map((id) => ctx.standIn.pushEvent({ type: 'users.created', data: { object: student(id) } }));
    const changes = await collect(feed({ eventsPageLimit: 2 }).changesAfter(D, pushed[0]!.id));
    expect(changes.map((c) => c.cleverEventId)).toEqual(pushed.slice(1).map((e) => e.id));
    expect(changes.map((c) => c.change.type === 'upsert' && c.change.record.id)).toEqual(['u2', 'u3', 'u4', 'u5', 'u6']);
    expect(events().map((r) => r.path)).toEqual([
      `/v3.0/events?limit=2&starting_after=${pushed[0]!.id}`,
      `/v3.0/events?limit=2&starting_after=${pushed[2]!.id}`,
      `/v3.0/events?limit=2&starting_after=${pushed[4]!.id}`,
    ]);
    // null: from the oldest event Clever keeps
    expect((await collect(feed().changesAfter(D, null))).map((c) => c.cleverEventId)).toEqual(pushed.map((e) => e.id));
  });

  it('knows a current cursor, even one whose event is old; not one Clever forgot (404), nor one that is no event id', async () => {
    const first = ctx.standIn.pushEvent({ type: 'users.created', data: { object: student('u1') } });
    ctx.standIn.pushEvent({ type: 'users.created', data: { object: student('u2') } });
    expect(await feed().knows(D, first.id)).toEqual({ usable: true });
    ctx.standIn.forgetEvents(1);
    expect(await feed().knows(D, first.id)).toEqual({ usable: false, reason: `Clever no longer knows its cursor, event ${first.id} (HTTP 404)` });

    // how long ago the feed was read up to a cursor is the ledger's to judge: Clever is asked
    const old = ctx.standIn.pushEvent({ id: (Math.floor(ctx.time.now() / 1000) - 40 * 86_400).toString(16) + '0000000000000001', type: 'users.created', data: { object: student('u3') } });
    expect(await feed().knows(D, old.id)).toEqual({ usable: true });
    const before = ctx.standIn.requests.length;
    expect(await feed().knows(D, '../users')).toMatchObject({ usable: false });
    expect(ctx.standIn.requests.length).toBe(before);
  });

  it('reads each district with its own connection and names it in the origin, never the token', async () => {
    const other = feed({ baseUrl: 'https://api.clever.com', connectionFor: () => ({ baseUrl: ctx.baseUrl, version: 'v3.1' }) });
    expect(other.origin(D)).toBe(`${ctx.baseUrl}/v3.1 district ${D} events`);
    expect(other.origin(D)).not.toContain(TOKEN);
    await other.latestEventId(D);
    expect(events()[0]!.path).toBe('/v3.1/events?ending_before=last&limit=1');
  });

  it('fails with InvalidInput for a record of another district, or without a token resolver', async () => {
    ctx.standIn.pushEvent({ type: 'users.updated', data: { object: { ...student('u1'), district: 'another' } } });
    const error = await failure(() => collect(feed().changesAfter(D, null)));
    expect(error).toBeInstanceOf(InvalidInput);
    expect(error.message).toMatch(/^users\.updated event [0-9a-f]{24} \(events page .*\/v3\.0\/events\?limit=1000\), record #1, id u1, field district: the record belongs to district another/);
    await expect(feed({ tokenFor: undefined }).latestEventId(D)).rejects.toThrow(InvalidInput);
  });

  it('fails with InvalidInput naming the event, the record and the field for a lone UTF-16 surrogate in the event\'s object', async () => {
    ctx.standIn.pushEvent({ type: 'users.updated', data: { object: { ...student('u1'), name: { first: 'A\ud800', last: 'u1' } } } });
    const error = await failure(() => collect(feed().changesAfter(D, null)));
    expect(error).toBeInstanceOf(InvalidInput);
    expect(error.message).toMatch(/^users\.updated event [0-9a-f]{24} \(events page .*\), record #1, id u1, field name\.first: the text holds a lone UTF-16 surrogate .*: it is not valid Unicode$/);
  });

  it('passes over an event Clever lists twice, or one at or below the cursor, and still fails on an id that goes backwards', async () => {
    const [e1, e2, e3] = ['u1', 'u2', 'u3'].map((id) => ctx.standIn.pushEvent({ type: 'users.created', data: { object: student(id) } }));
    ctx.standIn.repeatEvent(e2!);
    ctx.standIn.repeatEvent(e1!, 'end');
    // the feed lists e1 e2 e2 e3 e1: each listed again is a skip, counted, marked so the cursor does not go back to it
    const listed = (changes: CleverChange[]) => changes.map((c) => [c.cleverEventId, c.listedAgain === true ? c.change : 'read']);
    const again = { type: 'skip', reason: LISTED_AGAIN };
    const read = (changes: CleverChange[]) => changes.filter((c) => c.listedAgain !== true).map((c) => c.cleverEventId);
    expect(read(await collect(feed({ eventsPageLimit: 2 }).changesAfter(D, null)))).toEqual([e1!.id, e2!.id, e3!.id]);
    expect(listed(await collect(feed().changesAfter(D, null)))).toEqual([
      [e1!.id, 'read'],
      [e2!.id, 'read'],
      [e2!.id, again],
      [e3!.id, 'read'],
      [e1!.id, again],
    ]);
    expect(listed(await collect(feed().changesAfter(D, e1!.id)))).toEqual([
      [e2!.id, 'read'],
      [e2!.id, again],
      [e3!.id, 'read'],
      [e1!.id, again],
    ]);

    // an id below the last one read, never seen and after the cursor: an event out of order
    const early = `${(Number.parseInt(e1!.id.slice(0, 8), 16) - 1).toString(16).padStart(8, '0')}${'f'.repeat(16)}`;
    ctx.standIn.pushEvent({ id: early, type: 'users.created', data: { object: student('u4') } });
    const error = await failure(() => collect(feed().changesAfter(D, null)));
    expect(error).toBeInstanceOf(InvalidInput);
    expect(error.message).toMatch(new RegExp(`event ids must ascend along the feed, but ${early} follows ${e3!.id}`));
  });
});
