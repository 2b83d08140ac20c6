import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../helpers/app.js';
import { createAccount, createUser, expectError, type TestUser } from '../../helpers/factories.js';

describe('follows', () => {
  const t = useTestApp();

  const follow = (who: TestUser, targetId: string, method: 'POST' | 'DELETE' = 'POST') =>
    t.request({ method, url: `/users/${targetId}/follow`, token: who.token });

  async function counts(id: string) {
    return t.db
      .selectFrom('users')
      .select(['followers_count', 'following_count'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  }

  it('follows and unfollows idempotently, with the counters kept', async () => {
    const [a, b] = [await createUser(t), await createUser(t)];
    for (let i = 0; i < 2; i++) {
      const res = await follow(a, b.id);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ following: true, followers: 1 });
    }
    expect(await counts(a.id)).toEqual({ followers_count: 0, following_count: 1 });
    for (let i = 0; i < 2; i++) {
      const res = await follow(a, b.id, 'DELETE');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ following: false, followers: 0 });
    }
    expect(await counts(a.id)).toEqual({ followers_count: 0, following_count: 0 });
    expect(await counts(b.id)).toEqual({ followers_count: 0, following_count: 0 });
  });

  it('refuses following oneself with 422', async () => {
    const a = await createUser(t);
    expectError(await follow(a, a.id), 422, 'validation_error');
    expectError(await follow(a, a.id, 'DELETE'), 422, 'validation_error');
  });

  it('takes ids in upper case, oneself included', async () => {
    const [a, b] = [await createUser(t), await createUser(t)];
    expect((await follow(a, b.id.toUpperCase())).json()).toEqual({ following: true, followers: 1 });
    expectError(await follow(a, a.id.toUpperCase()), 422, 'validation_error');
    const res = await t.request({
      method: 'POST',
      url: `/users/${a.id.toUpperCase()}/block`,
      token: a.token,
    });
    expectError(res, 422, 'validation_error');
  });

  it('answers 404 for unknown, malformed and deleted users', async () => {
    const a = await createUser(t);
    const gone = await createUser(t);
    await t.db
      .updateTable('users')
      .set({ deleted_at: new Date() })
      .where('id', '=', gone.id)
      .execute();
    for (const id of [randomUUID(), 'not-a-uuid', "1' or '1'='1", gone.id]) {
      expectError(await follow(a, encodeURIComponent(id)), 404, 'not_found');
      expectError(await follow(a, encodeURIComponent(id), 'DELETE'), 404, 'not_found');
    }
  });

  it('refuses a follow across a block, either way, with 403 blocked', async () => {
    const [a, b, c] = [await createUser(t), await createUser(t), await createUser(t)];
    await t.request({ method: 'POST', url: `/users/${a.id}/block`, token: b.token });
    expectError(await follow(a, b.id), 403, 'blocked');
    expectError(await follow(b, a.id), 403, 'blocked');
    // a mute is no block
    await t.request({ method: 'POST', url: `/users/${c.id}/mute`, token: a.token });
    expect((await follow(a, c.id)).statusCode).toBe(200);
    // unfollowing across a block is harmless
    expect((await follow(a, b.id, 'DELETE')).json()).toEqual({ following: false, followers: 0 });
  });

  it('needs a signed-in user with a profile', async () => {
    const b = await createUser(t);
    expectError(
      await t.request({ method: 'POST', url: `/users/${b.id}/follow` }),
      401,
      'unauthorized',
    );
    const account = await createAccount(t);
    const res = await t.request({
      method: 'POST',
      url: `/users/${b.id}/follow`,
      token: account.token,
    });
    expectError(res, 403, 'onboarding_required');
  });

  it('never leaves a follow beside a block written at the same moment', async () => {
    for (let round = 0; round < 5; round++) {
      const [a, b] = [await createUser(t), await createUser(t)];
      const [followed, blockedRes] = await Promise.all([
        follow(a, b.id),
        t.request({ method: 'POST', url: `/users/${a.id}/block`, token: b.token }),
      ]);
      expect([200, 403]).toContain(followed.statusCode);
      expect(blockedRes.statusCode).toBe(200);
      const follows = await t.db
        .selectFrom('follows')
        .selectAll()
        .where('follower_id', 'in', [a.id, b.id])
        .execute();
      expect(follows).toEqual([]);
      expect(await counts(b.id)).toEqual({ followers_count: 0, following_count: 0 });
    }
  });

  it('lets two users follow each other at the same moment', async () => {
    const [a, b] = [await createUser(t), await createUser(t)];
    const [ab, ba] = await Promise.all([follow(a, b.id), follow(b, a.id)]);
    expect([ab.statusCode, ba.statusCode]).toEqual([200, 200]);
    expect(await counts(a.id)).toEqual({ followers_count: 1, following_count: 1 });
    expect(await counts(b.id)).toEqual({ followers_count: 1, following_count: 1 });
  });

  it('counts 30 users following one account at the same moment, and each follow once', async () => {
    const star = await createUser(t);
    const fans = await Promise.all(Array.from({ length: 30 }, () => createUser(t)));
    // every fan sends the follow twice at once: idempotent under concurrency too
    const answers = await Promise.all(
      fans.flatMap((fan) => [follow(fan, star.id), follow(fan, star.id)]),
    );
    expect(answers.map((r) => r.statusCode)).toEqual(Array(60).fill(200));
    expect(Math.max(...answers.map((r) => r.json().followers as number))).toBe(30);
    expect(await counts(star.id)).toEqual({ followers_count: 30, following_count: 0 });
    const rows = await t.db
      .selectFrom('follows')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('followee_id', '=', star.id)
      .executeTakeFirstOrThrow();
    expect(rows.n).toBe(30);
    for (const fan of fans) expect((await counts(fan.id)).following_count).toBe(1);
  });
});

