import type { Receiver } from '../common/receiver.ts';
import { int, type RawJson } from '../common/raw-json.ts';
import type { CipherBook } from './douyin.cipher.ts';
import { TradeTag } from './douyin.lifecycle.ts';
import type { DouyinOrder } from './douyin.order.ts';

/**
 * The `data` of each trade message (交易消息), field for field as the platform's samples show them
 * (test/fixtures/douyin/EventSamples/Trade). Order ids travel as bare JSON integers (p_id, s_ids): 19
 * digits, past 2^53, which is exactly what a receiver must not parse with plain JSON.parse.
 * `order_status` is the status the order has after the change the message reports.
 */

const BIZ_SHOP = 2; // 小店
const seconds = (ms: number) => Math.floor(ms / 1000);

/** The receiver block of trade messages: masked plain fields, ciphers beside them. */
export function receiverMessage(receiver: Receiver, cipher: CipherBook): RawJson {
  return {
    name: receiver.maskedName,
    tel: receiver.maskedPhone,
    encrypt_name: cipher.encrypt('name', receiver.name),
    encrypt_tel: cipher.encrypt('phone', receiver.phone),
    addr: [{
      province: { name: receiver.province.name, id: receiver.province.code },
      city: { name: receiver.city.name, id: receiver.city.code },
      town: { name: receiver.district.name, id: receiver.district.code },
      street: { name: receiver.street.name, id: receiver.street.code },
      detail: maskDetail(receiver.detail),
      encrypt_detail: cipher.encrypt('address', receiver.detail),
    }],
  };
}

/** Keeps the road, hides the house: `中山路***`, the way the platforms mask an address line. */
export function maskDetail(detail: string): string {
  return `${detail.slice(0, 3)}***`;
}

export function buildTradeEventData(
  tag: number,
  order: DouyinOrder,
  at: number,
  cipher: CipherBook,
  previousReceiver?: Receiver,
): RawJson {
  const ids = {
    p_id: int(order.orderId),
    s_ids: order.skuOrders.map((line) => int(line.skuOrderId)),
    shop_id: int(order.shop.shopId),
  };
  const common = { ...ids, order_status: order.status, order_type: 0 };
  const payAmount = order.skuOrders.reduce((sum, line) => sum + line.payFen, 0);
  switch (tag) {
    case TradeTag.Created:
      return { ...common, create_time: seconds(order.createTime), biz: BIZ_SHOP };
    case TradeTag.PaidConfirmed:
    case TradeTag.PaidPending:
      return { ...common, pay_type: order.payType, biz: BIZ_SHOP, pay_time: seconds(order.payTime ?? at), pay_amount: payAmount };
    case TradeTag.Cancelled:
      return { ...common, biz: BIZ_SHOP, cancel_time: seconds(at), cancel_reason: order.cancelReason };
    case TradeTag.SellerShipped: {
      const shipment = order.shipments[order.shipments.length - 1];
      return {
        ...common,
        biz: BIZ_SHOP,
        update_time: seconds(at),
        receiver_msg: receiverMessage(order.receiver, cipher),
        logistics_msg: { express_company_id: shipment?.companyCode ?? '', logistics_code: shipment?.trackingNo ?? '' },
      };
    }
    case TradeTag.Completed:
      return { ...common, complete_time: seconds(at), biz: BIZ_SHOP };
    case TradeTag.AddressChanged:
      return { ...common, update_time: seconds(at), receiver_msg: receiverMessage(order.receiver, cipher) };
    case TradeTag.AddressChangeApplied:
      // receiver_msg is the receiver before the request, post_receiver_msg the one asked for.
      return {
        p_id: ids.p_id,
        shop_id: ids.shop_id,
        apply_time: seconds(at),
        post_receiver_msg: receiverMessage(order.receiver, cipher),
        receiver_msg: receiverMessage(previousReceiver ?? order.receiver, cipher),
      };
    default:
      return common;
  }
}
