import { describe, expect, it } from 'vitest';
import { type TestApp, useTestApp } from '../../helpers/app.js';
import { createPost, createUser, expectError, type TestUser } from '../../helpers/factories.js';
import { listening, nextEvent } from './helpers.js';

/**
 * Every stream leaves out what its list leaves out. A filtered post is written first and a
 * visible one after it: the stream handles events in commit order, so when the visible one
 * is the next event, the filtered one was judged and left out (no waiting on a timer).
 */
async function act(
  t: TestApp,
  user: TestUser,
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  payload?: object,
) {
  const res = await t.request({ method, url, token: user.token, ...(payload ? { payload } : {}) });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res;
}

describe('stream filters', () => {
  const t = useTestApp();
  const server = listening(t);

  it('public: leaves out muted and blocked authors (either way) and muted words', async () => {
    const viewer = await createUser(t);
    const [muted, blocked, blocker, plain] = await Promise.all([
      createUser(t),
      createUser(t),
      createUser(t),
      createUser(t),
    ]);
    await act(t, viewer, 'POST', `/users/${muted.id}/mute`);
    await act(t, viewer, 'POST', `/users/${blocked.id}/block`);
    await act(t, blocker, 'POST', `/users/${viewer.id}/block`);
    await act(t, viewer, 'POST', '/users/me/muted-words', { word: 'short squeeze' });
    const stream = await server.stream(`/streams/public?access_token=${viewer.token}`);
    expect(stream.status).toBe(200);
    await createPost(t, muted, 'from a muted user');
    await createPost(t, blocked, 'from a blocked user');
    await createPost(t, blocker, 'from a user who blocked me');
    await createPost(t, plain, 'Short-squeeze! incoming');
    const visible = await createPost(t, plain, 'a plain post');
    expect((await nextEvent(stream, 'post')).json()).toMatchObject({ id: visible.id });
    // an anonymous stream sees them all
    const anonymous = await server.stream('/streams/public');
    const again = await createPost(t, muted, 'muted, but not for everyone');
    expect((await nextEvent(anonymous, 'post')).json()).toMatchObject({ id: again.id });
    stream.close();
    anonymous.close();
  });

  it('tickers: any case, only posts that mention it; a muted $SYM still shows on its own stream', async () => {
    const viewer = await createUser(t);
    const author = await createUser(t);
    await act(t, viewer, 'POST', '/users/me/muted-words', { word: '$ZZZQ' });
    await act(t, viewer, 'POST', '/users/me/muted-words', { word: '$MUTD' });
    const stream = await server.stream('/streams/tickers/$zzzq', { token: viewer.token });
    expect(stream.status).toBe(200);
    await createPost(t, author, 'no ticker here');
    await createPost(t, author, '$OTHR only');
    await createPost(t, author, '$ZZZQ and $MUTD together');
    const shown = await createPost(t, author, '#zzzq is the one');
    const event = await nextEvent(stream, 'post');
    expect(event.json()).toMatchObject({ id: shown.id, tickers: ['ZZZQ'] });
    // a delete reaches the ticker's stream, not another ticker's
    const other = await server.stream('/streams/tickers/OTHR');
    await act(t, author, 'DELETE', `/posts/${shown.id}`);
    expect((await nextEvent(stream, 'post.deleted')).json()).toEqual({ id: shown.id });
    const next = await createPost(t, author, '$OTHR after the delete');
    expect((await nextEvent(other, 'post')).json()).toMatchObject({ id: next.id });
    stream.close();
    other.close();
  });

  it('tickers: a malformed symbol is 404', async () => {
    expectError(
      await t.request({ method: 'GET', url: '/streams/tickers/NOT_A$SYMBOL' }),
      404,
      'not_found',
    );
  });

  it('feed: followees and oneself, and first reposts by them with reposted_by; 401 without a token', async () => {
    expectError(await t.request({ method: 'GET', url: '/streams/feed' }), 401, 'unauthorized');
    const viewer = await createUser(t);
    const [followee, stranger, other] = await Promise.all([
      createUser(t),
      createUser(t),
      createUser(t),
    ]);
    await act(t, viewer, 'POST', `/users/${followee.id}/follow`);
    await act(t, viewer, 'POST', `/users/${other.id}/follow`);
    const stream = await server.stream('/streams/feed', { token: viewer.token });
    expect(stream.status).toBe(200);
    const strangers = await createPost(t, stranger, 'a stranger posts');
    const followees = await createPost(t, followee, 'a followee posts');
    expect((await nextEvent(stream, 'post')).json()).toMatchObject({ id: followees.id });
    const own = await createPost(t, viewer, 'my own post');
    expect((await nextEvent(stream, 'post')).json()).toMatchObject({ id: own.id });
    await act(t, viewer, 'POST', `/posts/${strangers.id}/reactions`);
    await act(t, followee, 'POST', `/posts/${strangers.id}/reposts`);
    const reposted = (await nextEvent(stream, 'post')).json<Record<string, unknown>>();
    expect(reposted).toMatchObject({
      id: strangers.id,
      reposted_by: { id: followee.id },
      viewer: { reacted: true, reposted: false, bookmarked: false },
    });
    // a second repost of the same post by another followee does not show it again
    await act(t, other, 'POST', `/posts/${strangers.id}/reposts`);
    const last = await createPost(t, followee, 'after the second repost');
    expect((await nextEvent(stream, 'post')).json()).toMatchObject({ id: last.id });
    stream.close();
  });

  it('watchlist: posts that mention a ticker on the watchlist', async () => {
    const viewer = await createUser(t);
    const author = await createUser(t);
    await createPost(t, author, '$WLAA exists now');
    await act(t, viewer, 'PUT', '/users/me/watchlist/WLAA');
    const stream = await server.stream('/streams/watchlist', { token: viewer.token });
    expect(stream.status).toBe(200);
    await createPost(t, author, '$WLBB is not on it');
    const shown = await createPost(t, author, 'watch $WLAA');
    expect((await nextEvent(stream, 'post')).json()).toMatchObject({ id: shown.id });
    stream.close();
  });

  it('notifications: the viewer’s new notifications; a type turned off sends none', async () => {
    const viewer = await createUser(t);
    const fan = await createUser(t);
    const post = await createPost(t, viewer, 'like me');
    await act(t, viewer, 'PATCH', '/users/me/notification-settings', { like: false });
    const stream = await server.stream(`/streams/notifications?access_token=${viewer.token}`);
    expect(stream.status).toBe(200);
    await act(t, fan, 'POST', `/posts/${post.id}/reactions`);
    await act(t, fan, 'POST', `/users/${viewer.id}/follow`);
    const event = await nextEvent(stream, 'notification');
    expect(event.json()).toMatchObject({ type: 'follow', actor: { id: fan.id }, read: false });
    stream.close();
  });

  it('follows what changes while the stream is open: follows, mutes, blocks, muted words, watchlist', async () => {
    const viewer = await createUser(t);
    const [author, blocker, other] = await Promise.all([
      createUser(t),
      createUser(t),
      createUser(t),
    ]);
    const feed = await server.stream('/streams/feed', { token: viewer.token });
    const everyone = await server.stream('/streams/public', { token: viewer.token });
    const watched = await server.stream('/streams/watchlist', { token: viewer.token });
    // each change is followed by a post it hides or shows, then a marker from `other`, who
    // every stream shows: the next event tells what the change did
    const marker = (text: string) => createPost(t, other, `${text} $WTCH`);
    await act(t, viewer, 'POST', `/users/${other.id}/follow`);
    // the watchlist changes while the stream is open too: the markers reach it
    await act(t, viewer, 'PUT', '/users/me/watchlist/WTCH');
    const expectNext = async (stream: typeof feed, id: string) =>
      expect((await nextEvent(stream, 'post')).json()).toMatchObject({ id });

    // follow: the author's next post reaches the feed
    await act(t, viewer, 'POST', `/users/${author.id}/follow`);
    const followed = await createPost(t, author, 'now followed');
    await expectNext(feed, followed.id);
    await expectNext(everyone, followed.id);

    // muted word added: hidden everywhere; removed: shown again
    const word = await act(t, viewer, 'POST', '/users/me/muted-words', { word: 'rugpull' });
    await createPost(t, author, 'a RUGPULL here $WTCH');
    let mark = await marker('marker one');
    await expectNext(feed, mark.id);
    await expectNext(everyone, mark.id);
    await expectNext(watched, mark.id);
    await act(t, viewer, 'DELETE', `/users/me/muted-words/${word.json().id}`);
    const unmuted = await createPost(t, author, 'rugpull again $WTCH');
    await expectNext(feed, unmuted.id);
    await expectNext(everyone, unmuted.id);
    await expectNext(watched, unmuted.id);

    // muted ticker: hidden from the watchlist and public streams
    await act(t, viewer, 'POST', '/users/me/muted-words', { word: '$WTCH' });
    await createPost(t, author, 'muted ticker $WTCH');
    mark = await createPost(t, other, 'marker two');
    await expectNext(feed, mark.id);
    await expectNext(everyone, mark.id);

    // mute: the author leaves the public stream and the feed (a followee the viewer may not see)
    await act(t, viewer, 'POST', `/users/${author.id}/mute`);
    await createPost(t, author, 'muted author');
    mark = await createPost(t, other, 'marker three');
    await expectNext(feed, mark.id);
    await expectNext(everyone, mark.id);
    await act(t, viewer, 'DELETE', `/users/${author.id}/mute`);

    // unfollow: the author leaves the feed, not the public stream
    await act(t, viewer, 'DELETE', `/users/${author.id}/follow`);
    const unfollowed = await createPost(t, author, 'no longer followed');
    mark = await createPost(t, other, 'marker four');
    await expectNext(everyone, unfollowed.id);
    await expectNext(feed, mark.id);
    await expectNext(everyone, mark.id);

    // someone blocks the viewer while the stream is open: their posts leave it
    await act(t, blocker, 'POST', `/users/${viewer.id}/block`);
    await createPost(t, blocker, 'from a user who just blocked me');
    mark = await createPost(t, other, 'marker five');
    await expectNext(everyone, mark.id);
    for (const stream of [feed, everyone, watched]) stream.close();
  });

  it('takes ?access_token= on stream routes only', async () => {
    const viewer = await createUser(t);
    const res = await t.request({ method: 'GET', url: `/users/me?access_token=${viewer.token}` });
    expectError(res, 401, 'unauthorized');
    const bad = await t.request({ method: 'GET', url: '/streams/feed?access_token=not.a.token' });
    expectError(bad, 401, 'unauthorized');
  });
});
