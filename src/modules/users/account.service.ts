import type { Config } from '../../config.js';
import { inTransaction } from '../../core/content.js';
import type { Db } from '../../db/index.js';
import { AppError, invalid, notFound } from '../../lib/errors.js';
import { deleteSupabaseAuthUser, withRetries } from '../../lib/supabase-auth.js';
import type { Bucket, Storage } from '../../storage/index.js';
import {
  EXPORT_SECTIONS,
  eraseAccount,
  exportProfile,
  lockForErasure,
  takeExportSlot,
} from './account.repository.js';

interface Log {
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface AccountDeps {
  db: Db;
  storage: Storage;
  config: Pick<Config, 'supabaseUrl' | 'supabaseServiceRoleKey'>;
  log: Log;
}

/**
 * DELETE /users/me (docs/rules.md "Erasure"). The database part is one transaction: either
 * the account is gone with every trace and counter, or nothing changed. Then, outside it,
 * the uploaded files are deleted from storage and (with SUPABASE_SERVICE_ROLE_KEY) the
 * Supabase Auth user; each is retried and, if it still fails, logged with what is left, but
 * never undoes the erasure (a file left behind is an orphan nobody can reach).
 */
export async function eraseMe(deps: AccountDeps, userId: string, confirm: string): Promise<void> {
  const files = await inTransaction(deps.db, async (trx) => {
    const user = await lockForErasure(trx, userId);
    if (!user) throw notFound('user');
    if (confirm !== user.username) {
      throw invalid('confirm', 'must be your username, exactly, to confirm the erasure');
    }
    return eraseAccount(trx, user);
  });
  const remove = async (bucket: Bucket, paths: string[]) => {
    if (!paths.length) return;
    try {
      await withRetries(() => deps.storage.remove(bucket, paths));
    } catch (error) {
      deps.log.error({ err: error, bucket, paths }, 'erasure: stored files could not be deleted');
    }
  };
  await remove('post-media', files.media);
  await remove('profile-pictures', files.pictures);
  const { supabaseUrl, supabaseServiceRoleKey } = deps.config;
  if (supabaseUrl && supabaseServiceRoleKey) {
    try {
      await withRetries(() => deleteSupabaseAuthUser(supabaseUrl, supabaseServiceRoleKey, userId));
    } catch (error) {
      deps.log.error(
        { err: error, userId },
        'erasure: the Supabase Auth user could not be deleted',
      );
    }
  }
}

export const EXPORT_EVERY_MINUTES = 10;

/**
 * Takes the one export of the window; when it was taken already, calls `wait` with the
 * seconds until the next (for Retry-After) and throws 429.
 */
export async function startExport(
  db: Db,
  userId: string,
  wait: (seconds: number) => void,
): Promise<void> {
  const slot = await takeExportSlot(db, userId, EXPORT_EVERY_MINUTES);
  if (!slot.ok) {
    wait(slot.retryAfterSeconds);
    throw new AppError(
      'rate_limited',
      `one export per ${EXPORT_EVERY_MINUTES} minutes: try again in ${slot.retryAfterSeconds} s`,
    );
  }
}

/**
 * GET /users/me/export as a stream of JSON text: the profile, then each section as an array
 * written page by page (500 rows a query), so memory stays flat whatever the account's size.
 */
export async function* exportMe(db: Db, userId: string): AsyncGenerator<string> {
  const profile = await exportProfile(db, userId);
  yield `{"format":"pageshare-export/1","exported_at":${JSON.stringify(new Date())},`;
  yield `"profile":${JSON.stringify(profile)}`;
  for (const [name, section] of Object.entries(EXPORT_SECTIONS)) {
    yield `,${JSON.stringify(name)}:[`;
    let after = '';
    let first = true;
    for (;;) {
      const { rows } = await section(userId, after).execute(db);
      for (const row of rows) {
        yield `${first ? '' : ','}${JSON.stringify(row.v)}`;
        first = false;
      }
      if (rows.length < 500) break;
      after = rows[rows.length - 1]!.k;
    }
    yield ']';
  }
  yield '}\n';
}
