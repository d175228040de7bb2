import type { Role } from '../../platform/context.ts';
import { placeReceiver } from './orders.address.ts';
import { defineLifecycle, SYSTEM_ONLY, type Allowed, type Check, type Guard, type TransitionTable } from '../../platform/lifecycle.ts';

/**
 * The order lifecycle as data, run by the platform's lifecycle engine: every status change goes
 * through `orders.service` `transition()` / `transitionMany()` (or, for a new order, is checked
 * here before it is written), which consult this table and its guards, save the new status and
 * append an event. The sets of statuses the rest of the platform asks about are named here too.
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

const OPS: Allowed = ['admin', 'ops'];
const HOLDERS: Allowed = ['admin', 'ops', 'supervisor'];

export const transitions: TransitionTable<OrderStatus> = {
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

/** Stopped by a person, a rule or a failure, to be released later. */
export const stoppedStatuses = ['on_hold', 'exception'] as const satisfies readonly OrderStatus[];
export type StoppedStatus = (typeof stoppedStatuses)[number];

export function isStopped(status: OrderStatus): status is StoppedStatus {
  return (stoppedStatuses as readonly OrderStatus[]).includes(status);
}

/**
 * Why the platform stopped an order (its `statusReason`); a person who holds one gives their own words.
 * out_of_stock: its stock could not be found; unknown_sku: a SKU of it is in no warehouse's book;
 * no_warehouse: no warehouse may take it;
 * push_failed: no retry got it to its WMS; wms_rejected: the WMS refused it;
 * reservation_expired: its hold on the stock ran out before it went to a warehouse;
 * address_unresolved: its address in China cannot be placed;
 * channel_hold: paid and holding its stock, but its channel does not let it ship yet (see ChannelHold);
 * rule_hold: a rule held it at intake (the rule and its words are in the event), before it took any stock.
 */
export const stopReasons = ['out_of_stock', 'unknown_sku', 'no_warehouse', 'push_failed', 'wms_rejected', 'reservation_expired', 'address_unresolved', 'channel_hold', 'rule_hold'] as const;
export type StopReason = (typeof stopReasons)[number];

export const PUSH_FAILED = 'push_failed' satisfies StopReason;
export const WMS_REJECTED = 'wms_rejected' satisfies StopReason;
/** The status reason of an order held because its address could not be placed. */
export const ADDRESS_HOLD = 'address_unresolved' satisfies StopReason;
export const CHANNEL_HOLD = 'channel_hold' satisfies StopReason;
export const RULE_HOLD = 'rule_hold' satisfies StopReason;

/** Stops for its delivery: an order stopped so may still go on when its delivery orders turn out to have reached their WMS. */
export const deliveryStops: readonly StopReason[] = [PUSH_FAILED, WMS_REJECTED];

const before = (status: OrderStatus) => flow.slice(0, flowRank(status));
const between = (first: OrderStatus, last: OrderStatus) => flow.slice(flowRank(first), flowRank(last) + 1);

/** Not yet gone to a warehouse: its receiver may still change, an address hold still stops it in time. */
export const beforeWarehouse: readonly OrderStatus[] = before('pushed');

/**
 * Paid and waiting for a warehouse to accept it, or stopped on the way: what "overdue" means
 * once its processing deadline passes. An unpaid order is not the merchant's to process yet.
 */
export const waitingForWarehouse: readonly OrderStatus[] = [...flow.slice(flowRank('paid'), flowRank('accepted_by_wms')), ...stoppedStatuses];

/** Placed (held for its payment) or paid, and so owed stock it does not hold yet. */
export const claimsStock: readonly OrderStatus[] = before('allocated');

/** Holding reserved stock no warehouse has yet: a hold that can run out. */
export const holdsStock: readonly OrderStatus[] = between('allocated', 'routed');

/** The order's goods are with a warehouse: its stock is no longer a hold that can run out. */
export const atWarehouse: readonly OrderStatus[] = between('pushed', 'accepted_by_wms');

/** Its delivery orders may be sent to their WMS now. */
export const beingSent: readonly OrderStatus[] = between('routed', 'pushed');

