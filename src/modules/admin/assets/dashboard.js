// The investor dashboard (GET /admin). Plain browser JavaScript, no build step, no library:
// it asks for an admin token (kept in sessionStorage), calls the /metrics routes with it and
// draws the charts as SVG at the width they have on screen (again when the window resizes).
// The tabs (Overview, …) are listed in TABS: a new tab is a <section data-tab> in index.html,
// an entry there and its render function. Text from the API is only ever set as textContent.

import { barChart, lineChart, sparkline } from './charts.js';

const TOKEN_KEY = 'pageshare.adminToken';
const $ = (id) => document.getElementById(id);

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

async function call(path) {
  const res = await fetch(path, { headers: { authorization: `Bearer ${token()}` } });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      message = (await res.json()).error.message;
    } catch {
      // not the API's error shape: keep the status line
    }
    throw new HttpError(res.status, message);
  }
  return res;
}

const api = async (path) => (await call(path)).json();

/** An HTML element: el('td', { class: 'x' }, 'text', child). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  for (const child of children) {
    node.append(child instanceof Node ? child : document.createTextNode(String(child ?? '')));
  }
  return node;
}

const number = new Intl.NumberFormat('en-US');
const fmt = (value) => (value === null || value === undefined ? '–' : number.format(value));
const pct = (share) =>
  share === null || share === undefined ? '–' : `${(share * 100).toFixed(1)} %`;
const change = (value) =>
  value === null || value === undefined ? '–' : `${value > 0 ? '+' : ''}${value.toFixed(1)} %`;

// ---- tables -------------------------------------------------------------------------------

function table(node, head, rows) {
  node.replaceChildren(
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', {}, h)))),
    el('tbody', {}, ...rows.map((cells) => el('tr', {}, ...cells.map(cell)))),
  );
}

/** A cell: a value, or { text, class }. */
function cell(value) {
  if (value !== null && typeof value === 'object' && !(value instanceof Node)) {
    return el('td', value.class ? { class: value.class } : {}, value.text);
  }
  return el('td', {}, value);
}

// ---- retention heat maps ---------------------------------------------------------------------

/**
 * The colour step of a share: 0 %, up to 10, 25, 50, 75 and 100 %. Steps, not a gradient, so
 * that each one's text colour is known to contrast with it (4.5 : 1 at least, checked in
 * tests/modules/admin/admin-browser.test.ts); the low steps are narrow because retention
 * mostly lives there.
 */
const HEAT_STEPS = [0, 0.1, 0.25, 0.5, 0.75, 1];
const heatStep = (share) => HEAT_STEPS.findIndex((top) => share <= top);

/** A cell of a heat map: the share as a whole percentage on its colour, or "–" without one. */
function heatCell(value, what) {
  if (!value || value.share === null) {
    return el('td', { class: 'heat na', title: `${what}: no users to count` }, '–');
  }
  const percent = Math.round(value.share * 100);
  const attrs = {
    class: `heat heat-${heatStep(value.share)}${value.partial ? ' partial' : ''}`,
    title: `${what}: ${pct(value.share)} (${fmt(value.active)} users)${
      value.partial ? ', still counting' : ''
    }`,
  };
  // the star is the text's mark of a partial value (the dashed outline is the colour's)
  return el('td', attrs, String(percent), value.partial ? el('span', { class: 'star' }, '*') : '');
}

/**
 * A cohort heat map: one row a cohort (its label and size), one column a day or week since
 * (the share of the cohort active then). `cells(row)` gives each column's { share, active,
 * partial } or null (not come yet).
 */
function heatMap(node, { corner, columns, rows, label, size, cells }) {
  node.replaceChildren(
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', { scope: 'col' }, corner),
        el('th', { scope: 'col', class: 'size' }, 'Users'),
        ...columns.map((c) =>
          el('th', { scope: 'col' }, el('span', { class: 'unit' }, c[0]), c.slice(1)),
        ),
      ),
    ),
    el(
      'tbody',
      {},
      ...rows.map((row) =>
        el(
          'tr',
          {},
          // the size is also under the label, where a phone shows it instead of its column
          el(
            'th',
            { scope: 'row', title: label(row).title },
            label(row).text,
            el('span', { class: 'n' }, fmt(size(row))),
          ),
          el('td', { class: 'size' }, fmt(size(row))),
          ...cells(row).map((value, i) =>
            value === undefined
              ? el('td', { class: 'heat none' }, '')
              : heatCell(value, `${label(row).title}, ${columns[i]}`),
          ),
        ),
      ),
    ),
  );
}

