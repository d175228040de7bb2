import type { CteParts } from '../../platform/db/index.ts';
import { parseIsoInstant } from '../../platform/time/instants.ts';
import { zoneOfAddress } from '../time/time.regions.ts';
import type { Actor, RequestContext } from '../../platform/context.ts';
import { withDb } from '../../platform/context.ts';
import type { Database } from '../../platform/db/index.ts';
import { newId } from '../../platform/ids.ts';
import { orderInputExample, receiverInput, type ChannelStatus, type OrderInput, type ReceiverInput } from './orders.input.ts';
import { refuse } from '../../platform/lifecycle.ts';
import { ADDRESS_HOLD, beforeWarehouse, CHANNEL_HOLD, RULE_HOLD, claimsStock, flowRank, holdsStock, isStopped, linesEditableIn, orderLifecycle, type OrderStatus } from './orders.lifecycle.ts';
import { placeReceiver } from './orders.address.ts';
import { maskAddress, maskName, maskPhone } from './orders.masking.ts';
import { defaultTiers, processBy, type Priority, type Tiers } from './orders.priority.ts';
import { tiersFor } from './orders.tiers.ts';
import * as repo from './orders.repository.ts';
import type { NewOrderRow, OrderRow } from './orders.repository.ts';
import { checkedMoves, event, moveOrder, transitionMany, type PlannedStep, type PlannedTransition } from './orders.service.ts';

/** Later channel news outranks earlier news when the channel's modified times are equal. */
const channelRank: Record<ChannelStatus, number> = { created: 0, paid: 1, shipped: 2, delivered: 3, closed: 4, cancelled: 5 };

/** Fields an update from the channel may change, compared to report what changed. */
const trackedFields = [
  'channelStatus', 'buyerRef', 'currency', 'goodsFen', 'shippingFen', 'discountFen', 'totalFen',
  'receiverName', 'receiverPhone', 'receiverCountry', 'receiverProvince', 'receiverCity', 'receiverDistrict',
  'receiverAddress', 'receiverPostcode', 'receiverTimeZone', 'tags', 'priority', 'buyerMessage', 'sellerMemo', 'paidAt', 'shipBy', 'channelHold', 'handlingGroup',
] as const satisfies readonly (keyof NewOrderRow)[];

export interface IngestResult {
  created: boolean;
  /** created: new order; updated: a newer message changed it; unchanged: a replay or an older message. */
  outcome: 'created' | 'updated' | 'unchanged';
  order: OrderRow;
  /** The status before this message; null for a new order. */
  previousStatus: OrderStatus | null;
  /** Whether the order's lines are now the message's lines (new order, or replaced before stock was touched). */
  linesReplaced: boolean;
}

/** The receiver's columns: as given, placed in national divisions, and masked for roles that may not see them. */
export function receiverFields(r: ReceiverInput) {
  const place = placeReceiver(r);
  return {
    receiverName: r.name,
    receiverPhone: r.phone,
    receiverCountry: r.country,
    receiverProvince: r.province,
    receiverCity: r.city,
    receiverDistrict: r.district ?? null,
    receiverAddress: r.address,
    receiverPostcode: r.postcode ?? null,
    receiverTimeZone: r.timeZone ?? zoneOfAddress(r.country, r.province),
    provinceCode: place.provinceCode,
    cityCode: place.cityCode,
    districtCode: place.districtCode,
    receiverNameMasked: maskName(r.name),
    receiverPhoneMasked: maskPhone(r.phone),
    receiverAddressMasked: maskAddress([r.province, r.city, r.district], r.address),
  } satisfies Partial<NewOrderRow>;
}

/**
 * What the rules decided for an order (the rules module works it out; intake hands it in): its
 * tier, group and extra tags, a hold, and which rules fired at which version, for its timeline.
 */
export interface OrderDecision {
  priority?: Priority;
  group?: string;
  tags: string[];
  hold?: { reason: string; ruleId: string };
  /** Warehouses to prefer or avoid whenever the order is routed. */
  steer?: { prefer: string[]; avoid: string[] };
  fired: { id: string; version: number; name: string }[];
}

function tagsOf(input: OrderInput, decision: OrderDecision | undefined): string[] {
  if (!decision?.tags.length) return input.tags;
  const tags = [...input.tags];
  for (const tag of decision.tags) if (!tags.includes(tag)) tags.push(tag);
  return tags;
}

