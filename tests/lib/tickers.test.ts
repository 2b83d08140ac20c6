import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractTickers, MAX_TICKERS_PER_POST, normalizeSymbol } from '../../src/lib/tickers.js';

/** Every row of the table in docs/tickers.md. */
const TABLE: Array<[string, string[]]> = [
  ['$AAPL to the moon', ['AAPL']],
  ['#tsla and $aapl', ['TSLA', 'AAPL']],
  ['$AAPL #aapl $AAPL', ['AAPL']],
  ['bought $BRK.B today', ['BRK.B']],
  ['$btc-usd breaking out', ['BTC-USD']],
  ['paid $100 for it', []],
  ['US$50 is cheap', []],
  ['$AAPL.', ['AAPL']],
  ['($NVDA)', ['NVDA']],
  ['$tsla,$nvda', ['TSLA', 'NVDA']],
  ['#earnings season', []],
  ['$TOOLONG', []],
  ['$A', ['A']],
];

/**
 * The rule of docs/tickers.md written a second, independent way (a scanner over code points, no
 * regular expression for the structure), so the property test compares two readings of it.
 */
const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}_]/u.test(c);
const isAsciiLetter = (c: string | undefined) => c !== undefined && /^[A-Za-z]$/.test(c);

function oracle(text: string): string[] {
  const chars = Array.from(text);
  const found: string[] = [];
  for (let i = 0; i < chars.length && found.length < MAX_TICKERS_PER_POST; i++) {
    if (chars[i] !== '$' && chars[i] !== '#') continue;
    if (i > 0 && isWordChar(chars[i - 1])) continue;
    let j = i + 1;
    while (isAsciiLetter(chars[j])) j++;
    const base = j - (i + 1);
    if (base < 1 || base > 5) continue;
    let symbol: string | undefined;
    if ((chars[j] === '.' || chars[j] === '-') && isAsciiLetter(chars[j + 1])) {
      let k = j + 1;
      while (isAsciiLetter(chars[k])) k++;
      const suffix = k - (j + 1);
      if (suffix <= 3 && !isWordChar(chars[k])) symbol = chars.slice(i + 1, k).join('');
    }
    // without a class or pair, the symbol ends at the first non-letter, if that ends a word
    if (symbol === undefined && !isWordChar(chars[j])) symbol = chars.slice(i + 1, j).join('');
    if (symbol === undefined) continue;
    const upper = symbol.toUpperCase();
    if (!found.includes(upper)) found.push(upper);
  }
  return found;
}

/** Text made of the pieces that matter to the rule, so mentions are frequent. */
const piece = fc.constantFrom(
  '$',
  '#',
  '.',
  '-',
  '_',
  ' ',
  ',',
  '(',
  ')',
  'a',
  'A',
  'b',
  'Z',
  'x',
  '1',
  '9',
  'é',
  '𝐀',
  '\n',
  'US',
  'AAPL',
  'tsla',
  'BRK',
  'B',
  'USD',
  'GOOGL',
  'TOOLONG',
);
const mentionText = fc.array(piece, { maxLength: 60 }).map((parts) => parts.join(''));
const anyText = fc.oneof(
  mentionText,
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 100 }),
);

describe('extractTickers (docs/tickers.md)', () => {
  it.each(TABLE)('%j mentions %j', (text, tickers) => {
    expect(extractTickers(text)).toEqual(tickers);
  });

  it.each<[string, string[]]>([
    ['$BTC-USDT pair', ['BTC']], // "-" ends the symbol BTC; USDT is too long for a pair
    ['$BRK.BBBB', ['BRK']],
    ['$A.B.C', ['A.B']],
    ['a#b $x_y $GOOGL123', []],
    ['é$AAPL 𝐀$TSLA ٣$NVDA', []],
    ['$$AAPL', ['AAPL']],
    ['$aapl-', ['AAPL']],
    ['line one\n#spy\tand $QQQ!', ['SPY', 'QQQ']],
  ])('edge case %j mentions %j', (text, tickers) => {
    expect(extractTickers(text)).toEqual(tickers);
  });

  it('keeps at most 10 symbols, the first ten mentioned', () => {
    const symbols = 'A B C D E F G H I J K L'.split(' ');
    const text = symbols.map((s) => `$${s}`).join(' ');
    expect(extractTickers(text)).toEqual(symbols.slice(0, 10));
  });

  it('agrees with an independent reading of the rule', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(extractTickers(text)).toEqual(oracle(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('gives upper-case, unique symbols, at most 10, each found in the text', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const tickers = extractTickers(text);
        expect(tickers.length).toBeLessThanOrEqual(MAX_TICKERS_PER_POST);
        expect(new Set(tickers).size).toBe(tickers.length);
        for (const symbol of tickers) {
          expect(symbol).toBe(symbol.toUpperCase());
          expect(normalizeSymbol(symbol)).toBe(symbol);
          expect(text.toUpperCase()).toContain(symbol);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('returns symbols in order of first appearance', () => {
    fc.assert(
      fc.property(mentionText, (text) => {
        const upper = text.toUpperCase();
        const positions = extractTickers(text).map((s) =>
          upper.search(new RegExp(`[$#]${s.replace('.', '\\.')}(?![A-Z0-9_])`)),
        );
        expect(positions).toEqual([...positions].sort((a, b) => a - b));
      }),
    );
  });
});

describe('normalizeSymbol', () => {
  it.each<[string, string | undefined]>([
    ['aapl', 'AAPL'],
    ['$brk.b', 'BRK.B'],
    ['#btc-usd', 'BTC-USD'],
    [' tsla ', 'TSLA'],
    ['TOOLONG', undefined],
    ['', undefined],
    ["AAPL'; drop table tickers; --", undefined],
  ])('%j → %j', (input, symbol) => {
    expect(normalizeSymbol(input)).toBe(symbol);
  });
});
