import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, useTestApp } from '../../helpers/app.js';
import { createPost, createUser, expectError, insertPost } from '../../helpers/factories.js';
import { openSse, type SseStream } from '../../helpers/sse.js';
import { listening, nextEvent } from './helpers.js';

describe('resuming a stream', () => {
  const t = useTestApp();
  const server = listening(t);

  it('replays what was missed, oldest first, then goes live: no gap, no repeat', async () => {
    const author = await createUser(t);
    const first = await server.stream('/streams/tickers/RSMA');
    const a = await createPost(t, author, '$RSMA a');
    const seen = await nextEvent(first, 'post');
    expect(seen.json()).toMatchObject({ id: a.id });
    first.close();
    const b = await createPost(t, author, '$RSMA b');
    await createPost(t, author, '$RSMX not this ticker');
    const c = await createPost(t, author, '$RSMA c');
    const resumed = await server.stream('/streams/tickers/RSMA', { lastEventId: seen.id });
    const replayed = [await nextEvent(resumed, 'post'), await nextEvent(resumed, 'post')];
    expect(replayed.map((e) => e.json().id)).toEqual([b.id, c.id]);
    const d = await createPost(t, author, '$RSMA d');
    expect((await nextEvent(resumed, 'post')).json()).toMatchObject({ id: d.id });
    // the same with ?last_event_id=, from the last replayed event: only what came after it
    const byQuery = await server.stream(`/streams/tickers/RSMA?last_event_id=${replayed[1]!.id}`);
    expect((await nextEvent(byQuery, 'post')).json()).toMatchObject({ id: d.id });
    const e = await createPost(t, author, '$RSMA e');
    expect((await nextEvent(byQuery, 'post')).json()).toMatchObject({ id: e.id });
    resumed.close();
    byQuery.close();
  });

  it('replays at most the newest 100, with the filters of the list', async () => {
    const viewer = await createUser(t);
    const author = await createUser(t);
    const muted = await createUser(t);
    await t.request({ method: 'POST', url: `/users/${muted.id}/mute`, token: viewer.token });
    const first = await server.stream('/streams/tickers/RCAP', { token: viewer.token });
    const start = await createPost(t, author, '$RCAP start');
    const seen = await nextEvent(first, 'post');
    expect(seen.json()).toMatchObject({ id: start.id });
    first.close();
    const ids: string[] = [];
    for (let i = 0; i < 104; i++) {
      ids.push((await insertPost(t, author.id, { content: `$RCAP ${i}`, tickers: ['RCAP'] })).id);
      if (i % 10 === 0)
        await insertPost(t, muted.id, { content: '$RCAP muted', tickers: ['RCAP'] });
    }
    const resumed = await server.stream('/streams/tickers/RCAP', {
      token: viewer.token,
      lastEventId: seen.id,
    });
    const replayed: string[] = [];
    for (let i = 0; i < 100; i++)
      replayed.push((await nextEvent(resumed, 'post')).json().id as string);
    expect(replayed).toEqual(ids.slice(-100));
    const live = await createPost(t, author, '$RCAP live');
    expect((await nextEvent(resumed, 'post')).json()).toMatchObject({ id: live.id });
    resumed.close();
  }, 120_000);

  it('replays the notifications stream and the following feed too', async () => {
    const viewer = await createUser(t);
    const fan = await createUser(t);
    await t.request({ method: 'POST', url: `/users/${fan.id}/follow`, token: viewer.token });
    const notes = await server.stream('/streams/notifications', { token: viewer.token });
    const feed = await server.stream('/streams/feed', { token: viewer.token });
    await t.request({ method: 'POST', url: `/users/${viewer.id}/follow`, token: fan.token });
    const note = await nextEvent(notes, 'notification');
    const p1 = await createPost(t, fan, 'one');
    const seenPost = await nextEvent(feed, 'post');
    expect(seenPost.json()).toMatchObject({ id: p1.id });
    notes.close();
    feed.close();
    const mine = await createPost(t, viewer, 'mine');
    await t.request({ method: 'POST', url: `/posts/${mine.id}/reactions`, token: fan.token });
    const p2 = await createPost(t, fan, 'two');
    const notes2 = await server.stream('/streams/notifications', {
      token: viewer.token,
      lastEventId: note.id,
    });
    expect((await nextEvent(notes2, 'notification')).json()).toMatchObject({
      type: 'like',
      post: { id: mine.id },
    });
    const feed2 = await server.stream('/streams/feed', {
      token: viewer.token,
      lastEventId: seenPost.id,
    });
    expect([(await nextEvent(feed2)).json().id, (await nextEvent(feed2)).json().id]).toEqual([
      mine.id,
      p2.id,
    ]);
    notes2.close();
    feed2.close();
  });
});

