import { describe, expect, it } from 'vitest';
import {
  judge,
  ViewerCache,
  type ViewerState,
} from '../../../src/modules/streams/streams.viewers.js';

const state = (over: Partial<ViewerState> = {}): ViewerState => ({
  follows: new Set(),
  hidden: new Set(),
  watchlist: new Set(),
  mutedSymbols: new Map(),
  mutedText: [],
  ...over,
});

describe('judging a new post for a stream, in memory', () => {
  const now = Date.parse('2026-12-07T12:00:00Z');
  const post = { authorId: 'a', tickers: ['TSLA', 'AAPL'] };

  it('hides hidden authors everywhere, and non-sources from the feed only', () => {
    expect(judge(state({ hidden: new Set(['a']) }), 'v', 'list', post, now)).toBe('no');
    expect(judge(state(), 'v', 'list', post, now)).toBe('yes');
    expect(judge(state(), 'v', 'feed', post, now)).toBe('no');
    expect(judge(state({ follows: new Set(['a']) }), 'v', 'feed', post, now)).toBe('yes');
    expect(judge(state(), 'a', 'feed', post, now)).toBe('yes');
    expect(
      judge(state({ follows: new Set(['a']), hidden: new Set(['a']) }), 'v', 'feed', post, now),
    ).toBe('no');
  });

  it('asks the watchlist, and a muted ticker hides except on its own stream until it expires', () => {
    expect(judge(state(), 'v', 'watchlist', post, now)).toBe('no');
    expect(judge(state({ watchlist: new Set(['AAPL']) }), 'v', 'watchlist', post, now)).toBe('yes');
    const muted = state({ mutedSymbols: new Map([['TSLA', null]]) });
    expect(judge(muted, 'v', 'list', post, now)).toBe('no');
    expect(judge(muted, 'v', 'list', post, now, 'TSLA')).toBe('yes');
    const expired = state({ mutedSymbols: new Map([['TSLA', now - 1]]) });
    expect(judge(expired, 'v', 'list', post, now)).toBe('yes');
  });

  it('leaves muted phrases to the database while they are active', () => {
    expect(judge(state({ mutedText: [null] }), 'v', 'list', post, now)).toBe('words');
    expect(judge(state({ mutedText: [now + 1000] }), 'v', 'list', post, now)).toBe('words');
    expect(judge(state({ mutedText: [now] }), 'v', 'list', post, now)).toBe('yes');
  });
});

describe('ViewerCache', () => {
  it('keeps the newest read when an older one answers last, and forgets a viewer with no stream', async () => {
    const answers: Array<(s: ViewerState) => void> = [];
    const cache = new ViewerCache(
      () => new Promise<ViewerState>((resolve) => answers.push(resolve)),
    );
    const acquiring = cache.acquire('v');
    answers[0]!(state({ follows: new Set(['first']) }));
    const release = await acquiring;
    const older = cache.changed('v')!;
    const newer = cache.changed('v')!;
    answers[2]!(state({ follows: new Set(['newest']) }));
    await newer;
    answers[1]!(state({ follows: new Set(['older']) }));
    await older;
    expect([...cache.get('v')!.follows]).toEqual(['newest']);
    release();
    expect(cache.get('v')).toBeUndefined();
    expect(cache.changed('v')).toBeUndefined();
  });

  it('lets a failed first read go, so the next stream reads again', async () => {
    let calls = 0;
    const cache = new ViewerCache(async () => {
      calls += 1;
      if (calls === 1) throw new Error('database down');
      return state();
    });
    await expect(cache.acquire('v')).rejects.toThrow('database down');
    expect(cache.size).toBe(0);
    const release = await cache.acquire('v');
    expect(cache.get('v')).toBeDefined();
    release();
  });
});
