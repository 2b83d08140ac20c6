import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../helpers/app.js';
import { createPost, createUser, expectError, getOk, insertPost } from '../../helpers/factories.js';

interface Bucket {
  t: string;
  posts: number;
  bullish: number;
  bearish: number;
  authors: number;
}
interface Series {
  symbol: string;
  interval: '1h' | '1d';
  items: Bucket[];
}

const HOUR = 3_600_000;
const hourStart = (ms: number) => Math.floor(ms / HOUR) * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

describe('GET /tickers/{symbol}/sentiment', () => {
  const t = useTestApp();

  const series = (path: string) => getOk<Series>(t, `/tickers/${path}`);
  const bucketAt = (s: Series, ms: number) => s.items.find((b) => b.t === iso(ms));

  /** The rollup as the triggers left it, and as computed again from the posts. */
  async function rollupMatchesRecount() {
    const read = async () =>
      (
        await sql<Record<string, unknown>>`
          select symbol, bucket, t, posts, bullish, bearish, authors from ticker_sentiment
          where posts <> 0 or authors <> 0 order by 1, 2, 3`.execute(t.db)
      ).rows;
    const kept = await read();
    await sql`select ticker_sentiment_rebuild()`.execute(t.db);
    expect(kept).toEqual(await read());
  }

  it('answers 168 hourly buckets by default, UTC-aligned, oldest first, empty ones as zeros', async () => {
    const [alice, bob] = [await createUser(t), await createUser(t)];
    const now = Date.now();
    const thisHour = hourStart(now);
    // this hour: alice twice (bullish, none), bob once (bearish); 5 hours ago: bob bullish
    await createPost(t, alice, { content: 'long $SENT', sentiment: 'bullish' });
    await createPost(t, alice, { content: 'watching $SENT' });
    await createPost(t, bob, { content: 'short #sent', sentiment: 'bearish' });
    await insertPost(t, bob.id, {
      tickers: ['SENT'],
      sentiment: 'bullish',
      createdAt: new Date(thisHour - 5 * HOUR + 120_000),
    });
    // another ticker, and a post too old for the window, count nowhere here
    await insertPost(t, bob.id, { tickers: ['OTHER'], sentiment: 'bullish' });
    await insertPost(t, bob.id, { tickers: ['SENT'], createdAt: new Date(thisHour - 200 * HOUR) });

    for (const path of ['SENT/sentiment', '%24sent/sentiment', 'sent/sentiment?interval=1h']) {
      const s = await series(path);
      expect(s.symbol).toBe('SENT');
      expect(s.interval).toBe('1h');
      expect(s.items).toHaveLength(168);
      expect(s.items.at(-1)?.t).toBe(iso(thisHour));
      expect(s.items[0]?.t).toBe(iso(thisHour - 167 * HOUR));
      expect(
        s.items.every(
          (b, i) => i === 0 || Date.parse(b.t) - Date.parse(s.items[i - 1]!.t) === HOUR,
        ),
      ).toBe(true);
      expect(bucketAt(s, thisHour)).toEqual({
        t: iso(thisHour),
        posts: 3,
        bullish: 1,
        bearish: 1,
        authors: 2,
      });
      expect(bucketAt(s, thisHour - 5 * HOUR)).toEqual({
        t: iso(thisHour - 5 * HOUR),
        posts: 1,
        bullish: 1,
        bearish: 0,
        authors: 1,
      });
      expect(s.items.reduce((n, b) => n + b.posts, 0)).toBe(4);
    }
    await rollupMatchesRecount();
  });

  it('answers daily buckets between from and to, each the UTC day holding them', async () => {
    const author = await createUser(t);
    await insertPost(t, author.id, {
      tickers: ['DAYS'],
      sentiment: 'bearish',
      createdAt: new Date('2026-03-01T23:59:59.000Z'),
    });
    await insertPost(t, author.id, {
      tickers: ['DAYS'],
      createdAt: new Date('2026-03-02T00:00:00.000Z'),
    });
    await insertPost(t, author.id, {
      tickers: ['DAYS'],
      createdAt: new Date('2026-03-04T12:00:00.000Z'),
    });
    const s = await series(
      'DAYS/sentiment?interval=1d&from=2026-03-01T18:00:00Z&to=2026-03-04T01:00:00%2B02:00',
    );
    expect(s.items).toEqual([
      { t: '2026-03-01T00:00:00.000Z', posts: 1, bullish: 0, bearish: 1, authors: 1 },
      { t: '2026-03-02T00:00:00.000Z', posts: 1, bullish: 0, bearish: 0, authors: 1 },
      { t: '2026-03-03T00:00:00.000Z', posts: 0, bullish: 0, bearish: 0, authors: 0 },
    ]);
    const defaults = await series('DAYS/sentiment?interval=1d');
    expect(defaults.items).toHaveLength(90);
    expect(defaults.items.at(-1)?.t).toBe(`${new Date().toISOString().slice(0, 10)}T00:00:00.000Z`);
  });

  it('follows deletes, sentiment changes and re-linked tickers at once', async () => {
    const [alice, bob] = [await createUser(t), await createUser(t)];
    const thisHour = hourStart(Date.now());
    const a = await createPost(t, alice, { content: '$LIVE up', sentiment: 'bullish' });
    const b = await createPost(t, bob, { content: '$LIVE down', sentiment: 'bearish' });
    const now = async () => bucketAt(await series('LIVE/sentiment'), thisHour);
    expect(await now()).toMatchObject({ posts: 2, bullish: 1, bearish: 1, authors: 2 });

    const del = await t.request({ method: 'DELETE', url: `/posts/${b.id}`, token: bob.token });
    expect(del.statusCode).toBe(204);
    expect(await now()).toMatchObject({ posts: 1, bullish: 1, bearish: 0, authors: 1 });
    const daily = await series('LIVE/sentiment?interval=1d');
    expect(daily.items.at(-1)).toMatchObject({ posts: 1, bullish: 1, bearish: 0, authors: 1 });

    // an edit changes the sentiment and re-links the tickers in one transaction
    await t.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('posts')
        .set({ sentiment: 'bearish', content: '$MOVED now' })
        .where('id', '=', a.id)
        .execute();
      await trx.deleteFrom('post_tickers').where('post_id', '=', a.id).execute();
      await trx
        .insertInto('tickers')
        .values({ symbol: 'MOVED' })
        .onConflict((oc) => oc.doNothing())
        .execute();
      const created = await trx
        .selectFrom('posts')
        .select('created_at')
        .where('id', '=', a.id)
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('post_tickers')
        .values({ post_id: a.id, symbol: 'MOVED', position: 0, created_at: created.created_at })
        .execute();
    });
    expect(await now()).toMatchObject({ posts: 0, bullish: 0, bearish: 0, authors: 0 });
    expect(bucketAt(await series('MOVED/sentiment'), thisHour)).toMatchObject({
      posts: 1,
      bullish: 0,
      bearish: 1,
      authors: 1,
    });
    // a deleted post that comes back (undeleted by hand) counts again
    await t.db.updateTable('posts').set({ deleted_at: null }).where('id', '=', b.id).execute();
    expect(await now()).toMatchObject({ posts: 1, bullish: 0, bearish: 1, authors: 1 });
    await rollupMatchesRecount();
  });

  it('follows an edit (PATCH) and a suspension and its lift', async () => {
    const [alice, bob] = [await createUser(t), await createUser(t)];
    const admin = await createUser(t, { admin: true });
    const thisHour = hourStart(Date.now());
    const post = await createPost(t, alice, { content: '$EDSA up', sentiment: 'bullish' });
    await createPost(t, bob, { content: '$EDSA and $EDSB', sentiment: 'bearish' });
    const at = async (symbol: string) => bucketAt(await series(`${symbol}/sentiment`), thisHour);

    const edit = await t.request({
      method: 'PATCH',
      url: `/posts/${post.id}`,
      token: alice.token,
      payload: { content: 'moved to $EDSB', sentiment: 'bearish' },
    });
    expect(edit.statusCode, edit.body).toBe(200);
    expect(await at('EDSA')).toMatchObject({ posts: 1, bullish: 0, bearish: 1, authors: 1 });
    expect(await at('EDSB')).toMatchObject({ posts: 2, bullish: 0, bearish: 2, authors: 2 });

    const suspend = await t.request({
      method: 'POST',
      url: `/admin/users/${bob.id}/suspend`,
      token: admin.token,
      payload: { reason: 'spam' },
    });
    expect(suspend.statusCode, suspend.body).toBe(200);
    expect(await at('EDSA')).toMatchObject({ posts: 0, bullish: 0, bearish: 0, authors: 0 });
    expect(await at('EDSB')).toMatchObject({ posts: 1, bullish: 0, bearish: 1, authors: 1 });
    const lift = await t.request({
      method: 'DELETE',
      url: `/admin/users/${bob.id}/suspend`,
      token: admin.token,
    });
    expect(lift.statusCode, lift.body).toBe(200);
    expect(await at('EDSB')).toMatchObject({ posts: 2, bullish: 0, bearish: 2, authors: 2 });
    await rollupMatchesRecount();
  });

  it('counts every post when many arrive at once on the same ticker', async () => {
    const users = await Promise.all(Array.from({ length: 6 }, () => createUser(t)));
    await Promise.all(
      users.flatMap((u, i) => [
        createPost(t, u, { content: `$BUSY $AAA and $ZZZ ${i}`, sentiment: 'bullish' }),
        createPost(t, u, { content: `$ZZZ $BUSY again ${i}` }),
      ]),
    );
    const last = (await series('BUSY/sentiment')).items.at(-1);
    expect(last).toMatchObject({ posts: 12, bullish: 6, bearish: 0, authors: 6 });
    await rollupMatchesRecount();
  });

  it('refuses a bad range with a 422 and an unknown ticker with a 404', async () => {
    const author = await createUser(t);
    await insertPost(t, author.id, { tickers: ['RANGE'] });
    const get = (q: string) => t.request({ method: 'GET', url: `/tickers/RANGE/sentiment${q}` });
    expectError(
      await get('?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z'),
      422,
      'validation_error',
    );
    // 1,000 buckets are answered, 1,001 are not
    const ok = await get('?from=2026-01-01T00:00:00Z&to=2026-02-11T15:00:00Z');
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().items).toHaveLength(1000);
    const tooMany = expectError(
      await get('?from=2026-01-01T00:00:00Z&to=2026-02-11T16:00:00Z'),
      422,
      'validation_error',
    );
    expect(tooMany.message).toMatch(/1000/);
    expectError(await get('?interval=1w'), 422, 'validation_error');
    expectError(await get('?from=yesterday'), 422, 'validation_error');
    expectError(await get('?to=2026-02-30T00:00:00Z'), 422, 'validation_error');
    for (const symbol of ['NOPEX', '123', '%24']) {
      expectError(
        await t.request({ method: 'GET', url: `/tickers/${symbol}/sentiment` }),
        404,
        'not_found',
      );
    }
  });
});
