import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../helpers/app.js';
import { createUser, expectError, getOk, insertPost } from '../../helpers/factories.js';

const HOUR = 3600_000;

describe('ticker page', () => {
  const t = useTestApp();

  it("counts the last 24 h's live posts by sentiment", async () => {
    const author = await createUser(t);
    const now = Date.now();
    await insertPost(t, author.id, { tickers: ['PAGE'], sentiment: 'bullish' });
    await insertPost(t, author.id, { tickers: ['PAGE', 'OTHR'], sentiment: 'bullish' });
    await insertPost(t, author.id, { tickers: ['PAGE'], sentiment: 'bearish' });
    await insertPost(t, author.id, { tickers: ['PAGE'] });
    await insertPost(t, author.id, { tickers: ['PAGE'], sentiment: 'bullish', deleted: true });
    await insertPost(t, author.id, {
      tickers: ['PAGE'],
      sentiment: 'bearish',
      createdAt: new Date(now - 48 * HOUR),
    });
    await t.db
      .updateTable('tickers')
      .set({ name: 'Page Corp' })
      .where('symbol', '=', 'PAGE')
      .execute();
    const res = await t.request({ method: 'GET', url: '/tickers/PAGE' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      symbol: 'PAGE',
      name: 'Page Corp',
      post_count: 5,
      mentions_24h: 4,
      sentiment_24h: { bullish: 2, bearish: 1 },
    });
  });

  it('takes the symbol in any case, with $ or #', async () => {
    const author = await createUser(t);
    await insertPost(t, author.id, { tickers: ['BRK.B'] });
    for (const path of ['brk.b', 'BRK.B', '$brk.b', '%24BRK.B', '%23brk.b', 'Brk.B']) {
      const res = await t.request({ method: 'GET', url: `/tickers/${path}` });
      expect(res.statusCode, path).toBe(200);
      expect(res.json()).toMatchObject({
        symbol: 'BRK.B',
        name: 'Berkshire Hathaway Inc. Class B', // named by migration 0010
        mentions_24h: 1,
      });
    }
  });

  it('answers 404 for unknown and malformed symbols', async () => {
    for (const path of [
      'NOPE',
      'TOOLONG',
      'A1',
      '%27%20or%201%3D1',
      '%3Cscript%3E',
      '$',
      'AB..C',
    ]) {
      expectError(await t.request({ method: 'GET', url: `/tickers/${path}` }), 404, 'not_found');
    }
  });
});

describe('trending tickers', () => {
  const t = useTestApp();

  it('answers the view as last refreshed, null before any refresh', async () => {
    const res = await t.request({ method: 'GET', url: '/tickers/trending' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ items: [], refreshed_at: null });
  });

  it('ranks by mentions in each window, honouring limit', async () => {
    const author = await createUser(t);
    const now = Date.now();
    for (let i = 0; i < 3; i++) await insertPost(t, author.id, { tickers: ['HOT'] });
    for (let i = 0; i < 2; i++) {
      await insertPost(t, author.id, { tickers: ['WARM'], createdAt: new Date(now - 3 * HOUR) });
    }
    await insertPost(t, author.id, { tickers: ['OLD'], createdAt: new Date(now - 3 * 24 * HOUR) });
    const admin = await createUser(t, { admin: true });
    expect(
      (await t.request({ method: 'POST', url: '/metrics/refresh', token: admin.token })).statusCode,
    ).toBe(200);

    const get = (query: string) =>
      getOk<{ items: unknown[]; refreshed_at: string }>(t, `/tickers/trending?${query}`);
    const day = await get('');
    expect(day.items).toEqual([
      { symbol: 'HOT', mentions: 3, rank: 1 },
      { symbol: 'WARM', mentions: 2, rank: 2 },
    ]);
    expect(day.refreshed_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect((await get('window=1h')).items).toEqual([{ symbol: 'HOT', mentions: 3, rank: 1 }]);
    expect((await get('window=7d&limit=50')).items).toHaveLength(3);
    expect((await get('window=7d&limit=1')).items).toEqual([
      { symbol: 'HOT', mentions: 3, rank: 1 },
    ]);
  });

  it('refuses an unknown window or a bad limit with 422', async () => {
    for (const query of ['window=1w', 'window=', 'window=24H', 'limit=0', 'limit=51', 'limit=x']) {
      const res = await t.request({ method: 'GET', url: `/tickers/trending?${query}` });
      expectError(res, 422, 'validation_error');
    }
  });
});
