import { CATALOGUE } from '../common/catalogue.ts';
import { generateScenario, type OrderScenario, type ScenarioRates, DEFAULT_SCENARIO_RATES } from '../common/order-scenario.ts';
import type { Prng } from '../common/prng.ts';
import type { Receiver } from '../common/receiver.ts';
import { Timeline } from '../common/timeline.ts';

/**
 * The JD sandbox's orders (京东 POP): each generated from a shared scenario and replayed as the
 * sandbox clock passes its moments. JD's POP order search lists paid orders only, so an order
 * appears when it is paid (WAIT_SELLER_STOCK_OUT); a scenario that is never paid never appears.
 */

export type JdState =
  | 'WAIT_SELLER_STOCK_OUT'
  | 'WAIT_SELLER_DELIVERY'
  | 'WAIT_GOODS_RECEIVE_CONFIRM'
  | 'FINISHED_L'
  | 'TRADE_CANCELED'
  | 'LOCKED'
  | 'POP_ORDER_PAUSE';
export const JD_STATES: readonly JdState[] = [
  'WAIT_SELLER_STOCK_OUT', 'WAIT_SELLER_DELIVERY', 'WAIT_GOODS_RECEIVE_CONFIRM', 'FINISHED_L', 'TRADE_CANCELED', 'LOCKED', 'POP_ORDER_PAUSE',
];

export interface JdSandboxShop {
  readonly venderId: string;
  readonly appKey: string;
  readonly accessToken: string;
}

export interface JdSku {
  readonly skuId: string;
  readonly wareId: string;
  readonly outerSkuId: string;
  readonly name: string;
}

/** JD mints its own numeric ids; the merchant code (outerSkuId) is the catalogue's. */
export const JD_SKUS: readonly JdSku[] = CATALOGUE.flatMap((product, p) =>
  product.skus.map((sku, s) => ({
    skuId: String(100009000000 + p * 100 + s + 1),
    wareId: String(10000800000 + p + 1),
    outerSkuId: sku.outSkuId,
    name: `${product.name} ${sku.specs.map((x) => x.value).join(' ')}`,
  })),
);
const skuByOuter = new Map(JD_SKUS.map((s) => [s.outerSkuId, s]));

export interface JdLine {
  readonly sku: JdSku;
  readonly priceFen: number;
  readonly quantity: number;
}

export interface JdSandboxOrder {
  readonly orderId: string;
  readonly venderId: string;
  readonly scenario: OrderScenario;
  readonly lines: readonly JdLine[];
  state: JdState;
  receiver: Receiver;
  /** ms, whole seconds (JD's times have no milliseconds). */
  modified: number;
  visible: boolean;
  venderRemark: string;
}

export interface JdOrderEvent {
  readonly message_id: string;
  readonly vender_id: string;
  readonly order_id: string;
  readonly order_state: JdState;
  /** ms */
  readonly at: number;
}

type Step = { orderId: string; kind: 'pay' | 'address' | 'cancel' };

const seconds = (ms: number) => Math.floor(ms / 1000) * 1000;

export class JdStore {
  private readonly orders = new Map<string, JdSandboxOrder>();
  private readonly timeline = new Timeline<Step>();
  private readonly listeners: ((event: JdOrderEvent) => void)[] = [];
  private seq = 0;
  private nextId = 0;

  constructor(
    private readonly rng: Prng,
    private readonly rates: ScenarioRates = DEFAULT_SCENARIO_RATES,
  ) {}

  onEvent(listener: (event: JdOrderEvent) => void): void {
    this.listeners.push(listener);
  }

  get(orderId: string): JdSandboxOrder | undefined {
    return this.orders.get(orderId);
  }

  /** The orders JD shows for a shop: paid at some point, in id order. */
  ordersOf(venderId: string): JdSandboxOrder[] {
    return [...this.orders.values()].filter((o) => o.venderId === venderId && o.visible);
  }

  plan(shop: JdSandboxShop, count: number, at: number, spreadMs: number): JdSandboxOrder[] {
    const planned: JdSandboxOrder[] = [];
    for (let i = 0; i < count; i++) {
      const createdAt = seconds(count > 1 ? at - spreadMs + Math.round((spreadMs * i) / (count - 1)) : at);
      const scenario = generateScenario(this.rng, createdAt, this.rates);
      // JD order ids: twelve digits, increasing.
      const orderId = String(290000000000 + ++this.nextId * 37 + this.rng.int(0, 30));
      const lines = scenario.lines.map((l) => ({
        sku: skuByOuter.get(l.sku.outSkuId) as JdSku,
        priceFen: l.unitPriceFen,
        quantity: l.quantity,
      }));
      const order: JdSandboxOrder = {
        orderId, venderId: shop.venderId, scenario, lines, state: 'WAIT_SELLER_STOCK_OUT', receiver: scenario.receiver,
        modified: createdAt, visible: false, venderRemark: '',
      };
      this.orders.set(orderId, order);
      if (scenario.paidAt !== undefined) {
        this.timeline.schedule(seconds(scenario.paidAt), { orderId, kind: 'pay' });
        if (scenario.addressChangedAt !== undefined) this.timeline.schedule(seconds(scenario.addressChangedAt), { orderId, kind: 'address' });
        if (scenario.cancelledAt !== undefined) this.timeline.schedule(seconds(scenario.cancelledAt), { orderId, kind: 'cancel' });
      }
      planned.push(order);
    }
    return planned;
  }

  /** Applies every step due by `now` (ms); returns the messages raised. */
  advance(now: number): JdOrderEvent[] {
    const raised: JdOrderEvent[] = [];
    for (let next = this.timeline.takeNext(now); next; next = this.timeline.takeNext(now)) {
      const order = this.orders.get(next.item.orderId) as JdSandboxOrder;
      if (next.item.kind === 'pay') {
        order.visible = true;
        order.state = 'WAIT_SELLER_STOCK_OUT';
      } else if (next.item.kind === 'address') {
        if (order.state !== 'WAIT_SELLER_STOCK_OUT') continue;
        order.receiver = order.scenario.newReceiver ?? order.receiver;
      } else {
        if (order.state !== 'WAIT_SELLER_STOCK_OUT' && order.state !== 'WAIT_SELLER_DELIVERY') continue;
        order.state = 'TRADE_CANCELED';
      }
      raised.push(this.touch(order, next.at));
    }
    return raised;
  }

  /** Records a change made through the API (shipment) at `now`. */
  change(order: JdSandboxOrder, state: JdState, now: number): JdOrderEvent {
    order.state = state;
    return this.touch(order, now);
  }

  private touch(order: JdSandboxOrder, at: number): JdOrderEvent {
    order.modified = Math.max(order.modified, seconds(at));
    const event = { message_id: `jd-msg-${++this.seq}`, vender_id: order.venderId, order_id: order.orderId, order_state: order.state, at: order.modified };
    for (const listener of this.listeners) listener(event);
    return event;
  }
}
