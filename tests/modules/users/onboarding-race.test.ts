import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../helpers/app.js';
import { createAccount, uniqueUsername } from '../../helpers/factories.js';

/**
 * Onboardings racing over real sockets: on PostgreSQL they run in parallel transactions and
 * the unique index decides; on PGlite they queue. Either way: one 201, the rest 409, no 500.
 */
describe('concurrent onboarding', () => {
  const t = useTestApp();
  let base = '';
  beforeAll(async () => {
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });

  async function onboard(token: string, body: Record<string, unknown>) {
    const res = await fetch(`${base}/users/me/onboarding`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as { error?: { code: string } };
    return { status: res.status, code: json.error?.code };
  }

  it('gives one name to exactly one of several racers', async () => {
    for (let round = 0; round < 5; round++) {
      const username = uniqueUsername('race');
      const accounts = await Promise.all([1, 2, 3, 4].map(() => createAccount(t)));
      const results = await Promise.all(
        accounts.map((a, i) =>
          onboard(a.token, {
            // the same name in different cases: unique ignoring case
            username: i % 2 ? username.toUpperCase() : username,
            timezone: 'UTC',
          }),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 409, 409, 409]);
      expect(results.filter((r) => r.status === 409).map((r) => r.code)).toEqual([
        'username_taken',
        'username_taken',
        'username_taken',
      ]);
    }
  });

  it('onboards one account once when it sends twice at the same time', async () => {
    const account = await createAccount(t);
    const results = await Promise.all([
      onboard(account.token, { username: uniqueUsername('twiceA'), timezone: 'UTC' }),
      onboard(account.token, { username: uniqueUsername('twiceB'), timezone: 'UTC' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(results.find((r) => r.status === 409)?.code).toBe('already_onboarded');
  });

  it('creates overlapping new tickers from parallel onboardings without deadlock', async () => {
    const symbols = ['ZQA', 'ZQB', 'ZQC', 'ZQD', 'ZQE'];
    const accounts = await Promise.all([1, 2, 3, 4].map(() => createAccount(t)));
    const results = await Promise.all(
      accounts.map((a, i) =>
        onboard(a.token, {
          username: uniqueUsername('tick'),
          timezone: 'UTC',
          // each racer lists them in another order
          interests: i % 2 ? [...symbols].reverse() : symbols,
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    const rows = await t.db
      .selectFrom('user_interests')
      .select('user_id')
      .where('symbol', '=', 'ZQC')
      .execute();
    expect(rows).toHaveLength(4);
  });
});
