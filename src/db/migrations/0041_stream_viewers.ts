import { type Kysely, sql } from 'kysely';

/**
 * What a live stream's viewer sees changes when their follows, mutes, blocks (theirs, or
 * someone else's of them), muted words or watchlist change. Each instance keeps those, per
 * connected viewer, in memory (docs/streams.md "How events travel"), and reads a viewer's again when
 * this announces a change on the streams' channel, in the same transaction as the change (so
 * only when it commits, in commit order with the posts):
 *   {"k":"v","id":user}          the viewer `user` must be read again
 * A block names both users: the blocked one stops seeing the blocker too. PostgreSQL folds
 * identical payloads of one transaction into one. (A suspended author's new post is never
 * announced, so the admins' exception to suspensions needs nothing here.)
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function stream_viewer_changed() returns trigger language plpgsql as $$
    declare
      r record;
    begin
      if tg_op = 'DELETE' then r := old; else r := new; end if;
      if tg_table_name = 'follows' then
        perform pg_notify('pageshare_streams', json_build_object('k', 'v', 'id', r.follower_id)::text);
      elsif tg_table_name = 'content_filters' then
        perform pg_notify('pageshare_streams', json_build_object('k', 'v', 'id', r.user_id)::text);
        perform pg_notify('pageshare_streams', json_build_object('k', 'v', 'id', r.target_id)::text);
      else
        perform pg_notify('pageshare_streams', json_build_object('k', 'v', 'id', r.user_id)::text);
      end if;
      return null;
    end $$;

    create trigger follows_stream_viewer after insert or delete on follows
      for each row execute function stream_viewer_changed();
    create trigger content_filters_stream_viewer after insert or update or delete on content_filters
      for each row execute function stream_viewer_changed();
    create trigger muted_words_stream_viewer after insert or update or delete on muted_words
      for each row execute function stream_viewer_changed();
    create trigger watchlist_items_stream_viewer after insert or delete on watchlist_items
      for each row execute function stream_viewer_changed();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop trigger if exists watchlist_items_stream_viewer on watchlist_items;
    drop trigger if exists muted_words_stream_viewer on muted_words;
    drop trigger if exists content_filters_stream_viewer on content_filters;
    drop trigger if exists follows_stream_viewer on follows;
    drop function if exists stream_viewer_changed();
  `.execute(db);
}
