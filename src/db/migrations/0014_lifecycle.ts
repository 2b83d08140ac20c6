import { type Kysely, sql } from 'kysely';

/**
 * Account lifecycle and moderation (docs/rules.md "Suspension", "Erasure", "Export"):
 * - suspension: `users.suspended_*`, and on each post and comment `author_suspended`, so that
 *   a suspended author's content is not live: the counters treat "live" as
 *   `deleted_at is null and not author_suspended` (posts_counter, comments_counter and
 *   post_tickers_counter are rewritten for it), and the lists read the flag from the row
 *   itself (no join to users). Suspending sets the flag on the user's rows, lifting clears it;
 *   each row's transition moves its counters once, so lifting restores them exactly;
 * - the audit log of moderation actions;
 * - `users.last_export_at`, for one export per 10 minutes;
 * - a deleted comment's text may be erased to '' (erasure).
 * The trending view counts live posts only, so it is recreated with the flag.
 */
const TRENDING = (live: string) =>
  sql.raw(`
    create materialized view trending_tickers as
    with periods (period, since) as (
      values ('1h', now() - interval '1 hour'),
             ('24h', now() - interval '24 hours'),
             ('7d', now() - interval '7 days')
    ),
    counts as (
      select w.period, pt.symbol, count(*)::integer as mentions
      from periods w
      join post_tickers pt on pt.created_at >= w.since
      join posts p on p.id = pt.post_id and ${live}
      group by w.period, pt.symbol
    ),
    ranked as (
      select period, symbol, mentions,
        row_number() over (partition by period order by mentions desc, symbol)::integer as rank
      from counts
    )
    select period, symbol, mentions, rank from ranked where rank <= 100;
    create unique index trending_tickers_key on trending_tickers (period, symbol);
`);

const POST_STATS = (comment: string, quote: string) =>
  sql.raw(`
    create view post_stats as
    select
      p.id as post_id,
      (select count(*) from reactions r where r.post_id = p.id)::integer as reactions,
      (select count(*) from comments c
        where c.post_id = p.id and ${comment})::integer as comments,
      (select count(*) from reposts rp where rp.post_id = p.id)::integer as reposts,
      (select count(*) from posts q
        where q.quoted_post_id = p.id and ${quote})::integer as quotes
    from posts p
    where p.deleted_at is null;
`);

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table posts add column author_suspended boolean not null default false;
    alter table comments add column author_suspended boolean not null default false;
    alter table users
      add column suspended_at timestamptz(3),
      add column suspended_until timestamptz(3),
      add column suspension_reason text check (char_length(suspension_reason) <= 500),
      add column suspended_by uuid,
      add column last_export_at timestamptz(3);
    create index users_suspension_ends on users (suspended_until)
      where suspended_at is not null and suspended_until is not null;

    alter table comments drop constraint comments_content_check;
    alter table comments add constraint comments_content_check
      check (char_length(content) <= 1000 and (char_length(content) >= 1 or deleted_at is not null));

    create table audit_log (
      id uuid primary key default gen_random_uuid(),
      actor_id uuid not null,
      action text not null check (action in ('suspend', 'unsuspend', 'delete_post',
        'delete_comment', 'resolve_report', 'dismiss_report')),
      target_type text not null check (target_type in ('user', 'post', 'comment', 'report')),
      target_id uuid not null,
      reason text check (char_length(reason) <= 1000),
      -- the moment of writing, not of the transaction: actions of one request keep their order
      created_at timestamptz(3) not null default clock_timestamp()
    );
    create index audit_log_recent on audit_log (created_at desc, id desc);
    create index audit_log_by_actor on audit_log (actor_id, created_at desc, id desc);
    create index audit_log_by_target on audit_log (target_id, created_at desc, id desc);

    -- +1 when a row becomes live, -1 when it stops being live, 0 otherwise
    create function live_change(op text, old_live boolean, new_live boolean)
    returns integer language sql immutable as $$
      select case
        when op = 'INSERT' then case when new_live then 1 else 0 end
        when op = 'DELETE' then case when old_live then -1 else 0 end
        when old_live and not new_live then -1
        when new_live and not old_live then 1
        else 0
      end
    $$;

    create or replace function comments_counter() returns trigger language plpgsql as $$
    declare
      r comments%rowtype;
      delta integer;
    begin
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
      end if;
      if delta <> 0 then
        update posts set comments_count = comments_count + delta where id = r.post_id;
        if r.parent_id is not null then
          update comments set replies_count = replies_count + delta where id = r.parent_id;
        end if;
      end if;
      return null;
    end $$;
    drop trigger comments_counter on comments;
    create trigger comments_counter
      after insert or delete or update of deleted_at, author_suspended on comments
      for each row execute function comments_counter();

    create or replace function posts_counter() returns trigger language plpgsql as $$
    declare
      r posts%rowtype;
      delta integer;
    begin
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
    drop trigger posts_counter on posts;
    create trigger posts_counter
      after insert or delete or update of deleted_at, author_suspended on posts
      for each row execute function posts_counter();

    create or replace function post_tickers_counter() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        update tickers set post_count = post_count + 1
        where symbol = new.symbol and exists (select 1 from posts
          where id = new.post_id and deleted_at is null and not author_suspended);
      else
        update tickers set post_count = post_count - 1
        where symbol = old.symbol and exists (select 1 from posts
          where id = old.post_id and deleted_at is null and not author_suspended);
      end if;
      return null;
    end $$;

    drop view post_stats;
    ${POST_STATS('c.deleted_at is null and not c.author_suspended', 'q.deleted_at is null and not q.author_suspended')}
    drop materialized view trending_tickers;
    ${TRENDING('p.deleted_at is null and not p.author_suspended')}
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop materialized view if exists trending_tickers;
    ${TRENDING('p.deleted_at is null')}
    drop view if exists post_stats;
    ${POST_STATS('c.deleted_at is null', 'q.deleted_at is null')}

    create or replace function post_tickers_counter() returns trigger language plpgsql as $$
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

    create or replace function posts_counter() returns trigger language plpgsql as $$
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
        if tg_op <> 'INSERT' then
          update tickers t set post_count = post_count + delta
          from (select symbol from post_tickers where post_id = r.id order by symbol) pt
          where t.symbol = pt.symbol;
        end if;
      end if;
      return null;
    end $$;
    drop trigger posts_counter on posts;
    create trigger posts_counter after insert or delete or update of deleted_at on posts
      for each row execute function posts_counter();

    create or replace function comments_counter() returns trigger language plpgsql as $$
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
    drop trigger comments_counter on comments;
    create trigger comments_counter after insert or delete or update of deleted_at on comments
      for each row execute function comments_counter();

    drop function if exists live_change(text, boolean, boolean);
    drop table if exists audit_log;
    update comments set content = '[erased]' where content = '';
    alter table comments drop constraint comments_content_check;
    alter table comments add constraint comments_content_check
      check (char_length(content) between 1 and 1000);
    drop index if exists users_suspension_ends;
    alter table users drop column if exists suspended_at, drop column if exists suspended_until,
      drop column if exists suspension_reason, drop column if exists suspended_by,
      drop column if exists last_export_at;
    alter table comments drop column if exists author_suspended;
    alter table posts drop column if exists author_suspended;
  `.execute(db);
}
