import { type Kysely, sql } from 'kysely';

/**
 * Counters many writers move at once (issue 16): a post's reactions, comments, reposts and
 * quotes, and a user's posts_count. Until now every write updated the counter's row in its own
 * transaction, so twenty people liking one post queued on that row, one commit after another
 * (docs/decisions.md "Counters under contention").
 *
 * The counter triggers now try the row without waiting (FOR NO KEY UPDATE SKIP LOCKED):
 * - the row is free: they update it, as before (an ordinary like costs what it did);
 * - another open transaction holds it: they append the change to `post_counter_deltas` or
 *   `user_counter_deltas` and go on, so no writer waits for another's commit.
 * `fold_counter_deltas()`, run by the background step (jobs/write-behind.ts), deletes the pending
 * rows and adds them to the counters in one transaction. Every read of these counters adds the
 * row's pending deltas (core/counters.ts: one index probe), so a count is exact at once and
 * stays exact across a fold: a delta commits with the write that made it, and a reader's one
 * snapshot sees it either pending or folded, never both.
 *
 * Comments' own counters, followers/following (a follow locks both users on purpose: 0030) and
 * tickers' post_count keep their direct updates.
 */
type PostCounter = 'reactions' | 'comments' | 'reposts' | 'quotes';
const POST_COUNTERS: PostCounter[] = ['reactions', 'comments', 'reposts', 'quotes'];

/** One post counter moved by `delta`: through count_post (with deltas) or a direct update (before). */
function countPost(withDeltas: boolean, post: string, counter: PostCounter, delta: string) {
  if (!withDeltas) {
    return `update posts set ${counter}_count = ${counter}_count + ${delta} where id = ${post}`;
  }
  const args = POST_COUNTERS.map((c) => (c === counter ? delta : '0'));
  return `perform count_post(${post}, ${args.join(', ')})`;
}

function countUserPosts(withDeltas: boolean, user: string, delta: string) {
  return withDeltas
    ? `perform count_user_posts(${user}, ${delta})`
    : `update users set posts_count = posts_count + ${delta} where id = ${user}`;
}

/**
 * The four counter triggers' functions, as 0014 left them except for how a post counter and
 * posts_count move: written once for up() (withDeltas) and down() (the direct updates).
 */
