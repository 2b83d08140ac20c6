import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../helpers/app.js';
import { createPost, createUser, expectError } from '../../helpers/factories.js';
import { listening, nextEvent } from './helpers.js';

describe('GET /streams/public', () => {
  const t = useTestApp({ STREAM_HEARTBEAT_S: '1' });
  const server = listening(t);

  it('streams a new post as text/event-stream with id, event and one data line of Post JSON', async () => {
    const author = await createUser(t);
    const stream = await server.stream('/streams/public');
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.headers.get('x-request-id')).toBeTruthy();
    const post = await createPost(t, author, 'first live $AAPL');
    const event = await nextEvent(stream, 'post');
    expect(event.id).toMatch(/^[A-Za-z0-9_-]+$/);
    const data = event.json<{ id: string; content: string; tickers: string[]; viewer: object }>();
    expect(data).toMatchObject({ id: post.id, content: 'first live $AAPL', tickers: ['AAPL'] });
    expect(data.viewer).toEqual({ reacted: false, reposted: false, bookmarked: false });
    stream.close();
  });

  it('never announces a rolled-back write', async () => {
    const author = await createUser(t);
    const stream = await server.stream('/streams/public');
    await t.db
      .transaction()
      .execute(async (trx) => {
        await trx
          .insertInto('posts')
          .values({ author_id: author.id, content: 'rolled back' })
          .execute();
        throw new Error('roll back');
      })
      .catch(() => {});
    const post = await createPost(t, author, 'committed');
    const event = await nextEvent(stream, 'post');
    expect(event.json()).toMatchObject({ id: post.id, content: 'committed' });
    stream.close();
  });

  it('sends post.updated after an edit and post.deleted after a delete', async () => {
    const author = await createUser(t);
    const stream = await server.stream('/streams/public');
    const post = await createPost(t, author, 'to edit');
    expect((await nextEvent(stream, 'post')).json()).toMatchObject({ id: post.id });
    const edit = await t.request({
      method: 'PATCH',
      url: `/posts/${post.id}`,
      token: author.token,
      payload: { content: 'edited' },
    });
    expect(edit.statusCode, edit.body).toBe(200);
    const updated = await nextEvent(stream, 'post.updated');
    expect(updated.json()).toMatchObject({ id: post.id, content: 'edited', edit_count: 1 });
    const del = await t.request({
      method: 'DELETE',
      url: `/posts/${post.id}`,
      token: author.token,
    });
    expect(del.statusCode).toBe(204);
    const deleted = await nextEvent(stream, 'post.deleted');
    expect(deleted.json()).toEqual({ id: post.id });
    stream.close();
  });

  it('sends a heartbeat comment', async () => {
    const stream = await server.stream('/streams/public');
    const author = await createUser(t);
    // wait until the stream has seen a ping, then check an event still follows
    while (stream.pings === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    await createPost(t, author, 'after a ping');
    expect((await nextEvent(stream, 'post')).json()).toMatchObject({ content: 'after a ping' });
    stream.close();
  });

  it('refuses a malformed or altered event id with 422 before the stream starts', async () => {
    for (const headers of [
      { 'last-event-id': 'nonsense' },
      { 'last-event-id': Buffer.from('["2026-12-07T10:00:00.000Z",-1]').toString('base64url') },
      {
        'last-event-id': `${Buffer.from('["2026-12-07T10:00:00.000Z",5]').toString('base64url')}x`,
      },
    ]) {
      const res = await t.request({ method: 'GET', url: '/streams/public', headers });
      expectError(res, 422, 'validation_error');
    }
    const res = await t.request({ method: 'GET', url: '/streams/public?last_event_id=abc' });
    expect(expectError(res, 422, 'validation_error').message).toMatch(/last_event_id/);
  });
});
