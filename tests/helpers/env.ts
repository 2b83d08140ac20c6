/** Fixed secrets for tests: tokens are minted with these, as a Supabase project would. */
export const TEST_JWT_SECRET = 'test-jwt-secret-of-at-least-32-characters!!';
export const TEST_IP_HASH_SECRET = 'test-ip-hash-secret-of-at-least-32-characters';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PostgreSQL: the URL of the migrated template database; PGlite: undefined. */
    pgTemplateUrl: string | undefined;
    /** PGlite: a dump of the migrated data folder, loaded by each test file. */
    pgliteDumpPath: string | undefined;
    /** A folder for this run's files (uploads, secrets). */
    runDir: string;
  }
}
