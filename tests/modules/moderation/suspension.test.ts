import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { postCountsJson, userPostsCount } from '../../../src/core/counters.js';
import { liftExpiredSuspensions } from '../../../src/modules/moderation/moderation.service.js';
import { useTestApp } from '../../helpers/app.js';
import {
  createPost,
  createUser,
  expectError,
  follow,
  getOk,
  type Page,
  type TestUser,
} from '../../helpers/factories.js';

describe('suspension', () => {
  const t = useTestApp();

  const call = (user: TestUser | null, method: string, url: string, payload?: object) =>
    t.request({
      method: method as 'GET',
      url,
      ...(user ? { token: user.token } : {}),
      ...(payload ? { payload } : {}),
    });
  const suspend = (admin: TestUser, user: TestUser, body: object = { reason: 'pump and dump' }) =>
    call(admin, 'POST', `/admin/users/${user.id}/suspend`, body);
  const lift = (admin: TestUser, user: TestUser) =>
    call(admin, 'DELETE', `/admin/users/${user.id}/suspend`);
  const ids = async (url: string, viewer?: TestUser) =>
    (await getOk<Page<{ id: string }>>(t, url, viewer?.token)).items.map((p) => p.id);

  /** Every counter the suspension touches, as the rows hold them and as live rows count them. */
  async function counters(post: string, author: string, symbol: string) {
    const { rows } = await sql<
      Record<
        | 'comments'
        | 'comments_live'
        | 'quotes'
        | 'quotes_live'
        | 'reactions'
        | 'author_posts'
        | 'author_posts_live'
        | 'ticker'
        | 'ticker_live',
        number
      >
    >`select
        (select (${postCountsJson('p')} ->> 'comments')::int from posts p where p.id = ${post}) as comments,
        (select comments from post_stats where post_id = ${post}) as comments_live,
        (select (${postCountsJson('p')} ->> 'quotes')::int from posts p where p.id = ${post}) as quotes,
        (select quotes from post_stats where post_id = ${post}) as quotes_live,
        (select (${postCountsJson('p')} ->> 'reactions')::int from posts p where p.id = ${post}) as reactions,
        (select ${userPostsCount('u')} from users u where u.id = ${author}) as author_posts,
        (select count(*)::int from posts where author_id = ${author} and deleted_at is null
          and not author_suspended) as author_posts_live,
        (select post_count from tickers where symbol = ${symbol}) as ticker,
        (select count(*)::int from post_tickers pt join posts p on p.id = pt.post_id
          where pt.symbol = ${symbol} and p.deleted_at is null and not p.author_suspended)
          as ticker_live`.execute(t.db);
    return rows[0]!;
  }

  async function scene() {
    const admin = await createUser(t, { admin: true });
    const [ada, ben, cy] = [await createUser(t), await createUser(t), await createUser(t)];
    const symbol = `S${Math.random()
      .toString(36)
      .slice(2, 6)
      .toUpperCase()
      .replace(/[^A-Z]/g, 'X')}`;
    const adas = await createPost(t, ada, `My call on $${symbol}`);
    const bens = await createPost(t, ben, `Pump $${symbol} now!!!`);
    const quote = await call(ben, 'POST', `/posts/${adas.id}/reposts`, { quote: 'lol no' });
    expect(quote.statusCode, quote.body).toBe(201);
    const comment = await call(ben, 'POST', `/posts/${adas.id}/comments`, { content: 'buy mine' });
    expect(comment.statusCode).toBe(201);
    // Cy likes Ben's post: the like must survive a suspension and its lifting, counted once
    await call(cy, 'POST', `/posts/${bens.id}/reactions`);
    await follow(t, cy, ben);
    return { admin, ada, ben, cy, symbol, adas, bens, quoteId: quote.json().post.id as string };
  }

  it("hides the user's posts and comments from everyone but admins and the user, and restores them exactly", async () => {
    const s = await scene();
    const before = await counters(s.adas.id, s.ben.id, s.symbol);
    const bensBefore = await counters(s.bens.id, s.ben.id, s.symbol);
    expect(bensBefore.reactions).toBe(1);

    // a plain repost by Ben of Ada's post reaches Cy's following feed as Ben's
    const [dee] = [await createUser(t)];
    const deesPost = await createPost(t, dee, 'reposted by Ben');
    await call(s.ben, 'POST', `/posts/${deesPost.id}/reposts`);
    expect(await ids('/feed?type=following', s.cy)).toContain(deesPost.id);

    const res = await suspend(s.admin, s.ben);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ suspended: true, until: null });
    expect(await ids('/feed?type=following', s.cy)).not.toContain(deesPost.id);

    // gone from every list for others
    for (const [url, viewer] of [
      ['/posts', s.cy],
      ['/posts', undefined],
      ['/feed?type=all', s.cy],
      ['/feed?type=following', s.cy],
      [`/tickers/${s.symbol}/posts`, s.cy],
      [`/search/posts?q=${s.symbol}`, s.cy],
      [`/users/${s.ben.id}/posts`, s.cy],
    ] as const) {
      const listed = await ids(url, viewer);
      expect(listed, url).not.toContain(s.bens.id);
      expect(listed, url).not.toContain(s.quoteId);
    }
    const comments = await getOk<Page<{ content: string }>>(
      t,
      `/posts/${s.adas.id}/comments`,
      s.cy.token,
    );
    expect(comments.items.map((c) => c.content)).not.toContain('buy mine');
    expectError(await call(s.cy, 'GET', `/posts/${s.bens.id}`), 404, 'not_found');
    expectError(await call(s.cy, 'POST', `/posts/${s.bens.id}/reactions`), 404, 'not_found');
    // the author and admins still see it
    expect(await ids(`/users/${s.ben.id}/posts`, s.ben)).toContain(s.bens.id);
    expect(await ids('/posts', s.admin)).toContain(s.bens.id);
    expect((await call(s.admin, 'GET', `/posts/${s.bens.id}`)).statusCode).toBe(200);

    // every count follows, and equals the live rows
    const during = await counters(s.adas.id, s.ben.id, s.symbol);
    expect(during.comments).toBe(before.comments - 1);
    expect(during.quotes).toBe(before.quotes - 1);
    expect(during.author_posts).toBe(0);
    expect(during.ticker).toBe(before.ticker - 1);
    expect(during.comments).toBe(during.comments_live);
    expect(during.quotes).toBe(during.quotes_live);
    expect(during.author_posts).toBe(during.author_posts_live);
    expect(during.ticker).toBe(during.ticker_live);

    // the sentiment series leaves the suspended author's post too
    const series = async () => {
      const res = await getOk<{ items: { posts: number; authors: number }[] }>(
        t,
        `/tickers/${s.symbol}/sentiment?interval=1d`,
      );
      return res.items.reduce((n, b) => n + b.posts, 0);
    };
    expect(await series()).toBe(1);

    // lifting restores everything, the like on the hidden post included, counted once
    const lifted = await lift(s.admin, s.ben);
    expect(lifted.json()).toEqual({ suspended: false });
    expect(await counters(s.adas.id, s.ben.id, s.symbol)).toEqual(before);
    expect(await counters(s.bens.id, s.ben.id, s.symbol)).toEqual(bensBefore);
    expect(await ids('/feed?type=following', s.cy)).toContain(s.bens.id);
    expect(await series()).toBe(2);
    expect((await lift(s.admin, s.ben)).statusCode).toBe(200); // idempotent
  });

  it("keeps a suspended author's edit history for the author and admins, 404 to others", async () => {
    const s = await scene();
    const edited = await call(s.ben, 'PATCH', `/posts/${s.bens.id}`, { content: 'edited $X' });
    expect(edited.statusCode, edited.body).toBe(200);
    await suspend(s.admin, s.ben);
    const history = (viewer: TestUser | null) => call(viewer, 'GET', `/posts/${s.bens.id}/edits`);
    for (const viewer of [s.ben, s.admin]) {
      const res = await history(viewer);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().items).toHaveLength(1);
    }
    for (const viewer of [s.cy, null]) expectError(await history(viewer), 404, 'not_found');
  });

  it("refuses the suspended user's writes with 403 suspended, but lets them read and manage their own account", async () => {
    const s = await scene();
    await suspend(s.admin, s.ben);
    for (const [method, url, body] of [
      ['POST', '/posts', { content: 'still here' }],
      ['POST', `/posts/${s.adas.id}/reactions`, undefined],
      ['POST', `/posts/${s.adas.id}/comments`, { content: 'hi' }],
      ['POST', `/users/${s.ada.id}/follow`, undefined],
      ['PATCH', '/users/me', { bio: 'new' }],
      ['PATCH', `/posts/${s.bens.id}`, { content: 'edited' }],
      ['POST', '/reports', { target_type: 'user', target_id: s.ada.id, reason: 'spam' }],
    ] as const) {
      expectError(await call(s.ben, method, url, body), 403, 'suspended');
    }
    expect((await call(s.ben, 'GET', '/feed?type=all')).statusCode).toBe(200);
    expect((await call(s.ben, 'GET', '/users/me')).statusCode).toBe(200);
    expect((await call(s.ben, 'POST', `/users/${s.ada.id}/mute`)).statusCode).toBeLessThan(300);
    const word = await call(s.ben, 'POST', '/users/me/muted-words', { word: 'moon' });
    expect(word.statusCode).toBe(201);
    const settings = await call(s.ben, 'PATCH', '/users/me/notification-settings', { like: false });
    expect(settings.statusCode).toBe(200);
  });

  it('lifts itself when `until` passes: writes at once, and the content is back after the sweep', async () => {
    const s = await scene();
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const res = await suspend(s.admin, s.ben, { reason: 'cool off', until });
    expect(res.json()).toEqual({ suspended: true, until });
    expect(await ids('/feed?type=following', s.cy)).not.toContain(s.bens.id);
    // the hour passes while Cy's feed is open
    await t.db
      .updateTable('users')
      .set({ suspended_until: sql`now() - interval '1 second'` })
      .where('id', '=', s.ben.id)
      .execute();
    expect((await call(s.ben, 'POST', '/posts', { content: 'back' })).statusCode).toBe(201);
    expect(await liftExpiredSuspensions(t.db)).toBeGreaterThanOrEqual(1);
    expect(await ids('/feed?type=following', s.cy)).toContain(s.bens.id);
    const audit = await getOk<Page<{ action: string; reason: string; actor: { id: string } }>>(
      t,
      `/admin/audit?target_id=${s.ben.id}`,
      s.admin.token,
    );
    expect(audit.items.map((a) => `${a.action}:${a.reason}`)).toEqual([
      'unsuspend:expired',
      'suspend:cool off',
    ]);
    expect(audit.items[0]!.actor.id).toBe(s.admin.id);
    expect(await liftExpiredSuspensions(t.db)).toBe(0);
  });

  it('leaves the trending figures while it stands', async () => {
    const s = await scene();
    await suspend(s.admin, s.ben);
    expect((await call(s.admin, 'POST', '/metrics/refresh')).statusCode).toBe(200);
    const trending = await getOk<{ items: { symbol: string; mentions: number }[] }>(
      t,
      '/tickers/trending?window=24h&limit=50',
    );
    expect(trending.items.find((i) => i.symbol === s.symbol)?.mentions).toBe(1);
  });

  it('is for admins, about a known other user, with a reason and a future end', async () => {
    const s = await scene();
    expectError(await suspend(s.cy, s.ben), 403, 'forbidden');
    expectError(
      await call(null, 'POST', `/admin/users/${s.ben.id}/suspend`, { reason: 'x' }),
      401,
      'unauthorized',
    );
    for (const body of [
      {},
      { reason: '' },
      { reason: '   ' },
      { reason: 'x'.repeat(501) },
      { reason: 'x', until: 'tomorrow' },
      { reason: 'x', until: new Date(Date.now() - 60_000).toISOString() },
      { reason: 'x', days: 3 },
    ]) {
      expectError(await suspend(s.admin, s.ben, body), 422, 'validation_error');
    }
    expectError(
      await call(s.admin, 'POST', '/admin/users/6f1c0a1e-0000-4000-8000-00000000dead/suspend', {
        reason: 'x',
      }),
      404,
      'not_found',
    );
    expectError(await suspend(s.admin, s.admin), 422, 'validation_error');
    expect((await call(s.ben, 'POST', '/posts', { content: 'not suspended' })).statusCode).toBe(
      201,
    );
  });
});

