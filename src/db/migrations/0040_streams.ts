import { type Kysely, sql } from 'kysely';

/**
 * Live streams (docs/streams.md): writes announce themselves on the channel
 * `pageshare_streams` with pg_notify, inside their own transaction, so an announcement is
 * delivered only when the write commits (never for a rolled-back one), in commit order.
 *
 * New posts, plain reposts and notifications also get a place in one order, `stream_seq`: a
 * number taken from one sequence at commit (a deferred trigger) while holding a transaction
 * advisory lock until the commit ends. Two writes that commit at once thus take their
 * numbers in the order they become visible: a reader who has seen number n has seen every
 * write numbered below n. Times (`created_at`, the start of the transaction) do not have that
 * property: a post begun earlier may commit later. A stream's event id holds this number, and
 * a reconnect replays what is numbered after it. Rows written before this migration have none
 * (they are older than any stream).
 *
 * Payloads are small (ids); each instance builds the Post once per event.
 *   {"k":"p","id":post,"s":n,"t":created_at}                        a new post
 *   {"k":"r","id":repost,"post":post,"s":n,"t":created_at}          a plain repost
 *   {"k":"n","id":notification,"user":recipient,"s":n,"t":created_at}  a notification
 *   {"k":"u","id":post}                             an edit of content or sentiment
 *   {"k":"d","id":post}                             a soft delete
 * The lock is taken by new posts and reposts only, and held for the end of their commit.
 * Notifications (every like and follow writes one) take their number at commit without it:
 * their order can differ from commit order only by the instant between the two.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create sequence stream_seq;
    alter table posts add column stream_seq bigint;
    alter table reposts add column stream_seq bigint;
    alter table notifications add column stream_seq bigint;

    create function stream_announce() returns trigger language plpgsql as $$
    declare
      n bigint;
      found_id uuid;
    begin
      -- held until this transaction ends: numbers are taken in commit order. Not for
      -- notifications: likes and follows commit at a rate where queueing every commit behind
      -- one lock shows (concurrent follows waited for the pool); their number is taken at
      -- commit, which leaves only the instant between nextval and the commit out of order
      if tg_table_name <> 'notifications' then
        perform pg_advisory_xact_lock(7305020040);
      end if;
      n := nextval('stream_seq');
      if tg_table_name = 'posts' then
        update posts set stream_seq = n where id = new.id and deleted_at is null
          returning id into found_id;
        if found_id is not null then
          perform pg_notify('pageshare_streams',
            json_build_object('k', 'p', 'id', new.id, 's', n, 't', new.created_at)::text);
        end if;
      elsif tg_table_name = 'reposts' then
        update reposts set stream_seq = n where id = new.id returning id into found_id;
        if found_id is not null then
          perform pg_notify('pageshare_streams',
            json_build_object('k', 'r', 'id', new.id, 'post', new.post_id, 's', n,
              't', new.created_at)::text);
        end if;
      else
        update notifications set stream_seq = n where id = new.id returning id into found_id;
        if found_id is not null then
          perform pg_notify('pageshare_streams',
            json_build_object('k', 'n', 'id', new.id, 'user', new.user_id, 's', n,
              't', new.created_at)::text);
        end if;
      end if;
      return null;
    end $$;

    create constraint trigger posts_stream after insert on posts
      deferrable initially deferred for each row execute function stream_announce();
    create constraint trigger reposts_stream after insert on reposts
      deferrable initially deferred for each row execute function stream_announce();
    create constraint trigger notifications_stream after insert on notifications
      deferrable initially deferred for each row execute function stream_announce();

    create function stream_announce_change() returns trigger language plpgsql as $$
    begin
      perform pg_notify('pageshare_streams', json_build_object(
        'k', case when new.deleted_at is null then 'u' else 'd' end, 'id', new.id)::text);
      return null;
    end $$;
    create trigger posts_stream_edited after update of content, sentiment on posts
      for each row when (new.deleted_at is null and old.stream_seq is not null
        and (old.content, old.sentiment) is distinct from (new.content, new.sentiment))
      execute function stream_announce_change();
    create trigger posts_stream_deleted after update of deleted_at on posts
      for each row when (old.deleted_at is null and new.deleted_at is not null)
      execute function stream_announce_change();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop trigger if exists posts_stream_deleted on posts;
    drop trigger if exists posts_stream_edited on posts;
    drop function if exists stream_announce_change();
    drop trigger if exists notifications_stream on notifications;
    drop trigger if exists reposts_stream on reposts;
    drop trigger if exists posts_stream on posts;
    drop function if exists stream_announce();
    alter table notifications drop column if exists stream_seq;
    alter table reposts drop column if exists stream_seq;
    alter table posts drop column if exists stream_seq;
    drop sequence if exists stream_seq;
  `.execute(db);
}
