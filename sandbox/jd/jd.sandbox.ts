import { createServer } from 'node:http';
import { JD_PUSH_METHOD } from '../../src/modules/channels/jd/jd.connector.ts';
import { signJd } from '../../src/modules/channels/jd/jd.sign.ts';
import { formatWallClock } from '../../src/platform/time/wall-clock.ts';
import type { FaultOptions } from '../common/faults.ts';
import type { ScenarioRates } from '../common/order-scenario.ts';
import { DEFAULT_SCENARIO_RATES } from '../common/order-scenario.ts';
import { Prng } from '../common/prng.ts';
import { createJdGateway, type GatewayLimits, type RecordedRequest, type ShipmentWrite, type StockWrite } from './jd.gateway.ts';
import { JdStore, type JdOrderEvent, type JdSandboxOrder, type JdSandboxShop } from './jd.store.ts';
import { OneAtATime, SandboxClock, closeServer, instantOf, listen } from '../common/lifecycle.ts';

/**
 * A JD open-platform sandbox (京东宙斯/JOS): a real HTTP server at `${url}/routerjson` speaking the
 * routerjson protocol, seeded orders that evolve with the sandbox clock, and an HTTP stand-in for
 * JD's order messages.
 *
 * Push. JD delivers order messages over JMQ, which is not HTTP. The sandbox POSTs each message to
 * `webhook.url` as JSON `{"order_id","order_state","modified","message_id","vender_id"}`, signed
 * with the JD request rule: the query carries `app_key, method=jingdong.pop.order.changed,
 * timestamp, v=2.0, sign`, and the raw body is signed as the `360buy_param_json` value. The message
 * says what changed; the receiver fetches the order (enGet). Any 2xx counts as delivered.
 *
 * Unpaid orders: POP's order search lists orders from payment on, so a scenario never paid never
 * appears, and an order first appears as WAIT_SELLER_STOCK_OUT.
 */

export { JD_PUSH_METHOD };

export interface JdWebhookOptions {
  readonly url: string;
  readonly appKey: string;
  readonly appSecret: string;
}

export interface JdSandboxOptions {
  readonly port?: number;
  readonly host?: string;
  readonly apps: readonly {
    readonly appKey: string;
    readonly appSecret: string;
    /** venderId: JD's numeric shop (vendor) id. */
    readonly shops: readonly { readonly venderId: string; readonly accessToken: string }[];
  }[];
  readonly seed?: number | string;
  readonly clock?: () => number | Date;
  readonly faults?: FaultOptions;
  readonly webhook?: JdWebhookOptions;
  readonly scenario?: Partial<ScenarioRates>;
  readonly limits?: Partial<GatewayLimits>;
  readonly recordRequests?: boolean;
}

export interface JdWebhookDelivery {
  readonly at: number;
  readonly messageId: string;
  readonly status: number;
  readonly body: string;
}

export interface JdPushReport {
  /** Deliveries made, duplicates included. */
  readonly messages: number;
  readonly duplicates: number;
  readonly failedPosts: number;
}

export interface JdSandboxRecord {
  readonly requests: RecordedRequest[];
  readonly stockWrites: StockWrite[];
  readonly shipments: ShipmentWrite[];
  readonly events: JdOrderEvent[];
  readonly webhookDeliveries: JdWebhookDelivery[];
}

export interface JdSandbox {
  /** Base URL; the API is at `${url}/routerjson`. */
  readonly url: string;
  readonly port: number;
  readonly shops: readonly JdSandboxShop[];
  readonly store: JdStore;
  readonly recorded: JdSandboxRecord;
  now(): number;
  generateOrders(count: number, at?: number | Date, options?: { venderId?: string; spreadSeconds?: number }): JdSandboxOrder[];
  advance(ms?: number): JdOrderEvent[];
  pushEvents(): Promise<JdPushReport>;
  close(): Promise<void>;
}

export const DEFAULT_LIMITS: GatewayLimits = {
  maxPageSize: 100,
  // Chosen, not confirmed: JD's enSearch is recalled to refuse spans over about a month; the sandbox
  // enforces 30 days so a connector must window a longer backfill.
  maxWindowSeconds: 30 * 24 * 3600,
  // Chosen: ten minutes, TOP's documented tolerance; JD's own figure was not found.
  maxClockSkewSeconds: 600,
};

