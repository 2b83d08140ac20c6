import { sql } from 'kysely';
import type { Keyset } from '../../core/keyset.js';
import { userSummaryOf } from '../../core/users.js';
import type { Db } from '../../db/index.js';
import type { ReportReason } from '../../db/types.js';

type TargetType = 'post' | 'comment' | 'user';

/** Whether the reported thing exists and is not deleted. */
export async function targetExists(db: Db, type: TargetType, id: string): Promise<boolean> {
  const table = type === 'post' ? 'posts' : type === 'comment' ? 'comments' : 'users';
  const row = await db
    .selectFrom(table)
    .select('id')
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertReport(
  db: Db,
  values: {
    reporter_id: string;
    target_type: TargetType;
    target_id: string;
    reason: ReportReason;
    details: string | null;
  },
) {
  return db
    .insertInto('reports')
    .values(values)
    .returning(['id', 'status', 'created_at'])
    .executeTakeFirstOrThrow();
}

/** Report rows with the reporter and a preview of the target, in one statement. */
function reportsSelect(db: Db) {
  return db
    .selectFrom('reports')
    .selectAll('reports')
    .select([
      userSummaryOf('reports.reporter_id').as('reporter'),
      sql<{ preview: string | null; deleted: boolean } | null>`case reports.target_type
        when 'post' then (select json_build_object('preview', left(p.content, 200),
          'deleted', p.deleted_at is not null) from posts p where p.id = reports.target_id)
        when 'comment' then (select json_build_object('preview', left(c.content, 200),
          'deleted', c.deleted_at is not null) from comments c where c.id = reports.target_id)
        else (select json_build_object('preview', '@' || u.username,
          'deleted', u.deleted_at is not null) from users u where u.id = reports.target_id)
      end`.as('target'),
    ]);
}

export type ReportRow = Awaited<
  ReturnType<ReturnType<typeof reportsSelect>['executeTakeFirstOrThrow']>
>;

export async function listReports(
  db: Db,
  params: { status?: string; targetType?: string },
  page: Keyset,
): Promise<ReportRow[]> {
  let query = reportsSelect(db);
  if (params.status) query = query.where('reports.status', '=', params.status as 'open');
  if (params.targetType) {
    query = query.where('reports.target_type', '=', params.targetType as TargetType);
  }
  return query
    .where(page.after('reports.created_at', 'reports.id'))
    .orderBy('reports.created_at', 'desc')
    .orderBy('reports.id', 'desc')
    .limit(page.fetch)
    .execute();
}

export async function findReport(db: Db, id: string): Promise<ReportRow | undefined> {
  return reportsSelect(db).where('reports.id', '=', id).executeTakeFirst();
}

export async function decideReport(
  db: Db,
  id: string,
  decision: {
    status: 'resolved' | 'dismissed';
    resolution_note: string | null;
    resolved_by: string;
  },
): Promise<boolean> {
  const result = await db
    .updateTable('reports')
    .set({ ...decision, resolved_at: new Date() })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The user a report is about: the reported user, or the author of the post or comment. */
export async function authorOf(db: Db, type: TargetType, id: string): Promise<string | undefined> {
  if (type === 'user') {
    const row = await db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst();
    return row?.id;
  }
  const table = type === 'post' ? 'posts' : 'comments';
  const row = await db
    .selectFrom(table)
    .select('author_id')
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.author_id;
}
