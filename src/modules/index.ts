import type { App } from '../app-type.js';
import adminRoutes from './admin/admin.routes.js';
import authRoutes from './auth/auth.routes.js';
import bookmarksRoutes from './bookmarks/bookmarks.routes.js';
import commentsRoutes from './comments/comments.routes.js';
import errorsRoutes from './errors/errors.routes.js';
import feedRoutes from './feed/feed.routes.js';
import healthRoutes from './health/health.routes.js';
import homeRoutes from './health/home.routes.js';
import mediaRoutes from './media/media.routes.js';
import metricsRoutes from './metrics/metrics.routes.js';
import viewsRoutes from './metrics/views.routes.js';
import moderationRoutes from './moderation/moderation.routes.js';
import reportsRoutes from './moderation/reports.routes.js';
import mutedWordsRoutes from './muted-words/muted-words.routes.js';
import notificationsRoutes from './notifications/notifications.routes.js';
import pollsRoutes from './polls/polls.routes.js';
import postsRoutes from './posts/posts.routes.js';
import reactionsRoutes from './reactions/reactions.routes.js';
import searchRoutes from './search/search.routes.js';
import filtersRoutes from './social/filters.routes.js';
import followsRoutes from './social/follows.routes.js';
import streamsRoutes from './streams/streams.routes.js';
import tickersRoutes from './tickers/tickers.routes.js';
import usersRoutes from './users/users.routes.js';

/** Every feature module's routes, registered in this order by buildApp. */
export const modules: Array<(app: App) => Promise<void>> = [
  homeRoutes,
  healthRoutes,
  authRoutes,
  postsRoutes,
  commentsRoutes,
  reactionsRoutes,
  pollsRoutes,
  followsRoutes,
  filtersRoutes,
  bookmarksRoutes,
  notificationsRoutes,
  mutedWordsRoutes,
  feedRoutes,
  searchRoutes,
  tickersRoutes,
  viewsRoutes,
  metricsRoutes,
  adminRoutes,
  reportsRoutes,
  moderationRoutes,
  errorsRoutes,
  usersRoutes,
  mediaRoutes,
  streamsRoutes,
];
