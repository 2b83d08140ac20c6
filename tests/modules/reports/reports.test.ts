import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../helpers/app.js';
import { createUser, expectError, type TestUser } from '../../helpers/factories.js';

describe('reports and the moderation queue', () => {
  const t = useTestApp();

  async function postBy(user: TestUser, content = 'buy $ACME now') {
    const row = await t.db
      .insertInto('posts')
      .values({ author_id: user.id, content })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }
  const report = (token: string, payload: unknown) =>
    t.request({ method: 'POST', url: '/reports', token, payload: payload as object });
  const decide = (token: string, id: string, payload: object) =>
    t.request({ method: 'PATCH', url: `/reports/${id}`, token, payload });

  it('files a report once while it is open, and again after it is closed', async () => {
    const [author, reporter, admin] = [
      await createUser(t),
      await createUser(t),
      await createUser(t, { admin: true }),
    ];
    const postId = await postBy(author, 'guaranteed 1000% returns, DM me');
    const first = await report(reporter.token, {
      target_type: 'post',
      target_id: postId,
      reason: 'scam',
      details: '  pump and dump \r\n ',
    });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ id: expect.any(String), status: 'open' });
    expectError(
      await report(reporter.token, { target_type: 'post', target_id: postId, reason: 'spam' }),
      409,
      'already_reported',
    );

    const queue = await t.request({
      method: 'GET',
      url: '/reports?status=open',
      token: admin.token,
    });
    expect(queue.statusCode).toBe(200);
    const item = queue.json().items.find((r: { id: string }) => r.id === first.json().id);
    expect(item).toMatchObject({
      reporter: { id: reporter.id, username: reporter.username },
      target_type: 'post',
      target_id: postId,
      target_preview: 'guaranteed 1000% returns, DM me',
      target_deleted: false,
      reason: 'scam',
      details: 'pump and dump',
      status: 'open',
    });

    const decided = await decide(admin.token, first.json().id, {
      status: 'resolved',
      resolution_note: 'post removed',
    });
    expect(decided.statusCode).toBe(200);
    expect(decided.json()).toMatchObject({
      status: 'resolved',
      resolution_note: 'post removed',
      resolved_by: admin.id,
    });
    expect(Date.parse(decided.json().resolved_at)).toBeGreaterThan(0);
    expect(
      (await report(reporter.token, { target_type: 'post', target_id: postId, reason: 'spam' }))
        .statusCode,
    ).toBe(201);
  });

  it('reports comments and users, and filters the queue', async () => {
    const [author, reporter, admin] = [
      await createUser(t),
      await createUser(t),
      await createUser(t, { admin: true }),
    ];
    const postId = await postBy(author);
    const comment = await t.db
      .insertInto('comments')
      .values({ post_id: postId, author_id: author.id, content: 'you idiot' })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(
      (
        await report(reporter.token, {
          target_type: 'comment',
          target_id: comment.id,
          reason: 'harassment',
        })
      ).statusCode,
    ).toBe(201);
    expect(
      (
        await report(reporter.token, {
          target_type: 'user',
          target_id: author.id,
          reason: 'impersonation',
        })
      ).statusCode,
    ).toBe(201);
    const users = await t.request({
      method: 'GET',
      url: '/reports?target_type=user&limit=100',
      token: admin.token,
    });
    const mine = users
      .json()
      .items.filter((r: { reporter: { id: string } }) => r.reporter.id === reporter.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ target_preview: `@${author.username}` });
  });

  it('pages the queue without repeats', async () => {
    const admin = await createUser(t, { admin: true });
    const author = await createUser(t);
    for (let i = 0; i < 5; i++) {
      const reporter = await createUser(t);
      await report(reporter.token, { target_type: 'user', target_id: author.id, reason: 'spam' });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/reports?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await t.request({ method: 'GET', url, token: admin.token });
      expect(page.statusCode).toBe(200);
      seen.push(...page.json().items.map((r: { id: string }) => r.id));
      cursor = page.json().next_cursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(5);
    expectError(
      await t.request({ method: 'GET', url: '/reports?cursor=garbage', token: admin.token }),
      422,
      'validation_error',
    );
  });

  it('refuses bad reports', async () => {
    const [author, reporter] = [await createUser(t), await createUser(t)];
    const postId = await postBy(author);
    expectError(
      await report(reporter.token, {
        target_type: 'post',
        target_id: randomUUID(),
        reason: 'spam',
      }),
      404,
      'not_found',
    );
    expectError(
      await report(reporter.token, { target_type: 'comment', target_id: postId, reason: 'spam' }),
      404,
      'not_found',
    );
    expectError(
      await report(reporter.token, { target_type: 'user', target_id: reporter.id, reason: 'spam' }),
      422,
      'validation_error',
    );
    expectError(
      await report(reporter.token, { target_type: 'post', target_id: postId, reason: 'boring' }),
      422,
      'validation_error',
    );
    expectError(
      await report(reporter.token, { target_type: 'post', target_id: 'x', reason: 'spam' }),
      422,
      'validation_error',
    );
    expectError(
      await report(reporter.token, {
        target_type: 'post',
        target_id: postId,
        reason: 'spam',
        details: 'x'.repeat(1001),
      }),
      422,
      'validation_error',
    );
    expectError(
      await report(reporter.token, {
        target_type: 'post',
        target_id: postId,
        reason: 'spam',
        details: 'a\u0000b',
      }),
      422,
      'validation_error',
    );
    expectError(
      await t.request({
        method: 'POST',
        url: '/reports',
        payload: { target_type: 'post', target_id: postId, reason: 'spam' },
      }),
      401,
      'unauthorized',
    );
    await t.db
      .updateTable('posts')
      .set({ deleted_at: new Date() })
      .where('id', '=', postId)
      .execute();
    expectError(
      await report(reporter.token, { target_type: 'post', target_id: postId, reason: 'spam' }),
      404,
      'not_found',
    );
  });

  it('keeps the queue for admins', async () => {
    const user = await createUser(t);
    expectError(
      await t.request({ method: 'GET', url: '/reports', token: user.token }),
      403,
      'forbidden',
    );
    expectError(await decide(user.token, randomUUID(), { status: 'dismissed' }), 403, 'forbidden');
    const admin = await createUser(t, { admin: true });
    expectError(await decide(admin.token, randomUUID(), { status: 'dismissed' }), 404, 'not_found');
    expectError(await decide(admin.token, 'not-a-uuid', { status: 'dismissed' }), 404, 'not_found');
    expectError(
      await decide(admin.token, randomUUID(), { status: 'open' }),
      422,
      'validation_error',
    );
  });
});
