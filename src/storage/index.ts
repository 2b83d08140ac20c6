import type { Config } from '../config.js';
import { LocalStorage } from './local.js';
import type { Storage } from './storage.js';
import { SupabaseStorage } from './supabase.js';

export { LocalStorage } from './local.js';
export * from './storage.js';
export { SupabaseStorage } from './supabase.js';

/** The driver STORAGE_DRIVER names. */
export function createStorage(config: Config): Storage {
  if (config.storageDriver === 'supabase') {
    if (!config.supabaseUrl || !config.supabaseServiceRoleKey) {
      // loadConfig refuses this combination; this only narrows the types
      throw new Error(
        'the supabase storage driver needs SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY',
      );
    }
    return new SupabaseStorage(config.supabaseUrl, config.supabaseServiceRoleKey);
  }
  return new LocalStorage(config.storageLocalDir, config.publicBaseUrl);
}
