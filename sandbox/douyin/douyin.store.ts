import { CATALOGUE } from '../common/catalogue.ts';
import { DEFAULT_SCENARIO_RATES, generateScenario, type OrderScenario, type ScenarioRates } from '../common/order-scenario.ts';
import type { Prng } from '../common/prng.ts';
import type { Receiver } from '../common/receiver.ts';
import type { RawJson } from '../common/raw-json.ts';
import { Timeline } from '../common/timeline.ts';
import { CipherBook } from './douyin.cipher.ts';
import { buildTradeEventData } from './douyin.events.ts';
import type { DouyinOrder, DouyinSkuOrder, PlatformSku, SandboxShop, Shipment } from './douyin.order.ts';

export type { DouyinOrder, DouyinSkuOrder, PlatformSku, SandboxShop, Shipment };
import { BEFORE_SHIPMENT, canTransition, OrderStatus, TradeTag } from './douyin.lifecycle.ts';

/**
 * The sandbox's shop data: orders, their lifecycle as sandbox time passes, and the catalogue's
 * platform ids and stock. Every change goes through `transition()`, which checks the status table,
 * bumps `update_time` and emits the trade message the platform would push.
 */

export interface TradeEvent {
  readonly tag: number;
  readonly at: number;
  readonly shopId: string;
  readonly orderId: string;
  /** The message's `data` object, big ids as exact integers. */
  readonly data: RawJson;
}

