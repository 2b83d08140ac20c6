import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../helpers/app.js';
import { createPost, createUser, expectError, type TestUser } from '../../helpers/factories.js';

describe('PUT and DELETE /users/me/pinned-post', () => {
  const t = useTestApp();

  const pin = (user: TestUser, payload: object) =>
    t.request({ method: 'PUT', url: '/users/me/pinned-post', token: user.token, payload });
  const unpin = (user: TestUser) =>
    t.request({ method: 'DELETE', url: '/users/me/pinned-post', token: user.token });
  const profile = async (user: TestUser, viewer?: TestUser) =>
    (await t.request({ method: 'GET', url: `/users/${user.id}`, token: viewer?.token })).json();

  it('pins one of your posts to your profile, shown as a Post with the viewer fields', async () => {
    const [ada, ben] = [await createUser(t), await createUser(t)];
    const post = await createPost(t, ada, 'My thesis on $NVDA, pinned');
    const res = await pin(ada, { post_id: post.id });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: ada.id, pinned_post: { id: post.id } });
    await t.request({ method: 'POST', url: `/posts/${post.id}/reactions`, token: ben.token });
    const seen = await profile(ada, ben);
    expect(seen.pinned_post).toMatchObject({
      id: post.id,
      content: 'My thesis on $NVDA, pinned',
      tickers: ['NVDA'],
      viewer: { reacted: true },
    });
    expect((await profile(ada)).pinned_post.id).toBe(post.id);
    // by username too
    const byName = await t.request({ method: 'GET', url: `/users/by-username/${ada.username}` });
    expect(byName.json().pinned_post.id).toBe(post.id);
  });

  it('replaces the pin, unpins idempotently', async () => {
    const ada = await createUser(t);
    const [a, b] = [await createPost(t, ada, 'a'), await createPost(t, ada, 'b')];
    await pin(ada, { post_id: a.id });
    expect((await pin(ada, { post_id: b.id })).json().pinned_post.id).toBe(b.id);
    for (let i = 0; i < 2; i++) {
      const res = await unpin(ada);
      expect(res.statusCode).toBe(200);
      expect(res.json().pinned_post).toBeNull();
    }
    expect((await profile(ada)).pinned_post).toBeNull();
  });

  it('unpins a post when it is deleted', async () => {
    const ada = await createUser(t);
    const post = await createPost(t, ada, 'soon gone');
    await pin(ada, { post_id: post.id });
    await t.request({ method: 'DELETE', url: `/posts/${post.id}`, token: ada.token });
    expect((await profile(ada)).pinned_post).toBeNull();
    const row = await t.db
      .selectFrom('users')
      .select('pinned_post_id')
      .where('id', '=', ada.id)
      .executeTakeFirstOrThrow();
    expect(row.pinned_post_id).toBeNull();
  });

  it("refuses someone else's post, a deleted or unknown one, and a bad body with 422", async () => {
    const [ada, ben] = [await createUser(t), await createUser(t)];
    const bens = await createPost(t, ben, 'not yours');
    const gone = await createPost(t, ada, 'deleted');
    await t.request({ method: 'DELETE', url: `/posts/${gone.id}`, token: ada.token });
    for (const body of [
      { post_id: bens.id },
      { post_id: gone.id },
      { post_id: '00000000-0000-4000-8000-000000000000' },
      { post_id: "1' or '1'='1" },
      {},
      { post_id: bens.id, user_id: ben.id },
    ]) {
      expectError(await pin(ada, body), 422, 'validation_error');
    }
    expect((await profile(ben)).pinned_post).toBeNull();
    expect((await profile(ada)).pinned_post).toBeNull();
    expectError(
      await t.request({
        method: 'PUT',
        url: '/users/me/pinned-post',
        payload: { post_id: bens.id },
      }),
      401,
      'unauthorized',
    );
  });

  it("hides a pinned post from a viewer the author blocked, like the author's other posts", async () => {
    const [ada, ben] = [await createUser(t), await createUser(t)];
    const post = await createPost(t, ada, 'pinned');
    await pin(ada, { post_id: post.id });
    await t.request({ method: 'POST', url: `/users/${ben.id}/block`, token: ada.token });
    const res = await t.request({ method: 'GET', url: `/users/${ada.id}`, token: ben.token });
    expect(res.statusCode).toBe(200);
    expect(res.json().pinned_post).toBeNull();
    // and the other way: the blocker does not see the pin of the user they blocked
    const bens = await createPost(t, ben, 'ben pinned');
    await pin(ben, { post_id: bens.id });
    expect((await profile(ben, ada)).pinned_post).toBeNull();
    expect((await profile(ben)).pinned_post.id).toBe(bens.id);
  });
});
