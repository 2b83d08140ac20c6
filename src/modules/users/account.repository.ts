import { randomBytes, randomUUID } from 'node:crypto';
import { type RawBuilder, sql } from 'kysely';
import { userSummaryObject } from '../../core/users.js';
import type { Db } from '../../db/index.js';

/**
 * Erasure and export of one account (docs/rules.md "Erasure", "Export").
 *
 * Erasure runs in the caller's transaction, in an order that lets the counter triggers do
 * their work: the user's posts and comments are first soft-deleted while still theirs (every
 * count they were part of goes down once), then handed to a tombstone account with their text
 * erased; everything else of the user is deleted (each delete moves its counters); last the
 * user's row is deleted, which frees the username and makes the same token
 * `onboarding_required`. The tombstone keeps only what the investor metrics count: when the
 * account was created and onboarded, its sessions' times, and that its (erased) posts existed.
 */

export interface ErasedFiles {
  media: string[];
  pictures: string[];
}

export async function lockForErasure(db: Db, userId: string) {
  return db
    .selectFrom('users')
    .select(['id', 'username', 'onboarded_at', 'created_at', 'profile_picture_path'])
    .where('id', '=', userId)
    .where('deleted_at', 'is', null)
    .forUpdate()
    .executeTakeFirst();
}

export async function eraseAccount(
  db: Db,
  user: { id: string; onboarded_at: Date; created_at: Date; profile_picture_path: string | null },
): Promise<ErasedFiles> {
  const u = user.id;
  const tombstone = randomUUID();
  const media = await db.selectFrom('media').select('path').where('owner_id', '=', u).execute();
  const run = (query: RawBuilder<unknown>) => query.execute(db);
  const posts = sql`(select id from posts where author_id = ${u})`;
  const comments = sql`(select id from comments where author_id = ${u})`;

  await db
    .insertInto('users')
    .values({
      id: tombstone,
      username: `deleted_${randomBytes(8).toString('hex')}`,
      display_name: 'Deleted account',
      timezone: 'UTC',
      onboarded_at: user.onboarded_at,
      created_at: user.created_at,
      deleted_at: sql`now()`,
    })
    .execute();
  await run(sql`update users set pinned_post_id = null where id = ${u}`);
  // what others did to the user's things, and the user to others' things
  await run(sql`delete from notifications where user_id = ${u} or actor_id = ${u}
    or post_id in ${posts} or comment_id in ${comments}`);
  await run(sql`delete from reactions where user_id = ${u} or post_id in ${posts}
    or comment_id in ${comments}`);
  await run(sql`delete from reposts where user_id = ${u} or post_id in ${posts}`);
  await run(sql`delete from bookmarks where user_id = ${u} or post_id in ${posts}`);
  await run(sql`delete from poll_votes where user_id = ${u}
    or poll_id in (select id from polls where post_id in ${posts})`);
  await run(sql`delete from polls where post_id in ${posts}`);
  await run(sql`delete from follows where follower_id = ${u} or followee_id = ${u}`);
  await run(sql`delete from content_filters where user_id = ${u} or target_id = ${u}`);
  await run(sql`delete from muted_words where user_id = ${u}`);
  await run(sql`delete from user_interests where user_id = ${u}`);
  await run(sql`delete from watchlist_items where user_id = ${u}`);
  await run(sql`delete from media where owner_id = ${u}`);
  await run(sql`delete from post_edits where post_id in ${posts}`);
  // soft delete while still the user's (the counters follow), then erase and hand over
  await run(sql`update posts set deleted_at = now() where author_id = ${u} and deleted_at is null`);
  await run(sql`update comments set deleted_at = now()
    where author_id = ${u} and deleted_at is null`);
  await run(sql`delete from post_tickers where post_id in ${posts}`);
  await run(sql`update posts set author_id = ${tombstone}, content = '', sentiment = null
    where author_id = ${u}`);
  await run(sql`update comments set author_id = ${tombstone}, content = '' where author_id = ${u}`);
  // records that stay, no longer about the user
  await run(sql`update user_sessions set user_id = ${tombstone} where user_id = ${u}`);
  await run(sql`update reports set reporter_id = ${tombstone}, details = null
    where reporter_id = ${u}`);
  await run(sql`update reports set resolved_by = ${tombstone} where resolved_by = ${u}`);
  await run(sql`update error_logs set user_id = null where user_id = ${u}`);
  await run(sql`update error_logs set resolved_by = ${tombstone} where resolved_by = ${u}`);
  await run(sql`update audit_log set actor_id = ${tombstone} where actor_id = ${u}`);
  await run(sql`update users set suspended_by = ${tombstone} where suspended_by = ${u}`);
  await run(sql`delete from users where id = ${u}`);
  return {
    media: media.map((m) => m.path),
    pictures: user.profile_picture_path ? [user.profile_picture_path] : [],
  };
}

