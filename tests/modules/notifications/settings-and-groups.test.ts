import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../helpers/app.js';
import {
  createPost,
  createUser,
  expectError,
  getOk,
  type Page,
  type TestUser,
  walkPages,
} from '../../helpers/factories.js';

interface Group {
  group_key: string;
  type: string;
  post: { id: string } | null;
  comment: { id: string } | null;
  actors: { id: string; username: string }[];
  actor_count: number;
  latest_at: string;
  read: boolean;
}

const ALL_ON = {
  follow: true,
  like: true,
  comment: true,
  reply: true,
  repost: true,
  quote: true,
  mention: true,
};

describe('notification settings', () => {
  const t = useTestApp();

  const settings = (user: TestUser) =>
    getOk<typeof ALL_ON>(t, '/users/me/notification-settings', user.token);
  const patch = (user: TestUser, payload: unknown) =>
    t.request({
      method: 'PATCH',
      url: '/users/me/notification-settings',
      token: user.token,
      payload: payload as object,
    });
  const types = async (user: TestUser) =>
    (await getOk<Page<{ type: string }>>(t, '/notifications', user.token)).items.map((n) => n.type);

  it('are all on at first; a type turned off creates no notification, turned on again it does', async () => {
    const [ada, ben] = [await createUser(t), await createUser(t)];
    expect(await settings(ada)).toEqual(ALL_ON);
    const res = await patch(ada, { like: false, follow: false });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ ...ALL_ON, like: false, follow: false });
    // only the types sent change
    expect((await patch(ada, { follow: true })).json()).toEqual({ ...ALL_ON, like: false });
    expect(await settings(ada)).toEqual({ ...ALL_ON, like: false });

    const post = await createPost(t, ada, 'hello');
    await t.request({ method: 'POST', url: `/posts/${post.id}/reactions`, token: ben.token });
    await t.request({ method: 'POST', url: `/users/${ada.id}/follow`, token: ben.token });
    expect(await types(ada)).toEqual(['follow']);
    const rows = await t.db
      .selectFrom('notifications')
      .select('type')
      .where('user_id', '=', ada.id)
      .execute();
    expect(rows.map((r) => r.type)).toEqual(['follow']);

    await patch(ada, { like: true });
    const other = await createPost(t, ada, 'again');
    await t.request({ method: 'POST', url: `/posts/${other.id}/reactions`, token: ben.token });
    expect(await types(ada)).toEqual(['like', 'follow']);
  });

  it('turns off mentions, replies, comments, reposts and quotes too', async () => {
    const [ada, ben] = [await createUser(t), await createUser(t)];
    await patch(ada, { comment: false, reply: false, repost: false, quote: false, mention: false });
    const post = await createPost(t, ada, 'call');
    const c = await t.request({
      method: 'POST',
      url: `/posts/${post.id}/comments`,
      token: ben.token,
      payload: { content: `@${ada.username} hi` },
    });
    expect(c.statusCode).toBe(201);
    await t.request({ method: 'POST', url: `/posts/${post.id}/reposts`, token: ben.token });
    await t.request({
      method: 'POST',
      url: `/posts/${post.id}/reposts`,
      token: ben.token,
      payload: { quote: 'q' },
    });
    await createPost(t, ben, `@${ada.username} look`);
    expect(await types(ada)).toEqual([]);
  });

  it('refuses an unknown key or a value that is not a boolean, and changes nothing', async () => {
    const ada = await createUser(t);
    await patch(ada, { like: false });
    for (const body of [
      { likes: false },
      { like: true, bogus: false },
      { like: 'false' },
      { like: 0 },
      { like: null },
      [],
    ]) {
      expectError(await patch(ada, body), 422, 'validation_error');
    }
    expect(await settings(ada)).toEqual({ ...ALL_ON, like: false });
    expectError(
      await t.request({ method: 'GET', url: '/users/me/notification-settings' }),
      401,
      'unauthorized',
    );
  });
});

