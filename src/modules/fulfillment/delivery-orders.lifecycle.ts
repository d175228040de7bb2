/**
 * The delivery order lifecycle as data. A delivery order is written with its order's stock:
 * awaiting_payment for an unpaid order, pending (owed to the WMS) for a paid one at a warehouse
 * with a WMS link, manual for one without (handled by people).
 */
export const deliveryStatuses = ['awaiting_payment', 'pending', 'manual', 'accepted', 'shipped', 'rejected', 'failed', 'cancelled'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

export const deliveryTransitions: Readonly<Record<DeliveryStatus, readonly DeliveryStatus[]>> = {
  awaiting_payment: ['pending', 'manual', 'cancelled'],
  pending: ['accepted', 'rejected', 'failed', 'cancelled'],
  // Sent again by hand once linked, or shipped by people.
  manual: ['pending', 'accepted', 'cancelled'],
  accepted: ['shipped', 'cancelled'],
  shipped: [],
  // Sent again by hand once the cause is fixed; a WMS confirming it shipped shows it arrived after all.
  rejected: ['pending', 'accepted', 'cancelled'],
  failed: ['pending', 'accepted', 'cancelled'],
  // Sent while its order was being cancelled: the WMS took it all the same (a person must stop it there).
  cancelled: ['accepted'],
};

/** Statuses from which these may be reached: what an update to `to` may find in the row. */
export function fromStatusesOf(to: DeliveryStatus): DeliveryStatus[] {
  return deliveryStatuses.filter((s) => deliveryTransitions[s].includes(to));
}

/** Statuses that a person can send again. */
export const retryable: readonly DeliveryStatus[] = fromStatusesOf('pending').filter((s) => s !== 'awaiting_payment');

/** Still going: not cancelled. */
export const live = (s: string) => s !== 'cancelled';