/**
 * Takes the one export allowed per window: true when the last one is older than `minutes`
 * (one atomic update, so two requests at once cannot both pass).
 */
export async function takeExportSlot(db: Db, userId: string, minutes: number) {
  const row = await db
    .updateTable('users')
    .set({ last_export_at: sql`now()` })
    .where('id', '=', userId)
    .where((eb) =>
      eb.or([
        eb('last_export_at', 'is', null),
        eb('last_export_at', '<=', sql<Date>`now() - make_interval(mins => ${minutes})`),
      ]),
    )
    .returning('id')
    .executeTakeFirst();
  if (row) return { ok: true as const };
  const last = await db
    .selectFrom('users')
    .select(
      sql<number>`ceil(extract(epoch from last_export_at + make_interval(mins => ${minutes}) - now()))::integer`.as(
        'wait',
      ),
    )
    .where('id', '=', userId)
    .executeTakeFirst();
  return { ok: false as const, retryAfterSeconds: Math.max(1, last?.wait ?? 1) };
}

/** One section of the export: rows of `{ k, v }`, `k` a text key to page by, `v` the JSON. */
export type ExportSection = (
  userId: string,
  after: string,
) => RawBuilder<{ k: string; v: unknown }>;

const summary = (column: string) =>
  sql.raw(`(select json_build_object('id', x.id, 'username', x.username,
    'display_name', x.display_name) from users x where x.id = ${column})`);

/**
 * Everything held about a user, section by section (the list of docs/rules.md "Export"). Each
 * section is read in pages ordered by its key, so an account of any size streams out. Other
 * users appear only as the public summary anyone sees (id, username, display name).
 */
