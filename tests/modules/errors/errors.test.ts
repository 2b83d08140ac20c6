import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../helpers/app.js';
import { createAccount, createUser, expectError } from '../../helpers/factories.js';

describe('error tracking', () => {
  const t = useTestApp();
  const log = (payload: unknown, token?: string) =>
    t.request({
      method: 'POST',
      url: '/errors/log',
      payload: payload as object,
      headers: { 'user-agent': 'Mozilla/5.0 test' },
      ...(token ? { token } : {}),
    });

  it('records a client error with its user, request and agent', async () => {
    const account = await createAccount(t);
    const res = await log(
      {
        message: 'TypeError: x is undefined',
        level: 'error',
        stack: 'at Feed (feed.tsx:10:3)',
        url: 'https://pageshare.app/feed',
        context: { route: '/feed', build: 'abc123', nested: { ok: true } },
      },
      account.token,
    );
    expect(res.statusCode).toBe(201);
    const row = await t.db
      .selectFrom('error_logs')
      .selectAll()
      .where('id', '=', res.json().id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      level: 'error',
      source: 'frontend',
      message: 'TypeError: x is undefined',
      user_id: account.id,
      user_agent: 'Mozilla/5.0 test',
      request_id: res.headers['x-request-id'],
      resolved: false,
    });
    expect(row.context).toEqual({ route: '/feed', build: 'abc123', nested: { ok: true } });
  });

  it('accepts anonymous reports and stores hostile text as sent', async () => {
    const message = "<script>alert(1)</script>'; drop table error_logs; --";
    const res = await log({ message, level: 'warning', source: 'mobile' });
    expect(res.statusCode).toBe(201);
    const row = await t.db
      .selectFrom('error_logs')
      .selectAll()
      .where('id', '=', res.json().id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ message, source: 'mobile', user_id: null });
  });

  it('refuses bad reports with 4xx', async () => {
    expectError(await log({ level: 'error' }), 422, 'validation_error');
    expectError(await log({ message: '   ', level: 'error' }), 422, 'validation_error');
    expectError(await log({ message: 'x', level: 'panic' }), 422, 'validation_error');
    expectError(
      await log({ message: 'x', level: 'error', source: 'backend' }),
      422,
      'validation_error',
    );
    expectError(await log({ message: 'x'.repeat(2001), level: 'error' }), 422, 'validation_error');
    expectError(
      await log({ message: 'x', level: 'error', context: 'not an object' }),
      422,
      'validation_error',
    );
    const big = await log({
      message: 'x',
      level: 'error',
      context: { blob: 'y'.repeat(17 * 1024) },
    });
    expect(expectError(big, 422, 'validation_error').details).toEqual([
      { field: 'context', message: 'must be at most 16 KB of JSON' },
    ]);
    // NUL inside JSON cannot be stored by PostgreSQL: a 422, not a 500
    expectError(
      await log({ message: 'x', level: 'error', context: { bad: 'a\u0000b' } }),
      422,
      'validation_error',
    );
    expectError(await log({ message: 'a\u0000b', level: 'error' }), 422, 'validation_error');
  });

  it('lets admins read, filter and resolve the log', async () => {
    const admin = await createUser(t, { admin: true });
    const user = await createUser(t);
    const created = await log({ message: 'resolve me', level: 'fatal', source: 'mobile' });
    const id = created.json().id;
    expectError(
      await t.request({ method: 'GET', url: '/errors', token: user.token }),
      403,
      'forbidden',
    );
    const list = await t.request({
      method: 'GET',
      url: '/errors?level=fatal&source=mobile&resolved=false',
      token: admin.token,
    });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((e: { id: string }) => e.id)).toContain(id);
    expect(list.json().items.every((e: { level: string }) => e.level === 'fatal')).toBe(true);

    const resolved = await t.request({
      method: 'PATCH',
      url: `/errors/${id}/resolve`,
      token: admin.token,
    });
    expect(resolved.statusCode).toBe(200);
    expect(resolved.json()).toMatchObject({ id, resolved: true, resolved_by: admin.id });
    const after = await t.request({
      method: 'GET',
      url: '/errors?resolved=false&limit=100',
      token: admin.token,
    });
    expect(after.json().items.map((e: { id: string }) => e.id)).not.toContain(id);
    const future = await t.request({
      method: 'GET',
      url: `/errors?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
      token: admin.token,
    });
    expect(future.json().items).toEqual([]);

    expectError(
      await t.request({
        method: 'PATCH',
        url: `/errors/${randomUUID()}/resolve`,
        token: admin.token,
      }),
      404,
      'not_found',
    );
    expectError(
      await t.request({ method: 'PATCH', url: '/errors/not-an-id/resolve', token: admin.token }),
      404,
      'not_found',
    );
    for (const query of ['limit=0', 'limit=101', 'cursor=garbage', 'level=panic']) {
      expectError(
        await t.request({ method: 'GET', url: `/errors?${query}`, token: admin.token }),
        422,
        'validation_error',
      );
    }
    expectError(await t.request({ method: 'GET', url: '/errors' }), 401, 'unauthorized');
    expectError(
      await t.request({ method: 'GET', url: '/errors?since=yesterday', token: admin.token }),
      422,
      'validation_error',
    );
  });
});
