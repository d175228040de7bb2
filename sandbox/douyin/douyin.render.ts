import { int, type RawJson } from '../common/raw-json.ts';
import type { CipherBook } from './douyin.cipher.ts';
import { maskDetail } from './douyin.events.ts';
import { ORDER_STATUS_DESC } from './douyin.lifecycle.ts';
import type { DouyinOrder, DouyinSkuOrder } from './douyin.store.ts';

/**
 * A shop order as order.searchList and order.orderDetail return it, field names and JSON types as in
 * the platform's samples (test/fixtures/douyin/ModelSamples/Order) and its official SDK's types: amounts
 * in fen, times in Unix seconds, order ids as strings, product_id as a bare 19-digit integer, region
 * ids as strings. Receiver fields come only as ciphers (encrypt_*) and masks (mask_*).
 *
 * Where the sandbox invents a value the platform leaves to business context (tag keys for 限时达 and
 * membership), the key says so with a `sandbox_` prefix rather than pretending to be real.
 */

const seconds = (ms: number | undefined) => (ms === undefined ? 0 : Math.floor(ms / 1000));

function postAddr(order: DouyinOrder, cipher: CipherBook): RawJson {
  const r = order.receiver;
  return {
    province: { name: r.province.name, id: r.province.code },
    city: { name: r.city.name, id: r.city.code },
    town: { name: r.district.name, id: r.district.code },
    street: { name: r.street.name, id: r.street.code },
    encrypt_detail: cipher.encrypt('address', r.detail),
  };
}

function maskPostAddr(order: DouyinOrder): RawJson {
  const r = order.receiver;
  return {
    province: { name: r.province.name, id: r.province.code },
    city: { name: r.city.name, id: r.city.code },
    town: { name: r.district.name, id: r.district.code },
    street: { name: r.street.name, id: r.street.code },
    detail: maskDetail(r.detail),
  };
}

/** Money, status and time fields the shop order and each SKU order both carry. */
function statusAndTimes(order: DouyinOrder): Record<string, RawJson> {
  return {
    order_status: order.status,
    order_status_desc: ORDER_STATUS_DESC[order.status],
    // main_status is deprecated by the platform; it mirrors order_status here.
    main_status: order.status,
    main_status_desc: ORDER_STATUS_DESC[order.status],
    pay_time: seconds(order.payTime),
    order_expire_time: 1800,
    finish_time: seconds(order.finishTime),
    create_time: seconds(order.createTime),
    update_time: seconds(order.updateTime),
    cancel_reason: order.cancelReason,
  };
}

function skuOrder(order: DouyinOrder, line: DouyinSkuOrder, cipher: CipherBook): RawJson {
  const s = order.scenario;
  const tags: RawJson[] = [];
  if (s.presale) {
    tags.push({ key: 'pre_sale_label', text: '全款预售', hover_text: '预售商品，请在预计发货时间前发货', tag_type: 'orange', sort: 1 });
  }
  return {
    order_id: line.skuOrderId,
    parent_order_id: order.orderId,
    order_level: 3,
    biz: 2,
    biz_desc: '小店',
    order_type: 0,
    order_type_desc: '普通订单',
    trade_type: 0,
    trade_type_desc: '普通',
    ...statusAndTimes(order),
    b_type: 2,
    b_type_desc: '抖音',
    sub_b_type: 1,
    sub_b_type_desc: 'app内-原生',
    pay_type: order.payType,
    channel_payment_no: order.channelPaymentNo,
    order_amount: line.sumFen + line.postFen,
    pay_amount: line.payFen,
    post_insurance_amount: 0,
    modify_amount: 0,
    modify_post_amount: 0,
    promotion_amount: line.promotionFen,
    promotion_shop_amount: line.promotionFen,
    promotion_platform_amount: 0,
    shop_cost_amount: line.promotionFen,
    platform_cost_amount: 0,
    promotion_talent_amount: 0,
    promotion_pay_amount: 0,
    code: line.sku.outSkuId,
    encrypt_post_tel: cipher.encrypt('phone', order.receiver.phone),
    encrypt_post_receiver: cipher.encrypt('name', order.receiver.name),
    post_addr: postAddr(order, cipher),
    exp_ship_time: seconds(s.shipBy),
    ship_time: seconds(order.shipTime),
    goods_type: 0,
    product_id: int(line.sku.productId),
    product_id_str: line.sku.productId,
    sku_id: int(line.sku.skuId),
    spec: line.sku.specs.map((spec) => ({ name: spec.name, value: spec.value })),
    out_sku_id: line.sku.outSkuId,
    out_product_id: line.sku.outProductId,
    origin_amount: line.unitPriceFen,
    has_tax: false,
    item_num: line.quantity,
    sum_amount: line.sumFen,
    product_name: line.sku.productName,
    inventory_list: [{ warehouse_id: '', out_warehouse_id: '', inventory_type: 1, inventory_type_desc: '普通库存', count: line.quantity }],
    post_amount: line.postFen,
    pre_sale_type: s.presale ? 1 : 0,
    after_sale_info: { after_sale_status: 0, after_sale_type: 0, refund_status: 0 },
    receive_type: 1,
    sku_order_tag_ui: tags,
    mask_post_receiver: order.receiver.maskedName,
    mask_post_tel: order.receiver.maskedPhone,
    mask_post_addr: maskPostAddr(order),
  };
}

