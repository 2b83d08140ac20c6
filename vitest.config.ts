import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // test files share a worker's module cache: importing the app once per worker instead of
    // once per file cuts the suite from ~5 to ~2 minutes here. Each file still gets its own
    // app and database (tests/helpers/app.ts); a file that stubs env or timers undoes it.
    isolate: false,
    maxWorkers: Number(process.env.TEST_WORKERS ?? 2),
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/server.ts', 'src/db/cli.ts'],
      reporter: ['text-summary', 'html'],
    },
  },
});
