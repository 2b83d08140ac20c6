import type { Migration } from 'kysely';
import * as m0001 from './0001_tables.js';
import * as m0002 from './0002_counters.js';
import * as m0003 from './0003_views.js';
import * as m0006 from './0006_social.js';
import * as m0007 from './0007_feed.js';
import * as m0008 from './0008_metrics.js';
import * as m0009 from './0009_search_popularity.js';
import * as m0010 from './0010_ticker_names.js';
import * as m0011 from './0011_drop_gin_trigram.js';
import * as m0012 from './0012_notifications.js';
import * as m0013 from './0013_control.js';
import * as m0014 from './0014_lifecycle.js';
import * as m0020 from './0020_ticker_sentiment.js';
import * as m0021 from './0021_trending_velocity.js';
import * as m0022 from './0022_post_search.js';
import * as m0030 from './0030_follows_lock_order.js';
import * as m0040 from './0040_streams.js';
import * as m0041 from './0041_stream_viewers.js';
import * as m0060 from './0060_home_timeline.js';
import * as m0061 from './0061_counter_deltas.js';
import * as m0062 from './0062_admin_until.js';

/**
 * Every migration, in order. Listed here rather than read from the folder so that a bundled
 * deployment (Vercel) carries them. A new migration: add a file with up() and down(), then a
 * line here.
 */
export const migrations: Record<string, Migration> = {
  '0001_tables': m0001,
  '0002_counters': m0002,
  '0003_views': m0003,
  '0006_social': m0006,
  '0007_feed': m0007,
  '0008_metrics': m0008,
  '0009_search_popularity': m0009,
  '0010_ticker_names': m0010,
  '0011_drop_gin_trigram': m0011,
  '0012_notifications': m0012,
  '0013_control': m0013,
  '0014_lifecycle': m0014,
  '0020_ticker_sentiment': m0020,
  '0021_trending_velocity': m0021,
  '0022_post_search': m0022,
  '0030_follows_lock_order': m0030,
  '0040_streams': m0040,
  '0041_stream_viewers': m0041,
  '0060_home_timeline': m0060,
  '0061_counter_deltas': m0061,
  '0062_admin_until': m0062,
};