describe('a stream the server ends after STREAM_MAX_DURATION_S (a host with a maximum duration)', () => {
  const t = useTestApp({ STREAM_MAX_DURATION_S: '1' });
  const server = listening(t);

  it('is resumed by its client with Last-Event-ID: every post arrives once, in order', async () => {
    const author = await createUser(t);
    const written: string[] = [];
    const received: string[] = [];
    let lastEventId: string | undefined;
    let reconnects = 0;
    const open = (from: string | undefined) =>
      server.stream('/streams/tickers/VRCL', from ? { lastEventId: from } : {});
    // the first stream is open before the first post: a new stream starts from now
    let stream: SseStream = await open(undefined);
    const writer = (async () => {
      for (let i = 0; i < 12; i++) {
        written.push((await createPost(t, author, `$VRCL ${i}`)).id);
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    })();
    // the client: as EventSource does, reconnect with the last id whenever the stream ends;
    // bounded, so that a lost event fails the test instead of hanging it
    for (let attempt = 0; attempt < 30; attempt++) {
      expect(stream.status).toBe(200);
      for (;;) {
        const event = await stream.next(10_000).catch(() => undefined);
        if (!event) break;
        received.push(event.json().id as string);
        lastEventId = event.id;
      }
      reconnects += 1;
      if (received.length >= 12) break;
      stream = await open(lastEventId);
    }
    await writer;
    expect(reconnects).toBeGreaterThan(1);
    expect(received).toEqual(written);
  }, 120_000);
});

describe('stream limits', () => {
  const apps: TestApp[] = [];
  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  it('STREAM_MAX_PER_USER: the next stream of that user is 429 with Retry-After', async () => {
    const t = await createTestApp({ STREAM_MAX_PER_USER: '2' });
    apps.push(t);
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
    const user = await createUser(t);
    const other = await createUser(t);
    const held = [
      await openSse(`${base}/streams/public`, { token: user.token }),
      await openSse(`${base}/streams/feed`, { token: user.token }),
    ];
    expect(held.map((s) => s.status)).toEqual([200, 200]);
    const refused = await t.request({ method: 'GET', url: '/streams/public', token: user.token });
    expectError(refused, 429, 'rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // another user is not limited by it, and a closed stream frees its place
    const others = await openSse(`${base}/streams/public`, { token: other.token });
    expect(others.status).toBe(200);
    held[0]!.close();
    await held[0]!.ended;
    let again = await openSse(`${base}/streams/public`, { token: user.token });
    while (again.status === 429) {
      // the server notices the closed socket a moment after the client
      await new Promise((resolve) => setTimeout(resolve, 50));
      again = await openSse(`${base}/streams/public`, { token: user.token });
    }
    expect(again.status).toBe(200);
    for (const s of [...held, others, again]) s.close();
  }, 120_000);

  it('STREAM_MAX: the next stream of the instance is 503 with Retry-After', async () => {
    const t = await createTestApp({ STREAM_MAX: '2' });
    apps.push(t);
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
    const held = [
      await openSse(`${base}/streams/public`),
      await openSse(`${base}/streams/tickers/AAPL`),
    ];
    expect(held.map((s) => s.status)).toEqual([200, 200]);
    const refused = await t.request({ method: 'GET', url: '/streams/public' });
    expectError(refused, 503, 'unavailable');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    for (const s of held) s.close();
  }, 120_000);

  it('never writes ?access_token= to a log line', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const t = await createTestApp({ LOG_LEVEL: 'trace' });
    apps.push(t);
    // a second app on the same database, logging to the sink
    const { buildApp } = await import('../../../src/app.js');
    const app = await buildApp({ config: t.config, database: t.testDb.database, logStream: sink });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const user = await createUser(t);
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const stream = await openSse(`${base}/streams/feed?access_token=${user.token}`);
    expect(stream.status).toBe(200);
    stream.close();
    await stream.ended;
    const failed = await openSse(`${base}/streams/feed?access_token=${user.token}x`);
    expect(failed.status).toBe(401);
    await app.close();
    const log = lines.join('');
    expect(log).toContain('/streams/feed?access_token=[redacted]');
    expect(log).not.toContain(user.token.split('.')[2]!);
  }, 120_000);
});