function logisticsInfo(order: DouyinOrder): RawJson {
  return order.shipments.map((shipment) => ({
    tracking_no: shipment.trackingNo,
    company: shipment.companyCode,
    ship_time: seconds(shipment.at),
    delivery_id: `${shipment.companyCode}_${shipment.trackingNo}`,
    company_name: shipment.companyCode,
    product_info: order.skuOrders.map((line) => ({
      product_name: line.sku.productName,
      price: line.unitPriceFen,
      outer_sku_id: line.sku.outSkuId,
      sku_id: int(line.sku.skuId),
      sku_specs: line.sku.specs.map((spec) => ({ name: spec.name, value: spec.value })),
      product_count: line.quantity,
      product_id: int(line.sku.productId),
      sku_order_id: line.skuOrderId,
    })),
  }));
}

/** One element of `shop_order_list`, and the `shop_order_detail` of order.orderDetail. */
export function renderShopOrder(order: DouyinOrder, cipher: CipherBook): RawJson {
  const s = order.scenario;
  const promotion = order.skuOrders.reduce((sum, line) => sum + line.promotionFen, 0);
  const shopTags: RawJson[] = s.express
    ? [{ key: 'sandbox_time_limited_delivery', text: '限时达', help_doc: '' }]
    : [];
  return {
    shop_id: int(order.shop.shopId),
    shop_name: order.shop.shopName,
    open_id: '',
    order_id: order.orderId,
    order_level: 2,
    biz: 2,
    biz_desc: '小店',
    order_type: 0,
    order_type_desc: '普通订单',
    trade_type: 0,
    trade_type_desc: '普通',
    ...statusAndTimes(order),
    buyer_words: s.buyerMessage ?? '',
    seller_words: '',
    b_type: 2,
    b_type_desc: '抖音',
    sub_b_type: 1,
    sub_b_type_desc: 'app内-原生',
    app_id: 0,
    pay_type: order.payType,
    channel_payment_no: order.channelPaymentNo,
    order_amount: order.skuOrders.reduce((sum, line) => sum + line.sumFen + line.postFen, 0),
    pay_amount: order.skuOrders.reduce((sum, line) => sum + line.payFen, 0),
    post_amount: s.postFeeFen,
    post_insurance_amount: 0,
    modify_amount: 0,
    modify_post_amount: 0,
    promotion_amount: promotion,
    promotion_shop_amount: promotion,
    promotion_platform_amount: 0,
    shop_cost_amount: promotion,
    platform_cost_amount: 0,
    promotion_talent_amount: 0,
    promotion_pay_amount: 0,
    encrypt_post_tel: cipher.encrypt('phone', order.receiver.phone),
    encrypt_post_receiver: cipher.encrypt('name', order.receiver.name),
    post_addr: postAddr(order, cipher),
    mask_post_receiver: order.receiver.maskedName,
    mask_post_tel: order.receiver.maskedPhone,
    mask_post_addr: maskPostAddr(order),
    exp_ship_time: seconds(s.shipBy),
    ship_time: seconds(order.shipTime),
    logistics_info: logisticsInfo(order),
    sku_order_list: order.skuOrders.map((line) => skuOrder(order, line, cipher)),
    seller_remark_stars: 0,
    order_phase_list: [],
    doudian_open_id: order.buyerOpenId,
    serial_number_list: [],
    promotion_redpack_amount: 0,
    promotion_redpack_platform_amount: 0,
    promotion_redpack_talent_amount: 0,
    shop_order_tag_ui: shopTags,
    // A VIP buyer carries the marker the platform's normaliser reads as VIP (douyin.normalise: tagsOf).
    user_tag_ui: s.vip ? [{ key: 'vip', text: 'VIP会员' }] : [],
  };
}
