import { ChannelPayloadError } from '../connector.ts';

/**
 * The parts of Douyin shop (抖店) payloads the connector reads: order.searchList and
 * order.orderDetail responses, after-sale list items and webhook messages. Field names are
 * Douyin's own. Everything is optional or loosely typed on purpose: the normalisers check what they
 * use at run time, because Douyin sends the same field as a JSON number in one API and as a string
 * in another (order.orderDetail quotes every number).
 */

/** A number as Douyin sends it: a JSON number or a numeric string. Amounts are fen, times Unix seconds. */
export type DouyinNumber = number | string;

/**
 * An id as it arrives: a string, or a JSON number small enough to survive parsing. Ids can exceed
 * 2^53, so bodies must be read with `parseDouyinJson`, which turns long integers into strings.
 */
export type DouyinId = string | number;

/** A region level: `id` is usually the national division code (行政区划代码). */
export interface DouyinArea {
  id?: DouyinId;
  name?: string;
}

/** Receiver address: `town` is the district (区/县), `street` the township (街道/乡镇). */
export interface DouyinPostAddr {
  province?: DouyinArea;
  city?: DouyinArea;
  town?: DouyinArea;
  street?: DouyinArea;
  /** Plain detail, only on old or decrypted payloads. */
  detail?: string;
  /** Ciphertext detail (e.g. `##…#1##`); documentation samples put plain text here. */
  encrypt_detail?: string;
}

/** A UI label Douyin attaches to an order (标签), e.g. `{ key: 'pre_sale_label', text: '全款预售' }`. */
export interface DouyinTagUi {
  key?: string;
  text?: string;
  hover_text?: string;
}

/** One payment stage of a deposit presale (定金预售阶段单). */
export interface DouyinOrderPhase {
  phase_order_id?: DouyinId;
  total_phase?: DouyinNumber;
  current_phase?: DouyinNumber;
  pay_success?: boolean | string;
  phase_pay_time?: DouyinNumber;
}

/** Fields shared by a shop order (店铺单) and its SKU orders (商品单). */
export interface DouyinOrderBase {
  order_id?: DouyinId;
  /** 1 awaiting payment, 105 paid (risk check), 2 preparing, 101 partly shipped, 3 shipped, 4 cancelled, 5 completed. */
  order_status?: DouyinNumber;
  order_status_desc?: string;
  main_status?: DouyinNumber;
  /** 0 normal, 2 virtual, 4 e-voucher, 5 third-party redemption (older documents: 1 full-payment presale). */
  order_type?: DouyinNumber;
  /** 0 normal, 1 group buy, 2 deposit presale (定金预售), 5 zero-price, 18 hour delivery (小时达), … */
  trade_type?: DouyinNumber;
  create_time?: DouyinNumber;
  pay_time?: DouyinNumber;
  update_time?: DouyinNumber;
  finish_time?: DouyinNumber;
  /** Promised ship-by time (预计发货时间). */
  exp_ship_time?: DouyinNumber;
  /** Order amount before payment-channel discounts, fen. */
  order_amount?: DouyinNumber;
  /** What the buyer pays, shipping included, fen. */
  pay_amount?: DouyinNumber;
  /** Shipping after shipping discounts, fen (post_origin_amount = post_amount + post_promotion_amount). */
  post_amount?: DouyinNumber;
  /** Shop + platform + creator discounts, fen. */
  promotion_amount?: DouyinNumber;
  /** Payment-channel discount, fen. */
  promotion_pay_amount?: DouyinNumber;
  /** Price change by the seller (改价), fen, may be negative. */
  modify_amount?: DouyinNumber;
  /** Plain receiver fields of the pre-encryption API; absent today. */
  post_receiver?: string;
  post_tel?: string;
  /** Ciphertext receiver fields (`##…##`, `$$…$$`); documentation samples put plain text here. */
  encrypt_post_receiver?: string;
  encrypt_post_tel?: string;
  /** Masked display values (脱敏), e.g. `张*`, `138****5678`. */
  mask_post_receiver?: string;
  mask_post_tel?: string;
  mask_post_addr?: DouyinPostAddr;
  post_addr?: DouyinPostAddr;
}

/** A SKU order (商品单), one line of a shop order. */
export interface DouyinSkuOrder extends DouyinOrderBase {
  parent_order_id?: DouyinId;
  product_id?: DouyinId;
  product_name?: string;
  sku_id?: DouyinId;
  /** The merchant's SKU code (外部SkuId); "0" or "" when unset. */
  out_sku_id?: DouyinId;
  /** The merchant's product code in the Douyin back office (商家后台商品编码). */
  code?: string;
  item_num?: DouyinNumber;
  /** Current unit price (商品现价), fen. */
  origin_amount?: DouyinNumber;
  /** origin_amount × item_num, fen. */
  sum_amount?: DouyinNumber;
  /** 0 in stock, 1 full-payment presale (全款预售), 2 staged shipping (阶梯发货). */
  pre_sale_type?: DouyinNumber;
  /** MASTER or FREE (a gift bound to another SKU order). */
  given_product_type?: string;
  sku_order_tag_ui?: DouyinTagUi[];
}

/** A shop order (店铺单): order.searchList `shop_order_list[]`, order.orderDetail `shop_order_detail`. */
export interface DouyinShopOrder extends DouyinOrderBase {
  shop_id?: DouyinId;
  shop_name?: string;
  /** Stable per-shop buyer id (用户加密串). */
  doudian_open_id?: string;
  /** Buyer message (买家留言). */
  buyer_words?: string;
  /** Seller memo (商家备注). */
  seller_words?: string;
  sku_order_list?: DouyinSkuOrder[];
  order_phase_list?: DouyinOrderPhase[];
  shop_order_tag_ui?: DouyinTagUi[];
  /** Buyer traits (用户特征标签). */
  user_tag_ui?: DouyinTagUi[];
}

