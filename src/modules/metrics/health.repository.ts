import { sql } from 'kysely';
import { pendingPostDeltas } from '../../core/counters.js';
import type { Db } from '../../db/index.js';

/** Platform health and trending content for the investor metrics. */

export interface HealthCounts {
  errors: { level: string; source: string; count: number }[];
  unresolved_errors: number;
  open_reports: number;
}

/**
 * One statement: errors since `since` by level and source (error_logs_created), unresolved
 * errors (the error_logs_unresolved partial index) and open reports (reports_status_created).
 */
export async function healthCounts(db: Db, since: Date): Promise<HealthCounts> {
  const { rows } = await sql<HealthCounts>`
    select
      (select coalesce(json_agg(json_build_object('level', level, 'source', source,
          'count', n) order by level, source), '[]'::json)
        from (select level, source, count(*)::integer as n from error_logs
              where created_at >= ${since} group by level, source) e) as errors,
      (select count(*)::integer from error_logs where not resolved) as unresolved_errors,
      (select count(*)::integer from reports where status = 'open') as open_reports
  `.execute(db);
  return rows[0]!;
}

export interface TrendingPostRow {
  id: string;
  content: string;
  created_at: Date;
  reactions: number;
  comments: number;
  reposts: number;
  score: number;
  author_id: string;
  username: string;
  display_name: string;
  profile_picture_url: string | null;
}

/**
 * Live posts created since `since`, by reactions + 2 × comments + 3 × reposts, from the
 * counters (kept by triggers; they count live rows only) and their pending deltas. Authors
 * deleted since are left out.
 */
export async function trendingPosts(db: Db, since: Date, limit: number) {
  // the counters plus their pending deltas (core/counters.ts), joined once for the whole ranking
  const reactions = sql<number>`p.reactions_count + coalesce(d.reactions, 0)`;
  const comments = sql<number>`p.comments_count + coalesce(d.comments, 0)`;
  const reposts = sql<number>`p.reposts_count + coalesce(d.reposts, 0)`;
  return db
    .selectFrom('posts as p')
    .innerJoin('users as u', 'u.id', 'p.author_id')
    .leftJoin(pendingPostDeltas().as('d'), 'd.post_id', 'p.id')
    .select([
      'p.id',
      'p.content',
      'p.created_at',
      reactions.as('reactions'),
      comments.as('comments'),
      reposts.as('reposts'),
      sql<number>`${reactions} + 2 * ${comments} + 3 * ${reposts}`.as('score'),
      'u.id as author_id',
      'u.username',
      'u.display_name',
      'u.profile_picture_url',
    ])
    .where('p.deleted_at', 'is', null)
    .where('u.deleted_at', 'is', null)
    .where('p.created_at', '>=', since)
    .orderBy('score', 'desc')
    .orderBy('p.created_at', 'desc')
    .orderBy('p.id', 'desc')
    .limit(sql.lit(limit))
    .execute() as Promise<TrendingPostRow[]>;
}
