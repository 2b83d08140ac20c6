import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../helpers/app.js';
import {
  createPost,
  createUser,
  expectError,
  getOk,
  type Page,
  type TestUser,
} from '../../helpers/factories.js';

interface Post {
  id: string;
  content: string;
  sentiment: string | null;
  tickers: string[];
  edited_at: string | null;
  edit_count: number;
}
interface Edit {
  content: string;
  sentiment: string | null;
  tickers: string[];
  edited_at: string;
}

describe('PATCH /posts/{post_id}: edits with a public history', () => {
  const t = useTestApp();

  const edit = (user: TestUser, postId: string, payload: object) =>
    t.request({ method: 'PATCH', url: `/posts/${postId}`, token: user.token, payload });

  /** Moves the app's clock to `ms` after the post was created (the window is 15 minutes). */
  async function atAge(postId: string, ms: number) {
    const row = await t.db
      .selectFrom('posts')
      .select('created_at')
      .where('id', '=', postId)
      .executeTakeFirstOrThrow();
    t.app.clock = () => new Date(row.created_at.getTime() + ms);
  }
  const tickerCount = async (symbol: string) =>
    (
      await t.db
        .selectFrom('tickers')
        .select('post_count')
        .where('symbol', '=', symbol)
        .executeTakeFirst()
    )?.post_count;

  it('changes the text and sentiment, keeps the earlier version, and re-reads the tickers', async () => {
    const ada = await createUser(t);
    const post = await createPost(t, ada, {
      content: 'Long $AAPL into earnings',
      sentiment: 'bullish',
    });
    const before = { AAPL: await tickerCount('AAPL'), MSFT: (await tickerCount('MSFT')) ?? 0 };

    const res = await edit(ada, post.id, {
      content: 'Long $MSFT, not $AAPL... typo',
      sentiment: 'bearish',
    });
    expect(res.statusCode, res.body).toBe(200);
    const edited = res.json() as Post;
    expect(edited).toMatchObject({
      content: 'Long $MSFT, not $AAPL... typo',
      sentiment: 'bearish',
      tickers: ['MSFT', 'AAPL'],
      edit_count: 1,
    });
    expect(Date.parse(edited.edited_at!)).toBeGreaterThan(0);
    expect(await tickerCount('MSFT')).toBe(before.MSFT + 1);
    expect(await tickerCount('AAPL')).toBe(before.AAPL);

    // the earlier version, with the time it was replaced, for anyone
    const history = await getOk<Page<Edit>>(t, `/posts/${post.id}/edits`);
    expect(history.items).toEqual([
      {
        content: 'Long $AAPL into earnings',
        sentiment: 'bullish',
        tickers: ['AAPL'],
        edited_at: edited.edited_at,
      },
    ]);
    // the ticker pages follow
    const msft = await getOk<Page<Post>>(t, '/tickers/MSFT/posts');
    expect(msft.items.map((p) => p.id)).toContain(post.id);
    // the post everywhere shows the new text
    expect((await getOk<Post>(t, `/posts/${post.id}`)).content).toBe(edited.content);
  });

  it('takes every ticker away when the new text names none, and their counts follow', async () => {
    const ada = await createUser(t);
    const post = await createPost(t, ada, '$TSLA and $NVDA to the moon');
    const counts = { TSLA: await tickerCount('TSLA'), NVDA: await tickerCount('NVDA') };
    const res = await edit(ada, post.id, { content: 'never mind' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().tickers).toEqual([]);
    expect(await tickerCount('TSLA')).toBe(counts.TSLA! - 1);
    expect(await tickerCount('NVDA')).toBe(counts.NVDA! - 1);
    const links = await t.db
      .selectFrom('post_tickers')
      .select('symbol')
      .where('post_id', '=', post.id)
      .execute();
    expect(links).toEqual([]);
    const tsla = await getOk<Page<Post>>(t, '/tickers/TSLA/posts');
    expect(tsla.items.map((p) => p.id)).not.toContain(post.id);
  });

  it('keeps every version, newest first, in pages', async () => {
    const ada = await createUser(t);
    const post = await createPost(t, ada, 'v0');
    for (const n of [1, 2, 3]) {
      t.app.clock = () => new Date(Date.now() + n * 1000);
      expect((await edit(ada, post.id, { content: `v${n}` })).statusCode).toBe(200);
    }
    t.app.clock = () => new Date();
    const first = await getOk<Page<Edit>>(t, `/posts/${post.id}/edits?limit=2`);
    expect(first.items.map((e) => e.content)).toEqual(['v2', 'v1']);
    const rest = await getOk<Page<Edit>>(
      t,
      `/posts/${post.id}/edits?limit=2&cursor=${first.next_cursor}`,
    );
    expect(rest).toEqual({
      items: [expect.objectContaining({ content: 'v0' })],
      next_cursor: null,
    });
    expect((await getOk<Post>(t, `/posts/${post.id}`)).edit_count).toBe(3);
  });

  it('records nothing for an edit that changes nothing', async () => {
    const ada = await createUser(t);
    const post = await createPost(t, ada, { content: 'same', sentiment: 'bullish' });
    const res = await edit(ada, post.id, { content: 'same', sentiment: 'bullish' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ edit_count: 0, edited_at: null });
    expect((await getOk<Page<Edit>>(t, `/posts/${post.id}/edits`)).items).toEqual([]);
  });

  it('is open up to the last millisecond of the window, then 409 edit_window_closed', async () => {
    const ada = await createUser(t);
    const post = await createPost(t, ada, 'first take');
    await atAge(post.id, 15 * 60_000 + 1);
    const late = await edit(ada, post.id, { content: 'too late' });
    expectError(late, 409, 'edit_window_closed');
    expect(late.json().error.message).toContain('15 minutes');
    await atAge(post.id, 15 * 60_000);
    const last = await edit(ada, post.id, { content: 'just in time' });
    expect(last.statusCode, last.body).toBe(200);
    t.app.clock = () => new Date();
    expect((await getOk<Post>(t, `/posts/${post.id}`)).content).toBe('just in time');
  });

  it('lets only the author edit, 404s deleted and unknown posts, and checks the body', async () => {
    const [ada, ben] = [await createUser(t), await createUser(t)];
    const post = await createPost(t, ada, 'mine');
    expectError(await edit(ben, post.id, { content: 'hijacked' }), 403, 'forbidden');
    expectError(
      await edit(ada, '00000000-0000-4000-8000-000000000000', { content: 'x' }),
      404,
      'not_found',
    );
    expectError(await edit(ada, "1' or 1=1", { content: 'x' }), 404, 'not_found');
    expectError(await edit(ada, post.id, { content: '   ' }), 422, 'validation_error');
    expectError(await edit(ada, post.id, { content: 'x'.repeat(5001) }), 422, 'validation_error');
    expectError(await edit(ada, post.id, { sentiment: 'sideways' }), 422, 'validation_error');
    expectError(await edit(ada, post.id, { media_ids: [] }), 422, 'validation_error');
    expectError(
      await t.request({ method: 'PATCH', url: `/posts/${post.id}`, payload: { content: 'x' } }),
      401,
      'unauthorized',
    );
    const hostile = "'); drop table posts; -- <script>alert(1)</script>";
    const res = await edit(ada, post.id, { content: hostile });
    expect(res.statusCode).toBe(200);
    expect(res.json().content).toBe(hostile);
    await t.request({ method: 'DELETE', url: `/posts/${post.id}`, token: ada.token });
    expectError(await edit(ada, post.id, { content: 'x' }), 404, 'not_found');
    expectError(
      await t.request({ method: 'GET', url: `/posts/${post.id}/edits` }),
      404,
      'not_found',
    );
  });

  it('notifies users newly @mentioned, and nobody twice', async () => {
    const [ada, ben, cy] = [await createUser(t), await createUser(t), await createUser(t)];
    const post = await createPost(t, ada, `hey @${ben.username}`);
    await edit(ada, post.id, { content: `hey @${ben.username} and @${cy.username}` });
    await edit(ada, post.id, { content: `hey @${cy.username}` });
    await edit(ada, post.id, { content: `hey @${ben.username} @${cy.username} again` });
    const mentions = async (user: TestUser) =>
      (
        await getOk<Page<{ type: string; post: { id: string } }>>(t, '/notifications', user.token)
      ).items.filter((n) => n.type === 'mention' && n.post.id === post.id);
    expect(await mentions(ben)).toHaveLength(1);
    expect(await mentions(cy)).toHaveLength(1);
  });

  it('shows edited_at and edit_count on every Post, 0 and null when never edited', async () => {
    const ada = await createUser(t);
    const post = await createPost(t, ada, 'fresh');
    expect(post).toMatchObject({ edited_at: null, edit_count: 0 });
  });

  it('keeps counts exact when two edits of one post race', async () => {
    const ada = await createUser(t);
    const post = await createPost(t, ada, '$AMD');
    const before = await tickerCount('AMD');
    const results = await Promise.all([
      edit(ada, post.id, { content: '$INTC' }),
      edit(ada, post.id, { content: '$ARM' }),
    ]);
    expect(results.map((r) => r.statusCode)).toEqual([200, 200]);
    const final = await getOk<Post>(t, `/posts/${post.id}`);
    expect(final.edit_count).toBe(2);
    expect(await tickerCount('AMD')).toBe(before! - 1);
    const linked = (await tickerCount('INTC')) ?? 0;
    const armLinked = (await tickerCount('ARM')) ?? 0;
    expect(linked + armLinked).toBe(1);
    expect(final.tickers).toHaveLength(1);
  });
});
