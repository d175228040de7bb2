import type { Role } from '../../platform/context.ts';
import type { OrderEventRow, OrderLineRow, OrderRow } from './orders.repository.ts';

/** Roles whose work needs the receiver's real name, phone and address (fulfilment). */
const seesPersonalData: readonly (Role | null)[] = ['admin', 'ops', null];

export function orderView(row: OrderRow, role: Role | null) {
  const full = seesPersonalData.includes(role);
  return {
    id: row.id,
    channel: row.channel,
    shopId: row.shopId,
    channelOrderId: row.channelOrderId,
    channelStatus: row.channelStatus,
    status: row.status,
    statusReason: row.statusReason,
    heldFrom: row.heldFrom,
    channelHold: row.channelHold,
    priority: row.priority,
    prioritySetBy: row.prioritySetBy,
    handlingGroup: row.handlingGroup,
    buyerRef: row.buyerRef,
    currency: row.currency,
    goodsFen: row.goodsFen,
    shippingFen: row.shippingFen,
    discountFen: row.discountFen,
    totalFen: row.totalFen,
    receiver: {
      name: full ? row.receiverName : row.receiverNameMasked,
      phone: full ? row.receiverPhone : row.receiverPhoneMasked,
      country: row.receiverCountry,
      province: row.receiverProvince,
      city: row.receiverCity,
      district: row.receiverDistrict,
      address: full ? row.receiverAddress : row.receiverAddressMasked,
      postcode: row.receiverPostcode,
      timeZone: row.receiverTimeZone,
      provinceCode: row.provinceCode,
      cityCode: row.cityCode,
      districtCode: row.districtCode,
      masked: !full,
    },
    tags: row.tags,
    buyerMessage: row.buyerMessage,
    sellerMemo: row.sellerMemo,
    orderedAt: row.orderedAt.toISOString(),
    paidAt: row.paidAt?.toISOString() ?? null,
    channelModifiedAt: row.channelModifiedAt.toISOString(),
    processBy: row.processBy.toISOString(),
    shipBy: row.shipBy?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: row.version,
  };
}

export type OrderView = ReturnType<typeof orderView>;

export function lineView(row: OrderLineRow) {
  return {
    lineNo: row.lineNo,
    channelLineId: row.channelLineId,
    sku: row.sku,
    title: row.title,
    quantity: row.quantity,
    unitPriceFen: row.unitPriceFen,
    amountFen: row.amountFen,
  };
}

export function eventView(row: OrderEventRow) {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actor: `${row.actorKind}:${row.actorId}`,
    type: row.type,
    from: row.fromStatus,
    to: row.toStatus,
    reason: row.reason,
    data: row.data ?? null,
  };
}
