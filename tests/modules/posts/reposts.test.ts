import { describe, expect, it } from 'vitest';
import type { Post } from '../../../src/core/posts.schemas.js';
import { useTestApp } from '../../helpers/app.js';
import { addFilter } from '../../helpers/content.js';
import { createPost, createUser, expectError, type TestUser } from '../../helpers/factories.js';

const UNKNOWN = '6f1c2b9e-1d7a-4c55-9a3e-2b8f0c4d5e6f';

describe('reposts and quotes', () => {
  const t = useTestApp();

  const repost = (
    user: TestUser,
    postId: string,
    payload?: unknown,
    headers?: Record<string, string>,
  ) =>
    t.request({
      method: 'POST',
      url: `/posts/${postId}/reposts`,
      token: user.token,
      ...(payload === undefined ? {} : { payload: payload as string }),
      ...(headers ? { headers } : {}),
    });
  const unrepost = (user: TestUser, postId: string) =>
    t.request({ method: 'DELETE', url: `/posts/${postId}/reposts`, token: user.token });
  const stats = async (postId: string, user?: TestUser) =>
    (
      await t.request({ method: 'GET', url: `/posts/${postId}`, token: user?.token })
    ).json() as Post;

  it('reposts once (no body, {} or an empty JSON body), then 409 already_reposted', async () => {
    const author = await createUser(t);
    const [a, b, c] = [await createUser(t), await createUser(t), await createUser(t)];
    const post = await createPost(t, author);

    const first = await repost(a, post.id);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toEqual({ type: 'repost', reposts: 1 });
    expect((await repost(b, post.id, {})).json()).toEqual({ type: 'repost', reposts: 2 });
    const emptyJson = await repost(c, post.id, '', { 'content-type': 'application/json' });
    expect(emptyJson.json()).toEqual({ type: 'repost', reposts: 3 });
    expectError(await repost(a, post.id), 409, 'already_reposted');
    expectError(await repost(a, post.id, {}), 409, 'already_reposted');
    expect(await stats(post.id, a)).toMatchObject({
      stats: { reposts: 3, quotes: 0 },
      viewer: { reposted: true },
    });
  });

  it('answers one 201 and one 409 to two simultaneous reposts', async () => {
    const author = await createUser(t);
    const fan = await createUser(t);
    const post = await createPost(t, author);
    const results = await Promise.all([repost(fan, post.id), repost(fan, post.id)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expect((await stats(post.id)).stats.reposts).toBe(1);
  });

  it('removes a plain repost: 204, then 404', async () => {
    const author = await createUser(t);
    const fan = await createUser(t);
    const post = await createPost(t, author);
    expectError(await unrepost(fan, post.id), 404, 'not_found');
    await repost(fan, post.id);
    const removed = await unrepost(fan, post.id);
    expect(removed.statusCode).toBe(204);
    expectError(await unrepost(fan, post.id), 404, 'not_found');
    expect(await stats(post.id, fan)).toMatchObject({
      stats: { reposts: 0 },
      viewer: { reposted: false },
    });
    // and it can be reposted again
    expect((await repost(fan, post.id)).statusCode).toBe(201);
  });

  it('quotes: a new post with its own tickers, counted apart from reposts', async () => {
    const author = await createUser(t);
    const quoter = await createUser(t);
    const post = await createPost(t, author, 'original $AAPL');
    const res = await repost(quoter, post.id, {
      quote: '  agree, and $msft too\r\n',
      sentiment: 'bearish',
    });
    expect(res.statusCode).toBe(201);
    const body = res.json() as { type: string; post: Post };
    expect(body.type).toBe('quote');
    expect(body.post).toMatchObject({
      author: { id: quoter.id },
      content: 'agree, and $msft too',
      sentiment: 'bearish',
      tickers: ['MSFT'],
      quoted_post: { id: post.id, content: 'original $AAPL', tickers: ['AAPL'], quoted_post: null },
    });
    // quoting does not count as a plain repost; a plain repost is still possible
    expect(await stats(post.id, quoter)).toMatchObject({
      stats: { reposts: 0, quotes: 1 },
      viewer: { reposted: false },
    });
    expect((await repost(quoter, post.id)).json()).toEqual({ type: 'repost', reposts: 1 });
    // a second quote is another post
    expect((await repost(quoter, post.id, { quote: 'again' })).statusCode).toBe(201);
    expect((await stats(post.id)).stats).toMatchObject({ reposts: 1, quotes: 2 });
    // deleting a quote takes it out of the count
    await t.request({ method: 'DELETE', url: `/posts/${body.post.id}`, token: quoter.token });
    expect((await stats(post.id)).stats.quotes).toBe(1);
  });

  it('refuses a bad quote, and unknown, malformed or deleted posts', async () => {
    const author = await createUser(t);
    const post = await createPost(t, author);
    const cases: Array<[unknown, string]> = [
      [{ quote: '' }, 'quote'],
      [{ quote: '   ' }, 'quote'],
      [{ quote: 'x'.repeat(1001) }, 'quote'],
      [{ quote: 'a\u0000' }, 'quote'],
      [{ quote: 'ok', sentiment: 'meh' }, 'sentiment'],
    ];
    for (const [payload, field] of cases) {
      const error = expectError(await repost(author, post.id, payload), 422, 'validation_error');
      expect(error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    }
    const verbatim = "<b>bold</b>'; drop table reposts; --";
    expect((await repost(author, post.id, { quote: verbatim })).json().post.content).toBe(verbatim);
    expectError(
      await repost(author, post.id, '{"quote":', { 'content-type': 'application/json' }),
      400,
      'bad_request',
    );
    for (const id of [UNKNOWN, 'nope']) {
      expectError(await repost(author, id), 404, 'not_found');
      expectError(await repost(author, id, { quote: 'x' }), 404, 'not_found');
      expectError(await unrepost(author, id), 404, 'not_found');
    }
    await t.request({ method: 'DELETE', url: `/posts/${post.id}`, token: author.token });
    expectError(await repost(author, post.id), 404, 'not_found');
    expectError(await repost(author, post.id, { quote: 'x' }), 404, 'not_found');
    expectError(
      await t.request({ method: 'POST', url: `/posts/${post.id}/reposts` }),
      401,
      'unauthorized',
    );
  });

  it('refuses reposts and quotes across a block, both ways', async () => {
    const a = await createUser(t);
    const b = await createUser(t);
    const postOfA = await createPost(t, a);
    const postOfB = await createPost(t, b);
    await addFilter(t, b, a, 'block');
    expectError(await repost(a, postOfB.id), 403, 'blocked');
    expectError(await repost(a, postOfB.id, { quote: 'x' }), 403, 'blocked');
    expectError(await repost(b, postOfA.id), 403, 'blocked');
    expectError(await repost(b, postOfA.id, { quote: 'x' }), 403, 'blocked');
    expect((await stats(postOfA.id)).stats).toMatchObject({ reposts: 0, quotes: 0 });
  });
});
