import type { App } from '../app.js';
import authRoutes from './auth/auth.routes.js';
import errorsRoutes from './errors/errors.routes.js';
import healthRoutes from './health/health.routes.js';
import reportsRoutes from './reports/reports.routes.js';

/** Every feature module's routes, registered in this order by buildApp. */
export const modules: Array<(app: App) => Promise<void>> = [
  healthRoutes,
  authRoutes,
  reportsRoutes,
  errorsRoutes,
];
