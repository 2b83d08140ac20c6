/**
 * Ticker extraction (docs/tickers.md): `$SYMBOL` or `#SYMBOL` where
 * - the marker starts the text or follows a character that is not a letter, digit or `_`;
 * - the symbol is 1-5 ASCII letters, optionally `.` or `-` and 1-3 ASCII letters;
 * - the next character is not a letter, digit or `_`.
 * Symbols come back upper-cased, de-duplicated, in order of first appearance, at most 10.
 */
export const MAX_TICKERS_PER_POST = 10;

/** A symbol as stored: upper case, e.g. AAPL, BRK.B, BTC-USD. */
export const SYMBOL_PATTERN = '^[A-Z]{1,5}([.-][A-Z]{1,3})?$';
const SYMBOL = new RegExp(SYMBOL_PATTERN);

// \p{L}\p{N} so that "é$AAPL" or "٣$AAPL" (a letter or digit of any script) mentions nothing.
// No other condition: "$BTC-USDT" mentions BTC, since "-" ends a symbol as the rule says.
const MENTION = /(?<![\p{L}\p{N}_])[$#]([A-Za-z]{1,5}(?:[.-][A-Za-z]{1,3})?)(?![\p{L}\p{N}_])/gu;

export function extractTickers(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(MENTION)) {
    const symbol = match[1]!.toUpperCase();
    if (!found.includes(symbol)) {
      found.push(symbol);
      if (found.length === MAX_TICKERS_PER_POST) break;
    }
  }
  return found;
}

/** `aapl`, `$AAPL` or `#aapl` → `AAPL`; undefined when it is not a symbol. */
export function normalizeSymbol(input: string): string | undefined {
  const symbol = input.trim().replace(/^[$#]/, '').toUpperCase();
  return SYMBOL.test(symbol) ? symbol : undefined;
}
