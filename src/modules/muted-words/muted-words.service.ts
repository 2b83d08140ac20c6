import type { Db } from '../../db/index.js';
import { invalid, notFound } from '../../lib/errors.js';
import { cleanText } from '../../lib/text.js';
import { normalizeSymbol } from '../../lib/tickers.js';
import {
  deleteWord,
  listActiveWords,
  lockWordsOf,
  upsertWord,
  wordExists,
} from './muted-words.repository.js';
import { MAX_MUTED_WORDS, type MutedWord, type NewMutedWord } from './muted-words.schemas.js';

/**
 * Muted words (docs/rules.md "Muted words"): posts holding one are left out of the viewer's
 * feeds, post lists, search, streams and notifications, until the word expires or is unmuted.
 */
function toMutedWord(row: {
  id: string;
  word: string;
  expires_at: Date | null;
  created_at: Date;
}): MutedWord {
  return {
    id: row.id,
    word: row.word,
    expires_at: row.expires_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
  };
}

export async function listMutedWords(db: Db, userId: string) {
  return { items: (await listActiveWords(db, userId)).map(toMutedWord) };
}

/**
 * Mutes a word. `$AAPL` (a valid symbol after `$`) mutes the ticker; anything else is a word
 * or a phrase. Muting a word again (in any case) renews its expiry.
 */
export async function muteWord(db: Db, userId: string, body: NewMutedWord): Promise<MutedWord> {
  const text = cleanText(body.word, 'word', { min: 1, max: 100 });
  const symbol = text.startsWith('$') ? (normalizeSymbol(text) ?? null) : null;
  const word = symbol ? `$${symbol}` : text;
  return db.transaction().execute(async (trx) => {
    const count = await lockWordsOf(trx, userId);
    if (count >= MAX_MUTED_WORDS && !(await wordExists(trx, userId, word))) {
      throw invalid('word', `cannot be added: at most ${MAX_MUTED_WORDS} muted words`);
    }
    const row = await upsertWord(trx, userId, {
      text: word,
      symbol,
      expiresInHours: body.expires_in_hours ?? null,
    });
    return toMutedWord(row);
  });
}

export async function unmuteWord(db: Db, userId: string, id: string): Promise<void> {
  if (!(await deleteWord(db, userId, id))) throw notFound('muted word');
}
