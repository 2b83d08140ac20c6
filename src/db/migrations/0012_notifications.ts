import { type Kysely, sql } from 'kysely';

/**
 * Notifications: someone followed you, liked your post or comment, commented on your post,
 * replied to your comment, reposted or quoted your post, or mentioned you (`@username` in a
 * post or comment). Written by triggers in the same
 * transaction as the write they report (as the counters of 0002 are), so no write path can
 * forget one; undoing the write (an unlike, an unfollow, an un-repost) takes its notification
 * back. Nobody is notified of their own doing. What is deleted, muted or blocked later is
 * left out when the list is read (notifications.repository.ts).
 *
 * `source_id` is the row that caused it (the reaction, comment, repost or quoting post; for a
 * follow, which has no id of its own, the follower), so undoing finds it by one index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table notifications (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id),
      actor_id uuid not null references users (id),
      type text not null
        check (type in ('follow', 'like', 'comment', 'reply', 'repost', 'quote', 'mention')),
      post_id uuid references posts (id),
      comment_id uuid references comments (id),
      source_id uuid not null,
      created_at timestamptz(3) not null default now(),
      read_at timestamptz(3),
      constraint notifications_not_self check (user_id <> actor_id)
    );
    create index notifications_user_created
      on notifications (user_id, created_at desc, id desc);
    create index notifications_user_unread on notifications (user_id) where read_at is null;
    create index notifications_source on notifications (source_id);

    create function notify(recipient uuid, actor uuid, kind text, post uuid, comment uuid,
      source uuid, at timestamptz) returns void language sql as $$
      insert into notifications (user_id, actor_id, type, post_id, comment_id, source_id, created_at)
      select recipient, actor, kind, post, comment, source, at
      where recipient is not null and recipient <> actor
    $$;

    create function notify_reaction() returns trigger language plpgsql as $$
    declare
      recipient uuid;
      post uuid;
    begin
      if tg_op = 'DELETE' then
        delete from notifications where source_id = old.id;
        return null;
      end if;
      if new.post_id is not null then
        select p.author_id, p.id into recipient, post from posts p where p.id = new.post_id;
      else
        select c.author_id, c.post_id into recipient, post from comments c where c.id = new.comment_id;
      end if;
      perform notify(recipient, new.user_id, 'like', post, new.comment_id, new.id, new.created_at);
      return null;
    end $$;
    create trigger reactions_notify after insert or delete on reactions
      for each row execute function notify_reaction();

    create function notify_follow() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        delete from notifications
        where source_id = old.follower_id and user_id = old.followee_id and type = 'follow';
        return null;
      end if;
      perform notify(new.followee_id, new.follower_id, 'follow', null, null, new.follower_id,
        new.created_at);
      return null;
    end $$;
    create trigger follows_notify after insert or delete on follows
      for each row execute function notify_follow();

    -- a reply tells the author of the comment it answers; a comment tells the post's author,
    -- unless the reply already told them
    create function notify_comment() returns trigger language plpgsql as $$
    declare
      post_author uuid;
      parent_author uuid;
    begin
      select p.author_id into post_author from posts p where p.id = new.post_id;
      if new.parent_id is not null then
        select c.author_id into parent_author from comments c where c.id = new.parent_id;
        perform notify(parent_author, new.author_id, 'reply', new.post_id, new.id, new.id,
          new.created_at);
      end if;
      if post_author is distinct from parent_author then
        perform notify(post_author, new.author_id, 'comment', new.post_id, new.id, new.id,
          new.created_at);
      end if;
      return null;
    end $$;
    -- triggers of one event run in name order: the mentions come last, and skip whoever this
    -- comment or post already told (a reply that also names its addressee is one notification)
    create trigger comments_notify_1 after insert on comments
      for each row execute function notify_comment();

    create function notify_repost() returns trigger language plpgsql as $$
    declare
      recipient uuid;
    begin
      if tg_op = 'DELETE' then
        delete from notifications where source_id = old.id;
        return null;
      end if;
      select p.author_id into recipient from posts p where p.id = new.post_id;
      perform notify(recipient, new.user_id, 'repost', new.post_id, null, new.id, new.created_at);
      return null;
    end $$;
    create trigger reposts_notify after insert or delete on reposts
      for each row execute function notify_repost();

    -- a quote is a post: the notification points at the quoting post
    create function notify_quote() returns trigger language plpgsql as $$
    declare
      recipient uuid;
    begin
      select p.author_id into recipient from posts p where p.id = new.quoted_post_id;
      perform notify(recipient, new.author_id, 'quote', new.id, null, new.id, new.created_at);
      return null;
    end $$;
    create trigger posts_notify_1_quote after insert on posts
      for each row when (new.quoted_post_id is not null)
      execute function notify_quote();

    -- @username, as a whole word (not the middle of an e-mail address), of a live user: at most
    -- ten users a post or comment
    create function notify_mentions() returns trigger language plpgsql as $$
    declare
      post uuid;
      comment uuid;
    begin
      if tg_table_name = 'posts' then
        post := new.id;
      else
        post := new.post_id;
        comment := new.id;
      end if;
      insert into notifications (user_id, actor_id, type, post_id, comment_id, source_id, created_at)
      select u.id, new.author_id, 'mention', post, comment, new.id, new.created_at
      from (
        select distinct lower(m[1]) as name
        from regexp_matches(new.content,
          '(?<![A-Za-z0-9_])@([A-Za-z0-9_]{3,30})(?![A-Za-z0-9_])', 'g') as m
        limit 10
      ) mentioned
      join users u on lower(u.username) = mentioned.name and u.deleted_at is null
      where u.id <> new.author_id
        and not exists (
          select 1 from notifications told where told.source_id = new.id and told.user_id = u.id
        );
      return null;
    end $$;
    create trigger posts_notify_2_mentions after insert on posts
      for each row when (position('@' in new.content) > 0)
      execute function notify_mentions();
    create trigger comments_notify_2_mentions after insert on comments
      for each row when (position('@' in new.content) > 0)
      execute function notify_mentions();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop trigger if exists comments_notify_2_mentions on comments;
    drop trigger if exists posts_notify_2_mentions on posts;
    drop trigger if exists posts_notify_1_quote on posts;
    drop trigger if exists reposts_notify on reposts;
    drop trigger if exists comments_notify_1 on comments;
    drop trigger if exists follows_notify on follows;
    drop trigger if exists reactions_notify on reactions;
    drop function if exists notify_mentions(), notify_quote(), notify_repost(), notify_comment(),
      notify_follow(), notify_reaction();
    drop function if exists notify(uuid, uuid, text, uuid, uuid, uuid, timestamptz);
    drop table if exists notifications;
  `.execute(db);
}