function fieldsFrom(input: OrderInput, decision: OrderDecision | undefined, tiers: Tiers) {
  const goods = input.lines.reduce((sum, l) => sum + (l.amountFen ?? l.quantity * l.unitPriceFen), 0);
  // A rule's tier outranks the caller's; an order neither names is normal.
  const priority: Priority = decision?.priority ?? input.priority ?? 'normal';
  const orderedAt = parseIsoInstant(input.orderedAt);
  const paidAt = input.paidAt ? parseIsoInstant(input.paidAt) : null;
  return {
    channelStatus: input.status,
    channelHold: input.channelHold ?? null,
    buyerRef: input.buyerRef ?? null,
    currency: input.currency,
    goodsFen: goods,
    shippingFen: input.shippingFen,
    discountFen: input.discountFen,
    totalFen: input.totalFen,
    ...receiverFields(input.receiver),
    tags: tagsOf(input, decision),
    priority,
    handlingGroup: decision?.group ?? null,
    routingSteer: decision?.steer ?? null,
    buyerMessage: input.buyerMessage ?? null,
    sellerMemo: input.sellerMemo ?? null,
    orderedAt,
    paidAt,
    channelModifiedAt: parseIsoInstant(input.channelModifiedAt ?? input.paidAt ?? input.orderedAt),
    processBy: processBy(priority, paidAt ?? orderedAt, tiers),
    shipBy: input.shipBy ? parseIsoInstant(input.shipBy) : null,
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
export async function ingestOrder(ctx: RequestContext, input: OrderInput, decision?: OrderDecision): Promise<IngestResult> {
  const tiers = await tiersFor(ctx);
  const [result] = await ctx.db.transaction((tx) => ingestBatch(withDb(ctx, tx), [{ input, actor: ctx.actor, decision }], tiers));
  return result!;
}

export interface IngestItem {
  input: OrderInput;
  /** Who sent this order; a batch can mix callers of one tenant. */
  actor: Actor;
  /** The id the order gets if it is new (one is made otherwise). */
  id?: string;
  /**
   * If the order is new, the status it enters straight away, recorded as a transition made by the
   * batch's actor: the pipeline admits an order whose stock it has already planned as allocated.
   */
  admit?: Admission;
  /** What the rules decided for it. */
  decision?: OrderDecision;
}

/** The status a new order is admitted to at insert, checked against the lifecycle like any move. */
export type Admission = PlannedStep;

const channelKeyOf = (i: OrderInput) => `${i.channel}\u0000${i.shopId}\u0000${i.channelOrderId}`;

interface PreparedItem extends IngestItem {
  index: number;
  id: string;
  fields: ReturnType<typeof fieldsFrom>;
  key: string;
  /** The row as the channel's word makes it, then as its admission (checked) leaves it. */
  row: OrderRow;
  /** Its admission, then its channel's hold if it has one (see channelHoldOf). */
  admitted: repo.OrderMove[];
}

/**
 * A new order whose address in China cannot be placed is held, so that it never reaches a
 * warehouse picked for the wrong place; the event says what could not be placed. Orders past
 * payment are left to the channel's word.
 */
export function addressHold(input: OrderInput): Admission | undefined {
  if (!claimsStock.includes(input.status)) return undefined;
  const { unplaced } = placeReceiver(input.receiver);
  return unplaced ? { to: 'on_hold', reason: ADDRESS_HOLD, data: { code: unplaced.code, detail: unplaced.reason } } : undefined;
}

/**
 * How a new order is held at intake, if it is: for its address first, else because a rule said
 * so. A held order takes no stock until a person releases it.
 */
export function intakeHold(input: OrderInput, decision: OrderDecision | undefined): Admission | undefined {
  const address = addressHold(input);
  if (address || !decision?.hold || !claimsStock.includes(input.status)) return address;
  return { to: 'on_hold', reason: RULE_HOLD, data: { rule: decision.hold.ruleId, detail: decision.hold.reason } };
}

/**
 * A paid order its channel does not let ship yet (its `channelHold`, as the channel's last message
 * said) takes its stock as any paid order does and then stops on hold there (channel_hold), so
 * nothing goes to a warehouse until the channel says so. An order without stock (held for its
 * address, waiting for stock) is left as it is: it stops once it takes its stock.
 */
function channelHoldOf(order: OrderRow, data?: Record<string, unknown>): PlannedTransition | null {
  if (!order.channelHold || !holdsStock.includes(order.status)) return null;
  return { order, to: 'on_hold', reason: CHANNEL_HOLD, data: { channelHold: order.channelHold, ...data } };
}

/**
 * The items with their ids, fields and rows, in channel-key order: each new order recorded in the
 * channel's status, then admitted as the caller says or held for its address (and held for its
 * channel once it holds stock), all checked against the lifecycle (a status or an admission it
 * forbids is refused).
 */
function prepare(ctx: RequestContext, items: IngestItem[], tiers: Tiers): PreparedItem[] {
  const now = ctx.clock.now();
  const prepared = items.map((item, index): PreparedItem => {
    const id = item.id ?? newId();
    const fields = fieldsFrom(item.input, item.decision, tiers);
    const status: OrderStatus = item.input.status;
    const entry = orderLifecycle.checkEntry(status, null);
    if (!entry.ok) refuse(entry, { id, status }, `order ${id}: `);
    const row = repo.insertedRow({
      ...fields, tenantId: ctx.tenantId, id, channel: item.input.channel, shopId: item.input.shopId, channelOrderId: item.input.channelOrderId,
      status, createdAt: now, updatedAt: now,
    });
    return { ...item, index, id, fields, key: channelKeyOf(item.input), admit: item.admit ?? intakeHold(item.input, item.decision), row, admitted: [] };
  });
  prepared.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.index - b.index));
  // Every admission checked in one go, then every channel hold those admissions call for.
  let steps = prepared.flatMap((p) => (p.admit ? [{ p, step: { ...p.admit, order: p.row } as PlannedTransition }] : []));
  while (steps.length > 0) {
    const moves = checkedMoves(ctx, steps.map((s) => s.step));
    steps.forEach(({ p }, i) => {
      p.admitted.push(moves[i]!);
      // The row is this batch's own, made above: moved in place rather than copied per step.
      Object.assign(p.row, { status: moves[i]!.to }, moves[i]!.patch);
    });
    steps = steps.flatMap(({ p }) => {
      const hold = p.row.channelHold ? channelHoldOf(p.row, rawStatus(p.input)) : null;
      return hold ? [{ p, step: hold }] : [];
    });
  }
  return prepared;
}

