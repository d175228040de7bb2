import type { RequestContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import * as repo from './alerts.repository.ts';
import type { AlertRow } from './alerts.repository.ts';

/** Something a person must look at, kept until acknowledged: e.g. a delivery order no retry got to its WMS. */
export interface Alert {
  kind: string;
  subject: string;
  message: string;
}

export async function raiseAlerts(ctx: RequestContext, raised: Alert[]): Promise<void> {
  const at = ctx.clock.now();
  await repo.insertAlerts(ctx.db, raised.map((a) => ({ tenantId: ctx.tenantId, id: newId(), ...a, raisedAt: at })));
}

export function alertView(a: AlertRow) {
  return {
    id: a.id, kind: a.kind, subject: a.subject, message: a.message, raisedAt: a.raisedAt.toISOString(),
    acknowledgedAt: a.acknowledgedAt?.toISOString() ?? null, acknowledgedBy: a.acknowledgedBy,
  };
}

export async function openAlerts(ctx: RequestContext, limit = 100) {
  return (await repo.listOpen(ctx.db, ctx.tenantId, limit)).map(alertView);
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
