import { sql } from 'kysely';
import type { Db } from '../../src/db/index.js';

/**
 * Runs `fn` while the real database refuses one kind of write for one user: a trigger that
 * raises, so a test can see what the service does when its database write fails after the
 * files were stored. The trigger is dropped afterwards.
 */
export async function whileDatabaseRefuses(
  db: Db,
  write: { table: 'users' | 'media'; event: string; column: string; userId: string },
  fn: () => Promise<void>,
): Promise<void> {
  const name = sql.id(`refuse_${write.table}_for_test`);
  await sql`create function ${name}() returns trigger language plpgsql as $$
    begin raise exception 'refused for the test'; end $$`.execute(db);
  await sql`create trigger ${name} ${sql.raw(write.event)} on ${sql.table(write.table)}
    for each row when (new.${sql.id(write.column)} = ${sql.lit(write.userId)}::uuid)
    execute function ${name}()`.execute(db);
  try {
    await fn();
  } finally {
    await sql`drop trigger ${name} on ${sql.table(write.table)}`.execute(db);
    await sql`drop function ${name}()`.execute(db);
  }
}
