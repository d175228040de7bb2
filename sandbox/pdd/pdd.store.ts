import { CATALOGUE } from '../common/catalogue.ts';
import { DEFAULT_SCENARIO_RATES, generateScenario, type OrderScenario, type ScenarioRates } from '../common/order-scenario.ts';
import type { Prng } from '../common/prng.ts';
import type { Receiver } from '../common/receiver.ts';
import { Timeline } from '../common/timeline.ts';
import { formatWallClock } from '../../src/platform/time/wall-clock.ts';

/**
 * Pinduoduo orders in the sandbox. A scenario becomes a PDD order only when it is paid: PDD's
 * order APIs never list unpaid orders, so a scenario that is never paid never appears. A
 * cancellation after payment is PDD's full refund: `refund_status` 4 (退款成功) with the order
 * closed (`pdd_trade_TradeClose`). Shipping comes only from pdd.logistics.online.send.
 */

export interface SandboxMall {
  readonly mallId: string;
  readonly mallName: string;
  readonly clientId: string;
  readonly accessToken: string;
}

export interface PddOrderState {
  readonly orderSn: string;
  readonly mallId: string;
  readonly scenario: OrderScenario;
  /** 1 待发货, 2 已发货待签收, 3 已签收. */
  orderStatus: 1 | 2 | 3;
  /** 1 无售后, 2 售后处理中, 3 退款中, 4 退款成功. */
  refundStatus: 1 | 2 | 3 | 4;
  /** 0 normal, 1 定金预售 (deposit presale). */
  readonly tradeType: 0 | 1;
  receiver: Receiver;
  updatedAt: number;
  shippingTime?: number;
  logisticsId?: string;
  trackingNumber?: string;
}

export interface PddMessage {
  readonly type: 'pdd_trade_TradeConfirmed' | 'pdd_trade_TradeModified' | 'pdd_trade_TradeClose' | 'pdd_trade_TradeSellerShip';
  readonly mallId: string;
  readonly orderSn: string;
  readonly messageId: string;
  readonly at: number;
}

type Step = { kind: 'pay' | 'address' | 'cancel'; orderSn: string };

const yuan = (fen: number): number => fen / 100;
const wall = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : formatWallClock(new Date(ms)));

/** Platform ids for a catalogue SKU: stable, numeric, derived from its position. */
export function pddIdsOf(outSkuId: string): { goodsId: number; skuId: number } | undefined {
  for (const [pi, product] of CATALOGUE.entries()) {
    const si = product.skus.findIndex((s) => s.outSkuId === outSkuId);
    if (si >= 0) return { goodsId: 400_000_000_000 + pi, skuId: 1_200_000_000_000 + pi * 100 + si };
  }
  return undefined;
}

export class PddStore {
  private readonly orders = new Map<string, PddOrderState>();
  private readonly planned = new Map<string, { mall: SandboxMall; scenario: OrderScenario }>();
  private readonly timeline = new Timeline<Step>();
  private readonly listeners: ((m: PddMessage) => void)[] = [];
  private readonly rates: ScenarioRates;

  constructor(private readonly rng: Prng, rates?: Partial<ScenarioRates>) {
    this.rates = { ...DEFAULT_SCENARIO_RATES, ...rates };
  }

  onMessage(listener: (m: PddMessage) => void): void {
    this.listeners.push(listener);
  }

  private emit(type: PddMessage['type'], order: PddOrderState, at: number): void {
    const message = { type, mallId: order.mallId, orderSn: order.orderSn, messageId: this.rng.digits(19), at };
    for (const l of this.listeners) l(message);
  }

  /** Plans `count` orders created at `at` or spread over the `spreadMs` before it; returns their order_sn. */
  plan(mall: SandboxMall, count: number, at: number, spreadMs: number): string[] {
    const sns: string[] = [];
    for (let i = 0; i < count; i++) {
      const createdAt = count > 1 && spreadMs > 0 ? Math.round(at - spreadMs + (spreadMs * i) / (count - 1)) : at;
      const scenario = generateScenario(this.rng, createdAt, this.rates);
      const day = formatWallClock(new Date(createdAt)).slice(2, 10).replace(/-/g, '');
      const orderSn = `${day}-${this.rng.digits(15)}`;
      sns.push(orderSn);
      // Never paid: PDD never shows it.
      if (scenario.paidAt === undefined) continue;
      this.planned.set(orderSn, { mall, scenario });
      this.timeline.schedule(scenario.paidAt, { kind: 'pay', orderSn });
      if (scenario.addressChangedAt !== undefined) this.timeline.schedule(scenario.addressChangedAt, { kind: 'address', orderSn });
      if (scenario.cancelledAt !== undefined) this.timeline.schedule(scenario.cancelledAt, { kind: 'cancel', orderSn });
    }
    return sns;
  }