export const EXPORT_SECTIONS: Record<string, ExportSection> = {
  posts: (u, after) => sql`select p.id::text as k, json_build_object('id', p.id,
      'content', p.content, 'sentiment', p.sentiment, 'quoted_post_id', p.quoted_post_id,
      'tickers', coalesce((select json_agg(pt.symbol order by pt.position) from post_tickers pt
        where pt.post_id = p.id), '[]'::json),
      'poll', (select json_build_object('options', (select json_agg(o.text order by o.position)
        from poll_options o where o.poll_id = pl.id), 'expires_at', pl.expires_at)
        from polls pl where pl.post_id = p.id),
      'edits', coalesce((select json_agg(json_build_object('content', e.content,
        'sentiment', e.sentiment, 'tickers', e.tickers, 'edited_at', e.edited_at)
        order by e.edited_at) from post_edits e where e.post_id = p.id), '[]'::json),
      'created_at', p.created_at, 'edited_at', p.edited_at, 'deleted_at', p.deleted_at) as v
    from posts p where p.author_id = ${u} and p.id::text > ${after} order by 1 limit 500`,
  comments: (u, after) => sql`select c.id::text as k, json_build_object('id', c.id,
      'post_id', c.post_id, 'parent_id', c.parent_id, 'content', c.content,
      'created_at', c.created_at, 'deleted_at', c.deleted_at) as v
    from comments c where c.author_id = ${u} and c.id::text > ${after} order by 1 limit 500`,
  reactions: (u, after) => sql`select r.id::text as k, json_build_object('post_id', r.post_id,
      'comment_id', r.comment_id, 'type', r.type, 'created_at', r.created_at) as v
    from reactions r where r.user_id = ${u} and r.id::text > ${after} order by 1 limit 500`,
  reposts: (u, after) => sql`select r.id::text as k, json_build_object('post_id', r.post_id,
      'created_at', r.created_at) as v
    from reposts r where r.user_id = ${u} and r.id::text > ${after} order by 1 limit 500`,
  bookmarks: (u, after) => sql`select b.post_id::text as k, json_build_object(
      'post_id', b.post_id, 'created_at', b.created_at) as v
    from bookmarks b where b.user_id = ${u} and b.post_id::text > ${after} order by 1 limit 500`,
  following: (u, after) => sql`select f.followee_id::text as k, json_build_object(
      'user', ${summary('f.followee_id')}, 'since', f.created_at) as v
    from follows f where f.follower_id = ${u} and f.followee_id::text > ${after}
    order by 1 limit 500`,
  followers: (u, after) => sql`select f.follower_id::text as k, json_build_object(
      'user', ${summary('f.follower_id')}, 'since', f.created_at) as v
    from follows f where f.followee_id = ${u} and f.follower_id::text > ${after}
    order by 1 limit 500`,
  mutes: (u, after) => filters(u, after, 'mute'),
  blocks: (u, after) => filters(u, after, 'block'),
  muted_words: (u, after) => sql`select w.id::text as k, json_build_object('word', w.word,
      'expires_at', w.expires_at, 'created_at', w.created_at) as v
    from muted_words w where w.user_id = ${u} and w.id::text > ${after} order by 1 limit 500`,
  watchlist: (u, after) => sql`select w.symbol as k, json_build_object('symbol', w.symbol,
      'created_at', w.created_at) as v
    from watchlist_items w where w.user_id = ${u} and w.symbol > ${after} order by 1 limit 500`,
  interests: (u, after) => sql`select i.symbol as k, json_build_object('symbol', i.symbol) as v
    from user_interests i where i.user_id = ${u} and i.symbol > ${after} order by 1 limit 500`,
  poll_votes: (u, after) => sql`select v.poll_id::text as k, json_build_object(
      'poll_id', v.poll_id, 'option', (select o.text from poll_options o where o.id = v.option_id),
      'created_at', v.created_at) as v
    from poll_votes v where v.user_id = ${u} and v.poll_id::text > ${after} order by 1 limit 500`,
  media: (u, after) => sql`select m.id::text as k, json_build_object('id', m.id,
      'url', m.url, 'post_id', m.post_id, 'content_type', m.content_type, 'size', m.size,
      'created_at', m.created_at) as v
    from media m where m.owner_id = ${u} and m.id::text > ${after} order by 1 limit 500`,
  reports_filed: (u, after) => sql`select r.id::text as k, json_build_object(
      'target_type', r.target_type, 'target_id', r.target_id, 'reason', r.reason,
      'details', r.details, 'status', r.status, 'created_at', r.created_at) as v
    from reports r where r.reporter_id = ${u} and r.id::text > ${after} order by 1 limit 500`,
};

function filters(u: string, after: string, type: 'mute' | 'block') {
  return sql<{ k: string; v: unknown }>`select f.target_id::text as k, json_build_object(
      'user', ${summary('f.target_id')}, 'since', f.created_at) as v
    from content_filters f where f.user_id = ${u} and f.type = ${type}
      and f.target_id::text > ${after} order by 1 limit 500`;
}

/** The profile part of the export: the user's own row, without the IP hash. */
export async function exportProfile(db: Db, userId: string) {
  const { rows } = await sql<{ v: unknown }>`select json_build_object(
      'id', u.id, 'username', u.username, 'display_name', u.display_name, 'bio', u.bio,
      'profile_picture_url', u.profile_picture_url, 'country', u.country,
      'timezone', u.timezone, 'created_at', u.created_at, 'onboarded_at', u.onboarded_at,
      'pinned_post_id', u.pinned_post_id, 'notifications_off', u.notifications_off,
      'suspension', case when u.suspended_at is null then null else json_build_object(
        'since', u.suspended_at, 'until', u.suspended_until, 'reason', u.suspension_reason) end,
      'summary', ${userSummaryObject('u')}) as v
    from users u where u.id = ${userId}`.execute(db);
  return rows[0]?.v;
}
