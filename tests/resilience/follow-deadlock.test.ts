import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { isPostgres } from '../helpers/database.js';
import { createUser } from '../helpers/factories.js';

/**
 * A follow and an unfollow of the same user at the same moment (a double tap on the button)
 * took the same two locks in opposite orders and deadlocked (docs/resilience.md). On
 * PostgreSQL the requests really run side by side; PGlite is one connection, where they take
 * turns, and the test holds there too.
 */
describe('follow and unfollow of the same user at once', () => {
  const t = useTestApp();

  it('never deadlock, and the counters end right', async () => {
    const [alice, bob] = [await createUser(t), await createUser(t)];
    const url = `/users/${bob.id}/follow`;
    const statuses: number[] = [];
    const rounds = isPostgres() ? 60 : 10;
    for (let i = 0; i < rounds; i++) {
      const results = await Promise.all([
        t.request({ method: 'POST', url, token: alice.token }),
        t.request({ method: 'DELETE', url, token: alice.token }),
        t.request({ method: 'POST', url, token: alice.token }),
        t.request({ method: 'DELETE', url, token: alice.token }),
      ]);
      statuses.push(...results.map((r) => r.statusCode));
    }
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const following = await t.db
      .selectFrom('follows')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('follower_id', '=', alice.id)
      .executeTakeFirstOrThrow();
    const counts = await t.db
      .selectFrom('users')
      .select(['id', 'followers_count', 'following_count'])
      .where('id', 'in', [alice.id, bob.id])
      .execute();
    const byId = new Map(counts.map((row) => [row.id, row]));
    expect(byId.get(alice.id)?.following_count).toBe(following.n);
    expect(byId.get(bob.id)?.followers_count).toBe(following.n);
  });
});
