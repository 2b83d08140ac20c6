import { describe, expect, it, vi } from 'vitest';
import { scheduledRefresh, startScheduler } from '../../src/jobs/refresh-views.js';
import { scheduledPolicy } from '../../src/modules/metrics/views.service.js';
import { useTestApp } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/database.js';

const at = (iso: string) => new Date(iso);

describe('scheduledPolicy', () => {
  const now = at('2026-11-25T17:30:00.000Z');
  const due = scheduledPolicy(now);

  it('refreshes what was never refreshed', () => {
    expect(due('trending_tickers', null)).toBe(true);
    expect(due('daily_metrics', null)).toBe(true);
    expect(due('engagement_metrics', null)).toBe(true);
  });

  it('refreshes trending about hourly', () => {
    expect(due('trending_tickers', at('2026-11-25T17:00:00.000Z'))).toBe(false);
    expect(due('trending_tickers', at('2026-11-25T16:35:00.000Z'))).toBe(true);
    expect(due('trending_tickers', at('2026-11-24T17:30:00.000Z'))).toBe(true);
  });

  it('refreshes the daily views once a UTC day', () => {
    expect(due('daily_metrics', at('2026-11-25T00:00:01.000Z'))).toBe(false);
    expect(due('engagement_metrics', at('2026-11-25T00:00:01.000Z'))).toBe(false);
    expect(due('daily_metrics', at('2026-11-24T23:59:59.000Z'))).toBe(true);
    expect(due('engagement_metrics', at('2026-11-24T23:59:59.000Z'))).toBe(true);
  });
});

describe('the scheduler', () => {
  const t = useTestApp();
  const quietLog = () => ({ info: vi.fn(), error: vi.fn() });

  it('refreshes what is due, then nothing until something is due again', async () => {
    const log = quietLog();
    // one clock for both ticks, so that midnight cannot fall between them
    const now = new Date();
    const first = await scheduledRefresh(t.db, log, now);
    expect(first?.refreshed).toEqual(['trending_tickers', 'daily_metrics', 'engagement_metrics']);
    expect(log.info).toHaveBeenCalledOnce();
    const second = await scheduledRefresh(t.db, log, now);
    expect(second?.refreshed).toEqual([]);
    expect(log.info).toHaveBeenCalledOnce();
    expect(log.error).not.toHaveBeenCalled();
  });

  it('logs a failure and never throws', async () => {
    const broken = await createTestDatabase();
    await broken.close();
    const log = quietLog();
    await expect(scheduledRefresh(broken.database.db, log)).resolves.toBeUndefined();
    expect(log.error).toHaveBeenCalledOnce();
  });

  it('runs its first tick on its timer and stops when asked', async () => {
    await t.db.deleteFrom('view_refreshes').execute();
    const stop = startScheduler(t.app, { firstTickMs: 0, tickMs: 60_000 });
    try {
      await vi.waitFor(
        async () => {
          const rows = await t.db.selectFrom('view_refreshes').select('view_name').execute();
          expect(rows).toHaveLength(3);
        },
        { timeout: 20_000, interval: 100 },
      );
    } finally {
      stop();
    }
  });
});
