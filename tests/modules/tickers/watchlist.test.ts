import { describe, expect, it } from 'vitest';
import { WATCHLIST_MAX } from '../../../src/modules/tickers/tickers.service.js';
import { useTestApp } from '../../helpers/app.js';
import { createUser, expectError, insertPost, type TestUser } from '../../helpers/factories.js';

interface Watchlist {
  items: { symbol: string; name: string | null; post_count: number }[];
}

describe('watchlist', () => {
  const t = useTestApp();

  const call = async (who: TestUser, method: 'GET' | 'PUT' | 'DELETE', symbol = '') => {
    const url = `/users/me/watchlist${symbol ? `/${symbol}` : ''}`;
    return t.request({ method, url, token: who.token });
  };
  const symbols = (res: { json(): unknown }) =>
    (res.json() as Watchlist).items.map((item) => item.symbol);

  it('adds idempotently in the order added, creating unknown valid symbols', async () => {
    const me = await createUser(t);
    const author = await createUser(t);
    await insertPost(t, author.id, { tickers: ['AAPL'] });
    expect((await call(me, 'GET')).json()).toEqual({ items: [] });

    const first = await call(me, 'PUT', 'aapl');
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({
      items: [{ symbol: 'AAPL', name: 'Apple Inc.', post_count: 1 }],
    });
    await call(me, 'PUT', '%24zxcv');
    const again = await call(me, 'PUT', 'AAPL');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({
      items: [
        { symbol: 'AAPL', name: 'Apple Inc.', post_count: 1 },
        { symbol: 'ZXCV', name: null, post_count: 0 },
      ],
    });
    const created = await t.db
      .selectFrom('tickers')
      .select('symbol')
      .where('symbol', '=', 'ZXCV')
      .execute();
    expect(created).toHaveLength(1);
    expect(symbols(await call(me, 'GET'))).toEqual(['AAPL', 'ZXCV']);
  });

  it('removes idempotently', async () => {
    const me = await createUser(t);
    await call(me, 'PUT', 'MSFT');
    await call(me, 'PUT', 'NVDA');
    for (let i = 0; i < 2; i++) {
      const res = await call(me, 'DELETE', 'msft');
      expect(res.statusCode).toBe(200);
      expect(symbols(res)).toEqual(['NVDA']);
    }
    expect(symbols(await call(me, 'DELETE', 'GOOG'))).toEqual(['NVDA']);
  });

  it('refuses a malformed symbol with 422 and touches nothing', async () => {
    const me = await createUser(t);
    for (const bad of [
      'TOOLONG',
      'A1',
      '%27%3B%20drop%20table%20tickers%3B--',
      '%3Cb%3E',
      'AB-',
      '%24',
    ]) {
      expectError(await call(me, 'PUT', bad), 422, 'validation_error');
      expectError(await call(me, 'DELETE', bad), 422, 'validation_error');
    }
    expect((await call(me, 'GET')).json()).toEqual({ items: [] });
  });

  it(`holds at most ${WATCHLIST_MAX} tickers, even when two additions race`, async () => {
    const me = await createUser(t);
    const fill = Array.from({ length: WATCHLIST_MAX - 1 }, (_, i) => {
      const a = String.fromCharCode(65 + Math.floor(i / 26));
      const b = String.fromCharCode(65 + (i % 26));
      return `W${a}${b}`;
    });
    await t.db
      .insertInto('tickers')
      .values(fill.map((symbol) => ({ symbol })))
      .onConflict((oc) => oc.doNothing())
      .execute();
    await t.db
      .insertInto('watchlist_items')
      .values(fill.map((symbol) => ({ user_id: me.id, symbol })))
      .execute();

    const [x, y] = await Promise.all([call(me, 'PUT', 'XRACE'), call(me, 'PUT', 'YRACE')]);
    expect([x.statusCode, y.statusCode].sort()).toEqual([200, 422]);
    expectError(x.statusCode === 422 ? x : y, 422, 'validation_error');
    // one already there is still fine
    expect((await call(me, 'PUT', fill[0]!)).statusCode).toBe(200);
    expect(symbols(await call(me, 'GET'))).toHaveLength(WATCHLIST_MAX);
  });

  it("is one's own: another user's list is untouched", async () => {
    const [a, b] = [await createUser(t), await createUser(t)];
    await call(a, 'PUT', 'AMD');
    await call(b, 'DELETE', 'AMD');
    expect(symbols(await call(a, 'GET'))).toEqual(['AMD']);
    expect(symbols(await call(b, 'GET'))).toEqual([]);
  });

  it('needs a signed-in user', async () => {
    for (const [method, url] of [
      ['GET', '/users/me/watchlist'],
      ['PUT', '/users/me/watchlist/AAPL'],
      ['DELETE', '/users/me/watchlist/AAPL'],
    ] as const) {
      expectError(await t.request({ method, url }), 401, 'unauthorized');
    }
  });
});
