import { loadConfig, loadEnvFile } from '../config.js';
import { openDatabase } from './index.js';
import { migrateToLatest, migrationStatus, rollback } from './migrator.js';

/** npm run db:migrate | db:rollback [-- --all] | db:status */
const [command, ...args] = process.argv.slice(2);
loadEnvFile();
const config = loadConfig();
const database = await openDatabase(config);
console.log(`database: ${database.describe}`);
try {
  if (command === 'migrate') {
    const applied = await migrateToLatest(database.db);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'already up to date');
  } else if (command === 'rollback') {
    const reverted = await rollback(database.db, args.includes('--all'));
    console.log(reverted.length ? `reverted: ${reverted.join(', ')}` : 'nothing to revert');
  } else if (command === 'status') {
    for (const m of await migrationStatus(database.db)) {
      console.log(
        `${m.executedAt ? 'applied' : 'pending'}  ${m.name}${m.executedAt ? `  (${m.executedAt.toISOString()})` : ''}`,
      );
    }
  } else {
    console.error('usage: tsx src/db/cli.ts migrate | rollback [--all] | status');
    process.exitCode = 2;
  }
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await database.close();
}
