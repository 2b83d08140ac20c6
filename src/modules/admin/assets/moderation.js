// The moderation page (GET /admin/moderation): the open reports with their actions, and the
// audit log. Plain browser JavaScript, no build step; text from the API is only ever set as
// textContent. It shares the admin token of the investor dashboard (same sessionStorage key).

const TOKEN_KEY = 'pageshare.adminToken';
const $ = (id) => document.getElementById(id);
const token = () => sessionStorage.getItem(TOKEN_KEY);

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function api(path, options = {}) {
  const res = await fetch(path, {
    ...options,
    headers: {
      authorization: `Bearer ${token()}`,
      ...(options.body ? { 'content-type': 'application/json' } : {}),
    },
  });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      message = (await res.json()).error.message;
    } catch {
      // not the API's error shape
    }
    throw new HttpError(res.status, message);
  }
  return res.json();
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  for (const child of children) {
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

const when = (iso) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
const status = (text) => {
  $('status').textContent = text;
};

const pages = { reports: null, audit: null };

async function decide(report, body, label) {
  status(`${label}…`);
  try {
    await api(`/reports/${report.id}`, { method: 'PATCH', body: JSON.stringify(body) });
    status(`${label}: done.`);
    await Promise.all([loadReports(true), loadAudit(true)]);
  } catch (error) {
    status(`${label} failed: ${error.message}`);
  }
}

function reportItem(report) {
  const who = report.reporter ? `@${report.reporter.username}` : 'a deleted account';
  const target = `${report.target_type}${report.target_deleted ? ' (deleted)' : ''}`;
  const actions = el('div', { class: 'actions' });
  const button = (text, cls, onClick) => {
    const b = el('button', { type: 'button', class: cls }, text);
    b.addEventListener('click', onClick);
    actions.append(b);
  };
  button('Dismiss', 'secondary', () => decide(report, { status: 'dismissed' }, 'Dismiss'));
  button('Resolve', 'secondary', () => decide(report, { status: 'resolved' }, 'Resolve'));
  if (report.target_type !== 'user' && !report.target_deleted) {
    button('Delete content', 'danger', () =>
      decide(report, { status: 'resolved', action: 'delete_content' }, 'Delete content'),
    );
  }
  button('Suspend author', 'danger', () => {
    const reason = window.prompt('Why is this account suspended? (kept in the audit log)');
    if (!reason?.trim()) return;
    decide(report, { status: 'resolved', action: 'suspend_user', reason }, 'Suspend');
  });
  return el(
    'li',
    { 'data-report': report.id },
    el(
      'div',
      { class: 'meta' },
      `${when(report.created_at)} · ${report.reason} · ${target} · by ${who}`,
    ),
    el('div', { class: 'preview' }, report.target_preview ?? '(nothing to show)'),
    ...(report.details ? [el('div', { class: 'meta' }, `“${report.details}”`)] : []),
    actions,
  );
}

function auditItem(entry) {
  return el(
    'li',
    { 'data-audit': entry.id },
    el('div', {}, `${entry.action.replace('_', ' ')} · ${entry.target_type} ${entry.target_id}`),
    el(
      'div',
      { class: 'meta' },
      `${when(entry.created_at)} · by @${entry.actor.username}${entry.reason ? ` · ${entry.reason}` : ''}`,
    ),
  );
}

async function loadList(name, path, item, fresh) {
  const list = $(name);
  if (fresh) {
    list.replaceChildren();
    pages[name] = null;
  }
  const cursor = pages[name] ? `&cursor=${encodeURIComponent(pages[name])}` : '';
  const page = await api(`${path}${cursor}`);
  list.append(...page.items.map(item));
  pages[name] = page.next_cursor;
  $(`${name}-more`).hidden = !page.next_cursor;
  $(`${name}-empty`).hidden = list.children.length > 0;
}

const loadReports = (fresh) =>
  loadList('reports', '/reports?status=open&limit=20', reportItem, fresh);
const loadAudit = (fresh) => loadList('audit', '/admin/audit?limit=20', auditItem, fresh);

function signedOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  $('moderation').hidden = true;
  $('sign-out').hidden = true;
  $('sign-in').hidden = false;
  $('sign-in-error').hidden = !message;
  $('sign-in-error').textContent = message ?? '';
  $('token').focus();
}

async function signedIn() {
  $('sign-in').hidden = true;
  $('moderation').hidden = false;
  $('sign-out').hidden = false;
  try {
    await Promise.all([loadReports(true), loadAudit(true)]);
  } catch (error) {
    if (error.status === 401 || error.status === 403) {
      signedOut(
        error.status === 403
          ? 'This token is not an admin’s.'
          : 'The token was refused (expired?).',
      );
    } else status(`Could not load: ${error.message}`);
  }
}

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
$('sign-out').addEventListener('click', () => signedOut());
$('reports-more').addEventListener('click', () => loadReports(false));
$('audit-more').addEventListener('click', () => loadAudit(false));
if (token()) signedIn();
else signedOut();
