import { describe, expect, it } from 'vitest';
import { foldCounterDeltas, postCount } from '../../../src/core/counters.js';
import { useTestApp } from '../../helpers/app.js';
import { addFilter, postCounterColumns } from '../../helpers/content.js';
import { createPost, createUser, expectError, type TestUser } from '../../helpers/factories.js';

const UNKNOWN = '6f1c2b9e-1d7a-4c55-9a3e-2b8f0c4d5e6f';

describe('reactions', () => {
  const t = useTestApp();

  const like = (user: TestUser, url: string, payload?: unknown, headers?: Record<string, string>) =>
    t.request({
      method: 'POST',
      url,
      token: user.token,
      ...(payload === undefined ? {} : { payload: payload as string }),
      ...(headers ? { headers } : {}),
    });

  async function newComment(author: TestUser, postId: string): Promise<string> {
    const res = await t.request({
      method: 'POST',
      url: `/posts/${postId}/comments`,
      token: author.token,
      payload: { content: 'a comment' },
    });
    return res.json().id;
  }

  it('toggles a like on a post, with or without a body', async () => {
    const author = await createUser(t);
    const fan = await createUser(t);
    const other = await createUser(t);
    const post = await createPost(t, author);
    const url = `/posts/${post.id}/reactions`;

    const on = await like(fan, url);
    expect(on.statusCode).toBe(200);
    expect(on.json()).toEqual({ reacted: true, reactions: 1 });
    expect((await like(other, url, { type: 'like' })).json()).toEqual({
      reacted: true,
      reactions: 2,
    });
    expect((await like(fan, url, {})).json()).toEqual({ reacted: false, reactions: 1 });
    const emptyJson = await like(fan, url, '', { 'content-type': 'application/json' });
    expect(emptyJson.json()).toEqual({ reacted: true, reactions: 2 });
    const fetched = await t.request({ method: 'GET', url: `/posts/${post.id}`, token: fan.token });
    expect(fetched.json()).toMatchObject({ stats: { reactions: 2 }, viewer: { reacted: true } });
  });

  it('toggles a like on a comment', async () => {
    const author = await createUser(t);
    const fan = await createUser(t);
    const post = await createPost(t, author);
    const commentId = await newComment(author, post.id);
    const url = `/comments/${commentId}/reactions`;
    expect((await like(fan, url)).json()).toEqual({ reacted: true, reactions: 1 });
    expect((await like(author, url)).json()).toEqual({ reacted: true, reactions: 2 });
    expect((await like(fan, url)).json()).toEqual({ reacted: false, reactions: 1 });
    expect((await postCounterColumns(t.db, post.id)).reactions_count).toBe(0);
  });

  it('refuses bad bodies, unknown, malformed and deleted targets', async () => {
    const author = await createUser(t);
    const post = await createPost(t, author);
    const commentId = await newComment(author, post.id);
    expectError(
      await like(author, `/posts/${post.id}/reactions`, { type: 'love' }),
      422,
      'validation_error',
    );
    expectError(
      await like(author, `/posts/${post.id}/reactions`, '[1', {
        'content-type': 'application/json',
      }),
      400,
      'bad_request',
    );
    expectError(
      await like(author, `/posts/${post.id}/reactions`, '{"__proto__": {"x": 1}}', {
        'content-type': 'application/json',
      }),
      400,
      'bad_request',
    );
    for (const id of [UNKNOWN, 'nope']) {
      expectError(await like(author, `/posts/${id}/reactions`), 404, 'not_found');
      expectError(await like(author, `/comments/${id}/reactions`), 404, 'not_found');
    }
    expectError(
      await t.request({ method: 'POST', url: `/posts/${post.id}/reactions` }),
      401,
      'unauthorized',
    );
    await t.request({ method: 'DELETE', url: `/comments/${commentId}`, token: author.token });
    expectError(await like(author, `/comments/${commentId}/reactions`), 404, 'not_found');
    await t.request({ method: 'DELETE', url: `/posts/${post.id}`, token: author.token });
    expectError(await like(author, `/posts/${post.id}/reactions`), 404, 'not_found');
  });

  it('refuses likes across a block, both ways, on posts and on comments', async () => {
    const a = await createUser(t);
    const b = await createUser(t);
    const c = await createUser(t);
    const postOfA = await createPost(t, a);
    const postOfB = await createPost(t, b);
    const commentOfC = await newComment(c, postOfA.id);
    await addFilter(t, a, b, 'block');
    expectError(await like(b, `/posts/${postOfA.id}/reactions`), 403, 'blocked');
    expectError(await like(a, `/posts/${postOfB.id}/reactions`), 403, 'blocked');
    // a comment on A's post is A's ground too
    expectError(await like(b, `/comments/${commentOfC}/reactions`), 403, 'blocked');
    expect((await like(c, `/posts/${postOfA.id}/reactions`)).statusCode).toBe(200);
    // a mute is no block
    await addFilter(t, c, a, 'mute');
    expect((await like(c, `/posts/${postOfA.id}/reactions`)).statusCode).toBe(200);
  });

  it('counts every like of 30 users liking one post at once, and every unlike after', async () => {
    const author = await createUser(t);
    const post = await createPost(t, author);
    const fans = await Promise.all(Array.from({ length: 30 }, () => createUser(t)));
    const url = `/posts/${post.id}/reactions`;
    const likes = await Promise.all(fans.map((fan) => like(fan, url)));
    expect(likes.map((r) => r.statusCode)).toEqual(Array(30).fill(200));
    expect(likes.every((r) => r.json().reacted === true)).toBe(true);
    // each answer carries the count read after that like committed: it counts the like itself,
    // and the answer read after the last commit counts all 30
    const counts = likes.map((r) => r.json().reactions as number);
    expect(counts.every((n) => n >= 1 && n <= 30)).toBe(true);
    expect(Math.max(...counts)).toBe(30);
    // the count with its pending deltas (likers who found the row held appended one: 0061)
    const count = () => postCount(t.db, post.id, 'reactions');
    expect(await count()).toBe(30);

    const unlikes = await Promise.all(fans.slice(0, 12).map((fan) => like(fan, url)));
    expect(unlikes.every((r) => r.statusCode === 200 && r.json().reacted === false)).toBe(true);
    expect(Math.min(...unlikes.map((r) => r.json().reactions as number))).toBe(18);
    expect(await count()).toBe(18);
    const live = await t.db
      .selectFrom('post_stats')
      .select('reactions')
      .where('post_id', '=', post.id)
      .executeTakeFirstOrThrow();
    expect(live.reactions).toBe(18);
    // folded, the row alone holds the count
    await foldCounterDeltas(t.db);
    expect((await postCounterColumns(t.db, post.id)).reactions_count).toBe(18);
  });

  it('keeps one like at most under 20 concurrent toggles of one user', async () => {
    const author = await createUser(t);
    const fan = await createUser(t);
    const post = await createPost(t, author);
    const commentId = await newComment(author, post.id);
    for (const url of [`/posts/${post.id}/reactions`, `/comments/${commentId}/reactions`]) {
      const results = await Promise.all(Array.from({ length: 20 }, () => like(fan, url)));
      expect(results.map((r) => `${r.statusCode} ${r.body}`)).toEqual(
        Array(20).fill(expect.stringMatching(/^200/)),
      );
      const rows = await t.db
        .selectFrom('reactions')
        .select('id')
        .where('user_id', '=', fan.id)
        .where(
          url.startsWith('/posts') ? 'post_id' : 'comment_id',
          '=',
          url.startsWith('/posts') ? post.id : commentId,
        )
        .execute();
      expect(rows.length).toBeLessThanOrEqual(1);
      // every toggle did one thing: the likes it added minus those it removed is what is left
      const added = results.filter((r) => r.json().reacted).length;
      expect(added - (20 - added)).toBe(rows.length);
      const counter = url.startsWith('/posts')
        ? { n: await postCount(t.db, post.id, 'reactions') }
        : await t.db
            .selectFrom('comments')
            .select('reactions_count as n')
            .where('id', '=', commentId)
            .executeTakeFirstOrThrow();
      expect(counter.n).toBe(rows.length);
    }
  });
});