function renderRetention(users) {
  heatMap($('retention-daily'), {
    corner: 'Cohort',
    columns: ['D1', 'D7', 'D30'],
    // newest first; the days before the first day of the service are no cohort at all
    rows: users.retention.daily.filter((r) => r.size !== null).reverse(),
    label: (r) => ({ text: r.cohort.slice(5), title: `signed up ${r.cohort}` }),
    size: (r) => r.size,
    cells: (r) => [r.d1, r.d7, r.d30].map((v) => v ?? undefined),
  });
  const weeks = Math.max(0, ...users.retention.weekly.map((r) => r.weeks.length));
  heatMap($('retention-weekly'), {
    corner: 'Week',
    columns: Array.from({ length: weeks }, (_, i) => `W${i}`),
    rows: [...users.retention.weekly].reverse(),
    label: (r) => ({ text: r.cohort_week.slice(5), title: `week of ${r.cohort_week}` }),
    size: (r) => r.size,
    cells: (r) => Array.from({ length: weeks }, (_, i) => r.weeks[i]),
  });
}

function renderHealth(health) {
  const db = health.database;
  table(
    $('health'),
    ['What', 'Now'],
    [
      [
        'Database',
        db.reachable
          ? { text: `up, ${Math.round(db.round_trip_ms)} ms`, class: 'ok' }
          : { text: 'unreachable', class: 'bad' },
      ],
      ['Errors, last 24 h', fmt(health.errors_24h?.total)],
      ['Unresolved errors', fmt(health.unresolved_errors)],
      ['Open reports', fmt(health.open_reports)],
    ],
  );
  // the engineering detail, behind the "Details" toggle
  const rows = [];
  for (const [level, n] of Object.entries(health.errors_24h?.by_level ?? {})) {
    rows.push([`errors 24 h, ${level}`, fmt(n)]);
  }
  for (const [source, n] of Object.entries(health.errors_24h?.by_source ?? {})) {
    rows.push([`errors 24 h, from ${source}`, fmt(n)]);
  }
  for (const view of health.views) {
    rows.push([
      view.name.replaceAll('_', ' '),
      view.refreshed_at ? `${view.refreshed_at.replace('T', ' ').slice(0, 16)} UTC` : 'never',
    ]);
  }
  table($('health-detail'), ['Detail', ''], rows);
}

function renderTrending(trending) {
  table(
    $('trending-tickers'),
    ['Rank', 'Ticker', 'Mentions'],
    trending.tickers.map((t) => [t.rank, `$${t.symbol}`, fmt(t.mentions)]),
  );
  table(
    $('trending-posts'),
    ['Author', 'Post', 'Reactions', 'Comments', 'Reposts', 'Score'],
    trending.posts.items.map((p) => [
      `@${p.author.username}`,
      { text: p.content.length > 140 ? `${p.content.slice(0, 140)}…` : p.content, class: 'text' },
      fmt(p.reactions),
      fmt(p.comments),
      fmt(p.reposts),
      fmt(p.score),
    ]),
  );
}

/** A headline number: its label, the value, its change over the period before, a sparkline. */
function kpi(label, value, { change: delta, period, series } = {}) {
  const node = el('div', { class: 'kpi' }, el('div', { class: 'label' }, label));
  node.append(el('div', { class: value.length > 12 ? 'value small' : 'value' }, value));
  if (delta !== undefined) {
    const direction = delta === null ? '' : delta > 0 ? 'up' : delta < 0 ? 'down' : '';
    node.append(el('div', { class: `change ${direction}` }, `${change(delta)} ${period}`));
  }
  if (series) node.append(sparkline(series));
  return node;
}

function renderKpis(d, users) {
  const u = d.users;
  const g = d.growth;
  const column = (key) => users.series.map((r) => r[key] ?? null);
  $('kpis').replaceChildren(
    kpi('Daily active users', fmt(u.dau), {
      change: g.week_over_week.active_users.change_pct,
      period: 'active, week over week',
      series: column('dau'),
    }),
    kpi('Weekly active users', fmt(u.wau), { series: column('wau') }),
    kpi('Monthly active users', fmt(u.mau), {
      change: g.month_over_month.active_users.change_pct,
      period: 'month over month',
      series: column('mau'),
    }),
    kpi('New users in range', fmt(u.new_users), {
      change: g.week_over_week.new_users.change_pct,
      period: 'week over week',
      series: column('new_users'),
    }),
    kpi('Total users', fmt(u.total_users), { series: column('total_users') }),
    kpi('Stickiness (DAU / MAU)', pct(u.stickiness)),
    kpi(
      'Retention D1 · D7 · D30',
      `${pct(u.retention.d1)} · ${pct(u.retention.d7)} · ${pct(u.retention.d30)}`,
    ),
    kpi('Posts per active user', d.engagement.per_active_user.posts?.toFixed(2) ?? '–'),
  );
}

// ---- the page -----------------------------------------------------------------------------

/** The charts of the data loaded last; drawn again when the window changes width. */
let drawCharts = () => {};

