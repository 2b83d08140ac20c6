import { type MigrationResultSet, Migrator, NO_MIGRATIONS, sql } from 'kysely';
import type { Db } from './index.js';
import { migrations } from './migrations/index.js';

export function createMigrator(db: Db): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
  });
}

function check({ error, results }: MigrationResultSet): string[] {
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    const where = failed ? ` (in ${failed.migrationName})` : '';
    throw new Error(`migration failed${where}: ${(error as Error).message ?? error}`, {
      cause: error,
    });
  }
  return (results ?? []).map((r) => r.migrationName);
}

/** Applies every pending migration; returns the names applied. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  return check(await createMigrator(db).migrateToLatest());
}

/** Reverts the newest migration (or all of them); returns the names reverted. */
export async function rollback(db: Db, all = false): Promise<string[]> {
  const migrator = createMigrator(db);
  return check(all ? await migrator.migrateTo(NO_MIGRATIONS) : await migrator.migrateDown());
}

export async function migrationStatus(db: Db) {
  const list = await createMigrator(db).getMigrations();
  return list.map((m) => ({ name: m.name, executedAt: m.executedAt ?? null }));
}

/**
 * Names of the migrations this code knows that the database has not applied, read without
 * creating anything (Kysely's own status call creates its tables when they are missing).
 */
export async function pendingMigrations(db: Db): Promise<string[]> {
  let applied: Set<string>;
  try {
    const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    applied = new Set(rows.map((row) => row.name));
  } catch (error) {
    // no migration table: nothing was ever applied
    if ((error as { code?: string }).code !== '42P01') throw error;
    applied = new Set();
  }
  return Object.keys(migrations).filter((name) => !applied.has(name));
}
