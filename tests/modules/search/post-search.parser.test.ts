import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/lib/errors.js';
import { parsePostSearch, tokenize } from '../../../src/modules/search/post-search.parser.js';

const empty = {
  words: [],
  phrases: [],
  notWords: [],
  notPhrases: [],
  tickers: [],
  mentions: [],
  hasMedia: false,
  hasPoll: false,
};

function refused(q: string): string {
  try {
    parsePostSearch(q);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    const e = error as AppError;
    expect(e.code).toBe('validation_error');
    return e.message;
  }
  throw new Error(`"${q}" was accepted`);
}

describe('the post search parser', () => {
  it('splits words, phrases and negations on white space', () => {
    expect(tokenize('  a  "b c"  -d -"e f" "open')).toEqual([
      { text: 'a', negated: false, quoted: false },
      { text: 'b c', negated: false, quoted: true },
      { text: 'd', negated: true, quoted: false },
      { text: 'e f', negated: true, quoted: true },
      { text: 'open', negated: false, quoted: true },
    ]);
    // a lone dash is a word; a quote inside a word belongs to it
    expect(tokenize('- don"t')).toEqual([
      { text: '-', negated: false, quoted: false },
      { text: 'don"t', negated: false, quoted: false },
    ]);
  });

  it('reads every operator', () => {
    expect(
      parsePostSearch(
        'earnings "beat and raise" -puts -"short squeeze" $tsla #NVDA $BRK.B @Alice_1 ' +
          'FROM:@Bob_2 sentiment:BULLISH since:2026-01-31 until:2026-02-01 has:media HAS:poll',
      ),
    ).toEqual({
      words: ['earnings'],
      phrases: ['beat and raise'],
      notWords: ['puts'],
      notPhrases: ['short squeeze'],
      tickers: ['TSLA', 'NVDA', 'BRK.B'],
      mentions: ['alice_1'],
      from: 'bob_2',
      sentiment: 'bullish',
      since: new Date('2026-01-31T00:00:00.000Z'),
      until: new Date('2026-02-02T00:00:00.000Z'),
      hasMedia: true,
      hasPoll: true,
    });
  });

  it('keeps what is not an operator as text', () => {
    expect(parsePostSearch('$100 #earningsseason @a ratio:3 http://x.io $tsla $TSLA')).toEqual({
      ...empty,
      words: ['$100', '#earningsseason', '@a', 'ratio:3', 'http://x.io'],
      tickers: ['TSLA'],
    });
    // syntax of tsquery means nothing here: it stays text for plainto_tsquery
    expect(parsePostSearch("a & b | !c (d) e:* f\\ 'g'").words).toEqual([
      'a',
      '&',
      'b',
      '|',
      '!c',
      '(d)',
      'e:*',
      'f\\',
      "'g'",
    ]);
    expect(parsePostSearch('""  "  "')).toEqual(empty);
  });

  it('refuses a bad operator value with a message naming the operator', () => {
    expect(refused('from:')).toMatch(/^q from: needs a value/);
    expect(refused('from:a')).toMatch(/^q from: must be a username/);
    expect(refused('from:bad-name')).toMatch(/from:/);
    expect(refused('from:alice from:bob')).toMatch(/from: may be given once/);
    expect(refused('sentiment:neutral')).toMatch(/^q sentiment: must be bullish or bearish/);
    expect(refused('since:2026-02-30')).toMatch(/^q since: must be a day/);
    expect(refused('until:yesterday')).toMatch(/^q until: must be a day/);
    expect(refused('since:2026-1-1')).toMatch(/since:/);
    expect(refused('has:video')).toMatch(/^q has: must be media or poll/);
    expect(refused('since:2026-02-02 until:2026-02-01')).toMatch(
      /^q until: must not be before since/,
    );
    // the same day is a one-day range
    expect(parsePostSearch('since:2026-02-01 until:2026-02-01').until).toEqual(
      new Date('2026-02-02T00:00:00.000Z'),
    );
  });
});
