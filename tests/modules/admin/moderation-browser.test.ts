import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../helpers/app.js';
import { createPost, createUser, type TestUser } from '../../helpers/factories.js';

/**
 * The moderation page (GET /admin/moderation) in Debian's Chromium, as the dashboard's browser
 * test does: a report acted on from the page resolves it, deletes the content and shows in
 * the audit log; hostile text stays text; nothing overflows at a phone's width.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const required = Boolean(process.env.CI);
const available = existsSync(CHROMIUM);

describe.runIf(available || required)('the moderation page in Chromium', () => {
  const t = useTestApp();
  let browser: Browser;
  let base: string;
  let admin: TestUser;
  let postId: string;

  beforeAll(async () => {
    if (!available)
      throw new Error(`Chromium is not installed at ${CHROMIUM}: CI must run the browser tests.`);
    admin = await createUser(t, { admin: true });
    const [ada, ben] = [await createUser(t), await createUser(t)];
    const post = await createPost(
      t,
      ben,
      '<img src=x onerror="window.__pwned=1"> guaranteed 10x, DM me',
    );
    postId = post.id;
    const report = await t.request({
      method: 'POST',
      url: '/reports',
      token: ada.token,
      payload: { target_type: 'post', target_id: post.id, reason: 'scam', details: 'pump' },
    });
    expect(report.statusCode).toBe(201);
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

  it('lists the open report, deletes the content from it, and shows the audit log', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/admin/moderation`);
    await page.fill('#token', admin.token);
    await page.click('#token-form button[type=submit]');
    const item = page.locator('#reports li').first();
    await item.waitFor();
    expect(await item.textContent()).toContain('<img src=x');
    expect(await page.evaluate('window.__pwned')).toBeUndefined();

    await item.getByRole('button', { name: 'Delete content' }).click();
    await page.locator('#reports-empty').waitFor({ state: 'visible' });
    await page.locator('#audit li').nth(1).waitFor();
    const audit = await page.locator('#audit').textContent();
    expect(audit).toContain('delete post');
    expect(audit).toContain('resolve report');
    const gone = await t.request({ method: 'GET', url: `/posts/${postId}` });
    expect(gone.statusCode).toBe(404);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('fits a phone (390 px) without sideways scrolling, and refuses a token that is not an admin’s', async () => {
    const user = await createUser(t);
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${base}/admin/moderation`);
    await page.fill('#token', user.token);
    await page.click('#token-form button[type=submit]');
    await page.locator('#sign-in-error').waitFor({ state: 'visible' });
    expect(await page.locator('#sign-in-error').textContent()).toContain('not an admin');
    await page.fill('#token', admin.token);
    await page.click('#token-form button[type=submit]');
    await page.locator('#audit li').first().waitFor();
    const overflow = await page.evaluate(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBe(0);
    await page.close();
  });
});
