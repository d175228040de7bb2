import type { Role } from '../../platform/context.ts';

/**
 * The order lifecycle as data. Every status change goes through `orders.service` `transition()`,
 * which consults this table, saves the new status and appends an event.
 */
export const orderStatuses = [
  'created', // 待付款 placed, not yet paid
  'paid', // 已付款
  'allocated', // 已占库存 stock reserved
  'routed', // 已分仓 warehouse chosen
  'pushed', // 已推送 delivery order sent to the WMS
  'accepted_by_wms', // WMS 已接单
  'shipped', // 已发货
  'delivered', // 已签收
  'closed', // 已完成
  'cancelled', // 已取消
  'on_hold', // 挂起 stopped by a person or a rule
  'exception', // 异常 stopped by a failure (out_of_stock, push_failed, ...)
] as const;

export type OrderStatus = (typeof orderStatuses)[number];

/** Statuses an order passes through on the happy path, in order. */
const flow: readonly OrderStatus[] = [
  'created',
  'paid',
  'allocated',
  'routed',
  'pushed',
  'accepted_by_wms',
  'shipped',
  'delivered',
  'closed',
];

export function flowRank(status: OrderStatus): number {
  return flow.indexOf(status);
}

/** Who may ask for a transition: the platform itself always may; people only with these roles. */
type Allowed = readonly Role[];
const SYSTEM_ONLY: Allowed = [];
const OPS: Allowed = ['admin', 'ops'];
const HOLDERS: Allowed = ['admin', 'ops', 'supervisor'];

export const transitions: Readonly<Record<OrderStatus, Partial<Record<OrderStatus, Allowed>>>> = {
  created: { paid: SYSTEM_ONLY, cancelled: OPS, on_hold: HOLDERS, exception: SYSTEM_ONLY },
  // Paid with its stock and warehouse found in one step: straight to routed.
  paid: { allocated: SYSTEM_ONLY, routed: SYSTEM_ONLY, cancelled: OPS, on_hold: HOLDERS, exception: SYSTEM_ONLY },
  allocated: { routed: SYSTEM_ONLY, cancelled: OPS, on_hold: HOLDERS, exception: SYSTEM_ONLY },
  // Taken by the WMS at the first try: accepted without a stop at pushed.
  routed: { pushed: SYSTEM_ONLY, accepted_by_wms: SYSTEM_ONLY, cancelled: OPS, on_hold: HOLDERS, exception: SYSTEM_ONLY },
  pushed: { accepted_by_wms: SYSTEM_ONLY, cancelled: OPS, exception: SYSTEM_ONLY },
  accepted_by_wms: { shipped: SYSTEM_ONLY, cancelled: OPS, exception: SYSTEM_ONLY },
  shipped: { delivered: OPS, exception: SYSTEM_ONLY },
  delivered: { closed: OPS },
  closed: {},
  cancelled: {},
  // Released back to where it stopped, or to an earlier step to be processed again.
  on_hold: { created: OPS, paid: OPS, allocated: OPS, routed: OPS, cancelled: OPS },
  exception: {
    paid: OPS,
    allocated: OPS,
    routed: OPS,
    pushed: SYSTEM_ONLY,
    accepted_by_wms: SYSTEM_ONLY,
    shipped: SYSTEM_ONLY,
    on_hold: HOLDERS,
    cancelled: OPS,
  },
};

/** On hold or in exception: stopped by a person, a rule or a failure, to be released later. */
export function isStopped(status: OrderStatus): boolean {
  return status === 'on_hold' || status === 'exception';
}

/** Statuses in which an order has not yet gone to a warehouse: its receiver may still change, an address hold still stops it in time. */
export const beforeWarehouse: readonly OrderStatus[] = ['created', 'paid', 'allocated', 'routed'];

/** Why an order stopped in exception for its delivery: no retry got it to its WMS, or the WMS refused it. */
export const PUSH_FAILED = 'push_failed';
export const WMS_REJECTED = 'wms_rejected';

/** Why a paid order holding its stock is on hold: its channel does not let it ship yet (see ChannelHold). */
export const CHANNEL_HOLD = 'channel_hold';

/** Statuses that leave no way out. */
export function isTerminal(status: OrderStatus): boolean {
  return Object.keys(transitions[status]).length === 0;
}

/**
 * Statuses in which a paid order is still waiting to be handed to a warehouse (what "overdue"
 * means). An unpaid order is not the merchant's to process yet.
 */
export const awaitingProcessing: readonly OrderStatus[] = ['paid', 'allocated', 'routed', 'on_hold', 'exception'];

export type TransitionCheck =
  | { ok: true }
  | { ok: false; code: 'ILLEGAL_TRANSITION' | 'FORBIDDEN'; message: string };

/**
 * Whether `from → to` is allowed for this actor. `heldFrom` is the status an on-hold order had
 * when it was stopped: it may be released to that step or an earlier one, never past it.
 */
export function checkTransition(
  from: OrderStatus,
  to: OrderStatus,
  role: Role | null,
  heldFrom: OrderStatus | null,
): TransitionCheck {
  const allowed = transitions[from][to];
  if (!allowed) {
    return { ok: false, code: 'ILLEGAL_TRANSITION', message: `an order cannot go from ${from} to ${to}` };
  }
  if (role !== null && !allowed.includes(role)) {
    return { ok: false, code: 'FORBIDDEN', message: `role ${role} may not move an order from ${from} to ${to}` };
  }
  if (from === 'on_hold' && to === 'created' && heldFrom && heldFrom !== 'created') {
    return { ok: false, code: 'ILLEGAL_TRANSITION', message: 'a paid order cannot be released back to unpaid; release it to paid' };
  }
  if (from === 'on_hold' && heldFrom && to !== 'cancelled' && flowRank(to) > flowRank(heldFrom)) {
    return {
      ok: false,
      code: 'ILLEGAL_TRANSITION',
      message: `this order was held at ${heldFrom}; it can be released to ${heldFrom} or an earlier step, not ${to}`,
    };
  }
  return { ok: true };
}
