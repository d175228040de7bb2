import { createServer } from 'node:http';
import type { FaultOptions } from '../common/faults.ts';
import type { ScenarioRates } from '../common/order-scenario.ts';
import { Prng } from '../common/prng.ts';
import type { StockPush } from './douyin.api.ts';
import { createGateway, type GatewayLimits, type RecordedRequest } from './douyin.gateway.ts';
import { DouyinStore, type DouyinOrder, type SandboxShop, type Shipment, type TradeEvent } from './douyin.store.ts';
import { WebhookDispatcher, type PushReport, type WebhookDelivery, type WebhookOptions } from './douyin.webhook.ts';
import { OneAtATime, SandboxClock, closeServer, instantOf, listen } from '../common/lifecycle.ts';

/**
 * A Douyin shop open-platform sandbox (抖店开放平台): a real HTTP server speaking the platform's
 * protocol, with seeded order data that evolves as the sandbox clock moves and a message push to a
 * callback URL. Tests, the demo, replay and benchmarks point a Douyin connector at `url` instead of
 * https://openapi-fxg.jinritemai.com and read what it wrote from `recorded`.
 */

export interface DouyinSandboxOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
  readonly apps: readonly {
    readonly appKey: string;
    readonly appSecret: string;
    readonly shops: readonly { readonly shopId: string; readonly accessToken: string; readonly shopName?: string }[];
  }[];
  readonly seed?: number | string;
  /** Sandbox "now": ms since the epoch or a Date. Defaults to the wall clock. */
  readonly clock?: () => number | Date;
  readonly faults?: FaultOptions;
  readonly webhook?: WebhookOptions;
  /** How often generated orders are presale, cancelled, re-addressed and so on. */
  readonly scenario?: Partial<ScenarioRates>;
  readonly limits?: Partial<GatewayLimits>;
  /** Keep a log of every API call in `recorded.requests` (default true; turn off for long benchmarks). */
  readonly recordRequests?: boolean;
}

export interface DouyinSandboxRecord {
  readonly requests: RecordedRequest[];
  readonly stockPushes: StockPush[];
  readonly shipments: Shipment[];
  /** Every trade message raised, in the order it happened, whether or not a webhook is set. */
  readonly events: TradeEvent[];
  readonly webhookDeliveries: WebhookDelivery[];
}

export interface DouyinSandbox {
  /** Base URL, e.g. http://127.0.0.1:53117; APIs live at `${url}/order/searchList` and so on. */
  readonly url: string;
  readonly port: number;
  readonly shops: readonly SandboxShop[];
  readonly store: DouyinStore;
  readonly recorded: DouyinSandboxRecord;
  /** Sandbox time now, ms. */
  now(): number;
  /**
   * Plans `count` orders created at `at` (default now), or evenly over the `spreadSeconds` before
   * it, for one shop (default the first). Orders whose creation time has come appear at once.
   */
  generateOrders(count: number, at?: number | Date, options?: { shopId?: string; spreadSeconds?: number }): DouyinOrder[];
  /**
   * Moves sandbox time forward by `ms` (default 0, on top of `clock`) and applies every order change
   * now due: payments, cancellations, address edits, completions. Returns the messages raised.
   */
  advance(ms?: number): TradeEvent[];
  /** Delivers the due push messages (after applying due changes); needs `webhook`. */
  pushEvents(): Promise<PushReport>;
  close(): Promise<void>;
}

export const DEFAULT_LIMITS: GatewayLimits = {
  maxPageSize: 100,
  // Not a documented platform number (none was found); one day matches Taobao's documented ceiling
  // for incremental pulls and keeps a connector honest about windowing its backfill.
  maxWindowSeconds: 24 * 3600,
  // Not documented by Douyin either; ten minutes is TOP's documented tolerance.
  maxClockSkewSeconds: 600,
};

export async function startDouyinSandbox(options: DouyinSandboxOptions): Promise<DouyinSandbox> {
  const rng = new Prng(options.seed ?? 1);
  const shops: SandboxShop[] = options.apps.flatMap((app) =>
    app.shops.map((shop) => {
      if (!/^\d+$/.test(shop.shopId)) throw new TypeError(`shopId must be numeric, got ${shop.shopId}`);
      return { shopId: shop.shopId, shopName: shop.shopName ?? `抖店沙箱店铺${shop.shopId}`, appKey: app.appKey, accessToken: shop.accessToken };
    }),
  );
  if (shops.length === 0) throw new TypeError('the sandbox needs at least one shop');
  const clock = new SandboxClock(options.clock);
  const now = () => clock.now();

  const store = new DouyinStore({ rng, shops, rates: options.scenario });
  const recorded: DouyinSandboxRecord = { requests: [], stockPushes: [], shipments: [], events: [], webhookDeliveries: [] };
  const faults = options.faults ?? {};
  const dispatcher = options.webhook
    ? new WebhookDispatcher(options.webhook, rng, faults, now, recorded.webhookDeliveries)
    : undefined;
  store.onEvent((event) => {
    recorded.events.push(event);
    dispatcher?.enqueue(event);
  });
  const advance = () => store.advance(now());

  const gateway = createGateway({
    appSecrets: new Map(options.apps.map((app) => [app.appKey, app.appSecret])),
    shopsByToken: new Map(shops.map((shop) => [shop.accessToken, shop])),
    store,
    record: recorded,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    faults,
    rng,
    now,
    advance,
    onRequest: options.recordRequests === false ? undefined : (request) => recorded.requests.push(request),
  });
  const server = createServer(gateway);
  const { port, url } = await listen(server, options.port, options.host);

  const pushes = new OneAtATime<PushReport>();
  const pushEvents = async (): Promise<PushReport> => {
    if (!dispatcher) throw new Error('pushEvents needs the webhook option');
    return pushes.run(async () => {
      advance();
      return dispatcher.push();
    });
  };
  const timer = options.webhook?.autoPushMs
    ? setInterval(() => void pushEvents().catch(() => undefined), options.webhook.autoPushMs)
    : undefined;
  timer?.unref();

  return {
    url,
    port,
    shops,
    store,
    recorded,
    now,
    generateOrders(count, at, generateOptions = {}) {
      const shop = generateOptions.shopId ? shops.find((s) => s.shopId === generateOptions.shopId) : shops[0];
      if (!shop) throw new TypeError(`no sandbox shop ${generateOptions.shopId}`);
      const when = instantOf(at, clock);
      const planned = store.plan(shop, count, when, (generateOptions.spreadSeconds ?? 0) * 1000);
      advance();
      return planned;
    },
    advance(ms = 0) {
      clock.forward(ms);
      return advance();
    },
    pushEvents,
    async close() {
      if (timer) clearInterval(timer);
      await pushes.idle();
      await closeServer(server);
    },
  };
}
