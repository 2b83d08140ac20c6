import type { App } from '../app.js';
import authRoutes from './auth/auth.routes.js';
import commentsRoutes from './comments/comments.routes.js';
import healthRoutes from './health/health.routes.js';
import pollsRoutes from './polls/polls.routes.js';
import postsRoutes from './posts/posts.routes.js';
import reactionsRoutes from './reactions/reactions.routes.js';
import repostsRoutes from './reposts/reposts.routes.js';

/** Every feature module's routes, registered in this order by buildApp. */
export const modules: Array<(app: App) => Promise<void>> = [
  healthRoutes,
  authRoutes,
  postsRoutes,
  commentsRoutes,
  reactionsRoutes,
  repostsRoutes,
  pollsRoutes,
];