/** The envelope of every Douyin API response; success is `code == 10000` (older samples: `err_no == 0`). */
export interface DouyinEnvelope<T> {
  code?: DouyinNumber;
  msg?: string;
  sub_code?: string;
  sub_msg?: string;
  err_no?: DouyinNumber;
  message?: string;
  data?: T;
}

export type DouyinSearchListResponse = DouyinEnvelope<{
  page?: DouyinNumber;
  size?: DouyinNumber;
  total?: DouyinNumber;
  shop_order_list?: DouyinShopOrder[];
}>;

export type DouyinOrderDetailResponse = DouyinEnvelope<{ shop_order_detail?: DouyinShopOrder }>;

/** One item of an after-sale list response (售后单). */
export interface DouyinAftersaleItem {
  aftersale_info?: {
    aftersale_id?: DouyinId;
    /** 0 return and refund, 1 refund after shipping, 2 refund before shipping, 3 exchange, … */
    aftersale_type?: DouyinNumber;
    aftersale_status?: DouyinNumber;
    refund_status?: DouyinNumber;
    refund_amount?: DouyinNumber;
    refund_post_amount?: DouyinNumber;
    apply_time?: DouyinNumber;
    update_time?: DouyinNumber;
    status_deadline?: DouyinNumber;
    related_id?: DouyinId;
  };
  order_info?: {
    shop_order_id?: DouyinId;
    related_order_info?: { sku_order_id?: DouyinId; item_num?: DouyinNumber; aftersale_item_num?: DouyinNumber }[];
  };
}

export type DouyinAftersaleListResponse = DouyinEnvelope<{ items?: DouyinAftersaleItem[]; has_more?: boolean | string }>;

/**
 * A webhook message. The body Douyin posts is an array of these; `msgId` is the de-duplication key.
 * `data` may arrive as an object or as a JSON string.
 */
export interface DouyinWebhookMessage {
  tag?: DouyinNumber;
  msgId?: string;
  msg_id?: string;
  data?: unknown;
}

/** `data` of trade messages (tags 1xx). */
export interface DouyinTradeEventData {
  /** Shop order id. */
  p_id?: DouyinId;
  /** SKU order ids. */
  s_ids?: DouyinId[];
  shop_id?: DouyinId;
  order_status?: DouyinNumber;
  order_type?: DouyinNumber;
  create_time?: DouyinNumber;
  pay_time?: DouyinNumber;
  cancel_time?: DouyinNumber;
  complete_time?: DouyinNumber;
  update_time?: DouyinNumber;
  modify_time?: DouyinNumber;
  apply_time?: DouyinNumber;
}

/** `data` of refund messages (tags 2xx). */
export interface DouyinRefundEventData {
  p_id?: DouyinId;
  s_id?: DouyinId;
  shop_id?: DouyinId;
  aftersale_id?: DouyinId;
  aftersale_status?: DouyinNumber;
  aftersale_type?: DouyinNumber;
  refund_amount?: DouyinNumber;
  refund_post_amount?: DouyinNumber;
  reason_code?: DouyinNumber;
  apply_time?: DouyinNumber;
  agree_time?: DouyinNumber;
  return_time?: DouyinNumber;
  refuse_time?: DouyinNumber;
  success_time?: DouyinNumber;
  close_time?: DouyinNumber;
  modify_time?: DouyinNumber;
  status_deadline?: DouyinNumber;
}

/** An after-sale request (售后单) as the platform reads it, from a webhook or the after-sale list. */
export interface DouyinRefund {
  /** aftersale_id (售后单号). */
  refundId: string;
  /** The shop order it belongs to. */
  channelOrderId: string;
  /** The SKU orders (lines) it concerns. */
  skuOrderIds: string[];
  /** Refund for goods, fen; absent when the message does not say. */
  amountFen?: number;
  /** Refund for shipping, fen. */
  shippingFen?: number;
  aftersaleType?: number;
  aftersaleStatus?: number;
  refundStatus?: number;
  reasonCode?: number;
  appliedAt?: string;
  /** When the current step times out (status_deadline). */
  deadlineAt?: string;
}

/** Why a Douyin payload was refused; stable, for logs and tests. */
export type DouyinErrorReason =
  | 'DOUYIN_BAD_JSON'
  | 'DOUYIN_MALFORMED_PAYLOAD'
  | 'DOUYIN_ID_PRECISION_LOST'
  | 'DOUYIN_UNKNOWN_ORDER_STATUS'
  | 'DOUYIN_AMOUNTS_INCONSISTENT'
  | 'DOUYIN_RECEIVER_ENCRYPTED'
  | 'DOUYIN_UNSUPPORTED_EVENT';

/**
 * A Douyin payload the connector cannot read: a ChannelPayloadError, so the webhook receiver answers
 * it as malformed and keeps a dead letter. `reason` says which Douyin rule failed and `path` where.
 * Messages name fields, never receiver values.
 */
export class DouyinPayloadError extends ChannelPayloadError {
  constructor(
    readonly reason: DouyinErrorReason,
    readonly path: string,
    message: string,
  ) {
    super(`Douyin ${path || 'payload'}: ${message}`, { reason, path });
    this.name = 'DouyinPayloadError';
  }
}

/** An `order_status` the connector has no mapping for; `orderStatus` is Douyin's code, as sent. */
export class DouyinUnknownStatusError extends DouyinPayloadError {
  constructor(
    readonly orderStatus: string,
    path: string,
  ) {
    super('DOUYIN_UNKNOWN_ORDER_STATUS', path, `unknown order_status ${orderStatus}`);
    this.name = 'DouyinUnknownStatusError';
  }
}
