import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../helpers/app.js';
import { createUser, expectError, insertPost, type TestUser } from '../../helpers/factories.js';

describe('bookmark toggles', () => {
  const t = useTestApp();

  const bookmark = (who: TestUser, postId: string, on = true) =>
    t.request({
      method: on ? 'POST' : 'DELETE',
      url: `/posts/${postId}/bookmarks`,
      token: who.token,
    });
  const rows = (userId: string) =>
    t.db.selectFrom('bookmarks').select('post_id').where('user_id', '=', userId).execute();

  it('bookmarks and removes idempotently', async () => {
    const [author, reader] = [await createUser(t), await createUser(t)];
    const post = await insertPost(t, author.id);
    for (let i = 0; i < 2; i++) {
      const res = await bookmark(reader, post.id);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ bookmarked: true });
    }
    expect(await rows(reader.id)).toEqual([{ post_id: post.id }]);
    for (let i = 0; i < 2; i++) {
      expect((await bookmark(reader, post.id, false)).json()).toEqual({ bookmarked: false });
    }
    expect(await rows(reader.id)).toEqual([]);
  });

  it('answers 404 for unknown, malformed and deleted posts', async () => {
    const [author, reader] = [await createUser(t), await createUser(t)];
    const deleted = await insertPost(t, author.id, { deleted: true });
    for (const on of [true, false]) {
      expectError(await bookmark(reader, randomUUID(), on), 404, 'not_found');
      expectError(await bookmark(reader, 'not-a-post', on), 404, 'not_found');
      expectError(await bookmark(reader, deleted.id, on), 404, 'not_found');
    }
    expect(await rows(reader.id)).toEqual([]);
  });

  it("removing one's bookmark leaves everyone else's", async () => {
    const [author, a, b] = [await createUser(t), await createUser(t), await createUser(t)];
    const post = await insertPost(t, author.id);
    await bookmark(a, post.id);
    await bookmark(b, post.id);
    await bookmark(a, post.id, false);
    expect(await rows(a.id)).toEqual([]);
    expect(await rows(b.id)).toEqual([{ post_id: post.id }]);
  });

  it('needs a signed-in user', async () => {
    const author = await createUser(t);
    const post = await insertPost(t, author.id);
    const res = await t.request({ method: 'POST', url: `/posts/${post.id}/bookmarks` });
    expectError(res, 401, 'unauthorized');
  });
});
