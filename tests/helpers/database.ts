import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { type Database, openDatabase, openPGlite } from '../../src/db/index.js';
import { withDatabase } from '../global-setup.js';

/**
 * A fresh, migrated database for one test file: a copy of the run's template (PostgreSQL) or
 * the template's dump loaded into a new in-memory PGlite. Closing it drops the copy.
 */
export interface TestDatabase {
  database: Database;
  /** PostgreSQL URL of this copy, or undefined on PGlite. */
  url: string | undefined;
  close(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const templateUrl = inject('pgTemplateUrl');
  if (templateUrl) {
    const template = new URL(templateUrl).pathname.slice(1);
    const name = `${template.replace(/_tpl$/, '')}_${randomBytes(4).toString('hex')}`;
    await adminQuery(templateUrl, `create database "${name}" template "${template}"`);
    const url = withDatabase(templateUrl, name);
    const database = await openDatabase({
      databaseUrl: url,
      pgliteDataDir: '',
      databasePoolMax: 20,
      databasePreparedStatements: true,
    });
    return {
      database,
      url,
      close: async () => {
        await database.close();
        await adminQuery(templateUrl, `drop database if exists "${name}" with (force)`);
      },
    };
  }
  const dumpPath = inject('pgliteDumpPath');
  if (!dumpPath) throw new Error('the global setup provided no test database');
  const pglite = await openPGlite('memory://', new Blob([readFileSync(dumpPath)]));
  const database = await openDatabase({
    databaseUrl: undefined,
    pgliteDataDir: 'memory://',
    pglite,
  });
  return { database, url: undefined, close: () => database.close() };
}

/** Runs one statement on the server's maintenance database (CREATE/DROP DATABASE). */
async function adminQuery(anyUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(anyUrl, 'postgres') });
  await client.connect();
  try {
    // copies of one template made at the same moment can collide; a short wait settles it
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(statement);
        return;
      } catch (error) {
        if (attempt >= 10 || (error as { code?: string }).code !== '55006') throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
      }
    }
  } finally {
    await client.end();
  }
}

export const isPostgres = () => inject('pgTemplateUrl') !== undefined;
