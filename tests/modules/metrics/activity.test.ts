import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../helpers/app.js';
import { createAccount, createUser, type TestUser } from '../../helpers/factories.js';
import { adminToken, day } from './metrics-helpers.js';

/**
 * The activity tracker (plugins/activity.ts) with its clock moved by the test: requests are
 * written at most once a minute per user, and a gap of 30 minutes or more starts a session.
 */
describe('activity tracking', () => {
  let clock = 1_000_000_000_000;
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
  /** Moves the user's sessions back in time, as if the requests had been made that long ago. */
  const age = (user: TestUser, minutes: number) =>
    sql`update user_sessions set started_at = started_at - make_interval(mins => ${minutes}),
      last_seen_at = last_seen_at - make_interval(mins => ${minutes})
      where user_id = ${user.id}`.execute(t.db);
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
    await request(user.token);
    await age(user, 29);
    clock += 61_000;
    await request(user.token);
    let rows = await sessions(user);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.request_count).toBe(2);
    expect(rows[0]!.last_seen_at.getTime() - rows[0]!.started_at.getTime()).toBeGreaterThan(
      28 * 60_000,
    );

    await age(user, 30);
    clock += 61_000;
    await request(user.token);
    rows = await sessions(user);
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.request_count)).toEqual([2, 1]);
    expect(await lastActive(user)).toEqual(rows[1]!.last_seen_at);
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
    await request(user.token, '/posts');
    expect((await read()).dau).toBe(before.dau + 1);
  });
});
