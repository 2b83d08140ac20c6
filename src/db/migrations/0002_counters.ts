import { type Kysely, sql } from 'kysely';

/**
 * updated_at triggers, and the display counters (a post's reactions, comments, reposts and
 * quotes; a comment's reactions and replies; a user's followers, following and posts; a
 * ticker's posts) kept by triggers in the same transaction as each write. A page then reads
 * its counts from one row instead of counting millions (docs/performance.md), and no write path
 * can forget a counter. Counters count live rows only: a soft delete takes its row out.
 *
 * Where one write touches two rows of the same table (a follow changes two users), the rows
 * are locked in id order, so two opposite writes cannot deadlock.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function update_updated_at() returns trigger language plpgsql as $$
    begin
      new.updated_at := now();
      return new;
    end $$;

    -- Only a change a person makes moves updated_at; counters changing do not.
    create trigger users_updated_at before update of username, display_name, bio,
      profile_picture_url, timezone, country, is_admin, deleted_at on users
      for each row execute function update_updated_at();
    create trigger posts_updated_at before update of content, sentiment, deleted_at on posts
      for each row execute function update_updated_at();
    create trigger comments_updated_at before update of content, deleted_at on comments
      for each row execute function update_updated_at();
    create trigger reports_updated_at before update on reports
      for each row execute function update_updated_at();

    create function reactions_counter() returns trigger language plpgsql as $$
    declare
      r reactions%rowtype;
      delta integer;
    begin
      if tg_op = 'INSERT' then r := new; delta := 1; else r := old; delta := -1; end if;
      if r.post_id is not null then
        update posts set reactions_count = reactions_count + delta where id = r.post_id;
      else
        update comments set reactions_count = reactions_count + delta where id = r.comment_id;
      end if;
      return null;
    end $$;
    create trigger reactions_counter after insert or delete on reactions
      for each row execute function reactions_counter();

    create function reposts_counter() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        update posts set reposts_count = reposts_count + 1 where id = new.post_id;
      else
        update posts set reposts_count = reposts_count - 1 where id = old.post_id;
      end if;
      return null;
    end $$;
    create trigger reposts_counter after insert or delete on reposts
      for each row execute function reposts_counter();

    -- +1 when a live row appears, -1 when it goes (soft or hard delete), 0 otherwise.
    create function live_delta(op text, old_deleted timestamptz, new_deleted timestamptz)
    returns integer language sql immutable as $$
      select case
        when op = 'INSERT' then case when new_deleted is null then 1 else 0 end
        when op = 'DELETE' then case when old_deleted is null then -1 else 0 end
        when old_deleted is null and new_deleted is not null then -1
        when old_deleted is not null and new_deleted is null then 1
        else 0
      end
    $$;

    create function comments_counter() returns trigger language plpgsql as $$
    declare
      r comments%rowtype;
      delta integer;
    begin
      if tg_op = 'DELETE' then
        r := old;
        delta := live_delta(tg_op, old.deleted_at, null);
      elsif tg_op = 'INSERT' then
        r := new;
        delta := live_delta(tg_op, null, new.deleted_at);
      else
        r := new;
        delta := live_delta(tg_op, old.deleted_at, new.deleted_at);
      end if;
      if delta <> 0 then
        update posts set comments_count = comments_count + delta where id = r.post_id;
        if r.parent_id is not null then
          update comments set replies_count = replies_count + delta where id = r.parent_id;
        end if;
      end if;
      return null;
    end $$;
    create trigger comments_counter after insert or delete or update of deleted_at on comments
      for each row execute function comments_counter();

    create function posts_counter() returns trigger language plpgsql as $$
    declare
      r posts%rowtype;
      delta integer;
    begin
      if tg_op = 'DELETE' then
        r := old;
        delta := live_delta(tg_op, old.deleted_at, null);
      elsif tg_op = 'INSERT' then
        r := new;
        delta := live_delta(tg_op, null, new.deleted_at);
      else
        r := new;
        delta := live_delta(tg_op, old.deleted_at, new.deleted_at);
      end if;
      if delta <> 0 then
        update users set posts_count = posts_count + delta where id = r.author_id;
        if r.quoted_post_id is not null then
          update posts set quotes_count = quotes_count + delta where id = r.quoted_post_id;
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
    create trigger posts_counter after insert or delete or update of deleted_at on posts
      for each row execute function posts_counter();

    create function post_tickers_counter() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        update tickers set post_count = post_count + 1
        where symbol = new.symbol
          and exists (select 1 from posts where id = new.post_id and deleted_at is null);
      else
        update tickers set post_count = post_count - 1
        where symbol = old.symbol
          and exists (select 1 from posts where id = old.post_id and deleted_at is null);
      end if;
      return null;
    end $$;
    create trigger post_tickers_counter after insert or delete on post_tickers
      for each row execute function post_tickers_counter();

    create function follows_counter() returns trigger language plpgsql as $$
    declare
      follower uuid;
      followee uuid;
      delta integer;
    begin
      if tg_op = 'INSERT' then
        follower := new.follower_id; followee := new.followee_id; delta := 1;
      else
        follower := old.follower_id; followee := old.followee_id; delta := -1;
      end if;
      -- no key update: the lock the counter updates take anyway, and compatible with the
      -- key-share locks the foreign key checks of concurrent follows hold
      perform 1 from users where id in (follower, followee) order by id for no key update;
      update users set following_count = following_count + delta where id = follower;
      update users set followers_count = followers_count + delta where id = followee;
      return null;
    end $$;
    create trigger follows_counter after insert or delete on follows
      for each row execute function follows_counter();

    create function poll_votes_counter() returns trigger language plpgsql as $$
    declare
      r poll_votes%rowtype;
      delta integer;
    begin
      if tg_op = 'INSERT' then r := new; delta := 1; else r := old; delta := -1; end if;
      update polls set total_votes = total_votes + delta where id = r.poll_id;
      update poll_options set votes_count = votes_count + delta where id = r.option_id;
      return null;
    end $$;
    create trigger poll_votes_counter after insert or delete on poll_votes
      for each row execute function poll_votes_counter();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop trigger if exists poll_votes_counter on poll_votes;
    drop trigger if exists follows_counter on follows;
    drop trigger if exists post_tickers_counter on post_tickers;
    drop trigger if exists posts_counter on posts;
    drop trigger if exists comments_counter on comments;
    drop trigger if exists reposts_counter on reposts;
    drop trigger if exists reactions_counter on reactions;
    drop trigger if exists reports_updated_at on reports;
    drop trigger if exists comments_updated_at on comments;
    drop trigger if exists posts_updated_at on posts;
    drop trigger if exists users_updated_at on users;
    drop function if exists poll_votes_counter(), follows_counter(), post_tickers_counter(),
      posts_counter(), comments_counter(), live_delta(text, timestamptz, timestamptz),
      reposts_counter(), reactions_counter(), update_updated_at();
  `.execute(db);
}
