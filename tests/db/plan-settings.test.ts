import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withGenericPlan, withoutJit } from '../../src/db/index.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

/**
 * The two per-statement planner settings of src/db/index.ts: each holds inside its
 * transaction only (`set local`), so the pool's connections go back to the defaults.
 */
describe('planner settings for one statement', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  const show = async (db: TestApp['db'], name: 'jit' | 'plan_cache_mode') => {
    const { rows } = await sql<{ value: string }>`select current_setting(${name}) as value`.execute(
      db,
    );
    return rows[0]!.value;
  };

  it('withGenericPlan forces the generic plan inside, and only inside', async () => {
    const before = await show(t.db, 'plan_cache_mode');
    expect(before).toBe('auto');
    const inside = await withGenericPlan(t.db, (trx) => show(trx, 'plan_cache_mode'));
    expect(inside).toBe('force_generic_plan');
    expect(await show(t.db, 'plan_cache_mode')).toBe('auto');
  });

  it('withoutJit turns JIT off inside, and only inside', async () => {
    // the database's own setting is kept outside (deployment turns JIT off for the whole
    // database; a test database keeps the server's default)
    const before = await show(t.db, 'jit');
    expect(await withoutJit(t.db, (trx) => show(trx, 'jit'))).toBe('off');
    expect(await show(t.db, 'jit')).toBe(before);
  });

  it('answers what the function answers', async () => {
    await expect(withGenericPlan(t.db, async () => 42)).resolves.toBe(42);
  });
});
