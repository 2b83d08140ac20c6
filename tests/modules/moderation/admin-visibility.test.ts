import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../helpers/app.js';
import {
  createPost,
  createUser,
  getOk,
  type Page,
  type TestUser,
  uniqueUsername,
} from '../../helpers/factories.js';

/**
 * "Everyone but admins and the user" (docs/rules.md "Suspension") for the two kinds of admin
 * SQL cannot see by itself: by token (app_metadata.role = "admin") and by ADMIN_USER_IDS. The
 * auth hook records them in users.admin_until (0062), which the lists read.
 */
const CONFIGURED_ADMIN = randomUUID();

describe('admins by token or by configuration', () => {
  const t = useTestApp({ ADMIN_USER_IDS: CONFIGURED_ADMIN });

  const ids = async (url: string, token: string) =>
    (await getOk<Page<{ id: string }>>(t, url, token)).items.map((p) => p.id);

  /** Ben's post, Ben suspended by the configured admin (who has a profile, not is_admin). */
  async function suspendedPost(admin: TestUser) {
    const ben = await createUser(t);
    const post = await createPost(t, ben, 'Pump $ADMV now!!!');
    const res = await t.request({
      method: 'POST',
      url: `/admin/users/${ben.id}/suspend`,
      token: admin.token,
      payload: { reason: 'pump and dump' },
    });
    expect(res.statusCode, res.body).toBe(200);
    return post.id;
  }

  it('show a suspended author’s content to an admin by token, and not once the token is a plain one', async () => {
    const admin = await createConfiguredAdmin();
    const postId = await suspendedPost(admin);
    const cy = await createUser(t);
    const adminToken = await t.token(cy.id, { admin: true });

    // Cy with a plain token: hidden, as for everyone
    expect(await ids('/posts', cy.token)).not.toContain(postId);
    // Cy with an admin's token: in the lists, on its own and in the ticker's stream
    expect(await ids('/posts', adminToken)).toContain(postId);
    expect(await ids('/feed?type=all', adminToken)).toContain(postId);
    expect(await ids('/tickers/ADMV/posts', adminToken)).toContain(postId);
    const one = await t.request({ method: 'GET', url: `/posts/${postId}`, token: adminToken });
    expect(one.statusCode).toBe(200);
    // back with a plain token (the role was taken away): hidden again
    expect(await ids('/posts', cy.token)).not.toContain(postId);
    const gone = await t.request({ method: 'GET', url: `/posts/${postId}`, token: cy.token });
    expect(gone.statusCode).toBe(404);
  });

  it('show it to an admin by ADMIN_USER_IDS, with any token', async () => {
    const admin = await createConfiguredAdmin();
    const postId = await suspendedPost(admin);
    expect(await ids('/posts', admin.token)).toContain(postId);
    const row = await t.db
      .selectFrom('users')
      .select(['is_admin', 'admin_until'])
      .where('id', '=', admin.id)
      .executeTakeFirstOrThrow();
    expect(row.is_admin).toBe(false);
    expect(row.admin_until!.getTime()).toBeGreaterThan(Date.now());
  });

  it('record an admin by token who onboards after their first requests', async () => {
    const admin = await createConfiguredAdmin();
    const postId = await suspendedPost(admin);
    const id = randomUUID();
    const token = await t.token(id, { admin: true });
    // no profile yet: the admin routes answer, and nothing could be recorded
    const audit = await t.request({ method: 'GET', url: '/admin/audit', token });
    expect(audit.statusCode).toBe(200);
    const onboarded = await t.request({
      method: 'POST',
      url: '/users/me/onboarding',
      token,
      payload: { username: uniqueUsername('adm'), display_name: 'Admin', timezone: 'UTC' },
    });
    expect(onboarded.statusCode, onboarded.body).toBe(201);
    expect(await ids('/posts', token)).toContain(postId);
  });

  /** The configured admin, with a profile (created once, reused). */
  let configured: TestUser | undefined;
  async function createConfiguredAdmin(): Promise<TestUser> {
    if (configured) return configured;
    await t.db
      .insertInto('users')
      .values({
        id: CONFIGURED_ADMIN,
        username: uniqueUsername('cfg'),
        display_name: 'Configured admin',
        timezone: 'UTC',
      })
      .execute();
    configured = { id: CONFIGURED_ADMIN, username: 'cfg', token: await t.token(CONFIGURED_ADMIN) };
    return configured;
  }
});
