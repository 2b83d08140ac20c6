import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../helpers/app.js';
import { createAccount, createUser, expectError, insertPost } from '../../helpers/factories.js';

const VIEWS = ['trending_tickers', 'daily_metrics', 'engagement_metrics'];

interface Refreshed {
  refreshed: string[];
  skipped: string[];
  at: string;
}

describe('POST /metrics/refresh', () => {
  const t = useTestApp();

  const refresh = (token?: string) => t.request({ method: 'POST', url: '/metrics/refresh', token });
  const trending = async (window: string) =>
    (await t.request({ method: 'GET', url: `/tickers/trending?window=${window}` })).json() as {
      items: { symbol: string; mentions: number }[];
      refreshed_at: string | null;
    };

  it("refreshes every view, so a new post's tickers appear in trending", async () => {
    const admin = await createUser(t, { admin: true });
    const author = await createUser(t);
    // onboarded two days ago: the daily views hold complete days, up to yesterday
    await t.db
      .updateTable('users')
      .set({ onboarded_at: new Date(Date.now() - 2 * 86_400_000) })
      .where('id', '=', author.id)
      .execute();
    await insertPost(t, author.id, { tickers: ['FRSH', 'NEWT'] });
    expect((await trending('1h')).items.map((i) => i.symbol)).not.toContain('FRSH');

    const res = await refresh(admin.token);
    expect(res.statusCode).toBe(200);
    const body = res.json() as Refreshed;
    expect(body.refreshed).toEqual(VIEWS);
    expect(body.skipped).toEqual([]);
    expect(Number.isNaN(Date.parse(body.at))).toBe(false);

    const after = await trending('1h');
    expect(after.items).toEqual(
      expect.arrayContaining([
        { symbol: 'FRSH', mentions: 1, rank: expect.any(Number), baseline: 0, velocity: 1 },
        { symbol: 'NEWT', mentions: 1, rank: expect.any(Number), baseline: 0, velocity: 1 },
      ]),
    );
    expect(after.refreshed_at).not.toBeNull();
    const recorded = await t.db
      .selectFrom('view_refreshes')
      .selectAll()
      .orderBy('view_name')
      .execute();
    expect(recorded.map((r) => r.view_name)).toEqual([...VIEWS].sort());
    for (const row of recorded) expect(Number.isInteger(row.duration_ms)).toBe(true);
    const daily = await t.db.selectFrom('daily_metrics').select('day').orderBy('day').execute();
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    expect(daily.length).toBeGreaterThan(0);
    expect(daily.at(-1)?.day).toBe(yesterday);
  });

  it('lets two refreshes run at once: each refreshes or skips, neither fails', async () => {
    const admin = await createUser(t, { admin: true });
    const results = await Promise.all([
      refresh(admin.token),
      refresh(admin.token),
      refresh(admin.token),
    ]);
    for (const res of results) {
      expect(res.statusCode).toBe(200);
      const body = res.json() as Refreshed;
      expect([...body.refreshed, ...body.skipped].sort()).toEqual([...VIEWS].sort());
      // all or nothing: a run either holds the lock or skips at once
      expect([0, 3]).toContain(body.refreshed.length);
    }
    expect(results.some((res) => (res.json() as Refreshed).refreshed.length === 3)).toBe(true);
  });

  it('is for admins only', async () => {
    const user = await createUser(t);
    expectError(await refresh(user.token), 403, 'forbidden');
    expectError(await refresh(), 401, 'unauthorized');
    // an admin by token claim needs no profile
    const account = await createAccount(t);
    const claimed = await t.token(account.id, { admin: true });
    expect((await refresh(claimed)).statusCode).toBe(200);
  });
});

describe('GET /internal/cron/refresh-views', () => {
  const secret = 'cron-secret-of-the-test-project-0123456789';
  const t = useTestApp({ CRON_SECRET: secret });
  const cron = (authorization?: string) =>
    t.request({
      method: 'GET',
      url: '/internal/cron/refresh-views',
      headers: authorization === undefined ? {} : { authorization },
    });

  it('refreshes with the right secret, and skips a duplicate delivery', async () => {
    const first = await cron(`Bearer ${secret}`);
    expect(first.statusCode).toBe(200);
    expect((first.json() as Refreshed).refreshed).toEqual(VIEWS);
    // the cron calls hourly; a second call (or a duplicate delivery) finds nothing due
    const second = await cron(`bearer ${secret}`);
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({ refreshed: [], skipped: VIEWS });
  });

  it('answers 401 without the right secret, whatever else is sent', async () => {
    const user = await createUser(t, { admin: true });
    for (const header of [
      undefined,
      '',
      secret,
      `Basic ${secret}`,
      `Bearer ${secret}x`,
      `Bearer ${secret.slice(0, -1)}`,
      'Bearer ',
      `Bearer ${user.token}`,
    ]) {
      expectError(await cron(header), 401, 'unauthorized');
    }
  });
});

describe('GET /internal/cron/refresh-views without CRON_SECRET', () => {
  const t = useTestApp({ CRON_SECRET: undefined });

  it('does not exist', async () => {
    for (const authorization of [undefined, 'Bearer anything', 'Bearer undefined']) {
      const res = await t.request({
        method: 'GET',
        url: '/internal/cron/refresh-views',
        headers: authorization ? { authorization } : {},
      });
      expectError(res, 404, 'not_found');
    }
  });
});
