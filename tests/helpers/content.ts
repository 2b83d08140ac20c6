import type {
  Kysely,
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
} from 'kysely';
import type { DB } from '../../src/db/types.js';
import type { TestApp } from './app.js';
import type { TestUser } from './factories.js';

/**
 * A post's four counter columns as stored, without the pending deltas the API adds
 * (core/counters.ts): what a fold leaves, or what a test of the triggers reads.
 */
export async function postCounterColumns(db: Kysely<DB>, postId: string) {
  return db
    .selectFrom('posts')
    .select(['reactions_count', 'comments_count', 'reposts_count', 'quotes_count'])
    .where('id', '=', postId)
    .executeTakeFirstOrThrow();
}

/** A mute or block, written straight to content_filters (those routes live in another module). */
export async function addFilter(
  t: TestApp,
  user: TestUser,
  target: TestUser,
  type: 'mute' | 'block',
): Promise<void> {
  await t.db
    .insertInto('content_filters')
    .values({ user_id: user.id, target_id: target.id, type })
    .execute();
}

export async function removeFilters(t: TestApp, user: TestUser): Promise<void> {
  await t.db.deleteFrom('content_filters').where('user_id', '=', user.id).execute();
}

/**
 * Counts the statements a Kysely instance runs: transformResult is called once for every query
 * executed through it (builders and raw sql alike), whatever the driver.
 */
export class QueryCounter implements KyselyPlugin {
  count = 0;

  transformQuery(args: PluginTransformQueryArgs) {
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs) {
    this.count++;
    return args.result;
  }

  reset(): void {
    this.count = 0;
  }
}

export function countingDb(db: Kysely<DB>): { db: Kysely<DB>; counter: QueryCounter } {
  const counter = new QueryCounter();
  return { db: db.withPlugin(counter), counter };
}