/** The rows that record these items as new orders: the orders, their lines, their first events. */
function recordsOf(ctx: RequestContext, byKey: PreparedItem[]): repo.NewOrderRecords {
  return {
    orders: byKey.map((p) => p.row),
    lines: byKey.flatMap((p) => linesFrom(ctx.tenantId, p.id, p.input)),
    events: byKey.flatMap((p) => [
      {
        tenantId: ctx.tenantId, orderId: p.id, at: p.row.createdAt, actorKind: p.actor.kind, actorId: p.actor.id, type: 'ingested',
        fromStatus: null, toStatus: p.input.status, reason: null, data: ingestedData(p),
      },
      ...repo.moveEvents(ctx.tenantId, p.admitted),
    ]),
  };
}

/**
 * What the first event of a new order says: the channel's own status word, and which rules fired
 * at intake (id and version) with what they decided. One row rather than two: at intake rates an
 * event row per order is a fifth of what an order costs to write.
 */
function ingestedData(p: PreparedItem): Record<string, unknown> | null {
  const raw = rawStatus(p.input);
  const decision = p.decision?.fired.length ? decisionData(p.decision) : null;
  return raw || decision ? { ...raw, ...(decision ? { decision } : {}) } : null;
}

/** Which rules fired, by id and version (their names and conditions are in their version history), and what they decided. */
const decisionData = (d: OrderDecision) => ({
  rules: d.fired.map((f) => ({ id: f.id, version: f.version })), ...(d.priority ? { priority: d.priority } : {}), ...(d.group ? { group: d.group } : {}),
  ...(d.tags.length ? { tags: d.tags } : {}), ...(d.hold ? { hold: d.hold } : {}), ...(d.steer ? { steer: d.steer } : {}),
});

const createdResult = (order: OrderRow): IngestResult => ({ created: true, outcome: 'created', order, previousStatus: null, linesReplaced: true });

/**
 * Records a batch of orders in the caller's transaction: new orders, their lines and events in one
 * statement (an admitted order enters its admitted status); orders seen before one by one, in
 * channel-key order so two batches never wait on each other in a circle, their admissions
 * ignored. Results come back in the items' order.
 */