describe('moderation from the report queue, and the audit log', () => {
  const t = useTestApp();
  const call = (user: TestUser, method: string, url: string, payload?: object) =>
    t.request({ method: method as 'GET', url, token: user.token, ...(payload ? { payload } : {}) });

  async function reported(by: TestUser, type: 'post' | 'comment' | 'user', id: string) {
    const res = await call(by, 'POST', '/reports', {
      target_type: type,
      target_id: id,
      reason: 'scam',
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  }

  it('deletes the reported post in the same request, and records both actions', async () => {
    const admin = await createUser(t, { admin: true });
    const [ada, ben] = [await createUser(t), await createUser(t)];
    const post = await createPost(t, ben, 'guaranteed 10x, DM me');
    const report = await reported(ada, 'post', post.id);
    const res = await call(admin, 'PATCH', `/reports/${report}`, {
      status: 'resolved',
      action: 'delete_content',
      resolution_note: 'scam',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'resolved', target_deleted: true });
    expectError(await call(ada, 'GET', `/posts/${post.id}`), 404, 'not_found');
    const audit = await getOk<Page<{ action: string; target_type: string; target_id: string }>>(
      t,
      `/admin/audit?actor_id=${admin.id}`,
      admin.token,
    );
    // one request, two entries (written a moment apart; within one millisecond their order
    // falls to the id, hence compared as a set)
    expect(audit.items.map((a) => `${a.action} ${a.target_type} ${a.target_id}`).sort()).toEqual([
      `delete_post post ${post.id}`,
      `resolve_report report ${report}`,
    ]);
  });

  it('suspends the author of a reported comment; refuses a bad action and changes nothing', async () => {
    const admin = await createUser(t, { admin: true });
    const [ada, ben] = [await createUser(t), await createUser(t)];
    const post = await createPost(t, ada, 'my post');
    const comment = await call(ben, 'POST', `/posts/${post.id}/comments`, { content: 'spam link' });
    const report = await reported(ada, 'comment', comment.json().id);
    for (const body of [
      { status: 'resolved', action: 'suspend_user' },
      { status: 'dismissed', action: 'delete_content' },
      { status: 'resolved', action: 'ban' },
    ]) {
      expectError(await call(admin, 'PATCH', `/reports/${report}`, body), 422, 'validation_error');
    }
    const userReport = await reported(ada, 'user', ben.id);
    expectError(
      await call(admin, 'PATCH', `/reports/${userReport}`, {
        status: 'resolved',
        action: 'delete_content',
      }),
      422,
      'validation_error',
    );
    const open = await getOk<Page<{ id: string; status: string }>>(
      t,
      '/reports?status=open',
      admin.token,
    );
    expect(open.items.map((r) => r.id)).toEqual(expect.arrayContaining([report, userReport]));

    const res = await call(admin, 'PATCH', `/reports/${report}`, {
      status: 'resolved',
      action: 'suspend_user',
      reason: 'spam links',
    });
    expect(res.statusCode, res.body).toBe(200);
    expectError(await call(ben, 'POST', '/posts', { content: 'x' }), 403, 'suspended');
    const audit = await getOk<Page<{ action: string; reason: string | null }>>(
      t,
      `/admin/audit?target_id=${ben.id}`,
      admin.token,
    );
    expect(audit.items).toEqual([
      expect.objectContaining({ action: 'suspend', reason: 'spam links' }),
    ]);
    const dismissed = await call(admin, 'PATCH', `/reports/${userReport}`, { status: 'dismissed' });
    expect(dismissed.statusCode).toBe(200);
    const byAction = await getOk<Page<{ action: string }>>(
      t,
      '/admin/audit?action=dismiss_report',
      admin.token,
    );
    expect(byAction.items.map((a) => a.action)).toEqual(['dismiss_report']);
  });

  it('records an admin deleting a comment directly, not an author deleting their own', async () => {
    const admin = await createUser(t, { admin: true });
    const ada = await createUser(t);
    const post = await createPost(t, ada, 'x');
    const mine = await createPost(t, ada, 'mine');
    const comment = await call(ada, 'POST', `/posts/${post.id}/comments`, { content: 'c' });
    expect((await call(admin, 'DELETE', `/comments/${comment.json().id}`)).statusCode).toBe(204);
    expect((await call(ada, 'DELETE', `/posts/${mine.id}`)).statusCode).toBe(204);
    const audit = await getOk<Page<{ action: string; target_id: string }>>(
      t,
      `/admin/audit?actor_id=${admin.id}`,
      admin.token,
    );
    expect(audit.items).toEqual([
      expect.objectContaining({ action: 'delete_comment', target_id: comment.json().id }),
    ]);
    const none = await getOk<Page<unknown>>(t, `/admin/audit?target_id=${mine.id}`, admin.token);
    expect(none.items).toEqual([]);
  });

  it('is for admins, with filters checked', async () => {
    const admin = await createUser(t, { admin: true });
    const ada = await createUser(t);
    expectError(await call(ada, 'GET', '/admin/audit'), 403, 'forbidden');
    for (const query of ['action=ban', 'actor_id=nope', 'limit=0', 'cursor=abc']) {
      expectError(await call(admin, 'GET', `/admin/audit?${query}`), 422, 'validation_error');
    }
  });
});
