import { type Kysely, sql } from 'kysely';

/**
 * Control over what one writes and reads (docs/rules.md "Edits", "Muted words",
 * "Notifications"):
 * - edits with a public history: `posts.edited_at`, `posts.edit_count` and `post_edits`, one
 *   row for each version an edit replaced;
 * - a pinned post on the profile (`users.pinned_post_id`), unpinned when the post is deleted;
 * - muted words (`muted_words`): a phrase as the parser of the `simple` text search
 *   configuration sees it (`query`), a ticker (`symbol`), or, for text without a word in it
 *   (an emoji), a lower-cased fragment; `tsquery_or_all` folds a viewer's phrases into one
 *   tsquery, so a post's text is parsed once whatever the number of words;
 * - notification settings: the types a user turned off (`users.notifications_off`); the
 *   notification triggers write none of those. An edit notifies the users it newly mentions,
 *   nobody twice.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table posts
      add column edited_at timestamptz(3),
      add column edit_count integer not null default 0;

    create table post_edits (
      id uuid primary key default gen_random_uuid(),
      post_id uuid not null references posts (id),
      content text not null,
      sentiment text check (sentiment in ('bullish', 'bearish')),
      tickers text[] not null,
      -- when this version was replaced
      edited_at timestamptz(3) not null
    );
    create index post_edits_post_edited on post_edits (post_id, edited_at desc, id desc);

    alter table users
      add column pinned_post_id uuid references posts (id),
      add column notifications_off text[] not null default '{}'
        check (notifications_off <@
          array['follow', 'like', 'comment', 'reply', 'repost', 'quote', 'mention']);

    create function unpin_deleted_post() returns trigger language plpgsql as $$
    begin
      update users set pinned_post_id = null
      where id = new.author_id and pinned_post_id = new.id;
      return null;
    end $$;
    create trigger posts_unpin_deleted after update of deleted_at on posts
      for each row when (old.deleted_at is null and new.deleted_at is not null)
      execute function unpin_deleted_post();

    create table muted_words (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id),
      word text not null check (char_length(word) between 1 and 100),
      -- exactly one of: a ticker, a phrase of words, a fragment of text without words
      symbol text,
      query tsquery,
      fragment text,
      expires_at timestamptz(3),
      created_at timestamptz(3) not null default now(),
      constraint muted_words_one_kind
        check ((symbol is not null)::int + (query is not null)::int + (fragment is not null)::int = 1)
    );
    create unique index muted_words_user_word on muted_words (user_id, lower(word));
    create index muted_words_user_created on muted_words (user_id, created_at desc, id desc);

    create aggregate tsquery_or_all(tsquery) (sfunc = tsquery_or, stype = tsquery);

    create or replace function notify(recipient uuid, actor uuid, kind text, post uuid,
      comment uuid, source uuid, at timestamptz) returns void language sql as $$
      insert into notifications (user_id, actor_id, type, post_id, comment_id, source_id, created_at)
      select recipient, actor, kind, post, comment, source, at
      where recipient is not null and recipient <> actor
        and not exists (
          select 1 from users u where u.id = recipient and kind = any(u.notifications_off)
        )
    $$;

    -- an edit tells the users it names who were not told of this post before
    create or replace function notify_mentions() returns trigger language plpgsql as $$
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
      select u.id, new.author_id, 'mention', post, comment, new.id,
        case when tg_op = 'UPDATE' then now() else new.created_at end
      from (
        select distinct lower(m[1]) as name
        from regexp_matches(new.content,
          '(?<![A-Za-z0-9_])@([A-Za-z0-9_]{3,30})(?![A-Za-z0-9_])', 'g') as m
        limit 10
      ) mentioned
      join users u on lower(u.username) = mentioned.name and u.deleted_at is null
      where u.id <> new.author_id
        and not ('mention' = any(u.notifications_off))
        and not exists (
          select 1 from notifications told where told.source_id = new.id and told.user_id = u.id
        );
      return null;
    end $$;
    create trigger posts_notify_3_mentions_edited after update of content on posts
      for each row when (position('@' in new.content) > 0 and new.deleted_at is null)
      execute function notify_mentions();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop trigger if exists posts_notify_3_mentions_edited on posts;
    create or replace function notify_mentions() returns trigger language plpgsql as $$
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
    create or replace function notify(recipient uuid, actor uuid, kind text, post uuid,
      comment uuid, source uuid, at timestamptz) returns void language sql as $$
      insert into notifications (user_id, actor_id, type, post_id, comment_id, source_id, created_at)
      select recipient, actor, kind, post, comment, source, at
      where recipient is not null and recipient <> actor
    $$;
    drop aggregate if exists tsquery_or_all(tsquery);
    drop table if exists muted_words;
    drop trigger if exists posts_unpin_deleted on posts;
    drop function if exists unpin_deleted_post();
    alter table users drop column if exists notifications_off, drop column if exists pinned_post_id;
    drop table if exists post_edits;
    alter table posts drop column if exists edit_count, drop column if exists edited_at;
  `.execute(db);
}
