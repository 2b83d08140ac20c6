import type { App } from '../app.js';
import authRoutes from './auth/auth.routes.js';
import healthRoutes from './health/health.routes.js';
import mediaRoutes from './media/media.routes.js';
import usersRoutes from './users/users.routes.js';

/** Every feature module's routes, registered in this order by buildApp. */
export const modules: Array<(app: App) => Promise<void>> = [
  healthRoutes,
  authRoutes,
  usersRoutes,
  mediaRoutes,
];