describe('GET /notifications?grouped=true', () => {
  const t = useTestApp();

  const groups = async (user: TestUser, query = '') =>
    getOk<Page<Group>>(t, `/notifications?grouped=true${query}`, user.token);

  it('groups likes, reposts and follows by target and day, with the three newest actors', async () => {
    const ada = await createUser(t);
    const fans = [];
    for (let i = 0; i < 5; i++) fans.push(await createUser(t));
    const post = await createPost(t, ada, 'viral');
    for (const fan of fans) {
      await t.request({ method: 'POST', url: `/posts/${post.id}/reactions`, token: fan.token });
    }
    for (const fan of fans.slice(0, 2)) {
      await t.request({ method: 'POST', url: `/users/${ada.id}/follow`, token: fan.token });
    }
    await t.request({
      method: 'POST',
      url: `/posts/${post.id}/comments`,
      token: fans[0]!.token,
      payload: { content: 'one' },
    });
    await t.request({
      method: 'POST',
      url: `/posts/${post.id}/comments`,
      token: fans[1]!.token,
      payload: { content: 'two' },
    });

    const page = await groups(ada);
    expect(page.items.map((g) => `${g.type}×${g.actor_count}`)).toEqual([
      'comment×1',
      'comment×1',
      'follow×2',
      'like×5',
    ]);
    const likes = page.items[3]!;
    expect(likes.post?.id).toBe(post.id);
    expect(likes.actors.map((a) => a.id)).toEqual([fans[4]!.id, fans[3]!.id, fans[2]!.id]);
    expect(likes.read).toBe(false);
    const follows = page.items[2]!;
    expect(follows.post).toBeNull();
    expect(follows.actors.map((a) => a.id)).toEqual([fans[1]!.id, fans[0]!.id]);

    // a like on another post is another group; the group of the first post grows in place
    const other = await createPost(t, ada, 'other');
    await t.request({ method: 'POST', url: `/posts/${other.id}/reactions`, token: fans[0]!.token });
    const again = await groups(ada);
    expect(again.items.map((g) => `${g.type}×${g.actor_count}`)).toEqual([
      'like×1',
      'comment×1',
      'comment×1',
      'follow×2',
      'like×5',
    ]);
    expect(again.items[4]!.group_key).toBe(likes.group_key);
  });

  it('keeps likes of different UTC days apart', async () => {
    const [ada, ben, cy] = [await createUser(t), await createUser(t), await createUser(t)];
    const post = await createPost(t, ada, 'slow burner');
    for (const fan of [ben, cy]) {
      await t.request({ method: 'POST', url: `/posts/${post.id}/reactions`, token: fan.token });
    }
    // created_at is never updated by the service (its type says so): the test moves it in SQL
    await sql`update notifications set created_at = '2026-01-01T23:59:59Z'
      where user_id = ${ada.id} and actor_id = ${ben.id}`.execute(t.db);
    const page = await groups(ada);
    expect(page.items.map((g) => g.actors.map((a) => a.id))).toEqual([[cy.id], [ben.id]]);
  });

  it('leaves out an actor blocked later: not shown, not counted, and the group falls back', async () => {
    const ada = await createUser(t);
    const [ben, cy, dee] = [await createUser(t), await createUser(t), await createUser(t)];
    const post = await createPost(t, ada, 'post');
    for (const fan of [ben, cy, dee]) {
      await t.request({ method: 'POST', url: `/posts/${post.id}/reactions`, token: fan.token });
    }
    // dee, the newest actor, is blocked afterwards
    await t.request({ method: 'POST', url: `/users/${dee.id}/block`, token: ada.token });
    const [group] = (await groups(ada)).items;
    expect(group!.actors.map((a) => a.id)).toEqual([cy.id, ben.id]);
    expect(group!.actor_count).toBe(2);
    // a group whose every actor is blocked is gone
    await t.request({ method: 'POST', url: `/users/${ben.id}/block`, token: ada.token });
    await t.request({ method: 'POST', url: `/users/${cy.id}/block`, token: ada.token });
    expect((await groups(ada)).items).toEqual([]);
  });

  it('pages over groups with a cursor: each group once, as the ungrouped list holds them', async () => {
    const ada = await createUser(t);
    const fans = [];
    for (let i = 0; i < 4; i++) fans.push(await createUser(t));
    const posts = [];
    for (let i = 0; i < 5; i++) posts.push(await createPost(t, ada, `post ${i}`));
    for (const [i, post] of posts.entries()) {
      for (const fan of fans.slice(0, 1 + (i % 4))) {
        await t.request({ method: 'POST', url: `/posts/${post.id}/reactions`, token: fan.token });
      }
    }
    for (const fan of fans) {
      await t.request({ method: 'POST', url: `/users/${ada.id}/follow`, token: fan.token });
    }
    const whole = (await groups(ada, '&limit=50')).items;
    expect(whole).toHaveLength(6);
    const walked = await walkPages((cursor) =>
      groups(ada, `&limit=2${cursor ? `&cursor=${cursor}` : ''}`),
    );
    expect(walked.pages).toBe(3);
    expect(walked.items.map((g) => g.group_key)).toEqual(whole.map((g) => g.group_key));
    expect(whole.reduce((n, g) => n + g.actor_count, 0)).toBe(1 + 2 + 3 + 4 + 1 + 4);
  });

  it('finds groups days, months and years apart, on one page and page by page', async () => {
    const ada = await createUser(t);
    const ben = await createUser(t);
    const ages = [0, 3, 40, 200, 900];
    const posts = [];
    for (const age of ages) {
      const post = await createPost(t, ada, `${age} days old`);
      await t.request({ method: 'POST', url: `/posts/${post.id}/reactions`, token: ben.token });
      await sql`update notifications set created_at = now() - make_interval(days => ${age})
        where user_id = ${ada.id} and post_id = ${post.id}`.execute(t.db);
      posts.push(post.id);
    }
    const whole = (await groups(ada, '&limit=50')).items;
    expect(whole.map((g) => g.post?.id)).toEqual(posts);
    const walked = await walkPages((cursor) =>
      groups(ada, `&limit=1${cursor ? `&cursor=${cursor}` : ''}`),
    );
    expect(walked.items.map((g) => g.post?.id)).toEqual(posts);
  });

  it('marks a group read when all of it is read, and filters unread groups', async () => {
    const [ada, ben, cy] = [await createUser(t), await createUser(t), await createUser(t)];
    const post = await createPost(t, ada, 'p');
    await t.request({ method: 'POST', url: `/posts/${post.id}/reactions`, token: ben.token });
    await t.request({ method: 'POST', url: '/notifications/read', token: ada.token, payload: {} });
    await t.request({ method: 'POST', url: `/posts/${post.id}/reactions`, token: cy.token });
    const [partly] = (await groups(ada)).items;
    expect(partly).toMatchObject({ actor_count: 2, read: false });
    expect((await groups(ada, '&unread=true')).items).toHaveLength(1);
    await t.request({ method: 'POST', url: '/notifications/read', token: ada.token, payload: {} });
    expect((await groups(ada)).items[0]!.read).toBe(true);
    expect((await groups(ada, '&unread=true')).items).toEqual([]);
  });

  it('refuses a tampered cursor and a bad grouped value with 422', async () => {
    const ada = await createUser(t);
    for (const query of ['&cursor=abc', '&limit=0']) {
      expectError(
        await t.request({
          method: 'GET',
          url: `/notifications?grouped=true${query}`,
          token: ada.token,
        }),
        422,
        'validation_error',
      );
    }
    expectError(
      await t.request({ method: 'GET', url: '/notifications?grouped=maybe', token: ada.token }),
      422,
      'validation_error',
    );
  });
});
