import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { TimelineFloor } from './feed.repository.js';

/**
 * The writes of the home timelines (migration 0060; docs/decisions.md "Home timelines fanned
 * out on write"). Every insert is `on conflict do nothing`: the key (user_id, t, entry_id) is
 * an entry's, so a fan-out run twice, or a rebuild beside a fan-out, writes each row once.
 */

export interface OutboxRow {
  id: string;
  post_id: string | null;
  repost_id: string | null;
  user_id: string | null;
}

/** The oldest work not taken by another worker, locked until the transaction ends. */
export async function takeOutbox(trx: Db, batch: number): Promise<OutboxRow[]> {
  const { rows } = await sql<OutboxRow>`
    select id::text as id, post_id, repost_id, user_id from timeline_outbox
    order by id limit ${sql.lit(batch)}
    for update skip locked`.execute(trx);
  return rows;
}

export async function deleteOutbox(trx: Db, ids: string[]): Promise<void> {
  await sql`delete from timeline_outbox where id = any(${ids}::bigint[])`.execute(trx);
}

/**
 * The authors of these posts and reposters of these reposts with at least `followers`
 * followers become pull authors: merged at read time from now on, never fanned out again.
 */
export async function markPullAuthors(
  trx: Db,
  postIds: string[],
  repostIds: string[],
  followers: number,
): Promise<void> {
  await sql`
    insert into timeline_pull_authors (user_id)
    select u.id from users u
    where u.followers_count >= ${followers}
      and (u.id in (select p.author_id from posts p where p.id = any(${postIds}::uuid[]))
        or u.id in (select r.user_id from reposts r where r.id = any(${repostIds}::uuid[])))
    on conflict do nothing`.execute(trx);
}

/**
 * Each live post (`posts`) or plain repost (`reposts`) into its source's timeline (the author,
 * the reposter) and every follower's; returns the sources fanned out (a pull author's are left
 * to the read).
 */
export async function fanOut(
  trx: Db,
  table: 'posts' | 'reposts',
  ids: string[],
): Promise<string[]> {
  if (ids.length === 0) return [];
  const entries =
    table === 'posts'
      ? sql`select p.id as entry_id, p.created_at as t, p.author_id as source_id, p.id as post_id
          from posts p where p.id = any(${ids}::uuid[]) and p.deleted_at is null`
      : sql`select r.id as entry_id, r.created_at as t, r.user_id as source_id, r.post_id
          from reposts r where r.id = any(${ids}::uuid[])`;
  const { rows } = await sql<{ source_id: string }>`
    with fanned as (
      select e.* from (${entries}) e
      where e.source_id not in (select pa.user_id from timeline_pull_authors pa)
    ), ins as (
      insert into home_timeline (user_id, t, entry_id, post_id, source_id)
      select x.user_id, e.t, e.entry_id, e.post_id, e.source_id
      from fanned e cross join lateral (
        select e.source_id as user_id
        union all
        select f.follower_id from follows f where f.followee_id = e.source_id
      ) x
      on conflict do nothing
    )
    select distinct source_id from fanned`.execute(trx);
  return rows.map((r) => r.source_id);
}

/**
 * Keeps `entries` rows in the timelines of the sources and their followers picked with
 * probability `share` (a timeline grows by about 1/share rows between two trims of it): the
 * rows after the `entries`-th go, and the floor rises to it.
 */
export async function trimTimelines(
  db: Db,
  sources: string[],
  entries: number,
  share: number,
): Promise<void> {
  if (sources.length === 0) return;
  await sql`
    with picked as (
      select distinct x.user_id from unnest(${sources}::uuid[]) s(id) cross join lateral (
        select s.id as user_id
        union all
        select f.follower_id from follows f where f.followee_id = s.id
      ) x
      where ${share >= 1 ? sql`true` : sql`random() < ${share}`}
    ), cut as (
      select u.user_id, c.t, c.entry_id from picked u cross join lateral (
        select h.t, h.entry_id from home_timeline h where h.user_id = u.user_id
        order by h.t desc, h.entry_id desc offset ${sql.lit(entries - 1)} limit 1
      ) c
    ), gone as (
      delete from home_timeline h using cut
      where h.user_id = cut.user_id and (h.t, h.entry_id) < (cut.t, cut.entry_id)
    )
    update home_timeline_state s set floor_t = cut.t, floor_id = cut.entry_id
    from cut
    where s.user_id = cut.user_id
      and (s.floor_t is null or (s.floor_t, s.floor_id) < (cut.t, cut.entry_id))`.execute(db);
}

