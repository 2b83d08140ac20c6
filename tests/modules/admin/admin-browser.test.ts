import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../helpers/app.js';
import { createAccount, createUser, insertPost } from '../../helpers/factories.js';
import { addSession, addUser, at, day, earlyToday } from '../metrics/metrics-helpers.js';

/**
 * The investor dashboard in a real browser: Debian's Chromium (`apt-get install -y chromium`)
 * driven by playwright-core, against the API listening on 127.0.0.1 with seeded data.
 *
 * Chromium is a system package, not an npm one, so a fresh machine may not have it: there
 * `npm test` says so and leaves these tests out, and everything else still runs. Under
 * CI (`CI` set) a missing Chromium fails the file instead: `.ci/run` installs it, and these
 * tests always run there.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const MISSING = `Chromium is not installed at ${CHROMIUM}: run "apt-get install -y chromium" (Debian), or set CHROMIUM_PATH.`;
const required = Boolean(process.env.CI);
const available = existsSync(CHROMIUM);
if (!available && !required) {
  console.warn(`${MISSING} The dashboard's browser tests are left out of this run.`);
}

describe.runIf(available || required)('the investor dashboard in Chromium', () => {
  const t = useTestApp();
  let browser: Browser;
  let base: string;
  let adminToken: string;

  beforeAll(async () => {
    if (!available) throw new Error(`${MISSING} CI must run the browser tests.`);
    await seed();
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  async function seed() {
    const account = await createAccount(t);
    adminToken = await t.token(account.id, { admin: true });
    for (let offset = -23; offset <= -5; offset += 3) {
      const user = await addUser(t, at(day(offset), '09:00'));
      await addSession(t, user, at(day(offset), '09:05'), at(day(offset), '09:40'));
      await addSession(t, user, at(day(offset + 1), '23:50'), at(day(offset + 2), '00:20'));
      await insertPost(t, user, {
        createdAt: new Date(Math.max(Date.now() - 3_600_000, Date.parse(`${day(0)}T00:00:00Z`))),
        tickers: ['NVDA', offset % 2 === 0 ? 'AAPL' : 'TSLA'],
        content: `<img src=x onerror="window.__pwned=1"> $NVDA "quoted", text`,
      });
    }
    const today = await addUser(t, earlyToday(1));
    await addSession(t, today, earlyToday(2), earlyToday(3));
    const res = await t.request({ method: 'POST', url: '/metrics/refresh', token: adminToken });
    expect(res.statusCode).toBe(200);
  }

  /** A fresh page, whose console errors, failed requests and page errors are collected. */
  async function open(): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
    await page.goto(`${base}/admin`);
    return { page, problems };
  }

  async function signIn(page: Page, token: string) {
    await page.locator('#token').fill(token);
    await page.locator('#token-form button[type=submit]').click();
  }

  it('asks for a token, then draws the charts and tables', async () => {
    const { page, problems } = await open();
    await expect.poll(() => page.locator('#sign-in').isVisible()).toBe(true);
    expect(await page.locator('#dashboard').isVisible()).toBe(false);

    await signIn(page, adminToken);
    await page.locator('body[data-loaded=true]').waitFor();

    expect(await page.locator('#chart-active svg path.series').count()).toBe(3);
    expect(await page.locator('#chart-engagement svg path.series').count()).toBe(6);
    // the first user signed up 23 days ago: the 6 days before are gaps, not zeros
    expect(await page.locator('#chart-new-users svg rect.bar').count()).toBe(24);
    const dau = await page.locator('#chart-active path[data-series=DAU]').getAttribute('d');
    expect(dau?.startsWith('M')).toBe(true);
    expect(dau?.match(/M/g)).toHaveLength(1); // one run: the gap comes before it
    // 23 full days in the line, and the step into today's partial day dashed on its own
    expect(dau?.split(/[ML]/).filter(Boolean)).toHaveLength(23);
    expect(await page.locator('#chart-active path.partial-step').count()).toBe(3);
    expect(await page.locator('#chart-active rect.nodata').count()).toBe(1);
    expect(await page.locator('#chart-active text.nodata-label').textContent()).toBe('no data');
    const gap = await page.locator('#chart-active rect.nodata').boundingBox();
    const firstPoint = await page.evaluate(`(() => {
      const path = document.querySelector('#chart-active path[data-series=DAU]');
      const p = path.getPointAtLength(0);
      const m = path.getScreenCTM();
      return p.x * m.a + m.e;
    })()`);
    expect(gap!.x + gap!.width).toBeLessThanOrEqual((firstPoint as number) + 1);
    expect(await page.locator('#kpis .kpi').count()).toBe(8);
    expect(await page.locator('#kpis .kpi svg.spark').count()).toBe(5);
    // the retention heat maps: a row a cohort since the first day, newest first
    expect(await page.locator('#retention-daily tbody tr').count()).toBe(24);
    const newest = page.locator('#retention-daily tbody tr th').first();
    expect(await newest.getAttribute('title')).toBe(`signed up ${day(0)}`);
    expect(await newest.textContent()).toBe(`${day(0).slice(5)}1`); // the label, its size under it
    expect(await page.locator('#retention-daily thead th').allTextContents()).toEqual([
      'Cohort',
      'Users',
      'D1',
      'D7',
      'D30',
    ]);
    // each user of the data set came back the day after signing up: D1 is 100 %
    const d1 = page.locator(`#retention-daily tbody tr:has(th[title="signed up ${day(-5)}"]) td`);
    expect(await d1.nth(1).textContent()).toBe('100');
    expect(await d1.nth(1).getAttribute('class')).toContain('heat-5');
    expect(await d1.nth(2).textContent()).toBe(''); // D7 has not come yet
    expect(await page.locator('#retention-weekly td.heat.partial').count()).toBeGreaterThan(0);
    expect(await page.locator('#retention-weekly tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('#retention-weekly td.heat-0').count()).toBeGreaterThan(0);
    // every coloured cell's text contrasts 4.5 : 1 at least with its background (WCAG AA)
    const contrasts = (await page.evaluate(`(() => {
      const lum = (css) => {
        const [r, g, b] = css.match(/[\\d.]+/g).slice(0, 3).map((v) => {
          const c = Number(v) / 255;
          return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      return [...document.querySelectorAll('.heat')].map((cell) => {
        const style = getComputedStyle(cell);
        const [a, b] = [lum(style.color), lum(style.backgroundColor)].sort((x, y) => y - x);
        return (a + 0.05) / (b + 0.05);
      });
    })()`)) as number[];
    expect(contrasts.length).toBeGreaterThan(30);
    expect(Math.min(...contrasts)).toBeGreaterThanOrEqual(4.5);
    expect(await page.locator('#health').textContent()).toContain('up, ');
    expect(await page.locator('#from').inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await page.locator('#chart-active text.partial-label').textContent()).toBe(
      'today (partial)',
    );
    expect(await page.locator('#trending-tickers tbody tr').count()).toBe(3);
    expect(await page.locator('#trending-tickers tbody tr').first().textContent()).toContain(
      '$NVDA',
    );
    // post content is shown as text, never as markup
    expect(await page.locator('#trending-posts tbody tr').count()).toBe(5);
    expect(await page.locator('#trending-posts img').count()).toBe(0);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(await page.locator('#status').textContent()).toContain(`live from ${day(0)}`);
    expect(await page.evaluate("sessionStorage.getItem('pageshare.adminToken')")).toBe(adminToken);

    // the export button downloads the CSV of the range shown
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#export-csv').click(),
    ]);
    expect(download.suggestedFilename()).toBe(`pageshare-metrics-${day(-29)}-${day(0)}.csv`);
    const csv = readFileSync((await download.path())!, 'utf8').split('\r\n');
    expect(csv[0]).toBe(
      'date,dau,wau,mau,new_users,total_users,posts,comments,reactions,reposts,bookmarks,poll_votes,partial',
    );
    expect(csv).toHaveLength(32); // header, 30 days, and the empty string after the last CRLF
    expect(csv[1]).toBe(`${day(-29)},,,,,,,,,,,,false`); // no data yet: empty cells
    expect(csv[30]?.endsWith(',true')).toBe(true); // today, partial

    // a range of one day: each series is a dot (a lone point of a line would draw nothing)
    await page.locator('#from').fill(day(0));
    await page.locator('#range-form button[type=submit]').click();
    await expect.poll(() => page.locator('#status').textContent()).toContain('(1 day)');
    expect(await page.locator('#chart-active circle.dot').count()).toBe(3);

    // a reload keeps the token for this tab
    await page.reload();
    await page.locator('body[data-loaded=true]').waitFor();
    expect(await page.locator('#sign-in').isVisible()).toBe(false);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('fits a desktop and a phone without sideways scrolling (screenshots in the temp folder)', async () => {
    // a user of 12 weeks ago, back every week since: the weekly heat map's widest rows (W0-W12,
    // 100 % each) over a range of 100 days
    const old = await addUser(t, at(day(-84), '09:00'));
    for (let week = 0; week <= 12; week++) {
      await addSession(t, old, at(day(-84 + 7 * week), '10:00'), at(day(-84 + 7 * week), '10:30'));
    }
    const { page, problems } = await open();
    await signIn(page, adminToken);
    await page.locator('body[data-loaded=true]').waitFor();
    await page.locator('#from').fill(day(-100));
    await page.locator('#range-form button[type=submit]').click();
    await expect.poll(() => page.locator('#status').textContent()).toContain(day(-100));
    expect(await page.locator('#retention-weekly thead th').count()).toBe(15); // W0-W12
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForTimeout(300); // the charts redraw for the new width
      const overflow = await page.evaluate(`(() => {
        const root = document.documentElement;
        const wide = [...document.querySelectorAll('main *')]
          .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1)
          .filter((el) => !el.closest('.scroll'))
          .map((el) => el.tagName + (el.id ? '#' + el.id : '') + '.' + el.className)
          .slice(0, 5);
        return { scroll: root.scrollWidth, client: root.clientWidth, wide };
      })()`);
      expect(overflow, `at ${width} px`).toMatchObject({ wide: [] });
      const { scroll, client } = overflow as { scroll: number; client: number };
      expect(scroll, `at ${width} px`).toBeLessThanOrEqual(client);
      // no axis label drawn smaller than 10 px on screen
      const smallest = await page.evaluate(`Math.min(...[...document.querySelectorAll('svg text')]
        .map((t) => t.getBoundingClientRect().height).filter((h) => h > 0))`);
      expect(smallest as number, `at ${width} px`).toBeGreaterThanOrEqual(10);
      // the heat maps fit their cards: every week column shown, its text not clipped
      const clipped =
        await page.evaluate(`[...document.querySelectorAll('table.heatmap td, table.heatmap th')]
        .filter((cell) => cell.scrollWidth > cell.clientWidth + 1)
        .map((cell) => cell.closest('table').id + ': ' + cell.textContent)`);
      expect(clipped, `at ${width} px`).toEqual([]);
      const text =
        await page.evaluate(`Math.min(...[...document.querySelectorAll('table.heatmap td')]
        .map((cell) => parseFloat(getComputedStyle(cell).fontSize)))`);
      expect(text as number, `at ${width} px`).toBeGreaterThanOrEqual(11);
      await page.screenshot({
        path: path.join(tmpdir(), `pageshare-dashboard-${width}.png`),
        fullPage: true,
      });
      // the retention heat maps up close, to look at
      await page.locator('#retention-weekly').screenshot({
        path: path.join(tmpdir(), `pageshare-dashboard-${width}-retention.png`),
      });
    }
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("sends someone who isn't an admin back to the sign-in form", async () => {
    const { page } = await open();
    const user = await createUser(t);
    await signIn(page, user.token);
    await page.locator('#sign-in-error:not([hidden])').waitFor();
    expect(await page.locator('#sign-in-error').textContent()).toContain('not an admin');
    expect(await page.evaluate("sessionStorage.getItem('pageshare.adminToken')")).toBeNull();
    await signIn(page, 'not-a-token');
    await page.locator('#sign-in-error:not([hidden])').waitFor();
    expect(await page.locator('#sign-in-error').textContent()).toContain('refused');
    await page.context().close();
  });

  it('serves /docs branded PageShare, with no console error and no lock on public routes', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(`${base}/docs/`);
    await page.locator('.opblock').first().waitFor();
    expect(await page.title()).toBe('PageShare API');
    // GET /health is public: no lock; GET /users/me needs a token: a lock
    const health = page.locator('#operations-health-getHealth');
    await health.waitFor();
    expect(await health.locator('.authorization__btn').count()).toBe(0);
    expect(await page.locator('#operations-users-getMe .authorization__btn').count()).toBe(1);
    // the Authorize dialog asks for the bearer token only
    await page.locator('.auth-wrapper .authorize').click();
    await page.locator('.modal-ux').waitFor();
    expect(await page.locator('.modal-ux .auth-container').count()).toBe(1);
    expect(await page.locator('.modal-ux').textContent()).toContain('bearerAuth');
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('runs under its content security policy: an injected inline script does not run', async () => {
    const { page, problems } = await open();
    const ran = await page.evaluate(`(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__inline = 1';
      document.body.append(script);
      return window.__inline;
    })()`);
    expect(ran).toBeUndefined();
    expect(problems.some((p) => p.includes('Content Security Policy'))).toBe(true);
    await page.context().close();
  });
});
