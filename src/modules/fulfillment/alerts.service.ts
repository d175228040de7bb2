import { decodeInstantCursor, encodeInstantCursor, pageOf, pageProbe } from '../../platform/paging.ts';
import type { RequestContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import * as repo from './alerts.repository.ts';
import type { AlertFilter, AlertRow } from './alerts.repository.ts';

/** Something a person must look at, kept until acknowledged: e.g. a delivery order no retry got to its WMS. */
export interface Alert {
  kind: string;
  subject: string;
  message: string;
  /** The warehouse and order it concerns, when it concerns one. */
  warehouseCode?: string | null;
  orderId?: string | null;
  /** Not raised if one of its kind about its subject was raised since then, even if acknowledged (one alert per run of failures). */
  since?: Date | null;
}

/** Raises alerts, none of them while one of its kind about its subject is still open (see repo.insertAlerts). */
export async function raiseAlerts(ctx: RequestContext, raised: Alert[]): Promise<void> {
  const at = ctx.clock.now();
  await repo.insertAlerts(ctx.db, raised.map((a) => ({ tenantId: ctx.tenantId, id: newId(), ...a, raisedAt: at })));
}

export function alertView(a: AlertRow) {
  return {
    id: a.id, kind: a.kind, subject: a.subject, message: a.message, warehouseCode: a.warehouseCode, orderId: a.orderId, raisedAt: a.raisedAt.toISOString(),
    acknowledgedAt: a.acknowledgedAt?.toISOString() ?? null, acknowledgedBy: a.acknowledgedBy,
  };
}

export interface AlertQuery extends Omit<AlertFilter, 'after'> {
  cursor?: string;
}

/** Alerts, open ones unless asked for acknowledged ones, newest first, a page at a time. */
export async function listAlerts(ctx: RequestContext, query: AlertQuery) {
  const { cursor, ...filter } = query;
  const after = cursor ? decodeInstantCursor(cursor) : undefined;
  const rows = await repo.list(ctx.db, ctx.tenantId, { ...filter, after: after && { raisedAt: after.at, id: after.id }, limit: pageProbe(query.limit) });
  const page = pageOf(rows, query.limit, (last) => encodeInstantCursor(last.raisedAt, last.id));
  return { items: page.rows.map(alertView), nextCursor: page.next };
}

/** How many alerts of each kind, open ones unless asked for acknowledged ones. */
export async function alertCounts(ctx: RequestContext, filter: Omit<AlertFilter, 'limit' | 'after' | 'kind'>) {
  const byKind = await repo.countByKind(ctx.db, ctx.tenantId, filter);
  return { counts: Object.fromEntries(byKind.map((k) => [k.kind, k.count])) as Record<string, number>, total: byKind.reduce((n, k) => n + k.count, 0) };
}

export async function acknowledgeAlert(ctx: RequestContext, id: string) {
  const row = await repo.acknowledge(ctx.db, ctx.tenantId, id, `${ctx.actor.kind}:${ctx.actor.id}`, ctx.clock.now());
  if (!row) throw new AppError('ALERT_NOT_FOUND', `alert ${id} not found`);
  return alertView(row);
}

/** Open alerts about this subject are settled (a person sent the delivery order again). */
export async function acknowledgeAlertsAbout(ctx: RequestContext, subject: string): Promise<void> {
  await repo.acknowledgeSubject(ctx.db, ctx.tenantId, subject, `${ctx.actor.kind}:${ctx.actor.id}`, ctx.clock.now());
}

/** Alerts raised after this id, oldest first (the live feed). */
export async function alertsAfter(ctx: RequestContext, afterId: string, limit: number) {
  return (await repo.alertsAfter(ctx.db, ctx.tenantId, afterId, limit)).map(alertView);
}

export async function lastAlertId(ctx: RequestContext): Promise<string> {
  return repo.lastAlertId(ctx.db, ctx.tenantId);
}
