import { type Kysely, sql } from 'kysely';

/**
 * A ticker's message volume and sentiment over time (GET /tickers/{symbol}/sentiment), kept
 * as a rollup by triggers in the transaction of the write, so no path (a post, a delete, an
 * edit that re-links tickers, a script) can leave it behind:
 *
 * - `ticker_sentiment`: one row per (symbol, bucket, t), bucket '1h' or '1d', t the UTC start
 *   of the hour or day: live posts, bullish, bearish, distinct authors;
 * - `ticker_sentiment_authors`: how many of those posts each author wrote, so that `authors`
 *   goes up on an author's first post in the bucket and down when their last one leaves
 *   (distinct counts do not add up, so each bucket width keeps its own).
 *
 * Which posts count is `post_counts_in_signals(posts)`: live ones, neither deleted nor by a
 * suspended author (0014), as in every counter; a suspension and its lift (which set
 * `author_suspended` on the author's posts) move the buckets like a delete and an undelete.
 * Row locks are taken in symbol order (post_tickers rows go in sorted by symbol, and a post's
 * delete walks its tickers in that order), after the ticker's own counter row, so two posts
 * cannot deadlock. docs/decisions.md "Trader signals" has the cost measured on the hottest
 * ticker.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // the backfill of a large database outlasts the pool's statement timeout
  await sql`set local statement_timeout = '30min'`.execute(db);
  await sql`
    create table ticker_sentiment (
      symbol text not null,
      bucket text not null check (bucket in ('1h', '1d')),
      t timestamptz(3) not null,
      posts integer not null default 0,
      bullish integer not null default 0,
      bearish integer not null default 0,
      authors integer not null default 0,
      primary key (symbol, bucket, t)
    );
    create table ticker_sentiment_authors (
      symbol text not null,
      bucket text not null,
      t timestamptz(3) not null,
      author_id uuid not null,
      posts integer not null,
      primary key (symbol, bucket, t, author_id)
    );

    create function post_counts_in_signals(p posts) returns boolean
    language sql stable as $$ select p.deleted_at is null and not p.author_suspended $$;

    -- adds (delta > 0) or takes away (delta < 0) posts of one author with one sentiment
    create function ticker_sentiment_add(
      p_symbol text, p_at timestamptz, p_author uuid, p_sentiment text, p_delta integer
    ) returns void language plpgsql as $$
    declare
      b text;
      bt timestamptz;
      n integer;
    begin
      foreach b in array array['1h', '1d'] loop
        bt := date_trunc(case b when '1h' then 'hour' else 'day' end, p_at, 'UTC');
        if p_delta > 0 then
          insert into ticker_sentiment_authors as a (symbol, bucket, t, author_id, posts)
          values (p_symbol, b, bt, p_author, p_delta)
          on conflict (symbol, bucket, t, author_id) do update set posts = a.posts + p_delta
          returning a.posts into n;
        else
          update ticker_sentiment_authors set posts = posts + p_delta
          where symbol = p_symbol and bucket = b and t = bt and author_id = p_author
          returning posts into n;
          if n <= 0 then
            delete from ticker_sentiment_authors
            where symbol = p_symbol and bucket = b and t = bt and author_id = p_author;
          end if;
        end if;
        insert into ticker_sentiment as s (symbol, bucket, t, posts, bullish, bearish, authors)
        values (p_symbol, b, bt, p_delta,
          case when p_sentiment = 'bullish' then p_delta else 0 end,
          case when p_sentiment = 'bearish' then p_delta else 0 end,
          1)
        on conflict (symbol, bucket, t) do update set
          posts = s.posts + p_delta,
          bullish = s.bullish + excluded.bullish,
          bearish = s.bearish + excluded.bearish,
          authors = s.authors + case
            when p_delta > 0 and n = p_delta then 1
            when p_delta < 0 and coalesce(n, 0) <= 0 then -1
            else 0 end;
      end loop;
    end $$;

    create function post_tickers_sentiment() returns trigger language plpgsql as $$
    declare
      pt post_tickers%rowtype;
      p posts%rowtype;
    begin
      if tg_op = 'INSERT' then pt := new; else pt := old; end if;
      select * into p from posts where id = pt.post_id;
      if found and post_counts_in_signals(p) then
        perform ticker_sentiment_add(pt.symbol, p.created_at, p.author_id, p.sentiment,
          case when tg_op = 'INSERT' then 1 else -1 end);
      end if;
      return null;
    end $$;
    create trigger post_tickers_sentiment after insert or delete on post_tickers
      for each row execute function post_tickers_sentiment();

    create function posts_sentiment() returns trigger language plpgsql as $$
    declare
      was boolean := post_counts_in_signals(old);
      now_live boolean := post_counts_in_signals(new);
      s text;
      b text;
    begin
      if was = now_live and (not now_live or old.sentiment is not distinct from new.sentiment) then
        return null;
      end if;
      for s in select symbol from post_tickers where post_id = new.id order by symbol loop
        if was <> now_live then
          perform ticker_sentiment_add(s, new.created_at, new.author_id,
            case when now_live then new.sentiment else old.sentiment end,
            case when now_live then 1 else -1 end);
        else
          foreach b in array array['1h', '1d'] loop
            update ticker_sentiment set
              bullish = bullish + (new.sentiment is not distinct from 'bullish')::int
                                - (old.sentiment is not distinct from 'bullish')::int,
              bearish = bearish + (new.sentiment is not distinct from 'bearish')::int
                                - (old.sentiment is not distinct from 'bearish')::int
            where symbol = s and bucket = b
              and t = date_trunc(case b when '1h' then 'hour' else 'day' end, new.created_at, 'UTC');
          end loop;
        end if;
      end loop;
      return null;
    end $$;
    create trigger posts_sentiment after update of deleted_at, author_suspended, sentiment on posts
      for each row execute function posts_sentiment();

    -- the rollup computed again from the posts (the migration's backfill; the benchmark seed,
    -- which loads with triggers off, calls it too)
    create function ticker_sentiment_rebuild() returns void language sql as $$
      delete from ticker_sentiment_authors;
      delete from ticker_sentiment;
      insert into ticker_sentiment_authors (symbol, bucket, t, author_id, posts)
      select pt.symbol, b.bucket, date_trunc(b.unit, p.created_at, 'UTC'), p.author_id, count(*)
      from post_tickers pt
      join posts p on p.id = pt.post_id and post_counts_in_signals(p)
      cross join (values ('1h', 'hour'), ('1d', 'day')) b (bucket, unit)
      group by 1, 2, 3, 4;
      insert into ticker_sentiment (symbol, bucket, t, posts, bullish, bearish, authors)
      select pt.symbol, b.bucket, date_trunc(b.unit, p.created_at, 'UTC'), count(*),
        count(*) filter (where p.sentiment = 'bullish'),
        count(*) filter (where p.sentiment = 'bearish'),
        count(distinct p.author_id)
      from post_tickers pt
      join posts p on p.id = pt.post_id and post_counts_in_signals(p)
      cross join (values ('1h', 'hour'), ('1d', 'day')) b (bucket, unit)
      group by 1, 2, 3;
    $$;
    select ticker_sentiment_rebuild();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop trigger if exists posts_sentiment on posts;
    drop trigger if exists post_tickers_sentiment on post_tickers;
    drop function if exists posts_sentiment();
    drop function if exists post_tickers_sentiment();
    drop function if exists ticker_sentiment_rebuild();
    drop function if exists ticker_sentiment_add(text, timestamptz, uuid, text, integer);
    drop function if exists post_counts_in_signals(posts);
    drop table if exists ticker_sentiment_authors;
    drop table if exists ticker_sentiment;
  `.execute(db);
}
