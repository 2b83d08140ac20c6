import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../helpers/app.js';
import {
  createPost,
  createUser,
  expectError,
  follow,
  getOk,
  type Page,
  type TestUser,
} from '../../helpers/factories.js';

interface MutedWord {
  id: string;
  word: string;
  expires_at: string | null;
  created_at: string;
}

describe('muted words', () => {
  const t = useTestApp();

  const mute = (user: TestUser, payload: object) =>
    t.request({ method: 'POST', url: '/users/me/muted-words', token: user.token, payload });
  const muteOk = async (user: TestUser, word: string, extra: object = {}) => {
    const res = await mute(user, { word, ...extra });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as MutedWord;
  };
  const words = async (user: TestUser) =>
    (await getOk<{ items: MutedWord[] }>(t, '/users/me/muted-words', user.token)).items;
  /** Which of `ids` the list at `url` shows to `viewer`, in the list's order. */
  const shown = async (viewer: TestUser, url: string, ids: string[]) => {
    const page = await getOk<Page<{ id: string }>>(t, url, viewer.token);
    return page.items.map((p) => p.id).filter((id) => ids.includes(id));
  };

  describe('the list', () => {
    it('adds, lists newest first, renews in any case, and removes', async () => {
      const ada = await createUser(t);
      const first = await muteOk(ada, 'Earnings Whisper');
      expect(first).toEqual({
        id: expect.any(String),
        word: 'Earnings Whisper',
        expires_at: null,
        created_at: expect.stringMatching(/Z$/),
      });
      const second = await muteOk(ada, '$tsla', { expires_in_hours: 24 });
      expect(second.word).toBe('$TSLA');
      const hours = (Date.parse(second.expires_at!) - Date.now()) / 3_600_000;
      expect(hours).toBeGreaterThan(23.9);
      expect(hours).toBeLessThanOrEqual(24);
      expect((await words(ada)).map((w) => w.word)).toEqual(['$TSLA', 'Earnings Whisper']);

      // the same word in another case renews it: still one entry, with the new expiry
      const again = await muteOk(ada, 'earnings whisper', { expires_in_hours: 2 });
      expect(again.id).toBe(first.id);
      expect(again.expires_at).not.toBeNull();
      expect(await words(ada)).toHaveLength(2);

      const del = await t.request({
        method: 'DELETE',
        url: `/users/me/muted-words/${first.id}`,
        token: ada.token,
      });
      expect(del.statusCode).toBe(204);
      expect((await words(ada)).map((w) => w.word)).toEqual(['$TSLA']);
      expectError(
        await t.request({
          method: 'DELETE',
          url: `/users/me/muted-words/${first.id}`,
          token: ada.token,
        }),
        404,
        'not_found',
      );
    });

    it("cannot see or remove someone else's words", async () => {
      const [ada, ben] = [await createUser(t), await createUser(t)];
      const word = await muteOk(ada, 'secret');
      expect(await words(ben)).toEqual([]);
      expectError(
        await t.request({
          method: 'DELETE',
          url: `/users/me/muted-words/${word.id}`,
          token: ben.token,
        }),
        404,
        'not_found',
      );
      expect(await words(ada)).toHaveLength(1);
    });

    it('refuses bad input with 422 and adds nothing', async () => {
      const ada = await createUser(t);
      for (const body of [
        {},
        { word: '' },
        { word: '   ' },
        { word: 'x'.repeat(101) },
        { word: 42 },
        { word: 'ok', expires_in_hours: 0 },
        { word: 'ok', expires_in_hours: 8761 },
        { word: 'ok', expires_in_hours: 1.5 },
        { word: 'ok', expires_in_hours: '2' },
        { word: 'ok', wrod: 'typo' },
      ]) {
        const res = await mute(ada, body);
        expectError(res, 422, 'validation_error');
      }
      expect(await words(ada)).toEqual([]);
      expectError(
        await t.request({ method: 'POST', url: '/users/me/muted-words', payload: { word: 'x' } }),
        401,
        'unauthorized',
      );
    });

    it('holds at most 100 words, even when added at once; renewing one at the cap works', async () => {
      const ada = await createUser(t);
      // 96 through the API, then 8 at once for the last 4 places
      for (let i = 0; i < 96; i++) await muteOk(ada, `word${i}`);
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => mute(ada, { word: `late${i}` })),
      );
      const codes = results.map((r) => r.statusCode);
      expect(codes.filter((c) => c === 201)).toHaveLength(4);
      expect(codes.filter((c) => c === 422)).toHaveLength(4);
      const refused = results.find((r) => r.statusCode === 422)!;
      expect(refused.json().error.message).toContain('100');
      expect(await words(ada)).toHaveLength(100);
      const kept = (await words(ada))[0]!;
      expect((await mute(ada, { word: kept.word.toUpperCase() })).statusCode).toBe(201);
      expectError(await mute(ada, { word: 'one more' }), 422, 'validation_error');
    });

    it('forgets an expired word: not listed, no longer applied, and it frees its place', async () => {
      const [ada, ben] = [await createUser(t), await createUser(t)];
      const post = await createPost(t, ben, 'Guidance raised, bullish');
      await muteOk(ada, 'guidance', { expires_in_hours: 1 });
      expect(await shown(ada, '/posts', [post.id])).toEqual([]);
      await t.db
        .updateTable('muted_words')
        .set({ expires_at: sql<Date>`now() - interval '1 second'` })
        .where('user_id', '=', ada.id)
        .execute();
      expect(await words(ada)).toEqual([]);
      expect(await shown(ada, '/posts', [post.id])).toEqual([post.id]);
    });
  });

  describe('what a muted word hides', () => {
    it('matches whole words in any case, and phrases across punctuation', async () => {
      const [ada, ben] = [await createUser(t), await createUser(t)];
      await muteOk(ada, 'short squeeze');
      await muteOk(ada, 'MOON');
      const hidden = [
        await createPost(t, ben, 'Short-squeeze incoming!'),
        await createPost(t, ben, 'this is a SHORT, squeeze it'),
        await createPost(t, ben, 'to the moon.'),
        await createPost(t, ben, 'Moon?'),
      ].map((p) => p.id);
      const kept = [
        await createPost(t, ben, 'moonshot idea'),
        await createPost(t, ben, 'short the squeeze later'),
        await createPost(t, ben, 'squeeze short'),
      ].map((p) => p.id);
      const all = [...hidden, ...kept];
      expect(await shown(ada, '/posts', all)).toEqual([...kept].reverse());
      expect(await shown(ada, '/feed?type=all', all)).toEqual([...kept].reverse());
      // another viewer sees everything
      const cy = await createUser(t);
      expect(await shown(cy, '/posts', all)).toHaveLength(all.length);
    });

    it('hides a word without letters, such as an emoji, wherever it appears', async () => {
      const [ada, ben] = [await createUser(t), await createUser(t)];
      await muteOk(ada, '🚀');
      const rocket = await createPost(t, ben, 'to the 🚀🚀 today');
      const plain = await createPost(t, ben, 'to the moon today');
      expect(await shown(ada, '/posts', [rocket.id, plain.id])).toEqual([plain.id]);
    });

    it('takes a muted word literally: SQL and tsquery syntax are just text', async () => {
      const [ada, ben] = [await createUser(t), await createUser(t)];
      for (const word of ["'; drop table posts; --", 'a & b | !c', '<script>', ':*', '\\']) {
        await muteOk(ada, word);
      }
      const post = await createPost(t, ben, 'an ordinary post about c');
      expect(await shown(ada, '/posts', [post.id])).toEqual([post.id]);
      const script = await createPost(t, ben, 'look <script> here');
      expect(await shown(ada, '/posts', [script.id])).toEqual([]);
    });

    it("mutes a $ticker in feeds and other tickers' pages, but not on its own page", async () => {
      const [ada, ben] = [await createUser(t), await createUser(t)];
      await muteOk(ada, '$TSLA');
      const tsla = await createPost(t, ben, 'Long $TSLA');
      const both = await createPost(t, ben, '$AAPL over $TSLA');
      const apple = await createPost(t, ben, 'Just $AAPL');
      const word = await createPost(t, ben, 'tsla without the dollar');
      const ids = [tsla.id, both.id, apple.id, word.id];
      expect(await shown(ada, '/posts', ids)).toEqual([word.id, apple.id]);
      expect(await shown(ada, '/tickers/AAPL/posts', ids)).toEqual([apple.id]);
      expect(await shown(ada, '/tickers/TSLA/posts', ids)).toEqual([both.id, tsla.id]);
      expect(await shown(ada, '/posts?ticker=TSLA', ids)).toEqual([both.id, tsla.id]);
    });

    it("applies to the following feed but not to an author's own page nor bookmarks", async () => {
      const [ada, ben] = [await createUser(t), await createUser(t)];
      await follow(t, ada, ben);
      await muteOk(ada, 'dividend');
      const post = await createPost(t, ben, 'Dividend raised');
      const other = await createPost(t, ben, 'Buyback announced');
      const ids = [post.id, other.id];
      expect(await shown(ada, '/feed?type=following', ids)).toEqual([other.id]);
      expect(await shown(ada, `/users/${ben.id}/posts`, ids)).toEqual([other.id, post.id]);
      await t.request({ method: 'POST', url: `/posts/${post.id}/bookmarks`, token: ada.token });
      expect(await shown(ada, '/bookmarks', ids)).toEqual([post.id]);
      // a repost of the muted post by a followee is hidden too
      const cy = await createUser(t);
      await follow(t, ada, cy);
      await t.request({ method: 'POST', url: `/posts/${post.id}/reposts`, token: cy.token });
      expect(await shown(ada, '/feed?type=following', ids)).toEqual([other.id]);
    });

    it('leaves notifications about muted text out, and keeps the others', async () => {
      const [ada, ben] = [await createUser(t), await createUser(t)];
      await muteOk(ada, 'scam');
      const post = await createPost(t, ada, 'my call');
      const comment = async (content: string) =>
        t.request({
          method: 'POST',
          url: `/posts/${post.id}/comments`,
          token: ben.token,
          payload: { content },
        });
      await comment('this is a SCAM');
      await comment('nice call');
      await createPost(t, ben, `@${ada.username} scam alert`);
      await createPost(t, ben, `@${ada.username} good one`);
      const items = (
        await getOk<
          Page<{ type: string; comment: { content: string } | null; post: { content: string } }>
        >(t, '/notifications', ada.token)
      ).items;
      const texts = items.map((n) => `${n.type}: ${n.comment?.content ?? n.post.content}`);
      expect(texts).toEqual([`mention: @${ada.username} good one`, 'comment: nice call']);
      const grouped = await getOk<Page<{ type: string }>>(
        t,
        '/notifications?grouped=true',
        ada.token,
      );
      expect(grouped.items.map((g) => g.type)).toEqual(['mention', 'comment']);
    });
  });
});
