import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from '../../../src/modules/metrics/csv.js';
import { useTestApp } from '../../helpers/app.js';
import { createAccount, createUser, expectError, getOk } from '../../helpers/factories.js';
import { addSession, addUser, adminToken, at, day } from './metrics-helpers.js';

const ROUTES = [
  '/metrics/dashboard',
  '/metrics/users',
  '/metrics/engagement',
  '/metrics/growth',
  '/metrics/health',
  '/metrics/trending',
  '/metrics/export',
];
const RANGED = ROUTES.filter((r) => !r.endsWith('/health') && !r.endsWith('/trending'));

describe('who may read the metrics', () => {
  const t = useTestApp();

  it('answers 401 without a token and 403 to anyone but an admin', async () => {
    const user = await createUser(t);
    const account = await createAccount(t);
    for (const url of ROUTES) {
      expectError(await t.request({ method: 'GET', url }), 401, 'unauthorized');
      expectError(
        await t.request({ method: 'GET', url, token: 'not.a.token' }),
        401,
        'unauthorized',
      );
      expectError(await t.request({ method: 'GET', url, token: user.token }), 403, 'forbidden');
      expectError(await t.request({ method: 'GET', url, token: account.token }), 403, 'forbidden');
    }
  });

  it('lets in an admin by profile, by token claim and by ADMIN_USER_IDS', async () => {
    const byProfile = await createUser(t, { admin: true });
    for (const url of ROUTES) {
      const res = await t.request({ method: 'GET', url, token: byProfile.token });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    }
    const claim = await adminToken(t);
    expect((await t.request({ method: 'GET', url: ROUTES[0]!, token: claim })).statusCode).toBe(
      200,
    );
  });
});

describe('metrics ranges', () => {
  const t = useTestApp();

  it('refuses bad days and bad ranges with 422', async () => {
    const admin = await adminToken(t);
    const bad = [
      `from=${day(0)}&to=${day(-1)}`, // from after to
      `to=${day(1)}`, // tomorrow
      `from=${day(-366)}&to=${day(0)}`, // 367 days
      'from=2026-02-30',
      'from=2025-02-29',
      'to=2026-13-01',
      'from=2026-1-5',
      'from=20260105',
      'from=yesterday',
      'from=1999-12-31&to=2000-01-01',
      "from=2026-01-01'%20or%20'1'='1",
      'from=%3Cscript%3Ealert(1)%3C/script%3E',
      `from=${day(-3)}&from=${day(-2)}`,
      'to=',
    ];
    for (const url of RANGED) {
      for (const query of bad) {
        const res = await t.request({ method: 'GET', url: `${url}?${query}`, token: admin });
        const error = expectError(res, 422, 'validation_error');
        expect(error.details?.length, `${url}?${query}`).toBeGreaterThan(0);
      }
    }
    for (const query of ['window=2d', 'window=', 'limit=0', 'limit=51', 'limit=ten']) {
      const res = await t.request({
        method: 'GET',
        url: `/metrics/trending?${query}`,
        token: admin,
      });
      expectError(res, 422, 'validation_error');
    }
    for (const query of ['format=xml', 'format=CSV', 'format=']) {
      const res = await t.request({ method: 'GET', url: `/metrics/export?${query}`, token: admin });
      expectError(res, 422, 'validation_error');
    }
  });

  it('accepts 366 days, a single day, and only `from` or only `to`', async () => {
    const admin = await adminToken(t);
    const get = async (query: string) =>
      (await getOk<{ range: unknown }>(t, `/metrics/users?${query}`, admin)).range;
    expect(await get(`from=${day(-365)}&to=${day(0)}`)).toEqual({
      from: day(-365),
      to: day(0),
      days: 366,
    });
    expect(await get(`from=${day(-4)}&to=${day(-4)}`)).toEqual({
      from: day(-4),
      to: day(-4),
      days: 1,
    });
    expect(await get(`to=${day(-10)}`)).toEqual({ from: day(-39), to: day(-10), days: 30 });
    expect(await get(`from=${day(-3)}`)).toEqual({ from: day(-3), to: day(0), days: 4 });
    expect(await get('from=2024-02-29&to=2024-03-01')).toEqual({
      from: '2024-02-29',
      to: '2024-03-01',
      days: 2,
    });
  });
});

describe('GET /metrics/export', () => {
  const t = useTestApp();

  it('sends a CSV file with a header row, one row a day', async () => {
    const admin = await adminToken(t);
    const user = await addUser(t, at(day(-2), '08:00'));
    await addSession(t, user, at(day(-2), '09:00'), at(day(-1), '00:05'));
    const res = await t.request({
      method: 'GET',
      url: `/metrics/export?format=csv&from=${day(-2)}&to=${day(0)}`,
      token: admin,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="pageshare-metrics-${day(-2)}-${day(0)}.csv"`,
    );
    expect(res.headers['x-metrics-live-from']).toBe(day(-2));
    expect(res.headers['x-metrics-refreshed-at']).toBe('never');
    expect(res.body).toBe(
      [
        'date,dau,wau,mau,new_users,total_users,posts,comments,reactions,reposts,bookmarks,poll_votes,partial',
        `${day(-2)},1,1,1,1,1,0,0,0,0,0,0,false`,
        `${day(-1)},1,1,1,0,1,0,0,0,0,0,0,false`,
        `${day(0)},0,1,1,0,1,0,0,0,0,0,0,true`,
        '',
      ].join('\r\n'),
    );
  });

  it('sends CSV by default and JSON when asked', async () => {
    const admin = await adminToken(t);
    const csv = await t.request({ method: 'GET', url: '/metrics/export', token: admin });
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.body.trimEnd().split('\r\n')).toHaveLength(31);
    const json = await t.request({
      method: 'GET',
      url: `/metrics/export?format=json&from=${day(-1)}&to=${day(-1)}`,
      token: admin,
    });
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(json.headers['content-disposition']).toBe(
      `attachment; filename="pageshare-metrics-${day(-1)}-${day(-1)}.json"`,
    );
    expect(json.json()).toEqual([
      {
        date: day(-1),
        dau: 1,
        wau: 1,
        mau: 1,
        new_users: 0,
        total_users: 1,
        posts: 0,
        comments: 0,
        reactions: 0,
        reposts: 0,
        bookmarks: 0,
        poll_votes: 0,
        partial: false,
      },
    ]);
  });
});

describe('CSV escaping', () => {
  it('quotes what needs quoting and disarms spreadsheet formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField(42)).toBe('42');
    expect(csvField(-3)).toBe('-3');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-1')).toBe("'-1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tx')).toBe("'\tx");
  });

  it('writes a header row and CRLF line ends', () => {
    expect(toCsv(['a', 'b'], [{ a: 1, b: 'x,y' }, { a: 2 }])).toBe('a,b\r\n1,"x,y"\r\n2,\r\n');
  });
});
