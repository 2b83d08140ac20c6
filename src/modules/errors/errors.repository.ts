import { type Insertable, sql } from 'kysely';
import type { Keyset } from '../../core/keyset.js';
import type { Db } from '../../db/index.js';
import type { ErrorLog, ErrorLogsTable } from '../../db/types.js';

/** A bug the error handler caught (plugins/errors.ts hands it over). */
export async function recordBackendError(
  db: Db,
  error: Omit<Insertable<ErrorLogsTable>, 'level' | 'source'>,
): Promise<string> {
  return insertErrorLog(db, { ...error, level: 'error', source: 'backend' });
}

export async function insertErrorLog(db: Db, entry: Insertable<ErrorLogsTable>): Promise<string> {
  const row = await db
    .insertInto('error_logs')
    .values(entry)
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function listErrorLogs(
  db: Db,
  params: {
    resolved?: boolean;
    level?: ErrorLogsTable['level'];
    source?: ErrorLogsTable['source'];
    since?: Date;
  },
  page: Keyset,
) {
  let query = db.selectFrom('error_logs').selectAll();
  if (params.resolved !== undefined) query = query.where('resolved', '=', params.resolved);
  if (params.level) query = query.where('level', '=', params.level);
  if (params.source) query = query.where('source', '=', params.source);
  if (params.since) query = query.where('created_at', '>=', params.since);
  return query
    .where(page.after('created_at', 'id'))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.fetch)
    .execute();
}

/**
 * Marks an error resolved (once: resolving again keeps the first time and person) and answers
 * the row as it is now, in one statement; undefined for an unknown id.
 */
export async function resolveErrorLog(
  db: Db,
  id: string,
  adminId: string,
): Promise<ErrorLog | undefined> {
  const { rows } = await sql<ErrorLog>`
    with resolved as (
      update error_logs set resolved = true, resolved_at = now(), resolved_by = ${adminId}
      where id = ${id} and not resolved
      returning *
    )
    select * from resolved
    union all
    select * from error_logs where id = ${id} and not exists (select 1 from resolved)
  `.execute(db);
  return rows[0];
}
