import type { Insertable } from 'kysely';
import type { Db } from '../../db/index.js';
import type { ErrorLogsTable } from '../../db/types.js';

export async function insertErrorLog(db: Db, entry: Insertable<ErrorLogsTable>): Promise<string> {
  const row = await db
    .insertInto('error_logs')
    .values(entry)
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
