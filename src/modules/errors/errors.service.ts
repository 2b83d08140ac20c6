import { keyset, type PageResult } from '../../core/keyset.js';
import type { Db } from '../../db/index.js';
import type { ErrorLog as ErrorLogRow } from '../../db/types.js';
import { invalid, notFound } from '../../lib/errors.js';
import { cleanText } from '../../lib/text.js';
import { insertErrorLog, listErrorLogs, resolveErrorLog } from './errors.repository.js';
import {
  type ErrorLog,
  type ErrorLogQuery,
  MAX_CONTEXT_BYTES,
  type NewClientError,
} from './errors.schemas.js';

/** A client's error report: what it says, who sent it (when signed in), and from where. */
export async function logClientError(
  db: Db,
  body: NewClientError,
  meta: { userId: string | null; requestId: string; userAgent: string | undefined },
): Promise<{ id: string }> {
  const message = cleanText(body.message, 'message', { min: 1, max: 2000 });
  let context: string | null = null;
  if (body.context !== undefined) {
    context = JSON.stringify(body.context);
    if (Buffer.byteLength(context) > MAX_CONTEXT_BYTES) {
      throw invalid('context', `must be at most ${MAX_CONTEXT_BYTES / 1024} KB of JSON`);
    }
  }
  const id = await insertErrorLog(db, {
    level: body.level,
    source: body.source ?? 'frontend',
    message,
    stack: body.stack ?? null,
    url: body.url ?? null,
    user_agent: body.user_agent ?? meta.userAgent?.slice(0, 1000) ?? null,
    context,
    user_id: meta.userId,
    request_id: meta.requestId,
  });
  return { id };
}

function toErrorLog(row: ErrorLogRow): ErrorLog {
  return {
    id: row.id,
    level: row.level,
    source: row.source,
    message: row.message,
    stack: row.stack,
    url: row.url,
    user_agent: row.user_agent,
    context: (row.context as Record<string, unknown> | null) ?? null,
    user_id: row.user_id,
    request_id: row.request_id,
    resolved: row.resolved,
    resolved_at: row.resolved_at?.toISOString() ?? null,
    resolved_by: row.resolved_by,
    created_at: row.created_at.toISOString(),
  };
}

export async function errorLog(db: Db, query: ErrorLogQuery): Promise<PageResult<ErrorLog>> {
  const page = keyset(query);
  const rows = await listErrorLogs(
    db,
    {
      ...(query.resolved !== undefined ? { resolved: query.resolved } : {}),
      ...(query.level ? { level: query.level } : {}),
      ...(query.source ? { source: query.source } : {}),
      ...(query.since ? { since: new Date(query.since) } : {}),
    },
    page,
  );
  return page.page(rows, (r) => ({ t: r.created_at, id: r.id }), toErrorLog);
}

export async function resolve(db: Db, id: string, adminId: string): Promise<ErrorLog> {
  const row = await resolveErrorLog(db, id, adminId);
  if (!row) throw notFound('error');
  return toErrorLog(row);
}