  /** Applies every step due by `now`. */
  advance(now: number): void {
    for (let next = this.timeline.takeNext(now); next; next = this.timeline.takeNext(now)) {
      const { at, item } = next;
      if (item.kind === 'pay') {
        const plan = this.planned.get(item.orderSn)!;
        const order: PddOrderState = {
          orderSn: item.orderSn,
          mallId: plan.mall.mallId,
          scenario: plan.scenario,
          orderStatus: 1,
          refundStatus: 1,
          tradeType: plan.scenario.presale && this.rng.chance(0.5) ? 1 : 0,
          receiver: plan.scenario.receiver,
          updatedAt: at,
        };
        this.orders.set(order.orderSn, order);
        this.emit('pdd_trade_TradeConfirmed', order, at);
        continue;
      }
      const order = this.orders.get(item.orderSn);
      if (!order) continue;
      if (item.kind === 'address' && order.orderStatus === 1 && order.refundStatus !== 4 && order.scenario.newReceiver) {
        order.receiver = order.scenario.newReceiver;
        order.updatedAt = at;
        this.emit('pdd_trade_TradeModified', order, at);
      } else if (item.kind === 'cancel' && order.orderStatus === 1 && order.refundStatus !== 4) {
        order.refundStatus = 4;
        order.updatedAt = at;
        this.emit('pdd_trade_TradeClose', order, at);
      }
    }
  }

  ship(orderSn: string, logisticsId: string, trackingNumber: string, at: number): 'ok' | 'not_found' | 'not_shippable' {
    const order = this.orders.get(orderSn);
    if (!order) return 'not_found';
    if (order.orderStatus !== 1 || order.refundStatus === 4) return 'not_shippable';
    order.orderStatus = 2;
    order.shippingTime = at;
    order.logisticsId = logisticsId;
    order.trackingNumber = trackingNumber;
    order.updatedAt = at;
    this.emit('pdd_trade_TradeSellerShip', order, at);
    return 'ok';
  }

  get(orderSn: string): PddOrderState | undefined {
    return this.orders.get(orderSn);
  }

  /** Every order PDD would show for the mall (paid at some point), oldest update first. */
  ordersOf(mallId: string): PddOrderState[] {
    return [...this.orders.values()]
      .filter((o) => o.mallId === mallId)
      .sort((a, b) => a.updatedAt - b.updatedAt || (a.orderSn < b.orderSn ? -1 : a.orderSn > b.orderSn ? 1 : 0));
  }
}

/** The order as PDD's order APIs return it (yuan numbers, GMT+8 wall-clock strings, masked receiver). */
export function renderPddOrder(order: PddOrderState): Record<string, unknown> {
  const s = order.scenario;
  const r = order.receiver;
  const goodsFen = s.lines.reduce((sum, l) => sum + l.unitPriceFen * l.quantity, 0);
  const payFen = goodsFen + s.postFeeFen - s.discountFen;
  const rendered: Record<string, unknown> = {
    order_sn: order.orderSn,
    order_status: order.orderStatus,
    refund_status: order.refundStatus,
    confirm_status: 1,
    trade_type: order.tradeType,
    is_pre_sale: s.presale ? 1 : 0,
    pre_sale_time: s.presale ? wall(s.presaleShipFrom) : '',
    created_time: wall(s.createdAt),
    confirm_time: wall(s.paidAt),
    updated_at: wall(order.updatedAt),
    shipping_time: wall(order.shippingTime) ?? '',
    last_ship_time: wall(s.shipBy),
    province: r.province.name,
    province_id: Number(r.province.code),
    city: r.city.name,
    city_id: Number(r.city.code),
    town: r.district.name,
    town_id: Number(r.district.code),
    receiver_name_mask: r.maskedName,
    receiver_phone_mask: r.maskedPhone,
    address_mask: `${r.street.name}****`,
    goods_amount: yuan(goodsFen),
    postage: yuan(s.postFeeFen),
    discount_amount: yuan(s.discountFen),
    seller_discount: yuan(s.discountFen),
    platform_discount: 0,
    pay_amount: yuan(payFen),
    buyer_memo: s.buyerMessage ?? '',
    remark: '',
    tracking_number: order.trackingNumber ?? '',
    logistics_id: order.logisticsId === undefined ? 0 : Number(order.logisticsId) || 0,
    item_list: s.lines.map((l) => {
      const ids = pddIdsOf(l.sku.outSkuId)!;
      return {
        goods_id: ids.goodsId,
        sku_id: ids.skuId,
        outer_id: l.sku.outSkuId,
        outer_goods_id: l.product.outProductId,
        goods_name: l.product.name,
        goods_spec: l.sku.specs.map((x) => x.value).join(','),
        goods_count: l.quantity,
        goods_price: yuan(l.unitPriceFen),
      };
    }),
  };
  if (order.tradeType === 1) {
    // 定金预售: field names follow PDD's step_order_info; the values here are the sandbox's guess.
    rendered.step_order_info = { step_trade_status: 2, step_paid_fee: yuan(Math.min(payFen, 1000)) };
  }
  return rendered;
}
