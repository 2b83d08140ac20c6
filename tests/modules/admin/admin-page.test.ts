import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../helpers/app.js';
import { createUser, expectError } from '../../helpers/factories.js';

describe('GET /admin', () => {
  const t = useTestApp();

  it('serves the page with a strict content security policy and no inline code', async () => {
    const res = await t.request({ method: 'GET', url: '/admin' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(res.body).toContain('<script type="module" src="/admin/assets/dashboard.js"></script>');
    // no inline script, no inline style, no inline event handler, nothing from elsewhere
    expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(res.body).not.toMatch(/\son[a-z]+=|\sstyle=|<style|https?:\/\//i);
  });

  it('serves its script and stylesheet, and nothing else from its folder', async () => {
    const js = await t.request({ method: 'GET', url: '/admin/assets/dashboard.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toContain('sessionStorage');
    expect(js.body).not.toMatch(/innerHTML|eval\(|new Function/);
    const charts = await t.request({ method: 'GET', url: '/admin/assets/charts.js' });
    expect(charts.body).toContain('export function lineChart');
    const css = await t.request({ method: 'GET', url: '/admin/assets/dashboard.css' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    for (const name of ['index.html', 'constructor', '__proto__', '..%2Fadmin.routes.ts', 'x.js']) {
      expectError(
        await t.request({ method: 'GET', url: `/admin/assets/${name}` }),
        404,
        'not_found',
      );
    }
  });

  it('is listed in the OpenAPI document, its assets are not', async () => {
    const doc = (await t.request({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.paths['/admin'].get.operationId).toBe('getAdminDashboard');
    expect(doc.paths['/admin/assets/{name}']).toBeUndefined();
    for (const path of ['dashboard', 'users', 'engagement', 'growth', 'health', 'trending']) {
      expect(doc.paths[`/metrics/${path}`].get.operationId).toBeTruthy();
      expect(doc.paths[`/metrics/${path}`].get.responses['200']).toBeTruthy();
    }
    expect(Object.keys(doc.paths['/metrics/export'].get.responses['200'].content).sort()).toEqual([
      'application/json',
      'text/csv',
    ]);
  });

  it('holds no data: the metrics it calls still need an admin', async () => {
    const user = await createUser(t);
    expectError(
      await t.request({ method: 'GET', url: '/metrics/dashboard', token: user.token }),
      403,
      'forbidden',
    );
  });
});
