import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../helpers/app.js';
import { createUser, expectError, getOk, type TestUser } from '../../helpers/factories.js';

describe('mutes and blocks', () => {
  const t = useTestApp();

  const act = (who: TestUser, kind: 'mute' | 'block' | 'follow', id: string, on = true) =>
    t.request({ method: on ? 'POST' : 'DELETE', url: `/users/${id}/${kind}`, token: who.token });
  const filters = (who: TestUser) =>
    getOk<{ muted: { id: string }[]; blocked: { id: string }[] }>(t, '/content-filters', who.token);

  it('mutes and unmutes idempotently', async () => {
    const [a, b] = [await createUser(t), await createUser(t)];
    for (let i = 0; i < 2; i++)
      expect((await act(a, 'mute', b.id)).json()).toEqual({ muted: true });
    const listed = await filters(a);
    expect(listed.muted).toEqual([
      { id: b.id, username: b.username, display_name: b.username, profile_picture_url: null },
    ]);
    expect(listed.blocked).toEqual([]);
    for (let i = 0; i < 2; i++) {
      expect((await act(a, 'mute', b.id, false)).json()).toEqual({ muted: false });
    }
    expect(await filters(a)).toEqual({ muted: [], blocked: [] });
  });

  it('blocks: ends follows both ways, counters included; unblocking allows following again', async () => {
    const [a, b] = [await createUser(t), await createUser(t)];
    await act(a, 'follow', b.id);
    await act(b, 'follow', a.id);
    for (let i = 0; i < 2; i++) {
      const res = await act(a, 'block', b.id);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ blocked: true });
    }
    const rows = await t.db
      .selectFrom('follows')
      .select('follower_id')
      .where('follower_id', 'in', [a.id, b.id])
      .execute();
    expect(rows).toEqual([]);
    const counts = await t.db
      .selectFrom('users')
      .select(['followers_count', 'following_count'])
      .where('id', 'in', [a.id, b.id])
      .execute();
    expect(counts).toEqual([
      { followers_count: 0, following_count: 0 },
      { followers_count: 0, following_count: 0 },
    ]);
    expect((await filters(a)).blocked.map((u) => u.id)).toEqual([b.id]);
    expect((await filters(b)).blocked).toEqual([]);

    expect((await act(a, 'block', b.id, false)).json()).toEqual({ blocked: false });
    expect((await act(a, 'block', b.id, false)).json()).toEqual({ blocked: false });
    expect((await act(b, 'follow', a.id)).json()).toEqual({ following: true, followers: 1 });
  });

  it('keeps mutes and blocks apart, newest first, without deleted users', async () => {
    const a = await createUser(t);
    const [b, c, gone] = [await createUser(t), await createUser(t), await createUser(t)];
    await act(a, 'mute', b.id);
    await act(a, 'mute', c.id);
    await act(a, 'block', b.id);
    await act(a, 'mute', gone.id);
    await t.db
      .updateTable('users')
      .set({ deleted_at: new Date() })
      .where('id', '=', gone.id)
      .execute();
    const listed = await filters(a);
    expect(listed.muted.map((u) => u.id)).toEqual([c.id, b.id]);
    expect(listed.blocked.map((u) => u.id)).toEqual([b.id]);
  });

  it('refuses oneself with 422 and unknown users with 404', async () => {
    const a = await createUser(t);
    for (const kind of ['mute', 'block'] as const) {
      for (const on of [true, false]) {
        expectError(await act(a, kind, a.id, on), 422, 'validation_error');
        expectError(await act(a, kind, randomUUID(), on), 404, 'not_found');
        expectError(await act(a, kind, 'abc', on), 404, 'not_found');
        expectError(await act(a, kind, '%3Cscript%3E', on), 404, 'not_found');
      }
    }
  });

  it("cannot change someone else's filters", async () => {
    const [a, b, x] = [await createUser(t), await createUser(t), await createUser(t)];
    await act(b, 'block', x.id);
    await act(b, 'mute', x.id);
    await act(a, 'block', x.id, false);
    await act(a, 'mute', x.id, false);
    const listed = await filters(b);
    expect(listed.blocked.map((u) => u.id)).toEqual([x.id]);
    expect(listed.muted.map((u) => u.id)).toEqual([x.id]);
    expect(await filters(a)).toEqual({ muted: [], blocked: [] });
  });

  it('needs a signed-in user', async () => {
    const b = await createUser(t);
    expectError(
      await t.request({ method: 'POST', url: `/users/${b.id}/mute` }),
      401,
      'unauthorized',
    );
    expectError(await t.request({ method: 'GET', url: '/content-filters' }), 401, 'unauthorized');
    const bad = await t.request({
      method: 'GET',
      url: '/content-filters',
      headers: { authorization: 'Bearer not.a.token' },
    });
    expectError(bad, 401, 'unauthorized');
  });
});