/** Builds one signed push delivery: the URL with its query and the JSON body. */
export function signedJdPush(url: string, app: { appKey: string; appSecret: string }, message: Record<string, string>, at: Date): { url: string; body: string } {
  const body = JSON.stringify(message);
  const params = { app_key: app.appKey, method: JD_PUSH_METHOD, timestamp: formatWallClock(at), v: '2.0' };
  const sign = signJd({ ...params, '360buy_param_json': body }, app.appSecret);
  return { url: `${url}${url.includes('?') ? '&' : '?'}${new URLSearchParams({ ...params, sign })}`, body };
}

export async function startJdSandbox(options: JdSandboxOptions): Promise<JdSandbox> {
  const rng = new Prng(options.seed ?? 1);
  const shops: JdSandboxShop[] = options.apps.flatMap((app) =>
    app.shops.map((shop) => {
      if (!/^\d+$/.test(shop.venderId)) throw new TypeError(`venderId must be numeric, got ${shop.venderId}`);
      return { venderId: shop.venderId, appKey: app.appKey, accessToken: shop.accessToken };
    }),
  );
  if (shops.length === 0) throw new TypeError('the sandbox needs at least one shop');
  const clock = new SandboxClock(options.clock);
  const now = () => clock.now();
  const store = new JdStore(rng.fork('orders'), { ...DEFAULT_SCENARIO_RATES, ...options.scenario });
  const recorded: JdSandboxRecord = { requests: [], stockWrites: [], shipments: [], events: [], webhookDeliveries: [] };
  const pending: JdOrderEvent[] = [];
  store.onEvent((event) => {
    recorded.events.push(event);
    if (options.webhook) pending.push(event);
  });
  const advance = () => store.advance(now());
  const faults = options.faults ?? {};
  const gateway = createJdGateway({
    appSecrets: new Map(options.apps.map((a) => [a.appKey, a.appSecret])),
    shopsByToken: new Map(shops.map((s) => [s.accessToken, s])),
    store,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    faults,
    rng,
    now,
    advance,
    stockWrites: recorded.stockWrites,
    shipments: recorded.shipments,
    onRequest: options.recordRequests === false ? undefined : (r) => recorded.requests.push(r),
  });
  const server = createServer(gateway);
  const { port, url } = await listen(server, options.port, options.host);
  const pushRng = rng.fork('push');

  const pushes = new OneAtATime<JdPushReport>();
  async function deliverDue(webhook: JdWebhookOptions): Promise<JdPushReport> {
    const due = pending.splice(0, pending.length);
    // Duplicates (same message id twice), then reordering (a message swapped with a later one).
    const queue: JdOrderEvent[] = [];
    let duplicates = 0;
    for (const e of due) {
      queue.push(e);
      if (pushRng.chance(faults.duplicateRate ?? 0)) {
        queue.push(e);
        duplicates++;
      }
    }
    for (let i = 0; i < queue.length - 1; i++) {
      if (pushRng.chance(faults.reorderRate ?? 0)) {
        const j = pushRng.int(i + 1, queue.length - 1);
        [queue[i], queue[j]] = [queue[j] as JdOrderEvent, queue[i] as JdOrderEvent];
      }
    }
    let failedPosts = 0;
    for (const e of queue) {
      const message = { order_id: e.order_id, order_state: e.order_state, modified: formatWallClock(new Date(e.at)), message_id: e.message_id, vender_id: e.vender_id };
      const push = signedJdPush(webhook.url, webhook, message, new Date(now()));
      let status = 0;
      let text = '';
      try {
        const res = await fetch(push.url, { method: 'POST', headers: { 'content-type': 'application/json;charset=UTF-8' }, body: push.body });
        status = res.status;
        text = await res.text();
      } catch (err) {
        text = err instanceof Error ? err.message : String(err);
      }
      recorded.webhookDeliveries.push({ at: now(), messageId: e.message_id, status, body: text.slice(0, 500) });
      if (status < 200 || status >= 300) failedPosts++;
    }
    return { messages: queue.length, duplicates, failedPosts };
  }
  const pushEvents = async (): Promise<JdPushReport> => {
    const webhook = options.webhook;
    if (!webhook) throw new Error('pushEvents needs the webhook option');
    return pushes.run(async () => {
      advance();
      return deliverDue(webhook);
    });
  };

  return {
    url,
    port,
    shops,
    store,
    recorded,
    now,
    generateOrders(count, at, generateOptions = {}) {
      const shop = generateOptions.venderId ? shops.find((s) => s.venderId === generateOptions.venderId) : shops[0];
      if (!shop) throw new TypeError(`no sandbox shop ${generateOptions.venderId}`);
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
      await pushes.idle();
      await closeServer(server);
    },
  };
}
