import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../helpers/app.js';
import { createAccount, createUser, type TestUser } from '../../helpers/factories.js';
import { adminToken, day } from './metrics-helpers.js';

/**
 * The activity tracker (plugins/activity.ts) with its clock moved by the test: requests are
 * written at most once a minute per user, with the time the tracker's clock gives, and a gap
 * of 30 minutes or more starts a session.
 */
describe('activity tracking', () => {
  // a whole minute before now, so that moving it forward by minutes stays in the past
  let clock = Math.floor(Date.now() / 60_000) * 60_000 - 3 * 3_600_000;
  const t = useTestApp({}, (app) => {
    app.activity.now = () => clock;
  });

  const request = async (token?: string, url = '/users/me') => {
    await t.request({ method: 'GET', url, token });
    await t.app.activity.settled();
  };
  const sessions = (user: TestUser) =>
    t.db
      .selectFrom('user_sessions')
      .selectAll()
      .where('user_id', '=', user.id)
      .orderBy('started_at')
      .execute();
  const lastActive = async (user: TestUser) =>
    (
      await t.db
        .selectFrom('users')
        .select('last_active_at')
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow()
    ).last_active_at;

  it('starts a session at the first request and sets last_active_at', async () => {
    const user = await createUser(t);
    expect(await lastActive(user)).toBeNull();
    await request(user.token);
    const [session] = await sessions(user);
    expect(session).toMatchObject({ request_count: 1 });
    expect(await lastActive(user)).toEqual(session!.last_seen_at);
  });

  it('writes at most once a minute, then with every request counted', async () => {
    const user = await createUser(t);
    await request(user.token);
    const first = (await sessions(user))[0]!;
    clock += 30_000;
    await request(user.token);
    await request(user.token, '/metrics/users'); // a refused request is still a request
    expect(await sessions(user)).toEqual([first]);
    clock += 31_000;
    await request(user.token);
    const [after] = await sessions(user);
    expect(after!.request_count).toBe(4);
    expect(after!.id).toBe(first.id);
    expect(after!.last_seen_at.getTime()).toBeGreaterThanOrEqual(first.last_seen_at.getTime());
  });

  it('extends a session after a gap under 30 minutes, starts one after 30', async () => {
    const user = await createUser(t);
    const start = clock;
    await request(user.token);
    clock += 29 * 60_000;
    await request(user.token);
    let rows = await sessions(user);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      request_count: 2,
      started_at: new Date(start),
      last_seen_at: new Date(clock),
    });

    clock += 30 * 60_000;
    await request(user.token);
    rows = await sessions(user);
    expect(rows.map((r) => r.request_count)).toEqual([2, 1]);
    expect(rows[1]!.started_at).toEqual(new Date(clock));
    expect(await lastActive(user)).toEqual(rows[1]!.last_seen_at);
  });

  it('counts the requests held in memory in the session they were made in', async () => {
    const user = await createUser(t);
    const start = clock;
    await request(user.token);
    clock += 10_000;
    await request(user.token);
    clock += 20_000;
    await request(user.token); // counted in memory, at start + 30 s
    const last = clock;
    clock += 40 * 60_000; // back after a gap: a new session
    await request(user.token);
    const rows = await sessions(user);
    expect(rows).toEqual([
      expect.objectContaining({
        request_count: 3,
        started_at: new Date(start),
        last_seen_at: new Date(last),
      }),
      expect.objectContaining({
        request_count: 1,
        started_at: new Date(clock),
        last_seen_at: new Date(clock),
      }),
    ]);
  });

  it('writes what it holds in memory on flush (and when the server closes)', async () => {
    const user = await createUser(t);
    await request(user.token);
    clock += 5_000;
    await request(user.token);
    expect((await sessions(user))[0]!.request_count).toBe(1);
    await t.app.activity.flush();
    const [session] = await sessions(user);
    expect(session).toMatchObject({ request_count: 2, last_seen_at: new Date(clock) });
    expect(await lastActive(user)).toEqual(new Date(clock));
  });

  it('records nothing for anonymous requests or accounts without a profile', async () => {
    const before = await t.db
      .selectFrom('user_sessions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const account = await createAccount(t);
    await request(undefined, '/health');
    await request(account.token, '/users/me');
    await request(await adminToken(t), '/metrics/health');
    const after = await t.db
      .selectFrom('user_sessions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it("makes a user's requests count in today's DAU", async () => {
    const admin = await adminToken(t);
    const read = async () => {
      const res = await t.request({ method: 'GET', url: '/metrics/users', token: admin });
      return res.json().summary as { date: string; dau: number };
    };
    const before = await read();
    expect(before.date).toBe(day(0));
    const user = await createUser(t);
    clock = Date.now(); // today, whatever the tests above did with the clock
    await request(user.token, '/posts');
    expect((await read()).dau).toBe(before.dau + 1);
  });
});
