import { sql } from 'kysely';
import type { Db } from '../../db/index.js';

/**
 * A user's muted words (0013). What a word hides is decided where posts are listed
 * (core/visibility.ts contentVisible), from the columns written here: `symbol` for `$SYM`,
 * else the phrase as the `simple` text search parser reads it (`query`), or, when that finds
 * no word at all (an emoji), the text itself in lower case (`fragment`).
 */
const active = sql<boolean>`(expires_at is null or expires_at > now())`;

export async function listActiveWords(db: Db, userId: string) {
  return db
    .selectFrom('muted_words')
    .select(['id', 'word', 'expires_at', 'created_at'])
    .where('user_id', '=', userId)
    .where(active)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/**
 * Locks the user's row (no key update) so that two additions at once cannot both pass the
 * cap, and forgets the words that have expired.
 */
export async function lockWordsOf(db: Db, userId: string): Promise<number> {
  await db.selectFrom('users').select('id').where('id', '=', userId).forNoKeyUpdate().execute();
  await db
    .deleteFrom('muted_words')
    .where('user_id', '=', userId)
    .where(sql<boolean>`expires_at <= now()`)
    .execute();
  const row = await db
    .selectFrom('muted_words')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return row.n;
}

export async function wordExists(db: Db, userId: string, word: string): Promise<boolean> {
  const row = await db
    .selectFrom('muted_words')
    .select('id')
    .where('user_id', '=', userId)
    .where(sql`lower(word)`, '=', word.toLowerCase())
    .executeTakeFirst();
  return row !== undefined;
}

/** Mutes a word, or renews the expiry of one muted before (the same word in any case). */
export async function upsertWord(
  db: Db,
  userId: string,
  word: { text: string; symbol: string | null; expiresInHours: number | null },
) {
  const { rows } = await sql<{
    id: string;
    word: string;
    expires_at: Date | null;
    created_at: Date;
  }>`
    with w as (
      select ${word.text}::text as word, ${word.symbol}::text as symbol,
        case when ${word.symbol}::text is null then phraseto_tsquery('simple', ${word.text}) end as q
    )
    insert into muted_words (user_id, word, symbol, query, fragment, expires_at)
    select ${userId}, w.word, w.symbol,
      case when numnode(w.q) > 0 then w.q end,
      case when w.symbol is null and numnode(w.q) = 0 then lower(w.word) end,
      now() + make_interval(hours => ${word.expiresInHours}::int)
    from w
    on conflict (user_id, lower(word)) do update
      set word = excluded.word, symbol = excluded.symbol, query = excluded.query,
        fragment = excluded.fragment, expires_at = excluded.expires_at
    returning id, word, expires_at, created_at
  `.execute(db);
  return rows[0]!;
}

export async function deleteWord(db: Db, userId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('muted_words')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
