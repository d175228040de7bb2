import { defineLifecycle, SYSTEM_ONLY, type Allowed, type Guard, type TransitionTable } from '../../platform/lifecycle.ts';
import { beingSent, deliveryStops, PUSH_FAILED, WMS_REJECTED, type OrderStatus, type StopReason, type StoppedStatus } from '../orders/orders.lifecycle.ts';

/**
 * The delivery order lifecycle as data, run by the platform's lifecycle engine: every status a
 * delivery order is written in, at insert or later, is checked against this table first. A
 * delivery order is written with its order's stock: awaiting_payment for an unpaid order, pending
 * (owed to the WMS) for a paid one at a warehouse with a WMS link, manual for one without
 * (handled by people).
 */
export const deliveryStatuses = ['awaiting_payment', 'pending', 'manual', 'accepted', 'shipped', 'rejected', 'failed', 'cancelled'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

const OPS: Allowed = ['admin', 'ops'];

export const deliveryTransitions: TransitionTable<DeliveryStatus> = {
  awaiting_payment: { pending: SYSTEM_ONLY, manual: SYSTEM_ONLY, cancelled: SYSTEM_ONLY },
  // Tried and to be tried again (pending → pending), or answered.
  pending: { pending: SYSTEM_ONLY, accepted: SYSTEM_ONLY, rejected: SYSTEM_ONLY, failed: SYSTEM_ONLY, cancelled: SYSTEM_ONLY },
  // Sent again by hand once linked, or shipped by people.
  manual: { pending: OPS, accepted: OPS, cancelled: SYSTEM_ONLY },
  accepted: { shipped: OPS, cancelled: SYSTEM_ONLY },
  shipped: {},
  // Sent again by hand once the cause is fixed; a WMS confirming it shipped shows it arrived after all.
  rejected: { pending: OPS, accepted: SYSTEM_ONLY, cancelled: SYSTEM_ONLY },
  failed: { pending: OPS, accepted: SYSTEM_ONLY, cancelled: SYSTEM_ONLY },
  // Sent while its order was being cancelled: the WMS took it all the same (a person must stop it there).
  cancelled: { accepted: SYSTEM_ONLY },
};

/** What the delivery guards read of a delivery order. */
export interface DeliveryState {
  status: DeliveryStatus;
  acceptedAt: Date | null;
}

/** A cancelled delivery order takes a WMS's acceptance once: the news that it got there after all. */
const acceptedOnceAfterCancel: Guard<DeliveryStatus, DeliveryState> = ({ row, from, to }) =>
  from === 'cancelled' && to === 'accepted' && row.acceptedAt !== null
    ? { code: 'ILLEGAL_TRANSITION', message: 'this cancelled delivery order was accepted before' }
    : null;

export const deliveryLifecycle = defineLifecycle<DeliveryStatus, DeliveryState>({
  noun: 'a delivery order',
  statuses: deliveryStatuses,
  table: deliveryTransitions,
  entry: { awaiting_payment: SYSTEM_ONLY, pending: SYSTEM_ONLY, manual: SYSTEM_ONLY },
  guards: [acceptedOnceAfterCancel],
  statusOf: (row) => row.status,
});

/** Statuses that a person can send again. */
export const retryable: readonly DeliveryStatus[] = deliveryStatuses.filter((s) => s !== 'pending' && deliveryTransitions[s].pending?.includes('ops'));

/** A warehouse has taken it: its WMS accepted it, or it shipped. */
export const takenByWarehouse: readonly DeliveryStatus[] = ['accepted', 'shipped'];

/** Sent back to the platform: refused by the WMS, or no retry got it there. */
export const sendingStopped: readonly DeliveryStatus[] = ['rejected', 'failed'];

/** Still going: not cancelled. */
export const live = (s: DeliveryStatus) => s !== 'cancelled';

/** Not yet at a WMS stop: cancelled with its order (one a WMS has taken is the warehouse's to take back). */
export const beforeWarehouseTook: readonly DeliveryStatus[] = deliveryStatuses.filter((s) => live(s) && !takenByWarehouse.includes(s));

/** Counted toward its warehouse's work day (its capacity): a paid order's, not cancelled. */
export const countsTowardCapacity = (s: DeliveryStatus) => s !== 'awaiting_payment' && live(s);

/**
 * Telling the channel a delivery order shipped (carrier, tracking number), a lifecycle of its
 * own: none (nothing owed yet, stored as null) until the delivery order ships; then due, or
 * skipped (the shop is not registered here, or there is no tracking number).
 */
export const noticeStatuses = ['none', 'due', 'sent', 'failed', 'skipped'] as const;
export type NoticeStatus = (typeof noticeStatuses)[number];
/** As the column keeps it: none is null. */
export type StoredNoticeStatus = Exclude<NoticeStatus, 'none'>;

export const noticeLifecycle = defineLifecycle<NoticeStatus, { noticeStatus: StoredNoticeStatus | null }>({
  noun: 'a shipment notice',
  statuses: noticeStatuses,
  table: {
    none: { due: SYSTEM_ONLY, skipped: SYSTEM_ONLY },
    // Tried and to be tried again (due → due), or done one way or another.
    due: { due: SYSTEM_ONLY, sent: SYSTEM_ONLY, failed: SYSTEM_ONLY, skipped: SYSTEM_ONLY },
    sent: {},
    failed: {},
    skipped: {},
  },
  entry: { none: SYSTEM_ONLY },
  statusOf: (row) => row.noticeStatus ?? 'none',
});

/** What an order's progress reads of its delivery orders. */
export interface DeliveryProgress {
  code: string;
  warehouseCode: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  wmsId: string | null;
}

/** One step an order takes for its delivery orders: a stop always says why. */
export type OrderStep = { data: Record<string, unknown> } & (
  | { to: StoppedStatus; reason: StopReason }
  | { to: Exclude<OrderStatus, StoppedStatus>; reason: string }
);

/**
 * Where an order's live delivery orders take it, step by step from where it is (none when it
 * stays): the one place that decides it. Once every one is accepted or shipped the order is
 * accepted_by_wms (through routed for one people handed to the warehouse from allocated, and also
 * from a stop for its delivery that turned out not to be one), then shipped once every one has
 * shipped. While they are being sent, one refused or failed for good stops it (wms_rejected,
 * push_failed), and one tried at all makes a routed order pushed. An order on hold, or stopped for
 * another reason, stays where it is until released.
 */
export function orderProgress(order: { status: OrderStatus; statusReason: string | null }, deliveries: readonly DeliveryProgress[]): OrderStep[] {
  if (deliveries.length === 0) return [];
  const codes = deliveries.map((d) => d.code);
  if (deliveries.every((d) => takenByWarehouse.includes(d.status))) {
    const steps: OrderStep[] = [];
    let at = order.status;
    if (at === 'allocated') steps.push({ to: (at = 'routed'), reason: 'handed to the warehouse', data: { deliveryOrders: codes } });
    const stoppedForDelivery = at === 'exception' && (deliveryStops as readonly string[]).includes(order.statusReason ?? '');
    if (beingSent.includes(at) || stoppedForDelivery) {
      steps.push({ to: (at = 'accepted_by_wms'), reason: 'accepted by the warehouse', data: { deliveryOrders: codes, wmsIds: deliveries.map((d) => d.wmsId) } });
    }
    if (at === 'accepted_by_wms' && deliveries.every((d) => d.status === 'shipped')) {
      steps.push({ to: 'shipped', reason: `shipped from ${[...new Set(deliveries.map((d) => d.warehouseCode))].join(' + ')}`, data: { deliveryOrders: codes } });
    }
    return steps;
  }
  if (!beingSent.includes(order.status)) return [];
  const rejected = deliveries.find((d) => d.status === 'rejected');
  if (rejected) return [{ to: 'exception', reason: WMS_REJECTED, data: { deliveryOrder: rejected.code, warehouseCode: rejected.warehouseCode, error: rejected.lastError } }];
  const failed = deliveries.find((d) => d.status === 'failed');
  if (failed) return [{ to: 'exception', reason: PUSH_FAILED, data: { deliveryOrder: failed.code, warehouseCode: failed.warehouseCode, error: failed.lastError, attempts: failed.attempts } }];
  if (order.status === 'routed' && deliveries.some((d) => d.attempts > 0)) return [{ to: 'pushed', reason: 'sent to the WMS, not yet accepted', data: { deliveryOrders: codes } }];
  return [];
}