function charts(users, engagement) {
  const dates = users.series.map((r) => r.date);
  const partial = users.series.map((r) => r.partial);
  lineChart(
    $('chart-active'),
    dates,
    [
      { name: 'DAU', values: users.series.map((r) => r.dau) },
      { name: 'WAU', values: users.series.map((r) => r.wau) },
      { name: 'MAU', values: users.series.map((r) => r.mau) },
    ],
    { partial },
  );
  barChart(
    $('chart-new-users'),
    dates,
    users.series.map((r) => r.new_users),
    'new users',
    { partial },
  );
  const kinds = ['posts', 'comments', 'reactions', 'reposts', 'bookmarks', 'poll_votes'];
  lineChart(
    $('chart-engagement'),
    engagement.series.map((r) => r.date),
    kinds.map((k) => ({ name: k.replace('_', ' '), values: engagement.series.map((r) => r[k]) })),
    { partial: engagement.series.map((r) => r.partial) },
  );
}

/** The tabs of the dashboard: a button in nav.tabs and a <section data-tab> each. */
function showTab(name) {
  for (const section of document.querySelectorAll('[data-tab]')) {
    section.hidden = section.dataset.tab !== name;
  }
  for (const button of document.querySelectorAll('nav.tabs button')) {
    button.setAttribute('aria-pressed', String(button.dataset.show === name));
  }
  drawCharts();
}

/** The range asked for; none at first, so the server's clock picks "the last 30 days". */
function range() {
  const parts = [];
  if ($('from').value) parts.push(`from=${encodeURIComponent($('from').value)}`);
  if ($('to').value) parts.push(`to=${encodeURIComponent($('to').value)}`);
  return parts.join('&');
}

function showError(error) {
  if (error instanceof HttpError && (error.status === 401 || error.status === 403)) {
    sessionStorage.removeItem(TOKEN_KEY);
    signedOut(
      error.status === 403 ? 'This token is not an admin’s.' : 'The token was refused (expired?).',
    );
    return;
  }
  $('error').textContent = error.message;
  $('error').hidden = false;
}

async function load() {
  $('error').hidden = true;
  $('status').textContent = 'Loading…';
  try {
    const q = range();
    const [dashboard, users, engagement] = await Promise.all([
      api(`/metrics/dashboard?${q}`),
      api(`/metrics/users?${q}`),
      api(`/metrics/engagement?${q}`),
    ]);
    $('from').value = dashboard.range.from;
    $('to').value = dashboard.range.to;
    renderKpis(dashboard, users);
    drawCharts = () => charts(users, engagement);
    drawCharts();
    renderRetention(users);
    renderHealth(dashboard.health);
    renderTrending(dashboard.trending);
    const refreshed = dashboard.refreshed_at
      ? `views refreshed ${dashboard.refreshed_at.replace('T', ' ').slice(0, 16)} UTC`
      : 'views never refreshed';
    $('status').textContent =
      `${dashboard.range.from} – ${dashboard.range.to} (${dashboard.range.days} ${dashboard.range.days === 1 ? 'day' : 'days'}) · ${refreshed}` +
      (dashboard.live_from ? ` · live from ${dashboard.live_from}` : '');
    document.body.dataset.loaded = 'true';
  } catch (error) {
    $('status').textContent = '';
    showError(error);
  }
}

async function download(format) {
  try {
    const res = await call(`/metrics/export?format=${format}&${range()}`);
    const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1];
    const url = URL.createObjectURL(await res.blob());
    const link = el('a', { href: url, download: name ?? `pageshare-metrics.${format}` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (error) {
    showError(error);
  }
}

function signedOut(message) {
  $('dashboard').hidden = true;
  $('sign-out').hidden = true;
  $('sign-in').hidden = false;
  $('sign-in-error').textContent = message ?? '';
  $('sign-in-error').hidden = !message;
  $('token').focus();
}

function signedIn() {
  $('sign-in').hidden = true;
  $('sign-out').hidden = false;
  $('dashboard').hidden = false;
  load();
}

function start() {
  $('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const value = $('token')
      .value.trim()
      .replace(/^Bearer\s+/i, '');
    if (!value) return;
    sessionStorage.setItem(TOKEN_KEY, value);
    $('token').value = '';
    signedIn();
  });
  $('range-form').addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });
  $('export-csv').addEventListener('click', () => download('csv'));
  $('export-json').addEventListener('click', () => download('json'));
  for (const button of document.querySelectorAll('nav.tabs button')) {
    button.addEventListener('click', () => showTab(button.dataset.show));
  }
  let resizing;
  window.addEventListener('resize', () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => drawCharts(), 100);
  });
  $('sign-out').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    signedOut();
  });
  if (token()) signedIn();
  else signedOut();
}

start();
