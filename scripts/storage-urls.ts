import { parseArgs } from 'node:util';
import { loadConfig, loadEnvFile } from '../src/config.js';
import { openDatabase } from '../src/db/index.js';
import { migrateToLatest } from '../src/db/migrator.js';
import { createStorage } from '../src/storage/index.js';
import { repointStoredUrls } from '../src/storage/repoint.js';

/**
 * npm run storage:urls -- [--dry-run]
 * Sets the stored URLs of uploaded files again from the current storage settings, after
 * PUBLIC_BASE_URL (local driver) or SUPABASE_URL (Supabase) changed. Moves no file.
 */
const { values } = parseArgs({
  options: {
    'dry-run': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('usage: npm run storage:urls -- [--dry-run]');
  process.exit(0);
}

loadEnvFile();
const config = loadConfig();
const database = await openDatabase(config);
try {
  // the embedded database migrates itself, as `npm start` does; a server's is migrated on purpose
  if (database.kind === 'pglite') await migrateToLatest(database.db);
  const storage = createStorage(config);
  const dryRun = values['dry-run'];
  const result = await repointStoredUrls(database.db, storage, { dryRun });
  const verb = dryRun ? 'would set' : 'set';
  console.log(`database: ${database.describe}; storage: ${storage.driver}`);
  console.log(
    `${verb} ${result.media} media URL(s) and ${result.profile_pictures} profile picture URL(s)` +
      (result.skipped
        ? `; ${result.skipped} file(s) with an unexpected path left as they are`
        : ''),
  );
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await database.close();
}
