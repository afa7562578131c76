import { CleverStandIn } from './clever-stand-in';

const TOKEN = 'stand-in-spec-token-42';

describe('CleverStandIn serves a snapshot folder the way Clever does', () => {
  const standIn = new CleverStandIn({ token: TOKEN });
  let base = '';
  beforeAll(async () => {
    base = await standIn.start();
  });
  afterAll(() => standIn.stop());

  const get = async (path: string, token = TOKEN) => {
    const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, headers: response.headers, body: (await response.json()) as { data: { data: { id: string } }[]; links: { rel: string; uri: string }[]; message?: string } };
  };

  it('pages by id with relative self, next and prev links, and rate-limit headers', async () => {
    const first = await get('/v3.0/sections?limit=2');
    const [a, b] = first.body.data.map((item) => item.data.id);
    expect(a! < b!).toBe(true);
    expect(first.body.links).toEqual([
      { rel: 'self', uri: '/v3.0/sections?limit=2' },
      { rel: 'next', uri: `/v3.0/sections?limit=2&starting_after=${b}` },
    ]);
    expect(first.headers.get('x-ratelimit-limit')).toBe('1200');
    expect(Number(first.headers.get('x-ratelimit-remaining'))).toBeLessThan(1200);
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    const second = await get(`/v3.0/sections?limit=2&starting_after=${b}`);
    expect(second.body.links.find((link) => link.rel === 'prev')?.uri).toBe(`/v3.0/sections?limit=2&ending_before=${second.body.data[0]!.data.id}`);
  });

  it('serves the last records for ending_before=last, an empty page after the end, 413 above 10,000 and the default limit 100', async () => {
    const last = await get('/v3.1/users?ending_before=last&limit=1');
    expect(last.body.data[0]!.data.id).toBe('603ebb2cb452fb006c763db6');
    const after = await get(`/v3.1/users?limit=5&starting_after=${last.body.data[0]!.data.id}`);
    expect(after.body.data).toEqual([]);
    expect(after.body.links.map((link) => link.rel)).toEqual(['self', 'prev']);
    expect((await get('/v3.0/users?limit=10001')).status).toBe(413);
    expect((await get('/v3.0/users')).body.data).toHaveLength(100);
    expect((await get('/v3.0/users?role=teacher&limit=10000')).body.data).toHaveLength(89);
    expect((await get('/v3.0/schools')).body.data).toEqual([]);
  });

  it('answers 401 with a JSON message for a wrong token, and 404 for an unknown object', async () => {
    expect(await get('/v3.0/users', 'wrong')).toMatchObject({ status: 401, body: { message: 'Invalid authorization credentials' } });
    expect(await get('/v3.0/users/nope')).toMatchObject({ status: 404, body: { message: 'Resource not found' } });
  });

  it('gives pushed events ascending ids and serves them in feed order', async () => {
    const one = standIn.pushEvent({ type: 'users.created', data: { object: { id: 'u1' } } });
    const two = standIn.pushEvent({ type: 'users.deleted', data: { object: { id: 'u1' } } });
    expect(one.id < two.id).toBe(true);
    expect(one.id).toMatch(/^[0-9a-f]{24}$/);
    expect((await get('/v3.0/events?limit=10')).body.data.map((item) => item.data.id)).toEqual([one.id, two.id]);
    expect((await get(`/v3.0/events/${two.id}`)).body.data).toMatchObject({ id: two.id, type: 'users.deleted' });
  });

  it('injects faults for the matching requests only, as many times as asked, and logs every request', async () => {
    standIn.fail({ path: /districts/, status: 503, times: 2, headers: { 'x-ratelimit-remaining': '0' } });
    expect((await get('/v3.0/users?limit=1')).status).toBe(200);
    const failed = await get('/v3.0/districts');
    expect(failed.status).toBe(503);
    expect(failed.headers.get('x-ratelimit-remaining')).toBe('0');
    expect((await get('/v3.0/districts')).status).toBe(503);
    expect((await get('/v3.0/districts')).status).toBe(200);
    expect(standIn.requests.slice(-4).map((r) => [r.path, r.status])).toEqual([
      ['/v3.0/users?limit=1', 200],
      ['/v3.0/districts', 503],
      ['/v3.0/districts', 503],
      ['/v3.0/districts', 200],
    ]);
    expect(standIn.requests.at(-1)!.headers['authorization']).toBe(`Bearer ${TOKEN}`);
  });
});
