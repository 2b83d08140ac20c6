import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../helpers/app.js';
import { createPost, createUser, expectError, type TestUser } from '../../helpers/factories.js';

interface Item {
  id: string;
  type: string;
  actor: { id: string; username: string };
  post: { id: string; content: string } | null;
  comment: { id: string; content: string } | null;
  created_at: string;
  read: boolean;
}

describe('notifications', () => {
  const t = useTestApp();

  const call = (user: TestUser, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    t.request({ method, url, token: user.token, ...(payload ? { payload } : {}) });
  const list = async (user: TestUser, query = '') => {
    const res = await call(user, 'GET', `/notifications${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { items: Item[]; next_cursor: string | null };
  };
  const unread = async (user: TestUser) =>
    ((await call(user, 'GET', '/notifications/unread-count')).json() as { unread: number }).unread;
  const summary = (items: Item[]) =>
    items.map((n) => `${n.type} by ${n.actor.username}${n.comment ? ' on comment' : ''}`);

  async function comment(user: TestUser, postId: string, content: string, parentId?: string) {
    const res = await call(user, 'POST', `/posts/${postId}/comments`, {
      content,
      ...(parentId ? { parent_id: parentId } : {}),
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string };
  }

  it('tells you who followed, liked, commented, replied, reposted and quoted', async () => {
    const [ada, ben, cy] = [await createUser(t), await createUser(t), await createUser(t)];
    const post = await createPost(t, ada, 'Earnings tonight $NVDA');
    await call(ben, 'POST', `/users/${ada.id}/follow`);
    await call(ben, 'POST', `/posts/${post.id}/reactions`);
    const first = await comment(ben, post.id, 'beats');
    const adasAnswer = await comment(ada, post.id, 'we will see', first.id);
    await call(cy, 'POST', `/comments/${adasAnswer.id}/reactions`);
    await comment(cy, post.id, 'misses', adasAnswer.id);
    await call(cy, 'POST', `/posts/${post.id}/reposts`);
    const quote = await call(cy, 'POST', `/posts/${post.id}/reposts`, { quote: 'watching $NVDA' });
    expect(quote.statusCode, quote.body).toBe(201);

    const ada1 = await list(ada);
    expect(summary(ada1.items)).toEqual([
      `quote by ${cy.username}`,
      `repost by ${cy.username}`,
      // a reply to Ada's comment on her own post: one notification, the reply
      `reply by ${cy.username} on comment`,
      `like by ${cy.username} on comment`,
      `comment by ${ben.username} on comment`,
      `like by ${ben.username}`,
      `follow by ${ben.username}`,
    ]);
    const [quoted, reposted, reply, , commented, liked, followed] = ada1.items;
    expect(quoted!.post).toEqual({ id: quote.json().post.id, content: 'watching $NVDA' });
    expect(reposted!.post).toEqual({ id: post.id, content: 'Earnings tonight $NVDA' });
    expect(reply!.comment).toMatchObject({ content: 'misses' });
    expect(reply!.post?.id).toBe(post.id);
    expect(commented!.comment).toEqual({ id: first.id, content: 'beats' });
    expect(liked!.comment).toBeNull();
    expect(followed!.post).toBeNull();
    expect(ada1.items.every((n) => n.read === false)).toBe(true);
    expect(await unread(ada)).toBe(7);

    // Ben hears of Ada's reply to his comment; nobody hears of what they did themselves
    expect(summary((await list(ben)).items)).toEqual([`reply by ${ada.username} on comment`]);
    expect((await list(cy)).items).toEqual([]);
  });

  it('tells users named as @username in a post or comment, once, and nobody else', async () => {
    const [ada, ben, cy] = [await createUser(t), await createUser(t), await createUser(t)];
    const post = await createPost(
      t,
      ada,
      `@${ben.username.toUpperCase()} and @${cy.username}, look. Twice: @${ben.username}. ` +
        `Myself: @${ada.username}. Nobody: @no_such_user_here. Mail: x@${ben.username}.com`,
    );
    const mentions = async (user: TestUser) =>
      (await list(user)).items.filter((n) => n.type === 'mention');
    const [toBen] = await mentions(ben);
    expect(await mentions(ben)).toHaveLength(1);
    expect(toBen).toMatchObject({ actor: { id: ada.id }, post: { id: post.id }, comment: null });
    expect(await mentions(cy)).toHaveLength(1);
    expect(await mentions(ada)).toEqual([]);

    // in a comment: the comment is named; a reply that names its addressee is only a reply
    const byCy = await comment(cy, post.id, `agreed @${ben.username}`);
    const [inComment] = await mentions(ben);
    expect(inComment).toMatchObject({ actor: { id: cy.id }, comment: { id: byCy.id } });
    await comment(ben, post.id, `thanks @${cy.username}`, byCy.id);
    expect(summary((await list(cy)).items)).toEqual([
      `reply by ${ben.username} on comment`,
      `mention by ${ada.username}`,
    ]);
    // deleting the post takes its mentions out of the list
    await call(ada, 'DELETE', `/posts/${post.id}`);
    expect(await mentions(cy)).toEqual([]);
  });

  it('names ten users at most in one post', async () => {
    const author = await createUser(t);
    const named = await Promise.all(Array.from({ length: 12 }, () => createUser(t)));
    await createPost(t, author, named.map((u) => `@${u.username}`).join(' '));
    const told = await t.db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('actor_id', '=', author.id)
      .where('type', '=', 'mention')
      .executeTakeFirstOrThrow();
    expect(told.n).toBe(10);
  });

  it('takes a notification back when the like, follow or repost is undone', async () => {
    const [ada, ben] = [await createUser(t), await createUser(t)];
    const post = await createPost(t, ada);
    await call(ben, 'POST', `/users/${ada.id}/follow`);
    await call(ben, 'POST', `/posts/${post.id}/reactions`);
    await call(ben, 'POST', `/posts/${post.id}/reposts`);
    expect(await unread(ada)).toBe(3);
    await call(ben, 'DELETE', `/users/${ada.id}/follow`);
    await call(ben, 'POST', `/posts/${post.id}/reactions`); // a toggle: the unlike
    await call(ben, 'DELETE', `/posts/${post.id}/reposts`);
    expect((await list(ada)).items).toEqual([]);
    expect(await unread(ada)).toBe(0);
  });

  it('leaves out deleted posts and comments, and muted or blocked users', async () => {
    const [ada, ben, cy, dee] = [
      await createUser(t),
      await createUser(t),
      await createUser(t),
      await createUser(t),
    ];
    const post = await createPost(t, ada);
    const other = await createPost(t, ada);
    const byBen = await comment(ben, post.id, 'first');
    await call(cy, 'POST', `/posts/${other.id}/reactions`);
    await call(dee, 'POST', `/users/${ada.id}/follow`);
    expect(await unread(ada)).toBe(3);

    expect((await call(ben, 'DELETE', `/comments/${byBen.id}`)).statusCode).toBe(204);
    await call(ada, 'POST', `/users/${cy.id}/mute`);
    await call(dee, 'POST', `/users/${ada.id}/block`); // a block by the actor hides them too
    expect((await list(ada)).items).toEqual([]);
    expect(await unread(ada)).toBe(0);

    await call(ada, 'DELETE', `/users/${cy.id}/mute`);
    expect(summary((await list(ada)).items)).toEqual([`like by ${cy.username}`]);
    expect((await call(ada, 'DELETE', `/posts/${other.id}`)).statusCode).toBe(204);
    expect((await list(ada)).items).toEqual([]);
  });

  it('marks some or all read, and lists the unread ones', async () => {
    const ada = await createUser(t);
    const fans = await Promise.all(Array.from({ length: 3 }, () => createUser(t)));
    for (const fan of fans) await call(fan, 'POST', `/users/${ada.id}/follow`);
    const [newest] = (await list(ada)).items;

    const someone = await createUser(t);
    const foreign = await call(someone, 'POST', '/notifications/read', { ids: [newest!.id] });
    expect(foreign.json()).toEqual({ unread: 0 }); // not theirs: nothing changes
    expect(await unread(ada)).toBe(3);

    const one = await call(ada, 'POST', '/notifications/read', { ids: [newest!.id.toUpperCase()] });
    expect(one.json()).toEqual({ unread: 2 });
    const items = (await list(ada)).items;
    expect(items.map((n) => n.read)).toEqual([true, false, false]);
    expect((await list(ada, '?unread=true')).items.map((n) => n.id)).toEqual(
      items.slice(1).map((n) => n.id),
    );
    expect((await call(ada, 'POST', '/notifications/read', {})).json()).toEqual({ unread: 0 });
    expect((await call(ada, 'POST', '/notifications/read', {})).json()).toEqual({ unread: 0 });
    expect((await list(ada, '?unread=true')).items).toEqual([]);
  });

  it('pages newest first without repeats', async () => {
    const ada = await createUser(t);
    const fans = await Promise.all(Array.from({ length: 5 }, () => createUser(t)));
    await Promise.all(fans.map((fan) => call(fan, 'POST', `/users/${ada.id}/follow`)));
    const seen: Item[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(ada, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen.map((n) => n.actor.id).sort()).toEqual(fans.map((f) => f.id).sort());
    const times = seen.map((n) => n.created_at);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('refuses what is malformed or not signed in', async () => {
    const ada = await createUser(t);
    expectError(await t.request({ method: 'GET', url: '/notifications' }), 401, 'unauthorized');
    expectError(await call(ada, 'GET', '/notifications?limit=0'), 422, 'validation_error');
    expectError(await call(ada, 'GET', '/notifications?cursor=abc'), 422, 'validation_error');
    expectError(await call(ada, 'GET', '/notifications?unread=maybe'), 422, 'validation_error');
    for (const body of [
      { ids: [] },
      { ids: ['x'] },
      { ids: 'all' },
      { ids: Array(101).fill(ada.id) },
    ]) {
      expectError(await call(ada, 'POST', '/notifications/read', body), 422, 'validation_error');
    }
  });
});
