import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase, openPGlite } from '../src/db/index.js';
import { migrateToLatest } from '../src/db/migrator.js';
import './helpers/env.js';

/**
 * Migrates one template database per run; each test file then gets its own copy:
 * - TEST_DATABASE_URL set (PostgreSQL): a template database, copied by CREATE DATABASE ...
 *   TEMPLATE (fast), all dropped at the end;
 * - otherwise PGlite: the migrated data folder is dumped once and loaded by each file, which
 *   is far quicker than running initdb and the migrations again.
 */
export default async function setup(project: TestProject) {
  const runDir = mkdtempSync(path.join(tmpdir(), 'pageshare-test-'));
  project.provide('runDir', runDir);
  const serverUrl = process.env.TEST_DATABASE_URL;

  if (serverUrl) {
    const run = `pageshare_test_${process.pid}_${Date.now().toString(36)}`;
    const template = `${run}_tpl`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create database "${template}"`);
    const templateUrl = withDatabase(serverUrl, template);
    const database = await openDatabase({ databaseUrl: templateUrl, pgliteDataDir: '' });
    await migrateToLatest(database.db);
    await database.close();
    project.provide('pgTemplateUrl', templateUrl);
    project.provide('pgliteDumpPath', undefined);
    return async () => {
      const { rows } = await admin.query<{ datname: string }>(
        'select datname from pg_database where datname like $1',
        [`${run}%`],
      );
      for (const { datname } of rows.sort((a) => (a.datname === template ? 1 : -1))) {
        await admin.query(`drop database if exists "${datname}" with (force)`);
      }
      await admin.end();
      rmSync(runDir, { recursive: true, force: true });
    };
  }

  const pglite = await openPGlite('memory://');
  const database = await openDatabase({
    databaseUrl: undefined,
    pgliteDataDir: 'memory://',
    pglite,
  });
  await migrateToLatest(database.db);
  const dump = await pglite.dumpDataDir('gzip');
  const dumpPath = path.join(runDir, 'pglite-template.tar.gz');
  writeFileSync(dumpPath, Buffer.from(await dump.arrayBuffer()));
  await database.close();
  project.provide('pgTemplateUrl', undefined);
  project.provide('pgliteDumpPath', dumpPath);
  return async () => {
    rmSync(runDir, { recursive: true, force: true });
  };
}

export function withDatabase(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
