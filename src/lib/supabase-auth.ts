/**
 * The one call PageShare makes to Supabase Auth's admin API: deleting a user when their
 * account is erased. Needs the project URL and its service role key; answers whether the
 * user is gone (404 counts: already gone).
 */
export async function deleteSupabaseAuthUser(
  supabaseUrl: string,
  serviceRoleKey: string,
  userId: string,
): Promise<void> {
  const res = await fetch(`${supabaseUrl}/auth/v1/admin/users/${encodeURIComponent(userId)}`, {
    method: 'DELETE',
    headers: { apikey: serviceRoleKey, authorization: `Bearer ${serviceRoleKey}` },
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok && res.status !== 404) {
    throw new Error(`Supabase Auth answered ${res.status} deleting user ${userId}`);
  }
}

/** Runs `work` up to `attempts` times, waiting 200 ms, 400 ms, … between tries. */
export async function withRetries<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** (attempt - 1)));
    }
  }
}