/**
 * Builds one user's timeline from the database: each source (the user and the followees that
 * are not pull authors) gives its newest `perSource` posts and reposts, and the newest
 * `entries` of them are kept. The floor is where that stops being complete: the newest of the
 * sources' oldest when a source had more, or the last kept when `entries` were kept.
 */
export async function rebuildTimeline(
  trx: Db,
  userId: string,
  entries: number,
  perSource: number,
): Promise<void> {
  const { rows } = await sql<{
    kept: number;
    last_t: Date | null;
    last_id: string | null;
    source_t: Date | null;
    source_id: string | null;
  }>`
    with src as (
      select s.user_id from (
        select ${userId}::uuid as user_id
        union all
        select f.followee_id from follows f where f.follower_id = ${userId}
      ) s
      where s.user_id not in (select pa.user_id from timeline_pull_authors pa)
    ), cand as (
      select s.user_id as source_id, x.t, x.entry_id, x.post_id, x.k
      from src s cross join lateral (
        select p.created_at as t, p.id as entry_id, p.id as post_id,
          row_number() over (order by p.created_at desc, p.id desc) as k
        from posts p where p.author_id = s.user_id and p.deleted_at is null
        order by p.created_at desc, p.id desc limit ${sql.lit(perSource)}
      ) x
      union all
      select s.user_id, x.t, x.entry_id, x.post_id, x.k
      from src s cross join lateral (
        select r.created_at as t, r.id as entry_id, r.post_id,
          row_number() over (order by r.created_at desc, r.id desc) as k
        from reposts r where r.user_id = s.user_id
        order by r.created_at desc, r.id desc limit ${sql.lit(perSource)}
      ) x
    ), source_floor as (
      select c.t, c.entry_id from cand c where c.k = ${sql.lit(perSource)}
      order by c.t desc, c.entry_id desc limit 1
    ), kept as (
      select c.* from cand c
      where not exists (
        select 1 from source_floor f where (c.t, c.entry_id) < (f.t, f.entry_id)
      )
      order by c.t desc, c.entry_id desc limit ${sql.lit(entries)}
    ), ins as (
      insert into home_timeline (user_id, t, entry_id, post_id, source_id)
      select ${userId}::uuid, k.t, k.entry_id, k.post_id, k.source_id from kept k
      on conflict do nothing
    ), last as (
      select k.t, k.entry_id from kept k order by k.t, k.entry_id limit 1
    )
    select (select count(*)::int from kept) as kept,
      (select t from last) as last_t, (select entry_id from last) as last_id,
      (select t from source_floor) as source_t, (select entry_id from source_floor) as source_id
  `.execute(trx);
  const row = rows[0];
  let floor: TimelineFloor | null = null;
  if (row && row.kept === entries && row.last_t && row.last_id) {
    floor = { t: row.last_t, id: row.last_id };
  } else if (row?.source_t && row.source_id) {
    floor = { t: row.source_t, id: row.source_id };
  }
  await sql`
    insert into home_timeline_state (user_id, floor_t, floor_id)
    select id, ${floor?.t ?? null}::timestamptz, ${floor?.id ?? null}::uuid
    from users where id = ${userId}
    on conflict (user_id) do update
      set floor_t = excluded.floor_t, floor_id = excluded.floor_id, built_at = now()`.execute(trx);
}

/** The viewer's timeline state: undefined when it was never built. */
export async function timelineState(
  db: Db,
  userId: string,
): Promise<{ floor: TimelineFloor | null } | undefined> {
  const row = await db
    .selectFrom('home_timeline_state')
    .select(['floor_t', 'floor_id'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!row) return undefined;
  return { floor: row.floor_t && row.floor_id ? { t: row.floor_t, id: row.floor_id } : null };
}

/** Asks the background step to build a user's timeline (once: not when one is pending). */
export async function requestRebuild(db: Db, userId: string): Promise<void> {
  await sql`
    insert into timeline_outbox (user_id)
    select ${userId}::uuid
    where not exists (select 1 from timeline_outbox o where o.user_id = ${userId})
      and exists (select 1 from users u where u.id = ${userId})`.execute(db);
}

/** How much work waits (for the metrics and the tests). */
export async function outboxLength(db: Db): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from timeline_outbox`.execute(db);
  return rows[0]?.n ?? 0;
}
