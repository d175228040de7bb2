import type { RequestContext } from '../../platform/context.ts';
import type { Database } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { ChannelStatus, OrderInput, TransitionInput } from './orders.input.ts';
import { awaitingProcessing, checkTransition, flowRank, type OrderStatus } from './orders.lifecycle.ts';
import { maskAddress, maskName, maskPhone } from './orders.masking.ts';
import { defaultPriority, processBy } from './orders.priority.ts';
import * as repo from './orders.repository.ts';
import type { NewOrderRow, OrderRow } from './orders.repository.ts';
import { eventView, lineView, orderView } from './orders.view.ts';

/** Later channel news outranks earlier news when the channel's modified times are equal. */
const channelRank: Record<ChannelStatus, number> = { created: 0, paid: 1, shipped: 2, delivered: 3, closed: 4, cancelled: 5 };

/** Fields an update from the channel may change, compared to report what changed. */
const trackedFields = [
  'channelStatus', 'buyerRef', 'currency', 'goodsFen', 'shippingFen', 'discountFen', 'totalFen',
  'receiverName', 'receiverPhone', 'receiverCountry', 'receiverProvince', 'receiverCity', 'receiverDistrict',
  'receiverAddress', 'receiverPostcode', 'tags', 'priority', 'buyerMessage', 'sellerMemo', 'paidAt', 'shipBy',
] as const satisfies readonly (keyof NewOrderRow)[];

/** Only before stock is touched may the channel change what was bought. */
const linesEditableIn: readonly string[] = ['created', 'paid', 'on_hold'];

export interface IngestResult {
  created: boolean;
  /** created: new order; updated: a newer message changed it; unchanged: a replay or an older message. */
  outcome: 'created' | 'updated' | 'unchanged';
  order: OrderRow;
}

function fieldsFrom(input: OrderInput) {
  const r = input.receiver;
  const goods = input.lines.reduce((sum, l) => sum + (l.amountFen ?? l.quantity * l.unitPriceFen), 0);
  const priority = input.priority ?? defaultPriority(input.tags);
  const orderedAt = new Date(input.orderedAt);
  const paidAt = input.paidAt ? new Date(input.paidAt) : null;
  return {
    channelStatus: input.status,
    buyerRef: input.buyerRef ?? null,
    currency: input.currency,
    goodsFen: goods,
    shippingFen: input.shippingFen,
    discountFen: input.discountFen,
    totalFen: input.totalFen,
    receiverName: r.name,
    receiverPhone: r.phone,
    receiverCountry: r.country,
    receiverProvince: r.province,
    receiverCity: r.city,
    receiverDistrict: r.district ?? null,
    receiverAddress: r.address,
    receiverPostcode: r.postcode ?? null,
    provinceCode: r.provinceCode ?? null,
    cityCode: r.cityCode ?? null,
    districtCode: r.districtCode ?? null,
    receiverNameMasked: maskName(r.name),
    receiverPhoneMasked: maskPhone(r.phone),
    receiverAddressMasked: maskAddress([r.province, r.city, r.district], r.address),
    tags: input.tags,
    priority,
    buyerMessage: input.buyerMessage ?? null,
    sellerMemo: input.sellerMemo ?? null,
    orderedAt,
    paidAt,
    channelModifiedAt: new Date(input.channelModifiedAt ?? input.paidAt ?? input.orderedAt),
    processBy: processBy(priority, paidAt ?? orderedAt),
    shipBy: input.shipBy ? new Date(input.shipBy) : null,
  } satisfies Partial<NewOrderRow>;
}

function linesFrom(tenantId: string, orderId: string, input: OrderInput) {
  return input.lines.map((l, i) => ({
    tenantId,
    orderId,
    lineNo: i + 1,
    channelLineId: l.channelLineId ?? null,
    sku: l.sku,
    title: l.title ?? null,
    quantity: l.quantity,
    unitPriceFen: l.unitPriceFen,
    amountFen: l.amountFen ?? l.quantity * l.unitPriceFen,
  }));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return (a as Date | null)?.getTime() === (b as Date | null)?.getTime();
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => v === b[i]);
  return a === b;
}

function isNewer(fields: ReturnType<typeof fieldsFrom>, existing: OrderRow): boolean {
  const incoming = fields.channelModifiedAt.getTime();
  const stored = existing.channelModifiedAt.getTime();
  if (incoming !== stored) return incoming > stored;
  return channelRank[fields.channelStatus] > channelRank[existing.channelStatus as ChannelStatus];
}

