import { otherUser } from '../../core/access.js';
import { recordAudit } from '../../core/audit.js';
import { deleteCommentAs, deletePostAs, inTransaction } from '../../core/content.js';
import { keyset, type PageResult } from '../../core/keyset.js';
import type { Db } from '../../db/index.js';
import { invalid, notFound } from '../../lib/errors.js';
import { cleanText } from '../../lib/text.js';
import { suspendUser as suspendUserIn } from './moderation.service.js';
import {
  authorOf,
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
  const action = body.action ?? 'none';
  const reason =
    body.reason === undefined ? null : cleanText(body.reason, 'reason', { min: 1, max: 500 });
  if (action === 'suspend_user' && !reason) throw invalid('reason', 'is needed to suspend');
  if (action !== 'none' && body.status !== 'resolved') {
    throw invalid('action', `needs status "resolved" (a dismissed report takes no action)`);
  }
  await inTransaction(db, async (trx) => {
    const report = await findReport(trx, reportId);
    if (!report) throw notFound('report');
    if (action === 'delete_content') {
      const admin = { id: adminId, isAdmin: true };
      const why = reason ?? note;
      if (report.target_type === 'post') await deletePostAs(trx, report.target_id, admin, why);
      else if (report.target_type === 'comment') {
        await deleteCommentAs(trx, report.target_id, admin, why);
      } else throw invalid('action', 'delete_content is for a reported post or comment');
    } else if (action === 'suspend_user') {
      const userId = await authorOf(trx, report.target_type, report.target_id);
      if (!userId) throw notFound(report.target_type);
      await suspendUserIn(trx, adminId, userId, { reason: reason! }, new Date());
    }
    await decideReport(trx, reportId, {
      status: body.status,
      resolution_note: note,
      resolved_by: adminId,
    });
    await recordAudit(trx, {
      actorId: adminId,
      action: body.status === 'resolved' ? 'resolve_report' : 'dismiss_report',
      targetType: 'report',
      targetId: reportId,
      reason: note,
    });
  });
  const row = await findReport(db, reportId);
  if (!row) throw notFound('report');
  return toReport(row);
}