interface Step {
  readonly kind: 'create' | 'pay' | 'release' | 'cancel' | 'addressChange' | 'complete';
  readonly order: DouyinOrder;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export class DouyinStore {
  readonly cipher: CipherBook;
  readonly skus: readonly PlatformSku[];
  /** Sellable stock per out_sku_id, as last set by sku.syncStock (100 of each to start). */
  readonly stock = new Map<string, number>();
  private readonly orders = new Map<string, DouyinOrder>();
  private readonly ordersByShop = new Map<string, DouyinOrder[]>();
  private readonly timeline = new Timeline<Step>();
  private readonly listeners: ((event: TradeEvent) => void)[] = [];
  private readonly rng: Prng;
  private readonly rates: ScenarioRates;

  constructor(options: { rng: Prng; shops: readonly SandboxShop[]; rates?: Partial<ScenarioRates> }) {
    this.rng = options.rng.fork('orders');
    this.rates = { ...DEFAULT_SCENARIO_RATES, ...options.rates };
    const ids = options.rng.fork('catalogue');
    this.cipher = new CipherBook(`douyin-sandbox:${ids.nextUint32()}`);
    this.skus = CATALOGUE.flatMap((product) => {
      const productId = '3' + ids.digits(18);
      return product.skus.map((sku) => ({
        productId,
        skuId: '17' + ids.digits(14),
        outProductId: product.outProductId,
        outSkuId: sku.outSkuId,
        productName: product.name,
        specs: sku.specs,
      }));
    });
    for (const sku of this.skus) this.stock.set(sku.outSkuId, 100);
    for (const shop of options.shops) this.ordersByShop.set(shop.shopId, []);
  }

  onEvent(listener: (event: TradeEvent) => void): void {
    this.listeners.push(listener);
  }

  get(orderId: string): DouyinOrder | undefined {
    return this.orders.get(orderId);
  }

  /** Orders of one shop that exist by now, in creation order. */
  ordersOf(shopId: string): readonly DouyinOrder[] {
    return this.ordersByShop.get(shopId) ?? [];
  }

  get size(): number {
    return this.orders.size;
  }

  /**
   * Plans `count` orders for `shop`, created evenly over `[at − spreadMs, at]`. They appear when the
   * sandbox clock reaches their creation time (`advance`), so orders planned in the future arrive
   * later as if buyers were still shopping.
   */
  plan(shop: SandboxShop, count: number, at: number, spreadMs = 0): DouyinOrder[] {
    const planned: DouyinOrder[] = [];
    for (let i = 0; i < count; i++) {
      const createdAt = count > 1 ? at - spreadMs + Math.floor((spreadMs * i) / (count - 1)) : at;
      const order = this.newOrder(shop, generateScenario(this.rng, createdAt, this.rates));
      this.timeline.schedule(createdAt, { kind: 'create', order });
      planned.push(order);
    }
    return planned;
  }

  /** Applies every step due by `now`, in time order; returns the events they raised. */
  advance(now: number): TradeEvent[] {
    const raised: TradeEvent[] = [];
    const collect = (event: TradeEvent) => raised.push(event);
    this.listeners.push(collect);
    try {
      for (let next = this.timeline.takeNext(now); next; next = this.timeline.takeNext(now)) this.apply(next.item, next.at);
    } finally {
      this.listeners.splice(this.listeners.indexOf(collect), 1);
    }
    return raised;
  }

  /** order.logisticsAdd's effect. Returns why not, or undefined when shipped. */
  ship(order: DouyinOrder, shipment: Shipment): 'not-shippable' | undefined {
    if (order.status !== OrderStatus.Preparing && order.status !== OrderStatus.PartlyShipped) return 'not-shippable';
    order.shipTime = shipment.at;
    order.shipments.push(shipment);
    this.transition(order, OrderStatus.Shipped, shipment.at, [TradeTag.SellerShipped]);
    // Buyers confirm receipt, or the platform auto-confirms, days after dispatch.
    this.timeline.schedule(shipment.at + this.rng.int(3, 10) * DAY, { kind: 'complete', order });
    return undefined;
  }

  private newOrder(shop: SandboxShop, scenario: OrderScenario): DouyinOrder {
    let orderId: string;
    do orderId = '6' + this.rng.digits(18);
    while (this.orders.has(orderId));
    const goodsFen = scenario.lines.reduce((sum, line) => sum + line.unitPriceFen * line.quantity, 0);
    let promotionLeft = scenario.discountFen;
    let postLeft = scenario.postFeeFen;
    const skuOrders = scenario.lines.map((line, i): DouyinSkuOrder => {
      const sku = this.skus.find((s) => s.outSkuId === line.sku.outSkuId) as PlatformSku;
      const sumFen = line.unitPriceFen * line.quantity;
      const last = i === scenario.lines.length - 1;
      // Shares in proportion to the line's value; the last line takes the rounding remainder.
      const promotionFen = last ? promotionLeft : Math.floor((scenario.discountFen * sumFen) / goodsFen);
      const postFen = last ? postLeft : Math.floor((scenario.postFeeFen * sumFen) / goodsFen);
      promotionLeft -= promotionFen;
      postLeft -= postFen;
      return {
        skuOrderId: String(BigInt(orderId) + BigInt(i + 1)),
        sku,
        unitPriceFen: line.unitPriceFen,
        quantity: line.quantity,
        sumFen,
        promotionFen,
        postFen,
        payFen: sumFen - promotionFen + postFen,
      };
    });
    return {
      orderId,
      shop,
      scenario,
      skuOrders,
      buyerOpenId: this.cipher.openId(scenario.receiver.phone),
      payType: this.rng.chance(0.6) ? 1 : 2,
      channelPaymentNo: (this.rng.chance(0.6) ? '4200' : '2024') + this.rng.digits(24),
      status: OrderStatus.AwaitingPayment,
      createTime: scenario.createdAt,
      updateTime: scenario.createdAt,
      cancelReason: '',
      receiver: scenario.receiver,
      shipments: [],
    };
  }

  private apply(step: Step, at: number): void {
    const { order } = step;
    const s = order.scenario;
    switch (step.kind) {
      case 'create':
        this.orders.set(order.orderId, order);
        this.ordersByShop.get(order.shop.shopId)?.push(order);
        this.emit(order, TradeTag.Created, at);
        if (s.paidAt !== undefined) this.timeline.schedule(s.paidAt, { kind: 'pay', order });
        if (s.cancelledAt !== undefined) this.timeline.schedule(s.cancelledAt, { kind: 'cancel', order });
        if (s.addressChangedAt !== undefined) this.timeline.schedule(s.addressChangedAt, { kind: 'addressChange', order });
        return;
      case 'pay':
        order.payTime = at;
        this.transition(order, OrderStatus.Paid, at, [TradeTag.PaidConfirmed]);
        // Most payments are released to the shop within seconds; a few sit in risk review for minutes.
        this.timeline.schedule(at + (this.rng.chance(0.9) ? this.rng.int(1, 5) * 1000 : this.rng.int(1, 10) * MINUTE), { kind: 'release', order });
        return;
      case 'release':
        this.transition(order, OrderStatus.Preparing, at, [TradeTag.PaidPending]);
        return;
      case 'cancel':
        // A shipped order is no longer cancelled: the buyer's change of mind becomes an after-sale.
        if (!canTransition(order.status, OrderStatus.Cancelled)) return;
        order.cancelReason = s.cancelReason ?? '';
        this.transition(order, OrderStatus.Cancelled, at, [TradeTag.Cancelled]);
        return;
      case 'addressChange': {
        if (!BEFORE_SHIPMENT.includes(order.status) || !s.newReceiver) return;
        const before = order.receiver;
        order.receiver = s.newReceiver;
        order.updateTime = Math.max(order.updateTime, at);
        this.emit(order, TradeTag.AddressChangeApplied, at, before);
        this.emit(order, TradeTag.AddressChanged, at);
        return;
      }
      case 'complete':
        order.finishTime = at;
        this.transition(order, OrderStatus.Completed, at, [TradeTag.Completed]);
        return;
    }
  }

  private transition(order: DouyinOrder, to: OrderStatus, at: number, tags: readonly number[]): void {
    if (!canTransition(order.status, to)) return;
    order.status = to;
    order.updateTime = Math.max(order.updateTime, at);
    for (const tag of tags) this.emit(order, tag, at);
  }

  private emit(order: DouyinOrder, tag: number, at: number, previousReceiver?: Receiver): void {
    const event: TradeEvent = {
      tag,
      at,
      shopId: order.shop.shopId,
      orderId: order.orderId,
      data: buildTradeEventData(tag, order, at, this.cipher, previousReceiver),
    };
    for (const listener of this.listeners) listener(event);
  }
}