/**
 * Records an order from a channel or integrator. Idempotent on (tenant, channel, shop, channel
 * order id): a replay returns the stored order; a newer message updates it; an older one is ignored.
 */
export async function ingestOrder(ctx: RequestContext, input: OrderInput): Promise<IngestResult> {
  const fields = fieldsFrom(input);
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const id = newId();
    const inserted = await repo.insertIfAbsent(tx, {
      ...fields,
      tenantId: ctx.tenantId,
      id,
      channel: input.channel,
      shopId: input.shopId,
      channelOrderId: input.channelOrderId,
      status: input.status,
      createdAt: now,
      updatedAt: now,
    });
    if (inserted) {
      await repo.insertLines(tx, linesFrom(ctx.tenantId, id, input));
      await event(tx, ctx, id, { type: 'ingested', toStatus: inserted.status, data: rawStatus(input) });
      return { created: true, outcome: 'created', order: inserted };
    }
    const existing = await repo.findByChannelKey(tx, ctx.tenantId, input, true);
    if (!existing) throw new Error('order disappeared between insert and select');
    if (!isNewer(fields, existing)) return { created: false, outcome: 'unchanged', order: existing };
    return { created: false, outcome: 'updated', order: await applyChannelUpdate(tx, ctx, existing, input, fields) };
  });
}

function moneyOf(o: Pick<OrderRow, 'goodsFen' | 'shippingFen' | 'discountFen' | 'totalFen'>) {
  return { goodsFen: o.goodsFen, shippingFen: o.shippingFen, discountFen: o.discountFen, totalFen: o.totalFen };
}

function rawStatus(input: OrderInput): Record<string, unknown> | undefined {
  return input.channelStatus ? { channelStatus: input.channelStatus } : undefined;
}

async function applyChannelUpdate(
  tx: Database,
  ctx: RequestContext,
  existing: OrderRow,
  input: OrderInput,
  fields: ReturnType<typeof fieldsFrom>,
): Promise<OrderRow> {
  const linesEditable = linesEditableIn.includes(existing.status);
  // Once stock is touched, what was bought and what it cost stay as recorded; the channel's new
  // figures are kept in the event for after-sales to act on.
  const patch = linesEditable ? fields : { ...fields, ...moneyOf(existing) };
  const changed = trackedFields.filter((f) => !sameValue(existing[f], patch[f]));
  if (linesEditable) {
    await repo.deleteLines(tx, ctx.tenantId, existing.id);
    await repo.insertLines(tx, linesFrom(ctx.tenantId, existing.id, input));
  }
  const order = await repo.update(tx, ctx.tenantId, existing.id, { ...patch, updatedAt: ctx.clock.now() });
  await event(tx, ctx, existing.id, {
    type: 'updated',
    data: {
      changed,
      linesReplaced: linesEditable,
      ...(linesEditable ? {} : { channelAmounts: moneyOf(fields) }),
      ...rawStatus(input),
    },
  });
  return followChannel(tx, ctx, order, input.status as OrderStatus);
}

/**
 * What the channel's status means for our lifecycle. The channel only ever moves an order forward
 * or cancels it: it never lifts a hold or clears an exception a person or the platform set.
 */
async function followChannel(tx: Database, ctx: RequestContext, order: OrderRow, target: OrderStatus): Promise<OrderRow> {
  const current = order.status as OrderStatus;
  if (target === current) return order;
  const stopped = current === 'on_hold' || current === 'exception';
  if (target === 'cancelled') {
    const check = checkTransition(current, target, null, null);
    if (check.ok) return saveTransition(tx, ctx, order, target, 'channel reports cancelled');
    // The buyer cancelled after the goods left: an after-sales case, not a lifecycle step.
    await event(tx, ctx, order.id, { type: 'channel_cancel_after_dispatch', reason: check.message });
    return order;
  }
  if (stopped) {
    // Paid while stopped: when released, it resumes as a paid order.
    const heldFrom = order.heldFrom as OrderStatus | null;
    if (target === 'paid' && heldFrom === 'created') return repo.update(tx, ctx.tenantId, order.id, { heldFrom: 'paid' });
    return order;
  }
  if (flowRank(target) > flowRank(current) && checkTransition(current, target, null, null).ok) {
    return saveTransition(tx, ctx, order, target, `channel reports ${target}`);
  }
  return order;
}

