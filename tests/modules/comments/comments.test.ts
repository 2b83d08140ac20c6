import { describe, expect, it } from 'vitest';
import type { Comment } from '../../../src/modules/comments/comments.schemas.js';
import { listComments } from '../../../src/modules/comments/comments.service.js';
import { useTestApp } from '../../helpers/app.js';
import { addFilter, countingDb, postCounterColumns } from '../../helpers/content.js';
import { createPost, createUser, expectError, type TestUser } from '../../helpers/factories.js';

const UNKNOWN = '6f1c2b9e-1d7a-4c55-9a3e-2b8f0c4d5e6f';

describe('comments', () => {
  const t = useTestApp();

  const comment = (user: TestUser, postId: string, payload: object) =>
    t.request({ method: 'POST', url: `/posts/${postId}/comments`, token: user.token, payload });
  const list = async (postId: string, query = '', user?: TestUser) => {
    const res = await t.request({
      method: 'GET',
      url: `/posts/${postId}/comments${query}`,
      token: user?.token,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { items: Comment[]; next_cursor: string | null };
  };

  it('creates comments and replies, listed oldest first with their counts', async () => {
    const author = await createUser(t);
    const reader = await createUser(t);
    const post = await createPost(t, author);
    const first = await comment(reader, post.id, { content: '  first!\r\n ' });
    expect(first.statusCode).toBe(201);
    const top = first.json() as Comment;
    expect(top).toEqual({
      id: expect.any(String),
      post_id: post.id,
      parent_id: null,
      author: {
        id: reader.id,
        username: reader.username,
        display_name: reader.username,
        profile_picture_url: null,
      },
      content: 'first!',
      stats: { reactions: 0, replies: 0 },
      viewer: { reacted: false },
      created_at: expect.stringMatching(/Z$/),
      updated_at: expect.stringMatching(/Z$/),
    });
    const reply = (
      await comment(author, post.id, { content: 'a reply', parent_id: top.id })
    ).json() as Comment;
    expect(reply.parent_id).toBe(top.id);
    await t.request({ method: 'POST', url: `/comments/${top.id}/reactions`, token: author.token });

    const page = await list(post.id, '', author);
    expect(page.items.map((c) => c.id)).toEqual([top.id, reply.id]);
    expect(page.items[0]).toMatchObject({
      stats: { reactions: 1, replies: 1 },
      viewer: { reacted: true },
    });
    const fetched = await t.request({ method: 'GET', url: `/posts/${post.id}` });
    expect(fetched.json().stats.comments).toBe(2);
  });

  it('pages by cursor, oldest first, and refuses a tampered cursor', async () => {
    const author = await createUser(t);
    const post = await createPost(t, author);
    for (let i = 0; i < 5; i++) await comment(author, post.id, { content: `c${i}` });
    const ordered = await t.db
      .selectFrom('comments')
      .select('id')
      .where('post_id', '=', post.id)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    const ids = ordered.map((c) => c.id);
    expect(ids).toHaveLength(5);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(post.id, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((c) => c.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(ids);
    const res = await t.request({ method: 'GET', url: `/posts/${post.id}/comments?cursor=bad` });
    expectError(res, 422, 'validation_error');
  });

  it('refuses bad input', async () => {
    const author = await createUser(t);
    const post = await createPost(t, author);
    const otherPost = await createPost(t, author);
    const elsewhere = (await comment(author, otherPost.id, { content: 'there' })).json() as Comment;
    const cases: Array<[object, string]> = [
      [{ content: '' }, 'content'],
      [{ content: '   ' }, 'content'],
      [{ content: 'x'.repeat(1001) }, 'content'],
      [{ content: 'bad \u0000 byte' }, 'content'],
      [{}, 'content'],
      [{ content: 'x', parent_id: elsewhere.id }, 'parent_id'],
      [{ content: 'x', parent_id: UNKNOWN }, 'parent_id'],
      [{ content: 'x', parent_id: 'not-an-id' }, 'parent_id'],
    ];
    for (const [payload, field] of cases) {
      const error = expectError(await comment(author, post.id, payload), 422, 'validation_error');
      expect(error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    }
    const verbatim = "<script>alert(1)</script>'); drop table comments; --";
    expect((await comment(author, post.id, { content: verbatim })).json().content).toBe(verbatim);
    expectError(await comment(author, UNKNOWN, { content: 'x' }), 404, 'not_found');
    expectError(await comment(author, 'nope', { content: 'x' }), 404, 'not_found');
    expectError(
      await t.request({ method: 'GET', url: `/posts/${UNKNOWN}/comments` }),
      404,
      'not_found',
    );
    for (const query of ['limit=0', 'limit=101', 'limit=1e309', 'cursor=garbage']) {
      const res = await t.request({ method: 'GET', url: `/posts/${post.id}/comments?${query}` });
      expectError(res, 422, 'validation_error');
    }
    // writing needs a signed-in user
    expectError(
      await t.request({
        method: 'POST',
        url: `/posts/${post.id}/comments`,
        payload: { content: 'x' },
      }),
      401,
      'unauthorized',
    );
    expectError(
      await t.request({ method: 'DELETE', url: `/comments/${elsewhere.id}` }),
      401,
      'unauthorized',
    );
    expectError(
      await t.request({ method: 'DELETE', url: '/comments/not-an-id', token: author.token }),
      404,
      'not_found',
    );
  });

  it('refuses a reply to a deleted comment and comments on a deleted post', async () => {
    const author = await createUser(t);
    const post = await createPost(t, author);
    const gone = (await comment(author, post.id, { content: 'soon gone' })).json() as Comment;
    await t.request({ method: 'DELETE', url: `/comments/${gone.id}`, token: author.token });
    expectError(
      await comment(author, post.id, { content: 'x', parent_id: gone.id }),
      422,
      'validation_error',
    );
    await t.request({ method: 'DELETE', url: `/posts/${post.id}`, token: author.token });
    expectError(await comment(author, post.id, { content: 'x' }), 404, 'not_found');
    expectError(
      await t.request({ method: 'GET', url: `/posts/${post.id}/comments` }),
      404,
      'not_found',
    );
  });

  it('lets the comment author, the post author or an admin delete, and counts follow', async () => {
    const postAuthor = await createUser(t);
    const writer = await createUser(t);
    const stranger = await createUser(t);
    const admin = await createUser(t, { admin: true });
    const post = await createPost(t, postAuthor);
    const made = [];
    for (let i = 0; i < 3; i++)
      made.push((await comment(writer, post.id, { content: `c${i}` })).json() as Comment);
    const reply = (
      await comment(stranger, post.id, { content: 'r', parent_id: made[0]!.id })
    ).json() as Comment;
    const del = (id: string, user: TestUser) =>
      t.request({ method: 'DELETE', url: `/comments/${id}`, token: user.token });

    expectError(await del(made[0]!.id, stranger), 403, 'forbidden');
    expect((await del(reply.id, stranger)).statusCode).toBe(204);
    expect((await del(made[0]!.id, writer)).statusCode).toBe(204);
    expect((await del(made[1]!.id, postAuthor)).statusCode).toBe(204);
    expect((await del(made[2]!.id, admin)).statusCode).toBe(204);
    expectError(await del(made[2]!.id, admin), 404, 'not_found');
    expectError(await del(UNKNOWN, admin), 404, 'not_found');
    expectError(await del('x', admin), 404, 'not_found');

    expect((await list(post.id)).items).toEqual([]);
    expect((await postCounterColumns(t.db, post.id)).comments_count).toBe(0);
    const parent = await t.db
      .selectFrom('comments')
      .select('replies_count')
      .where('id', '=', made[0]!.id)
      .executeTakeFirstOrThrow();
    expect(parent.replies_count).toBe(0);
  });

  it('respects blocks both ways, leaves out blocked commenters, and keeps muted ones (docs/rules.md)', async () => {
    const [owner, blockedByOwner, blockerOfOwner, viewer, muted] = await Promise.all(
      Array.from({ length: 5 }, () => createUser(t)),
    );
    const post = await createPost(t, owner!);
    const theirs = await createPost(t, blockedByOwner!);
    const byMuted = (await comment(muted!, post.id, { content: 'muted says' })).json() as Comment;
    const byViewer = (
      await comment(viewer!, post.id, { content: 'viewer says' })
    ).json() as Comment;
    await addFilter(t, owner!, blockedByOwner!, 'block');
    await addFilter(t, blockerOfOwner!, owner!, 'block');
    await addFilter(t, viewer!, muted!, 'mute');

    expectError(await comment(blockedByOwner!, post.id, { content: 'x' }), 403, 'blocked');
    expectError(await comment(blockerOfOwner!, post.id, { content: 'x' }), 403, 'blocked');
    expectError(await comment(owner!, theirs.id, { content: 'x' }), 403, 'blocked');
    // a reply to someone on the other side of a block is refused too
    await addFilter(t, viewer!, blockerOfOwner!, 'block');
    const byBlocker = await t.db
      .insertInto('comments')
      .values({ post_id: post.id, author_id: blockerOfOwner!.id, content: 'before the block' })
      .returning('id')
      .executeTakeFirstOrThrow();
    expectError(
      await comment(viewer!, post.id, { content: 'x', parent_id: byBlocker.id }),
      403,
      'blocked',
    );

    const seenByViewer = await list(post.id, '', viewer);
    // a mute hides posts from feeds, post lists, streams and search; nothing else changes
    expect(seenByViewer.items.map((c) => c.id)).toEqual([byMuted.id, byViewer.id]);
    const anonymous = await list(post.id);
    expect(anonymous.items.map((c) => c.id)).toEqual([byMuted.id, byViewer.id, byBlocker.id]);
  });

  it('reads a page of comments in the same number of queries for 1 or 20', async () => {
    const author = await createUser(t);
    const viewer = await createUser(t);
    const small = await createPost(t, author);
    const big = await createPost(t, author);
    await comment(author, small.id, { content: 'only one' });
    for (let i = 0; i < 20; i++) {
      const writer = i % 2 ? author : await createUser(t);
      await comment(writer, big.id, { content: `c${i}` });
    }
    const { db, counter } = countingDb(t.db);
    const one = await listComments(db, small.id, { limit: 20 }, viewer.id);
    const forOne = counter.count;
    counter.reset();
    const twenty = await listComments(db, big.id, { limit: 20 }, viewer.id);
    expect([one.items.length, twenty.items.length]).toEqual([1, 20]);
    expect(counter.count).toBe(forOne);
    expect(forOne).toBe(2); // the post's existence, then the page
  });
});
