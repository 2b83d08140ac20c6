import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../helpers/app.js';
import { createAccount, createUser, expectError, uniqueUsername } from '../../helpers/factories.js';

describe('GET /users/{user_id} and /users/by-username/{username}', () => {
  const t = useTestApp();

  it('shows a profile to anyone, with its counters and no viewer', async () => {
    const author = await createUser(t, { displayName: 'Dana Diamond' });
    const fans = [await createUser(t), await createUser(t)];
    for (const fan of fans) {
      await t.db
        .insertInto('follows')
        .values({ follower_id: fan.id, followee_id: author.id })
        .execute();
    }
    await t.db
      .insertInto('follows')
      .values({ follower_id: author.id, followee_id: fans[0]!.id })
      .execute();
    await t.db
      .insertInto('posts')
      .values([
        { author_id: author.id, content: 'one' },
        { author_id: author.id, content: 'two' },
      ])
      .execute();

    const res = await t.request({ method: 'GET', url: `/users/${author.id}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      id: author.id,
      username: author.username,
      display_name: 'Dana Diamond',
      profile_picture_url: null,
      bio: '',
      country: null,
      timezone: 'UTC',
      created_at: expect.stringMatching(/Z$/),
      stats: { followers: 2, following: 1, posts: 2 },
      viewer: null,
      pinned_post: null,
    });
    // the owner's private fields are not part of a public profile
    expect(res.json()).not.toHaveProperty('interests');
    expect(res.json()).not.toHaveProperty('is_admin');
  });

  it('fills viewer with how the viewer stands with the user', async () => {
    const viewer = await createUser(t);
    const other = await createUser(t);
    const look = async () =>
      (await t.request({ method: 'GET', url: `/users/${other.id}`, token: viewer.token })).json()
        .viewer;
    expect(await look()).toEqual({
      following: false,
      followed_by: false,
      muted: false,
      blocked: false,
    });

    await t.db
      .insertInto('follows')
      .values({ follower_id: viewer.id, followee_id: other.id })
      .execute();
    expect(await look()).toEqual({
      following: true,
      followed_by: false,
      muted: false,
      blocked: false,
    });

    await t.db
      .insertInto('follows')
      .values({ follower_id: other.id, followee_id: viewer.id })
      .execute();
    await t.db
      .insertInto('content_filters')
      .values({ user_id: viewer.id, target_id: other.id, type: 'mute' })
      .execute();
    expect(await look()).toEqual({
      following: true,
      followed_by: true,
      muted: true,
      blocked: false,
    });

    await t.db
      .insertInto('content_filters')
      .values({ user_id: viewer.id, target_id: other.id, type: 'block' })
      .execute();
    expect((await look()).blocked).toBe(true);

    // the other side's filters are the other side's business
    const back = await t.request({ method: 'GET', url: `/users/${viewer.id}`, token: other.token });
    expect(back.json().viewer).toEqual({
      following: true,
      followed_by: true,
      muted: false,
      blocked: false,
    });
  });

  it('gives viewer null when looking at oneself', async () => {
    const me = await createUser(t);
    const res = await t.request({ method: 'GET', url: `/users/${me.id}`, token: me.token });
    expect(res.json().viewer).toBeNull();
  });

  it('finds a user by name in any case', async () => {
    const user = await createUser(t, { username: uniqueUsername('MixedCase') });
    for (const name of [user.username, user.username.toLowerCase(), user.username.toUpperCase()]) {
      const res = await t.request({ method: 'GET', url: `/users/by-username/${name}` });
      expect(res.statusCode).toBe(200);
      expect(res.json().id).toBe(user.id);
    }
  });

  it('answers 404 for unknown, malformed and deleted users', async () => {
    const gone = await createUser(t);
    await t.db
      .updateTable('users')
      .set({ deleted_at: new Date() })
      .where('id', '=', gone.id)
      .execute();
    for (const url of [
      `/users/${randomUUID()}`,
      '/users/not-a-uuid',
      "/users/1'%20or%20'1'='1",
      `/users/${gone.id}`,
      `/users/by-username/${gone.username}`,
      '/users/by-username/nobody_has_this_name',
      '/users/by-username/ab',
      '/users/by-username/%3Cscript%3E',
      '/users/by-username/',
    ]) {
      expectError(await t.request({ method: 'GET', url }), 404, 'not_found');
    }
  });

  it('answers 401 to a forged token even on public profile routes', async () => {
    const user = await createUser(t);
    const res = await t.request({
      method: 'GET',
      url: `/users/${user.id}`,
      headers: { authorization: 'Bearer not.a.token' },
    });
    expectError(res, 401, 'unauthorized');
  });

  it('lets a signed-in account without a profile look (viewer flags all false)', async () => {
    const user = await createUser(t);
    const account = await createAccount(t);
    const res = await t.request({ method: 'GET', url: `/users/${user.id}`, token: account.token });
    expect(res.statusCode).toBe(200);
    expect(res.json().viewer).toEqual({
      following: false,
      followed_by: false,
      muted: false,
      blocked: false,
    });
  });
});