async function event(
  tx: Database,
  ctx: RequestContext,
  orderId: string,
  e: { type: string; fromStatus?: string; toStatus?: string; reason?: string; data?: Record<string, unknown> },
): Promise<void> {
  await repo.appendEvent(tx, {
    tenantId: ctx.tenantId,
    orderId,
    at: ctx.clock.now(),
    actorKind: ctx.actor.kind,
    actorId: ctx.actor.id,
    type: e.type,
    fromStatus: e.fromStatus ?? null,
    toStatus: e.toStatus ?? null,
    reason: e.reason ?? null,
    data: e.data ?? null,
  });
}

async function saveTransition(
  tx: Database,
  ctx: RequestContext,
  order: OrderRow,
  to: OrderStatus,
  reason: string,
  data?: Record<string, unknown>,
): Promise<OrderRow> {
  const from = order.status as OrderStatus;
  const stopping = to === 'on_hold' || to === 'exception';
  const heldFrom = stopping ? (from === 'on_hold' || from === 'exception' ? order.heldFrom : from) : null;
  const updated = await repo.update(tx, ctx.tenantId, order.id, {
    status: to,
    statusReason: stopping ? reason : null,
    heldFrom,
    updatedAt: ctx.clock.now(),
  });
  await event(tx, ctx, order.id, { type: 'transition', fromStatus: from, toStatus: to, reason, data });
  return updated;
}

/**
 * The one way an order changes status. Validates against the transition table and the actor's
 * role, saves, and appends an event. Runs in the caller's transaction when `ctx.db` is one.
 */
export async function transition(
  ctx: RequestContext,
  orderId: string,
  request: TransitionInput & { data?: Record<string, unknown> },
): Promise<OrderRow> {
  return ctx.db.transaction(async (tx) => {
    const order = await repo.findById(tx, ctx.tenantId, orderId, true);
    if (!order) throw new AppError('ORDER_NOT_FOUND', `order ${orderId} not found`);
    const check = checkTransition(order.status as OrderStatus, request.to, ctx.actor.role, order.heldFrom as OrderStatus | null);
    if (!check.ok) throw new AppError(check.code, check.message, { from: order.status, to: request.to });
    return saveTransition(tx, ctx, order, request.to, request.reason, request.data);
  });
}

export async function getOrder(ctx: RequestContext, orderId: string) {
  const order = await repo.findById(ctx.db, ctx.tenantId, orderId);
  if (!order) throw new AppError('ORDER_NOT_FOUND', `order ${orderId} not found`);
  const [lines, events] = await Promise.all([
    repo.linesOf(ctx.db, ctx.tenantId, orderId),
    repo.eventsOf(ctx.db, ctx.tenantId, orderId),
  ]);
  return { ...orderView(order, ctx.actor.role), lines: lines.map(lineView), events: events.map(eventView) };
}

export interface ListQuery {
  status?: OrderStatus[];
  channel?: string;
  shopId?: string;
  priority?: string;
  overdue?: boolean;
  createdFrom?: string;
  createdTo?: string;
  cursor?: string;
  limit: number;
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const createdAt = new Date(at);
    const year = createdAt.getUTCFullYear();
    if (typeof id !== 'string' || Number.isNaN(year) || year < 1970 || year > 9999) throw new Error('bad cursor');
    return { createdAt, id };
  } catch {
    throw new AppError('VALIDATION_FAILED', 'cursor is not one this API returned', [{ path: 'cursor', message: 'invalid cursor' }]);
  }
}

function encodeCursor(row: OrderRow): string {
  return Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString('base64url');
}

export async function listOrders(ctx: RequestContext, query: ListQuery) {
  const rows = await repo.list(ctx.db, ctx.tenantId, {
    statuses: query.status,
    channel: query.channel,
    shopId: query.shopId,
    priority: query.priority,
    overdue: query.overdue ? { now: ctx.clock.now(), waitingStatuses: awaitingProcessing } : undefined,
    createdFrom: query.createdFrom ? new Date(query.createdFrom) : undefined,
    createdTo: query.createdTo ? new Date(query.createdTo) : undefined,
    after: query.cursor ? decodeCursor(query.cursor) : undefined,
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((row) => orderView(row, ctx.actor.role)),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null,
  };
}
