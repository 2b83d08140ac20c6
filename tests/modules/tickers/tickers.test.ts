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
      { symbol: 'HOT', mentions: 3, rank: 1, baseline: 0, velocity: 3 },
      { symbol: 'WARM', mentions: 2, rank: 2, baseline: 0, velocity: 2 },
    ]);
    expect(day.refreshed_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect((await get('window=1h')).items).toEqual([
      { symbol: 'HOT', mentions: 3, rank: 1, baseline: 0, velocity: 3 },
    ]);
    expect((await get('window=7d&limit=50')).items).toHaveLength(3);
    expect((await get('window=7d&limit=1')).items).toEqual([
      { symbol: 'HOT', mentions: 3, rank: 1, baseline: 0, velocity: 3 },
    ]);
  });

  it('refuses an unknown window or a bad limit with 422', async () => {
    for (const query of ['window=1w', 'window=', 'window=24H', 'limit=0', 'limit=51', 'limit=x']) {
      const res = await t.request({ method: 'GET', url: `/tickers/trending?${query}` });
      expectError(res, 422, 'validation_error');
    }
  });
});

describe('trending tickers by velocity', () => {
  const t = useTestApp();

  it('ranks by velocity against the 7 days before the window with sort=velocity', async () => {
    const author = await createUser(t);
    const now = Date.now();
    const at = (hoursAgo: number) => new Date(now - hoursAgo * HOUR);
    // BUSY: 14 mentions 2-7 days ago (2 a day), 6 in the last day: velocity 6 / 2 = 3
    for (let i = 0; i < 14; i++) {
      await insertPost(t, author.id, { tickers: ['BUSY'], createdAt: at(48 + i * 8) });
    }
    for (let i = 0; i < 6; i++) {
      await insertPost(t, author.id, { tickers: ['BUSY'], createdAt: at(3 + i) });
    }
    // WAKE: nothing before, 4 mentions in the last half hour: velocity 4 / max(0, 1) = 4
    for (let i = 0; i < 4; i++) await insertPost(t, author.id, { tickers: ['WAKE'] });
    // EDGE: one mention 2 days ago and 2 in the last day: baseline 1/7 → 0.14, velocity 2
    await insertPost(t, author.id, { tickers: ['EDGE'], createdAt: at(50) });
    await insertPost(t, author.id, { tickers: ['EDGE'], createdAt: at(2) });
    await insertPost(t, author.id, { tickers: ['EDGE'], createdAt: at(0.2) });
    // deleted posts count nowhere
    for (let i = 0; i < 3; i++) {
      await insertPost(t, author.id, { tickers: ['EDGE'], createdAt: at(1.5), deleted: true });
    }
    const admin = await createUser(t, { admin: true });
    await t.request({ method: 'POST', url: '/metrics/refresh', token: admin.token });

    const get = (query: string) =>
      getOk<{ items: unknown[] }>(t, `/tickers/trending?${query}`).then((r) => r.items);
    const busy = { symbol: 'BUSY', mentions: 6, baseline: 2, velocity: 3 };
    const wake = { symbol: 'WAKE', mentions: 4, baseline: 0, velocity: 4 };
    const edge = { symbol: 'EDGE', mentions: 2, baseline: 0.14, velocity: 2 };
    expect(await get('')).toEqual([
      { ...busy, rank: 1 },
      { ...wake, rank: 2 },
      { ...edge, rank: 3 },
    ]);
    expect(await get('sort=mentions')).toEqual(await get(''));
    expect(await get('sort=velocity')).toEqual([
      { ...wake, rank: 1 },
      { ...busy, rank: 2 },
      { ...edge, rank: 3 },
    ]);
    expect(await get('sort=velocity&limit=1')).toEqual([{ ...wake, rank: 1 }]);
    // the last hour against the 168 hours before it: EDGE's 2 earlier mentions → 2/168 = 0.01
    expect(await get('sort=velocity&window=1h')).toEqual([
      { ...wake, rank: 1 },
      { symbol: 'EDGE', mentions: 1, baseline: 0.01, velocity: 1, rank: 2 },
    ]);
    expectError(
      await t.request({ method: 'GET', url: '/tickers/trending?sort=hype' }),
      422,
      'validation_error',
    );
  });
});