/** Only before stock is touched may the channel change what was bought. */
export const linesEditableIn: readonly OrderStatus[] = [...claimsStock, 'on_hold'];

/** What the lifecycle's guards read of an order. */
export interface OrderState {
  id: string;
  status: OrderStatus;
  /** The status an on-hold order had when it was stopped. */
  heldFrom: OrderStatus | null;
  statusReason: string | null;
  /** Why the channel does not let it ship yet (its last message), or null. */
  channelHold: string | null;
  receiverCountry: string;
  receiverProvince: string;
  receiverCity: string;
  receiverDistrict: string | null;
}

/** A held order is released to the step it stopped at or an earlier one, never past it, and a paid one never back to unpaid. */
const releasedNoFurther: Guard<OrderStatus, OrderState> = ({ row, from, to }) => {
  const heldFrom = row.heldFrom;
  if (from !== 'on_hold' || !heldFrom || to === 'cancelled') return null;
  if (to === 'created' && heldFrom !== 'created') {
    return { code: 'ILLEGAL_TRANSITION', message: 'a paid order cannot be released back to unpaid; release it to paid' };
  }
  if (flowRank(to) > flowRank(heldFrom)) {
    return { code: 'ILLEGAL_TRANSITION', message: `this order was held at ${heldFrom}; it can be released to ${heldFrom} or an earlier step, not ${to}` };
  }
  return null;
};

/** An order held for its address goes on only once its receiver can be placed (or is cancelled). */
const addressPlaced: Guard<OrderStatus, OrderState> = ({ row, from, to }) => {
  if (from !== 'on_hold' || row.statusReason !== ADDRESS_HOLD || to === 'cancelled') return null;
  const { unplaced } = placeReceiver({ country: row.receiverCountry, province: row.receiverProvince, city: row.receiverCity, district: row.receiverDistrict });
  if (!unplaced) return null;
  return {
    code: 'ADDRESS_HOLD',
    message: `the order is held because its address cannot be placed (${unplaced.reason}); correct it with PUT /api/v1/orders/${row.id}/receiver`,
    details: { code: unplaced.code },
  };
};

/** An order its channel holds goes on when the channel releases it (the platform moves it); people may only cancel it meanwhile. */
const channelReleased: Guard<OrderStatus, OrderState> = ({ row, from, to, role }) => {
  if (from !== 'on_hold' || row.statusReason !== CHANNEL_HOLD || to === 'cancelled' || role === null) return null;
  return {
    code: 'CHANNEL_HOLD',
    message: `the channel does not let this order ship yet (${row.channelHold ?? 'held'}); it goes on by itself when the channel releases it`,
    details: { channelHold: row.channelHold },
  };
};

/** The statuses a channel's order may be recorded in (what the channel says), by the platform. */
const entry = { created: SYSTEM_ONLY, paid: SYSTEM_ONLY, cancelled: SYSTEM_ONLY, shipped: SYSTEM_ONLY, delivered: SYSTEM_ONLY, closed: SYSTEM_ONLY } as const;

/** The order lifecycle, for the engine in platform/lifecycle. */
export const orderLifecycle = defineLifecycle<OrderStatus, OrderState>({
  noun: 'an order',
  statuses: orderStatuses,
  table: transitions,
  entry,
  guards: [releasedNoFurther, addressPlaced, channelReleased],
  statusOf: (row) => row.status,
});

/** Statuses that leave no way out. */
export const isTerminal = (status: OrderStatus): boolean => orderLifecycle.isTerminal(status);

export type TransitionCheck = Check;

/**
 * Whether `from → to` is allowed for this actor. `heldFrom` is the status an on-hold order had
 * when it was stopped: it may be released to that step or an earlier one, never past it.
 */
export function checkTransition(from: OrderStatus, to: OrderStatus, role: Role | null, heldFrom: OrderStatus | null): TransitionCheck {
  const row = { id: '', status: from, heldFrom, statusReason: null, channelHold: null, receiverCountry: 'CN', receiverProvince: '', receiverCity: '', receiverDistrict: null };
  return orderLifecycle.check({ row, from, to, role });
}