export async function ingestBatch(ctx: RequestContext, items: IngestItem[], tiers: Tiers = defaultTiers): Promise<IngestResult[]> {
  const byKey = prepare(ctx, items, tiers);
  const inserted = await repo.insertNewOrders(ctx.db, recordsOf(ctx, byKey));
  const insertedById = new Map(inserted.map((row) => [row.id, row]));
  const results: IngestResult[] = new Array(items.length);
  for (const p of byKey) {
    const row = insertedById.get(p.id);
    results[p.index] = row ? createdResult(row) : await ingestExisting({ ...ctx, actor: p.actor }, p.input, p.fields, p.decision);
  }
  return results;
}

/**
 * Items that are all new orders, for a caller that writes them in a statement of its own (the
 * pipeline writes them with their stock): `ctes` are the CTEs `new_orders`, `new_lines` and
 * `new_events` (see repo.newOrdersCtes), which fail the statement if any of the orders exists
 * already; `results` are what the items get once the statement has run.
 */
export function newOrdersWrite(ctx: RequestContext, items: IngestItem[], tiers: Tiers = defaultTiers): { ctes: CteParts; results: IngestResult[] } {
  const byKey = prepare(ctx, items, tiers);
  const records = recordsOf(ctx, byKey);
  const results: IngestResult[] = new Array(items.length);
  byKey.forEach((p, i) => (results[p.index] = createdResult(repo.insertedRow(records.orders[i]!))));
  return { ctes: repo.newOrdersCtes(records, false), results };
}

async function ingestExisting(ctx: RequestContext, input: OrderInput, fields: ReturnType<typeof fieldsFrom>, decision: OrderDecision | undefined): Promise<IngestResult> {
  const existing = await repo.findByChannelKey(ctx.db, ctx.tenantId, input, true);
  if (!existing) throw new Error('order disappeared between insert and select');
  const previousStatus = existing.status;
  if (!isNewer(fields, existing)) return { created: false, outcome: 'unchanged', order: existing, previousStatus, linesReplaced: false };
  const linesReplaced = linesEditableIn.includes(existing.status);
  const order = await applyChannelUpdate(ctx.db, ctx, existing, input, fields, decision);
  return { created: false, outcome: 'updated', order, previousStatus, linesReplaced };
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
  decision: OrderDecision | undefined,
): Promise<OrderRow> {
  const linesEditable = linesEditableIn.includes(existing.status);
  // Once stock is touched, what was bought and what it cost stay as recorded; the channel's new
  // figures are kept in the event for after-sales to act on. A receiver a person corrected stays.
  const receiverKept = existing.receiverCorrectedAt !== null;
  // A tier a person set stays, with its deadline, whatever rules and the channel say later.
  const tierKept = existing.prioritySetBy !== null;
  const patch = {
    ...fields, ...(linesEditable ? {} : moneyOf(existing)), ...(receiverKept ? receiverOf(existing) : {}),
    ...(tierKept ? { priority: existing.priority, processBy: existing.processBy } : {}),
  };
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
      ...(receiverKept ? { receiverKept: 'corrected by a person' } : {}),
      ...(tierKept ? { priorityKept: `set by ${existing.prioritySetBy}` } : {}),
      ...(decision?.fired.length ? { decision: decisionData(decision) } : {}),
      ...rawStatus(input),
    },
  });
  const followed = await followChannel(tx, ctx, order, input.status);
  return followChannelHold(tx, ctx, await holdForAddress(tx, ctx, followed, input), input);
}

/**
 * The channel's hold, as its latest message says: an order held for its channel goes back to
 * where it stopped once the channel says it is paid and free to ship (the dispatcher then sends
 * it); one holding its stock and not yet sent stops when the channel holds it. An order not yet
 * holding stock is held once it takes it (holdForChannel).
 */
async function followChannelHold(tx: Database, ctx: RequestContext, order: OrderRow, input: OrderInput): Promise<OrderRow> {
  const c = { ...ctx, db: tx };
  // Released by a message that says the order is paid and free to ship; news of a shipment made
  // elsewhere while it was held is for a person to look at, so the order stays where it is.
  if (!input.channelHold && input.status === 'paid' && order.status === 'on_hold' && order.statusReason === CHANNEL_HOLD && order.heldFrom) {
    const back = order.heldFrom;
    if (isStopped(back)) return order;
    return moveOrder(c, { order, to: back, reason: 'released by the channel', data: rawStatus(input) });
  }
  const hold = channelHoldOf(order, rawStatus(input));
  return hold ? moveOrder(c, hold) : order;
}