describe('followers and following lists', () => {
  const t = useTestApp();

  const list = (url: string, token?: string) => t.request({ method: 'GET', url, token });

  it('pages followers newest first without repeats, ties broken by id', async () => {
    const star = await createUser(t);
    const fans = await Promise.all(Array.from({ length: 5 }, () => createUser(t)));
    const same = new Date('2026-11-20T10:00:00.000Z');
    // three follows at the very same millisecond, two later ones
    await t.db
      .insertInto('follows')
      .values(
        fans.map((fan, i) => ({
          follower_id: fan.id,
          followee_id: star.id,
          created_at: i < 3 ? same : new Date(same.getTime() + i * 1000),
        })),
      )
      .execute();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await list(
        `/users/${star.id}/followers?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.statusCode).toBe(200);
      const body = res.json() as { items: { id: string }[]; next_cursor: string | null };
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...body.items.map((u) => u.id));
      cursor = body.next_cursor;
    } while (cursor);
    const tied = fans
      .slice(0, 3)
      .map((f) => f.id)
      .sort()
      .reverse();
    expect(seen).toEqual([fans[4]!.id, fans[3]!.id, ...tied]);
  });

  it('answers UserSummary items, and the following list the other way', async () => {
    const a = await createUser(t, { displayName: 'Alice A' });
    const b = await createUser(t);
    await t.request({ method: 'POST', url: `/users/${b.id}/follow`, token: a.token });
    const followers = (await list(`/users/${b.id}/followers`)).json();
    expect(followers).toEqual({
      items: [
        { id: a.id, username: a.username, display_name: 'Alice A', profile_picture_url: null },
      ],
      next_cursor: null,
    });
    const following = (await list(`/users/${a.id}/following`)).json();
    expect(following.items.map((u: { id: string }) => u.id)).toEqual([b.id]);
    expect((await list(`/users/${a.id}/followers`)).json()).toEqual({
      items: [],
      next_cursor: null,
    });
  });

  it('leaves out users the viewer blocked, who blocked the viewer, and deleted ones; a mute changes nothing', async () => {
    const star = await createUser(t);
    const viewer = await createUser(t);
    const [muted, blockedByViewer, blocker, gone, plain] = await Promise.all(
      Array.from({ length: 5 }, () => createUser(t)),
    );
    for (const fan of [muted!, blockedByViewer!, blocker!, gone!, plain!]) {
      await t.request({ method: 'POST', url: `/users/${star.id}/follow`, token: fan.token });
    }
    await t.request({ method: 'POST', url: `/users/${muted!.id}/mute`, token: viewer.token });
    await t.request({
      method: 'POST',
      url: `/users/${blockedByViewer!.id}/block`,
      token: viewer.token,
    });
    await t.request({ method: 'POST', url: `/users/${viewer.id}/block`, token: blocker!.token });
    await t.db
      .updateTable('users')
      .set({ deleted_at: new Date() })
      .where('id', '=', gone!.id)
      .execute();

    const ids = async (token?: string) =>
      ((await list(`/users/${star.id}/followers`, token)).json().items as { id: string }[]).map(
        (u) => u.id,
      );
    expect(new Set(await ids(viewer.token))).toEqual(new Set([muted!.id, plain!.id]));
    expect(new Set(await ids())).toEqual(
      new Set([muted!.id, blockedByViewer!.id, blocker!.id, plain!.id]),
    );
  });

  it('refuses bad limits and tampered cursors with 422, unknown users with 404', async () => {
    const a = await createUser(t);
    for (const query of ['limit=0', 'limit=101', 'limit=abc', 'cursor=garbage']) {
      expectError(await list(`/users/${a.id}/followers?${query}`), 422, 'validation_error');
    }
    const forged = Buffer.from(JSON.stringify(['2026-11-20T10:00:00.000Z', "x' or 1=1"])).toString(
      'base64url',
    );
    expectError(await list(`/users/${a.id}/following?cursor=${forged}`), 422, 'validation_error');
    expectError(await list(`/users/${randomUUID()}/followers`), 404, 'not_found');
    expectError(await list('/users/nope/following'), 404, 'not_found');
  });
});
