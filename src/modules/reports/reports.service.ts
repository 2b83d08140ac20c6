import { otherUser } from '../../core/access.js';
import { keyset, type PageResult } from '../../core/keyset.js';
import type { Db } from '../../db/index.js';
import { notFound } from '../../lib/errors.js';
import { cleanText } from '../../lib/text.js';
import {
  decideReport,
  findReport,
  insertReport,
  listReports,
  type ReportRow,
  targetExists,
} from './reports.repository.js';
import type { NewReport, Report, ReportDecision, ReportsQuery } from './reports.schemas.js';

export async function createReport(db: Db, reporterId: string, body: NewReport) {
  if (body.target_type === 'user') otherUser(reporterId, body.target_id, 'target_id');
  const details =
    body.details === undefined ? null : cleanText(body.details, 'details', { max: 1000 }) || null;
  if (!(await targetExists(db, body.target_type, body.target_id))) {
    throw notFound(body.target_type);
  }
  // one open report per reporter and target: the unique index answers 409 already_reported
  const row = await insertReport(db, {
    reporter_id: reporterId,
    target_type: body.target_type,
    target_id: body.target_id,
    reason: body.reason,
    details,
  });
  return { id: row.id, status: 'open' as const, created_at: row.created_at.toISOString() };
}

function toReport(row: ReportRow): Report {
  return {
    id: row.id,
    reporter: row.reporter,
    target_type: row.target_type,
    target_id: row.target_id,
    target_preview: row.target?.preview ?? null,
    target_deleted: row.target ? row.target.deleted : true,
    reason: row.reason,
    details: row.details,
    status: row.status,
    resolution_note: row.resolution_note,
    resolved_by: row.resolved_by,
    resolved_at: row.resolved_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

export async function reportQueue(db: Db, query: ReportsQuery): Promise<PageResult<Report>> {
  const page = keyset(query);
  const rows = await listReports(
    db,
    {
      ...(query.status ? { status: query.status } : {}),
      ...(query.target_type ? { targetType: query.target_type } : {}),
    },
    page,
  );
  return page.page(rows, (r) => ({ t: r.created_at, id: r.id }), toReport);
}

export async function decide(
  db: Db,
  reportId: string,
  adminId: string,
  body: ReportDecision,
): Promise<Report> {
  const note =
    body.resolution_note === undefined
      ? null
      : cleanText(body.resolution_note, 'resolution_note', { max: 1000 }) || null;
  const updated = await decideReport(db, reportId, {
    status: body.status,
    resolution_note: note,
    resolved_by: adminId,
  });
  if (!updated) throw notFound('report');
  const row = await findReport(db, reportId);
  if (!row) throw notFound('report');
  return toReport(row);
}