/**
 * Orders that have just taken their stock (allocation, however it came: a new batch, a backorder
 * filled, a release by a person) while their channel still holds them stop on hold there, in the
 * caller's transaction. Returns the orders it moved.
 */
export async function holdForChannel(ctx: RequestContext, orders: OrderRow[]): Promise<Map<string, OrderRow>> {
  return transitionMany(ctx, orders.flatMap((order) => channelHoldOf(order) ?? []));
}

let receiverColumns: string[] | undefined;

/** The receiver columns (those receiverFields writes) as an order has them. */
function receiverOf(o: OrderRow): Partial<OrderRow> {
  receiverColumns ??= Object.keys(receiverFields(receiverInput.parse(orderInputExample.receiver)));
  return Object.fromEntries(receiverColumns.map((c) => [c, o[c as keyof OrderRow]]));
}

/**
 * A channel update that brings an address we cannot place stops an order that has not gone to a
 * warehouse yet, as a new order with it would have been; what it holds stays held.
 */
async function holdForAddress(tx: Database, ctx: RequestContext, order: OrderRow, input: OrderInput): Promise<OrderRow> {
  if (order.receiverCorrectedAt !== null || !beforeWarehouse.includes(order.status)) return order;
  const { unplaced } = placeReceiver(input.receiver);
  if (!unplaced) return order;
  return moveOrder({ ...ctx, db: tx }, { order, to: 'on_hold', reason: ADDRESS_HOLD, data: { code: unplaced.code, detail: unplaced.reason } });
}

/**
 * What the channel's status means for our lifecycle. The channel only ever moves an order forward
 * or cancels it: it never lifts a hold or clears an exception a person or the platform set.
 */
async function followChannel(tx: Database, ctx: RequestContext, order: OrderRow, target: ChannelStatus): Promise<OrderRow> {
  const current = order.status;
  if (target === current) return order;
  const c = { ...ctx, db: tx };
  if (target === 'cancelled') {
    const check = checkChannelMove(order, target);
    if (check.ok) return moveOrder(c, { order, to: target, reason: 'channel reports cancelled' });
    // The buyer cancelled after the goods left: an after-sales case, not a lifecycle step.
    await event(tx, ctx, order.id, { type: 'channel_cancel_after_dispatch', reason: check.message });
    return order;
  }
  if (isStopped(current)) {
    // Paid while stopped: when released, it resumes as a paid order.
    if (target === 'paid' && order.heldFrom === 'created') return repo.update(tx, ctx.tenantId, order.id, { heldFrom: 'paid' });
    return order;
  }
  if (flowRank(target) > flowRank(current) && checkChannelMove(order, target).ok) {
    return moveOrder(c, { order, to: target, reason: `channel reports ${target}` });
  }
  return order;
}

/** Whether the channel's word may move the order there (the platform relays it). */
const checkChannelMove = (order: OrderRow, to: OrderStatus) => orderLifecycle.check({ row: order, from: order.status, to, role: null });

/**
 * A decision made once the order is recorded (rules that test its routed warehouse), in the
 * caller's transaction: its tier and deadline (unless a person set the tier), group and tags.
 */
export async function applyDecision(ctx: RequestContext, order: OrderRow, decision: OrderDecision, tiers: Tiers): Promise<OrderRow> {
  const priority = order.prioritySetBy === null && decision.priority ? decision.priority : order.priority;
  const tags = [...order.tags];
  for (const tag of decision.tags) if (!tags.includes(tag)) tags.push(tag);
  const updated = await repo.update(ctx.db, ctx.tenantId, order.id, {
    priority,
    processBy: priority === order.priority ? order.processBy : processBy(priority, order.paidAt ?? order.orderedAt, tiers),
    handlingGroup: decision.group ?? order.handlingGroup,
    tags,
    updatedAt: ctx.clock.now(),
  });
  await event(ctx.db, ctx, order.id, { type: 'rules_fired', reason: 'after routing', data: decisionData(decision) });
  return updated;
}

