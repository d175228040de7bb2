/**
 * Douyin's shop-order status (订单状态) as a transition table: one place says which moves are legal,
 * so a scenario step that would, say, cancel a shipped order is refused rather than silently applied.
 */

export const OrderStatus = {
  /** 待支付: created, awaiting payment. */
  AwaitingPayment: 1,
  /** 已支付: paid, not yet released to the shop (payment confirmation / risk review). */
  Paid: 105,
  /** 备货中: paid and released; the shop must ship. */
  Preparing: 2,
  /** 部分发货. */
  PartlyShipped: 101,
  /** 已发货 (全部发货). */
  Shipped: 3,
  /** 已取消. */
  Cancelled: 4,
  /** 已完成 (已收货). */
  Completed: 5,
} as const;
export type OrderStatus = (typeof OrderStatus)[keyof typeof OrderStatus];

export const ORDER_STATUS_DESC: Readonly<Record<OrderStatus, string>> = {
  1: '待支付',
  105: '已支付',
  2: '备货中',
  101: '部分发货',
  3: '已发货',
  4: '已取消',
  5: '已完成',
};

const TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  1: [105, 4],
  105: [2, 4],
  2: [101, 3, 4],
  101: [3],
  3: [5],
  4: [],
  5: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Statuses in which the buyer may still edit the receiver and the shop may still ship. */
export const BEFORE_SHIPMENT: readonly OrderStatus[] = [105, 2];

/**
 * Push tags (消息推送 tag) for trade messages, as the platform numbers them. 101 (支付/确认) and 110
 * (已支付待处理) are both sent on payment in that order; 111 is the buyer's address-change request and
 * 105 the change itself.
 */
export const TradeTag = {
  Created: 100,
  PaidConfirmed: 101,
  SellerShipped: 102,
  Completed: 103,
  AddressChanged: 105,
  Cancelled: 106,
  PaidPending: 110,
  AddressChangeApplied: 111,
} as const;
export type TradeTag = (typeof TradeTag)[keyof typeof TradeTag];
