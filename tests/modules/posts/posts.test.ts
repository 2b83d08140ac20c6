import { describe, expect, it } from 'vitest';
import { userPostsCount } from '../../../src/core/counters.js';
import type { Post } from '../../../src/core/posts.schemas.js';
import { useTestApp } from '../../helpers/app.js';
import {
  createAccount,
  createMedia,
  createPost,
  createUser,
  expectError,
  type TestUser,
} from '../../helpers/factories.js';

describe('posts', () => {
  const t = useTestApp();

  const send = (user: TestUser | undefined, payload: unknown) =>
    t.request({ method: 'POST', url: '/posts', token: user?.token, payload: payload as object });

  describe('POST /posts', () => {
    it('creates a post with tickers, media, a poll and a sentiment, as a Post', async () => {
      const author = await createUser(t);
      const media = [
        await createMedia(t, author.id),
        await createMedia(t, author.id, { width: 10 }),
      ];
      const res = await send(author, {
        content: '  #tsla and $aapl, then $TSLA again  ',
        sentiment: 'bullish',
        media_ids: [media[1], media[0]],
        poll: { options: [' Up ', 'Down'], duration_days: 3 },
      });
      expect(res.statusCode).toBe(201);
      const post = res.json() as Post;
      expect(post).toMatchObject({
        author: { id: author.id, username: author.username, profile_picture_url: null },
        content: '#tsla and $aapl, then $TSLA again',
        sentiment: 'bullish',
        tickers: ['TSLA', 'AAPL'],
        stats: { reactions: 0, comments: 0, reposts: 0, quotes: 0 },
        viewer: { reacted: false, reposted: false, bookmarked: false },
        quoted_post: null,
      });
      expect(post.media.map((m) => m.id)).toEqual([media[1], media[0]]);
      expect(post.media[0]).toEqual({
        id: media[1],
        url: expect.stringMatching(/^http:\/\/api\.test\//),
        content_type: 'image/webp',
        size: 1234,
        width: 10,
        height: 480,
      });
      expect(post.poll).toMatchObject({
        options: [
          { text: 'Up', votes: 0 },
          { text: 'Down', votes: 0 },
        ],
        total_votes: 0,
        is_expired: false,
        viewer_vote: null,
      });
      const days = (Date.parse(post.poll!.expires_at) - Date.parse(post.created_at)) / 86_400_000;
      expect(days).toBe(3);
      expect(post.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

      const links = await t.db
        .selectFrom('post_tickers')
        .selectAll()
        .where('post_id', '=', post.id)
        .orderBy('position')
        .execute();
      expect(links.map((l) => [l.symbol, l.position])).toEqual([
        ['TSLA', 0],
        ['AAPL', 1],
      ]);
      for (const link of links) expect(link.created_at.toISOString()).toBe(post.created_at);
      const fetched = await t.request({ method: 'GET', url: `/posts/${post.id}` });
      expect(fetched.json()).toEqual(post);
    });

    it('creates tickers on first mention and counts their posts', async () => {
      const author = await createUser(t);
      const before = await t.db
        .selectFrom('tickers')
        .select('symbol')
        .where('symbol', '=', 'QWRTY')
        .execute();
      expect(before).toEqual([]);
      await createPost(t, author, 'first $qwrty');
      const second = await createPost(t, author, 'again #QWRTY');
      const ticker = await t.db
        .selectFrom('tickers')
        .selectAll()
        .where('symbol', '=', 'QWRTY')
        .executeTakeFirstOrThrow();
      expect(ticker.post_count).toBe(2);
      await t.request({ method: 'DELETE', url: `/posts/${second.id}`, token: author.token });
      const after = await t.db
        .selectFrom('tickers')
        .select('post_count')
        .where('symbol', '=', 'QWRTY')
        .executeTakeFirstOrThrow();
      expect(after.post_count).toBe(1);
    });

    it('takes a post with only media, or only a poll', async () => {
      const author = await createUser(t);
      const media = await createMedia(t, author.id);
      expect((await send(author, { content: '  ', media_ids: [media] })).statusCode).toBe(201);
      const pollOnly = await send(author, { content: '', poll: { options: ['a', 'b'] } });
      expect(pollOnly.statusCode).toBe(201);
      const poll = (pollOnly.json() as Post).poll!;
      expect(
        (Date.parse(poll.expires_at) - Date.parse(pollOnly.json().created_at)) / 86_400_000,
      ).toBe(1);
    });

    it('takes 1000 characters after trimming, and line breaks as \\n', async () => {
      const author = await createUser(t);
      const res = await send(author, { content: `  ${'x'.repeat(1000)}\n ` });
      expect(res.statusCode).toBe(201);
      const crlf = await send(author, { content: 'one\r\ntwo\rthree\tfour' });
      expect(crlf.json().content).toBe('one\ntwo\nthree\tfour');
      const emoji = await send(author, { content: '🚀'.repeat(1000) });
      expect(emoji.statusCode).toBe(201);
    });

    it('stores SQL and script payloads verbatim', async () => {
      const author = await createUser(t);
      const payloads = [
        "'; drop table posts; -- $AAPL",
        '<script>alert("x")</script> <img src=x onerror=alert(1)>',
        "Robert'); DELETE FROM users WHERE ('1'='1",
        '{{7*7}} #{process.env} %s %n \\x00',
      ];
      for (const content of payloads) {
        const post = await createPost(t, author, content);
        expect(post.content).toBe(content);
        const fetched = await t.request({ method: 'GET', url: `/posts/${post.id}` });
        expect(fetched.json().content).toBe(content);
      }
      expect((await t.db.selectFrom('posts').select('id').limit(1).execute()).length).toBe(1);
    });

    it('refuses bad input with a 422 naming the field', async () => {
      const author = await createUser(t);
      const other = await createUser(t);
      const othersMedia = await createMedia(t, other.id);
      const taken = await createMedia(t, author.id);
      await createPost(t, author, { content: 'has it', media_ids: [taken] });
      const mine = await createMedia(t, author.id);
      const cases: Array<[string, unknown, string]> = [
        ['1001 characters', { content: 'x'.repeat(1001) }, 'content'],
        ['empty', { content: '' }, 'content'],
        ['blank', { content: ' \n\t ' }, 'content'],
        ['missing content', { sentiment: 'bullish' }, 'content'],
        ['NUL', { content: 'a\u0000b' }, 'content'],
        ['bell', { content: 'ding\u0007' }, 'content'],
        ['escape', { content: '\u001b[31mred' }, 'content'],
        ['sentiment', { content: 'x', sentiment: 'neutral' }, 'sentiment'],
        ['1 option', { content: 'x', poll: { options: ['only'] } }, 'poll.options'],
        [
          '5 options',
          { content: 'x', poll: { options: ['a', 'b', 'c', 'd', 'e'] } },
          'poll.options',
        ],
        ['duplicate options', { content: 'x', poll: { options: ['Yes', ' yes'] } }, 'poll.options'],
        ['empty option', { content: 'x', poll: { options: ['a', '  '] } }, 'poll.options[1]'],
        [
          '81-character option',
          { content: 'x', poll: { options: ['a', 'b'.repeat(81)] } },
          'poll.options[1]',
        ],
        [
          'option with a control character',
          { content: 'x', poll: { options: ['a', 'b\u0001'] } },
          'poll.options[1]',
        ],
        [
          '0 days',
          { content: 'x', poll: { options: ['a', 'b'], duration_days: 0 } },
          'poll.duration_days',
        ],
        [
          '8 days',
          { content: 'x', poll: { options: ['a', 'b'], duration_days: 8 } },
          'poll.duration_days',
        ],
        [
          '1.5 days',
          { content: 'x', poll: { options: ['a', 'b'], duration_days: 1.5 } },
          'poll.duration_days',
        ],
        ["someone else's media", { content: 'x', media_ids: [othersMedia] }, 'media_ids'],
        ['media already attached', { content: 'x', media_ids: [taken] }, 'media_ids'],
        [
          'unknown media',
          { content: 'x', media_ids: ['6f1c2b9e-1d7a-4c55-9a3e-2b8f0c4d5e6f'] },
          'media_ids',
        ],
        ['malformed media id', { content: 'x', media_ids: ["1' or '1'='1"] }, 'media_ids[0]'],
        ['the same media twice', { content: 'x', media_ids: [mine, mine] }, 'media_ids'],
        ['5 media', { content: 'x', media_ids: [mine, mine, mine, mine, mine] }, 'media_ids'],
        ['one good, one bad media', { content: 'x', media_ids: [mine, othersMedia] }, 'media_ids'],
      ];
      for (const [name, payload, field] of cases) {
        const res = await send(author, payload);
        const error = expectError(res, 422, 'validation_error');
        expect({ name, fields: error.details?.map((d) => (d as { field: string }).field) }).toEqual(
          {
            name,
            fields: expect.arrayContaining([field]),
          },
        );
      }
      // nothing of the refused posts was kept: the good media of a refused post is still free
      const free = await t.db
        .selectFrom('media')
        .select('post_id')
        .where('id', '=', mine)
        .executeTakeFirstOrThrow();
      expect(free.post_id).toBeNull();
      expect((await send(author, { content: 'now', media_ids: [mine] })).statusCode).toBe(201);
    });

    it('answers malformed JSON with 400 and missing or bad tokens with 401/403', async () => {
      const author = await createUser(t);
      const bad = await t.request({
        method: 'POST',
        url: '/posts',
        token: author.token,
        headers: { 'content-type': 'application/json' },
        payload: '{"content": "x"',
      });
      expectError(bad, 400, 'bad_request');
      expectError(await send(undefined, { content: 'x' }), 401, 'unauthorized');
      const account = await createAccount(t);
      const res = await t.request({
        method: 'POST',
        url: '/posts',
        token: account.token,
        payload: { content: 'x' },
      });
      expectError(res, 403, 'onboarding_required');
    });

    it('lets one media go to only one of two posts racing for it', async () => {
      const author = await createUser(t);
      const media = await createMedia(t, author.id);
      const results = await Promise.all([
        send(author, { content: 'a', media_ids: [media] }),
        send(author, { content: 'b', media_ids: [media] }),
      ]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([201, 422]);
    });

    it('creates posts naming the same tickers in any order at once, without deadlocks', async () => {
      const author = await createUser(t);
      const others = await Promise.all([createUser(t), createUser(t), createUser(t)]);
      const texts = ['$XA $XB $XC $XD', '$XD $XC $XB $XA', '#xc #xa $xd $xb', '$XB $XD $XA $XC'];
      const users = [author, ...others];
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => send(users[i % 4], { content: texts[i % 4] })),
      );
      expect(results.map((r) => r.statusCode)).toEqual(Array(12).fill(201));
      const counts = await t.db
        .selectFrom('tickers')
        .select(['symbol', 'post_count'])
        .where('symbol', 'in', ['XA', 'XB', 'XC', 'XD'])
        .orderBy('symbol')
        .execute();
      expect(counts).toEqual(
        ['XA', 'XB', 'XC', 'XD'].map((symbol) => ({ symbol, post_count: 12 })),
      );
    });
  });

  describe('GET /posts/{post_id}', () => {
    it('is 404 for unknown, malformed and deleted posts', async () => {
      const author = await createUser(t);
      const post = await createPost(t, author);
      await t.request({ method: 'DELETE', url: `/posts/${post.id}`, token: author.token });
      for (const id of [
        post.id,
        '6f1c2b9e-1d7a-4c55-9a3e-2b8f0c4d5e6f',
        'nope',
        "1'%20or%201=1",
        '0',
      ]) {
        expectError(await t.request({ method: 'GET', url: `/posts/${id}` }), 404, 'not_found');
      }
    });

    it('fills the viewer flags for a signed-in viewer', async () => {
      const author = await createUser(t);
      const viewer = await createUser(t);
      const post = await createPost(t, author);
      await t.request({ method: 'POST', url: `/posts/${post.id}/reactions`, token: viewer.token });
      await t.request({ method: 'POST', url: `/posts/${post.id}/reposts`, token: viewer.token });
      await t.db.insertInto('bookmarks').values({ user_id: viewer.id, post_id: post.id }).execute();
      const seen = await t.request({
        method: 'GET',
        url: `/posts/${post.id}`,
        token: viewer.token,
      });
      expect(seen.json()).toMatchObject({
        viewer: { reacted: true, reposted: true, bookmarked: true },
        stats: { reactions: 1, reposts: 1 },
      });
      const anonymous = await t.request({ method: 'GET', url: `/posts/${post.id}` });
      expect(anonymous.json().viewer).toEqual({
        reacted: false,
        reposted: false,
        bookmarked: false,
      });
    });
  });

  describe('DELETE /posts/{post_id}', () => {
    it('lets the author or an admin delete, nobody else', async () => {
      const author = await createUser(t);
      const stranger = await createUser(t);
      const admin = await createUser(t, { admin: true });
      const first = await createPost(t, author, 'first');
      const second = await createPost(t, author, 'second');
      const del = (id: string, user: TestUser) =>
        t.request({ method: 'DELETE', url: `/posts/${id}`, token: user.token });

      expectError(await del(first.id, stranger), 403, 'forbidden');
      const byAuthor = await del(first.id, author);
      expect(byAuthor.statusCode).toBe(204);
      expect(byAuthor.body).toBe('');
      expectError(await del(first.id, author), 404, 'not_found');
      expect((await del(second.id, admin)).statusCode).toBe(204);
      expectError(await del('not-an-id', author), 404, 'not_found');
      expectError(
        await t.request({ method: 'DELETE', url: `/posts/${second.id}` }),
        401,
        'unauthorized',
      );

      // the shown count (column plus pending deltas): the activity write can hold the author's
      // row while a post commits, and then that post's +1 waits as a delta for the next fold
      const user = await t.db
        .selectFrom('users')
        .select(userPostsCount('users').as('posts_count'))
        .where('id', '=', author.id)
        .executeTakeFirstOrThrow();
      expect(user.posts_count).toBe(0);
      const list = await t.request({ method: 'GET', url: `/users/${author.id}/posts` });
      expect(list.json().items).toEqual([]);
    });
  });
});