function counterTriggers(withDeltas: boolean) {
  // +1 when a live row appears, -1 when it goes, 0 otherwise (live_change: 0014)
  const liveDelta = `
      if tg_op = 'DELETE' then
        r := old;
        delta := live_change(tg_op, old.deleted_at is null and not old.author_suspended, null);
      elsif tg_op = 'INSERT' then
        r := new;
        delta := live_change(tg_op, null, new.deleted_at is null and not new.author_suspended);
      else
        r := new;
        delta := live_change(tg_op, old.deleted_at is null and not old.author_suspended,
          new.deleted_at is null and not new.author_suspended);
      end if;`;
  return sql.raw(`
    create or replace function reactions_counter() returns trigger language plpgsql as $$
    declare
      r reactions%rowtype;
      delta integer;
    begin
      if tg_op = 'INSERT' then r := new; delta := 1; else r := old; delta := -1; end if;
      if r.post_id is not null then
        ${countPost(withDeltas, 'r.post_id', 'reactions', 'delta')};
      else
        update comments set reactions_count = reactions_count + delta where id = r.comment_id;
      end if;
      return null;
    end $$;

    create or replace function reposts_counter() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        ${countPost(withDeltas, 'new.post_id', 'reposts', '1')};
      else
        ${countPost(withDeltas, 'old.post_id', 'reposts', '-1')};
      end if;
      return null;
    end $$;

    create or replace function comments_counter() returns trigger language plpgsql as $$
    declare
      r comments%rowtype;
      delta integer;
    begin${liveDelta}
      if delta <> 0 then
        ${countPost(withDeltas, 'r.post_id', 'comments', 'delta')};
        if r.parent_id is not null then
          update comments set replies_count = replies_count + delta where id = r.parent_id;
        end if;
      end if;
      return null;
    end $$;

    create or replace function posts_counter() returns trigger language plpgsql as $$
    declare
      r posts%rowtype;
      delta integer;
    begin${liveDelta}
      if delta <> 0 then
        ${countUserPosts(withDeltas, 'r.author_id', 'delta')};
        if r.quoted_post_id is not null then
          ${countPost(withDeltas, 'r.quoted_post_id', 'quotes', 'delta')};
        end if;
        -- on insert the post has no tickers yet: post_tickers_counter counts them
        if tg_op <> 'INSERT' then
          update tickers t set post_count = post_count + delta
          from (select symbol from post_tickers where post_id = r.id order by symbol) pt
          where t.symbol = pt.symbol;
        end if;
      end if;
      return null;
    end $$;
  `);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table post_counter_deltas (
      post_id uuid not null,
      reactions integer not null default 0,
      comments integer not null default 0,
      reposts integer not null default 0,
      quotes integer not null default 0
    );
    create index post_counter_deltas_post on post_counter_deltas (post_id);
    create table user_counter_deltas (
      user_id uuid not null,
      posts integer not null default 0
    );
    create index user_counter_deltas_user on user_counter_deltas (user_id);

    create function count_post(target uuid, d_reactions integer, d_comments integer,
      d_reposts integer, d_quotes integer) returns void language plpgsql as $$
    begin
      perform 1 from posts where id = target for no key update skip locked;
      if found then
        update posts set reactions_count = reactions_count + d_reactions,
          comments_count = comments_count + d_comments,
          reposts_count = reposts_count + d_reposts,
          quotes_count = quotes_count + d_quotes
        where id = target;
      elsif exists (select 1 from posts where id = target) then
        insert into post_counter_deltas (post_id, reactions, comments, reposts, quotes)
        values (target, d_reactions, d_comments, d_reposts, d_quotes);
      end if;
    end $$;

    create function count_user_posts(target uuid, d_posts integer)
    returns void language plpgsql as $$
    begin
      perform 1 from users where id = target for no key update skip locked;
      if found then
        update users set posts_count = posts_count + d_posts where id = target;
      elsif exists (select 1 from users where id = target) then
        insert into user_counter_deltas (user_id, posts) values (target, d_posts);
      end if;
    end $$;

    -- One fold at a time (a second caller returns at once): two folds updating the same
    -- posts in different orders could deadlock. Answers the number of delta rows folded.
    create function fold_counter_deltas() returns integer language plpgsql as $$
    declare
      folded integer := 0;
      n integer;
    begin
      if not pg_try_advisory_xact_lock(hashtext('fold_counter_deltas')) then
        return 0;
      end if;
      with gone as (delete from post_counter_deltas returning *),
      sums as (
        select post_id, sum(reactions) as reactions, sum(comments) as comments,
          sum(reposts) as reposts, sum(quotes) as quotes, count(*) as n
        from gone group by post_id
      ), moved as (
        update posts p set reactions_count = p.reactions_count + s.reactions,
          comments_count = p.comments_count + s.comments,
          reposts_count = p.reposts_count + s.reposts,
          quotes_count = p.quotes_count + s.quotes
        from sums s where p.id = s.post_id
        returning s.n
      )
      select coalesce(sum(moved.n), 0) into n from moved;
      folded := folded + n;
      with gone as (delete from user_counter_deltas returning *),
      sums as (select user_id, sum(posts) as posts, count(*) as n from gone group by user_id),
      moved as (
        update users u set posts_count = u.posts_count + s.posts
        from sums s where u.id = s.user_id
        returning s.n
      )
      select coalesce(sum(moved.n), 0) into n from moved;
      return folded + n;
    end $$;
  `.execute(db);
  await sql`${counterTriggers(true)}`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // fold what is pending first, so the counters lose nothing
  await sql`select fold_counter_deltas()`.execute(db);
  await sql`${counterTriggers(false)}`.execute(db);
  await sql`
    drop function fold_counter_deltas();
    drop function count_user_posts(uuid, integer);
    drop function count_post(uuid, integer, integer, integer, integer);
    drop table user_counter_deltas;
    drop table post_counter_deltas;
  `.execute(db);
}
