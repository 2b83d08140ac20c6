import type { Config } from '../../config.js';
import { inTransaction } from '../../core/content.js';
import type { Db } from '../../db/index.js';
import {
  deleteOutbox,
  fanOut,
  markPullAuthors,
  rebuildTimeline,
  takeOutbox,
  trimTimelines,
} from './timeline.repository.js';

/**
 * The background step of the home timelines (docs/decisions.md "Home timelines fanned out on
 * write"): takes the outbox in batches, oldest first, and for each batch, in one transaction,
 * marks the very followed sources as pull authors, fans the others' posts and reposts out to
 * their followers, builds the timelines asked for, and deletes the batch. FOR UPDATE SKIP
 * LOCKED lets several instances (and the cron route) run it at once, each on its own rows; a
 * crash rolls the batch back, and it is taken again. Then the timelines that grew are trimmed
 * (a sample of them, `trimShare`), outside the batch's transaction.
 */
export interface FanOutOptions {
  /** The entries a timeline keeps (TIMELINE_ENTRIES). */
  entries: number;
  /** From this many followers an author is merged at read time (TIMELINE_PULL_FOLLOWERS). */
  pullFollowers: number;
  /** Outbox rows a transaction takes. */
  batch?: number;
  /** The share of the touched timelines trimmed after a batch (1 in tests: all of them). */
  trimShare?: number;
  /** Stop taking new batches after this long (the cron route's time limit). */
  maxMs?: number;
}

/** The options the settings give (TIMELINE_ENTRIES, TIMELINE_PULL_FOLLOWERS). */
export function fanOutOptions(
  config: Pick<Config, 'timelineEntries' | 'timelinePullFollowers'>,
): FanOutOptions {
  return { entries: config.timelineEntries, pullFollowers: config.timelinePullFollowers };
}

export interface FanOutResult {
  posts: number;
  reposts: number;
  rebuilt: number;
}

/** A rebuild reads at most this many posts, and as many reposts, of each source. */
export const REBUILD_PER_SOURCE = 200;

export async function processOutbox(db: Db, options: FanOutOptions): Promise<FanOutResult> {
  const { entries, pullFollowers, batch = 50, trimShare = 1 / 16, maxMs = 10_000 } = options;
  const started = Date.now();
  const done: FanOutResult = { posts: 0, reposts: 0, rebuilt: 0 };
  for (;;) {
    const sources = await inTransaction(db, async (trx) => {
      const rows = await takeOutbox(trx, batch);
      if (rows.length === 0) return null;
      const postIds = rows.flatMap((r) => (r.post_id ? [r.post_id] : []));
      const repostIds = rows.flatMap((r) => (r.repost_id ? [r.repost_id] : []));
      const userIds = [...new Set(rows.flatMap((r) => (r.user_id ? [r.user_id] : [])))];
      await markPullAuthors(trx, postIds, repostIds, pullFollowers);
      const fanned = [
        ...(await fanOut(trx, 'posts', postIds)),
        ...(await fanOut(trx, 'reposts', repostIds)),
      ];
      for (const userId of userIds) {
        await rebuildTimeline(trx, userId, entries, Math.min(entries, REBUILD_PER_SOURCE));
      }
      await deleteOutbox(
        trx,
        rows.map((r) => r.id),
      );
      done.posts += postIds.length;
      done.reposts += repostIds.length;
      done.rebuilt += userIds.length;
      return [...new Set(fanned)];
    });
    if (sources === null) return done;
    await trimTimelines(db, sources, entries, trimShare).catch((error: unknown) => {
      // two workers trimming the same timeline can deadlock; a trim is only upkeep, and the
      // next one of that timeline does it
      if ((error as { code?: string }).code !== '40P01') throw error;
    });
    if (Date.now() - started > maxMs) return done;
  }
}
