import { type Kysely, sql } from 'kysely';

/**
 * The data model of the plan's phase 2: 17 tables, plus poll options, media and the
 * bookkeeping of view refreshes. Times are timestamptz(3): milliseconds, exactly what a
 * JavaScript Date holds, so a keyset cursor built from a row matches that row exactly.
 * Every one-per-user rule is a unique constraint, so it holds under concurrency.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create extension if not exists pg_trgm;

    create table users (
      id uuid primary key,
      username text not null check (username ~ '^[A-Za-z0-9_]{3,30}$'),
      display_name text not null check (char_length(display_name) between 1 and 50),
      bio text not null default '' check (char_length(bio) <= 160),
      profile_picture_url text,
      profile_picture_path text,
      country text check (country ~ '^[A-Z]{2}$'),
      timezone text not null,
      ip_hash text,
      is_admin boolean not null default false,
      followers_count integer not null default 0,
      following_count integer not null default 0,
      posts_count integer not null default 0,
      onboarded_at timestamptz(3) not null default now(),
      last_active_at timestamptz(3),
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      deleted_at timestamptz(3)
    );
    create unique index users_username_key on users (lower(username));
    create index users_username_trgm on users using gin (username gin_trgm_ops)
      where deleted_at is null;
    create index users_display_name_trgm on users using gin (display_name gin_trgm_ops)
      where deleted_at is null;
    create index users_onboarded_at on users (onboarded_at);

    create table posts (
      id uuid primary key default gen_random_uuid(),
      author_id uuid not null references users (id),
      content text not null check (char_length(content) <= 1000),
      sentiment text check (sentiment in ('bullish', 'bearish')),
      quoted_post_id uuid references posts (id),
      reactions_count integer not null default 0,
      comments_count integer not null default 0,
      reposts_count integer not null default 0,
      quotes_count integer not null default 0,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      deleted_at timestamptz(3)
    );
    create index posts_live_created on posts (created_at desc, id desc)
      where deleted_at is null;
    create index posts_author_live_created on posts (author_id, created_at desc, id desc)
      where deleted_at is null;
    create index posts_quoted on posts (quoted_post_id) where quoted_post_id is not null;

    create table comments (
      id uuid primary key default gen_random_uuid(),
      post_id uuid not null references posts (id),
      parent_id uuid references comments (id),
      author_id uuid not null references users (id),
      content text not null check (char_length(content) between 1 and 1000),
      reactions_count integer not null default 0,
      replies_count integer not null default 0,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      deleted_at timestamptz(3)
    );
    create index comments_post_live on comments (post_id, created_at, id)
      where deleted_at is null;
    create index comments_parent on comments (parent_id) where parent_id is not null;
    create index comments_author on comments (author_id, created_at desc);
    create index comments_created on comments (created_at);

    create table tickers (
      symbol text primary key check (symbol ~ '^[A-Z]{1,5}([.-][A-Z]{1,3})?$'),
      name text,
      post_count integer not null default 0,
      created_at timestamptz(3) not null default now()
    );
    create index tickers_symbol_trgm on tickers using gin (symbol gin_trgm_ops);
    create index tickers_name_trgm on tickers using gin (name gin_trgm_ops) where name is not null;

    create table post_tickers (
      post_id uuid not null references posts (id),
      symbol text not null references tickers (symbol),
      position smallint not null,
      created_at timestamptz(3) not null,
      primary key (post_id, symbol)
    );
    create index post_tickers_symbol_created on post_tickers (symbol, created_at desc, post_id desc);
    create index post_tickers_created on post_tickers (created_at);

    create table reactions (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id),
      post_id uuid references posts (id),
      comment_id uuid references comments (id),
      type text not null default 'like' check (type = 'like'),
      created_at timestamptz(3) not null default now(),
      constraint reactions_one_target check ((post_id is null) <> (comment_id is null)),
      constraint reactions_post_user_key unique (post_id, user_id),
      constraint reactions_comment_user_key unique (comment_id, user_id)
    );
    create index reactions_user on reactions (user_id, created_at desc);
    create index reactions_created on reactions (created_at);

    create table reposts (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id),
      post_id uuid not null references posts (id),
      created_at timestamptz(3) not null default now(),
      constraint reposts_post_user_key unique (post_id, user_id)
    );
    create index reposts_user_created on reposts (user_id, created_at desc, id desc);
    create index reposts_created on reposts (created_at);

    create table follows (
      follower_id uuid not null references users (id),
      followee_id uuid not null references users (id),
      created_at timestamptz(3) not null default now(),
      primary key (follower_id, followee_id),
      constraint follows_not_self check (follower_id <> followee_id)
    );
    create index follows_followee_created on follows (followee_id, created_at desc, follower_id);
    create index follows_follower_created on follows (follower_id, created_at desc, followee_id);

    create table bookmarks (
      user_id uuid not null references users (id),
      post_id uuid not null references posts (id),
      created_at timestamptz(3) not null default now(),
      primary key (user_id, post_id)
    );
    create index bookmarks_user_created on bookmarks (user_id, created_at desc, post_id desc);
    create index bookmarks_created on bookmarks (created_at);

    create table polls (
      id uuid primary key default gen_random_uuid(),
      post_id uuid not null unique references posts (id),
      expires_at timestamptz(3) not null,
      total_votes integer not null default 0,
      created_at timestamptz(3) not null default now()
    );

    create table poll_options (
      id uuid primary key default gen_random_uuid(),
      poll_id uuid not null references polls (id) on delete cascade,
      position smallint not null,
      text text not null check (char_length(text) between 1 and 80),
      votes_count integer not null default 0,
      constraint poll_options_position_key unique (poll_id, position),
      constraint poll_options_id_poll_key unique (id, poll_id)
    );
    create unique index poll_options_text_key on poll_options (poll_id, lower(text));

    create table poll_votes (
      poll_id uuid not null references polls (id) on delete cascade,
      user_id uuid not null references users (id),
      option_id uuid not null,
      created_at timestamptz(3) not null default now(),
      primary key (poll_id, user_id),
      -- the option must belong to the poll voted on
      foreign key (option_id, poll_id) references poll_options (id, poll_id) on delete cascade
    );
    create index poll_votes_option on poll_votes (option_id);
    create index poll_votes_created on poll_votes (created_at);

    create table content_filters (
      user_id uuid not null references users (id),
      target_id uuid not null references users (id),
      type text not null check (type in ('mute', 'block')),
      created_at timestamptz(3) not null default now(),
      primary key (user_id, target_id, type),
      constraint content_filters_not_self check (user_id <> target_id)
    );
    create index content_filters_user_type_created
      on content_filters (user_id, type, created_at desc);

    create table reports (
      id uuid primary key default gen_random_uuid(),
      reporter_id uuid not null references users (id),
      target_type text not null check (target_type in ('post', 'comment', 'user')),
      target_id uuid not null,
      reason text not null check (reason in
        ('spam', 'harassment', 'hate', 'misinformation', 'scam', 'impersonation', 'other')),
      details text check (char_length(details) <= 1000),
      status text not null default 'open' check (status in ('open', 'resolved', 'dismissed')),
      resolution_note text check (char_length(resolution_note) <= 1000),
      resolved_by uuid references users (id),
      resolved_at timestamptz(3),
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now()
    );
    -- one open report per reporter and target; a closed one may be reported again
    create unique index reports_one_open on reports (reporter_id, target_type, target_id)
      where status = 'open';
    create index reports_status_created on reports (status, created_at desc, id desc);
    create index reports_target on reports (target_type, target_id);

    create table user_interests (
      user_id uuid not null references users (id),
      symbol text not null references tickers (symbol),
      created_at timestamptz(3) not null default now(),
      primary key (user_id, symbol)
    );

    create table watchlist_items (
      user_id uuid not null references users (id),
      symbol text not null references tickers (symbol),
      created_at timestamptz(3) not null default now(),
      primary key (user_id, symbol)
    );

    create table media (
      id uuid primary key default gen_random_uuid(),
      owner_id uuid not null references users (id),
      post_id uuid references posts (id),
      position smallint,
      bucket text not null,
      path text not null unique,
      url text not null,
      content_type text not null,
      size integer not null check (size > 0),
      width integer not null check (width > 0),
      height integer not null check (height > 0),
      created_at timestamptz(3) not null default now()
    );
    create index media_post on media (post_id, position) where post_id is not null;
    create index media_owner_created on media (owner_id, created_at desc);

    -- user_id is not a foreign key: a client error may come from a signed-in user who has
    -- not finished onboarding, and an error log must never be refused
    create table error_logs (
      id uuid primary key default gen_random_uuid(),
      level text not null check (level in ('fatal', 'error', 'warning', 'info')),
      source text not null check (source in ('backend', 'frontend', 'mobile')),
      message text not null,
      stack text,
      url text,
      user_agent text,
      context jsonb,
      user_id uuid,
      request_id text,
      resolved boolean not null default false,
      resolved_at timestamptz(3),
      resolved_by uuid references users (id),
      created_at timestamptz(3) not null default now()
    );
    create index error_logs_created on error_logs (created_at desc, id desc);
    create index error_logs_unresolved on error_logs (created_at desc) where not resolved;

    create table user_sessions (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id),
      started_at timestamptz(3) not null default now(),
      last_seen_at timestamptz(3) not null default now(),
      request_count integer not null default 1
    );
    create index user_sessions_user_last_seen on user_sessions (user_id, last_seen_at desc);
    create index user_sessions_last_seen on user_sessions (last_seen_at);

    create table view_refreshes (
      view_name text primary key,
      refreshed_at timestamptz(3) not null,
      duration_ms integer not null
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists view_refreshes, user_sessions, error_logs, media, watchlist_items,
      user_interests, reports, content_filters, poll_votes, poll_options, polls, bookmarks,
      follows, reposts, reactions, post_tickers, tickers, comments, posts, users;
  `.execute(db);
}
