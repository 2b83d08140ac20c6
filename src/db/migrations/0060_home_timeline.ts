import { type Kysely, sql } from 'kysely';

/**
 * Home timelines fanned out on write (docs/decisions.md "Home timelines fanned out on write",
 * docs/performance.md "Following feed").
 *
 * - `home_timeline`: per user, the CANDIDATES of their following feed: every post and plain
 *   repost by the user and by the accounts they follow (not the very followed ones, merged at
 *   read time), as (t, entry_id) = the feed's own order and cursor. The read still applies every
 *   filter of today's read-time query to them, so a row that should no longer show (deleted,
 *   muted, blocked, suspended, unfollowed, a later repost) is only skipped. The primary key is
 *   the read's order (scanned backwards) and makes every insert idempotent. No foreign keys: a
 *   fan-out of one post writes hundreds of rows, and a check per row would double its cost; the
 *   read joins posts and reposts anyway, and the triggers below remove what must go.
 * - `home_timeline_state`: a timeline exists (was built) and where it is complete from: every
 *   candidate at or after (floor_t, floor_id) is in it; older entries were trimmed or never
 *   loaded, and a page that needs them is read with the read-time query. No row: not built.
 * - `timeline_pull_authors`: the very followed authors, whose posts and reposts are merged at
 *   read time instead of fanned out. Sticky: once an author is one, later posts are never
 *   fanned out, so the read knows where to find them.
 * - `timeline_outbox`: a new post or plain repost (rows written by the triggers below, in the
 *   transaction of the write), or a timeline to build; processed in the background, several
 *   workers at once with FOR UPDATE SKIP LOCKED.
 *
 * Triggers (in the transaction of the write, so that no path forgets them):
 * - posts, reposts insert: an outbox row;
 * - follows insert: the followee's newest 100 posts and 100 reposts copied into the follower's
 *   timeline, so a follow shows at once; when the followee has more, the follower's floor rises
 *   to the oldest copied (a page older than that is read at read time);
 * - follows delete (an unfollow, a block, an erasure): the followee's rows leave the follower's
 *   timeline (the read checks the follow anyway; this keeps the timeline from filling with rows
 *   it skips);
 * - users delete: the user's timeline.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table home_timeline (
      user_id uuid not null,
      t timestamptz(3) not null,
      entry_id uuid not null,
      post_id uuid not null,
      source_id uuid not null,
      primary key (user_id, t, entry_id)
    );
    comment on column home_timeline.source_id is
      'the author of the post (entry_id = post_id) or the reposter (a repost entry)';

    create table home_timeline_state (
      user_id uuid primary key references users (id) on delete cascade,
      floor_t timestamptz(3),
      floor_id uuid,
      built_at timestamptz(3) not null default now(),
      constraint home_timeline_state_floor check ((floor_t is null) = (floor_id is null))
    );

    create table timeline_pull_authors (
      user_id uuid primary key references users (id) on delete cascade,
      since timestamptz(3) not null default now()
    );

    create table timeline_outbox (
      id bigint generated always as identity primary key,
      post_id uuid references posts (id) on delete cascade,
      repost_id uuid references reposts (id) on delete cascade,
      user_id uuid references users (id) on delete cascade,
      created_at timestamptz(3) not null default now(),
      constraint timeline_outbox_one check (num_nonnulls(post_id, repost_id, user_id) = 1)
    );
    create index timeline_outbox_post on timeline_outbox (post_id) where post_id is not null;
    create index timeline_outbox_repost on timeline_outbox (repost_id) where repost_id is not null;
    create index timeline_outbox_user on timeline_outbox (user_id) where user_id is not null;

    create function timeline_outbox_post() returns trigger language plpgsql as $$
    begin
      if new.deleted_at is null then
        insert into timeline_outbox (post_id) values (new.id);
      end if;
      return null;
    end $$;
    create trigger posts_timeline_outbox after insert on posts
      for each row execute function timeline_outbox_post();

    create function timeline_outbox_repost() returns trigger language plpgsql as $$
    begin
      insert into timeline_outbox (repost_id) values (new.id);
      return null;
    end $$;
    create trigger reposts_timeline_outbox after insert on reposts
      for each row execute function timeline_outbox_repost();

    create function home_timeline_follow() returns trigger language plpgsql as $$
    declare
      oldest_t timestamptz(3);
      oldest_id uuid;
    begin
      if exists (select 1 from timeline_pull_authors where user_id = new.followee_id) then
        return null;
      end if;
      insert into home_timeline (user_id, t, entry_id, post_id, source_id)
        select new.follower_id, p.created_at, p.id, p.id, p.author_id from posts p
        where p.author_id = new.followee_id and p.deleted_at is null
        order by p.created_at desc, p.id desc limit 100
        on conflict do nothing;
      -- the 100th copied: when there is one, older posts of the followee were left out
      select p.created_at, p.id into oldest_t, oldest_id from posts p
        where p.author_id = new.followee_id and p.deleted_at is null
        order by p.created_at desc, p.id desc offset 99 limit 1;
      if found then
        update home_timeline_state s set floor_t = oldest_t, floor_id = oldest_id
        where s.user_id = new.follower_id
          and (s.floor_t is null or (s.floor_t, s.floor_id) < (oldest_t, oldest_id));
      end if;
      insert into home_timeline (user_id, t, entry_id, post_id, source_id)
        select new.follower_id, r.created_at, r.id, r.post_id, r.user_id from reposts r
        where r.user_id = new.followee_id
        order by r.created_at desc, r.id desc limit 100
        on conflict do nothing;
      select r.created_at, r.id into oldest_t, oldest_id from reposts r
        where r.user_id = new.followee_id
        order by r.created_at desc, r.id desc offset 99 limit 1;
      if found then
        update home_timeline_state s set floor_t = oldest_t, floor_id = oldest_id
        where s.user_id = new.follower_id
          and (s.floor_t is null or (s.floor_t, s.floor_id) < (oldest_t, oldest_id));
      end if;
      return null;
    end $$;
    create trigger follows_home_timeline after insert on follows
      for each row execute function home_timeline_follow();

    create function home_timeline_unfollow() returns trigger language plpgsql as $$
    begin
      delete from home_timeline
      where user_id = old.follower_id and source_id = old.followee_id;
      return null;
    end $$;
    create trigger follows_home_timeline_delete after delete on follows
      for each row execute function home_timeline_unfollow();

    create function home_timeline_user_deleted() returns trigger language plpgsql as $$
    begin
      delete from home_timeline where user_id = old.id;
      return null;
    end $$;
    create trigger users_home_timeline_delete after delete on users
      for each row execute function home_timeline_user_deleted();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop trigger if exists users_home_timeline_delete on users;
    drop function if exists home_timeline_user_deleted();
    drop trigger if exists follows_home_timeline_delete on follows;
    drop function if exists home_timeline_unfollow();
    drop trigger if exists follows_home_timeline on follows;
    drop function if exists home_timeline_follow();
    drop trigger if exists reposts_timeline_outbox on reposts;
    drop function if exists timeline_outbox_repost();
    drop trigger if exists posts_timeline_outbox on posts;
    drop function if exists timeline_outbox_post();
    drop table if exists timeline_outbox;
    drop table if exists timeline_pull_authors;
    drop table if exists home_timeline_state;
    drop table if exists home_timeline;
  `.execute(db);
}
