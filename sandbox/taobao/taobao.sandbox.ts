import { createServer } from 'node:http';
import { signTop } from '../../src/modules/channels/taobao/taobao.sign.ts';
import type { FaultOptions } from '../common/faults.ts';
import type { ScenarioRates } from '../common/order-scenario.ts';
import { Prng } from '../common/prng.ts';
import { createTopGateway, type TaobaoStockPush, type TopLimits, type TopRecordedRequest } from './taobao.gateway.ts';
import { TaobaoStore, type TaobaoSandboxShop, type TaobaoShipment, type TaobaoTrade, type TmcEvent } from './taobao.store.ts';
import { OneAtATime, SandboxClock, closeServer, instantOf, listen } from '../common/lifecycle.ts';

/**
 * A Taobao/Tmall open-platform (TOP) sandbox: a real HTTP server at `${url}/router/rest` with seeded
 * trades that evolve as the sandbox clock moves, and TMC messages delivered by HTTP POST (see
 * sandbox/README.md, Taobao). A connector points `apiBaseUrl` at `url`.
 */

/** What the receiver answered to one TMC message POST. */
export interface TmcReply {
  readonly status: number;
  readonly body: string;
}

export interface TmcOptions {
  /** The receiver, e.g. `${api}/webhooks/taobao/default.tb-live`; or `send` instead. */
  readonly url?: string;
  /** Delivers one message body in-process instead of over HTTP (tests with their own receiver). */
  readonly send?: (rawBody: string) => Promise<TmcReply>;
  readonly appKey: string;
  readonly appSecret: string;
  /** Failed attempts before a message is dropped; default 8. */
  readonly maxAttempts?: number;
  readonly timeoutMs?: number;
}

export interface TmcDelivery {
  readonly at: number;
  readonly messageId: string;
  readonly topic: string;
  readonly status: number;
  readonly accepted: boolean;
  readonly body: string;
}

export interface TmcPushReport {
  readonly posts: number;
  readonly accepted: number;
  readonly failedPosts: number;
  readonly duplicates: number;
  readonly dropped: number;
}

export interface TaobaoSandboxOptions {
  readonly port?: number;
  readonly host?: string;
  readonly apps: readonly {
    readonly appKey: string;
    readonly appSecret: string;
    readonly shops: readonly { readonly sellerId: string; readonly session: string; readonly sellerNick?: string }[];
  }[];
  readonly seed?: number | string;
  readonly clock?: () => number | Date;
  readonly faults?: FaultOptions;
  readonly tmc?: TmcOptions;
  readonly scenario?: Partial<ScenarioRates>;
  readonly limits?: Partial<TopLimits>;
  readonly recordRequests?: boolean;
}

export interface TaobaoSandboxRecord {
  readonly requests: TopRecordedRequest[];
  readonly stockPushes: TaobaoStockPush[];
  readonly shipments: TaobaoShipment[];
  readonly events: TmcEvent[];
  readonly tmcDeliveries: TmcDelivery[];
}

export interface TaobaoSandbox {
  /** Base URL; the router is `${url}/router/rest`. */
  readonly url: string;
  readonly port: number;
  readonly shops: readonly TaobaoSandboxShop[];
  readonly store: TaobaoStore;
  readonly recorded: TaobaoSandboxRecord;
  now(): number;
  generateOrders(count: number, at?: number | Date, options?: { sellerId?: string; spreadSeconds?: number }): TaobaoTrade[];
  advance(ms?: number): TmcEvent[];
  /** Delivers due TMC messages (one POST each), retrying earlier failures; needs `tmc`. */
  pushEvents(): Promise<TmcPushReport>;
  close(): Promise<void>;
}

export const DEFAULT_TOP_LIMITS: TopLimits = { maxPageSize: 100, maxWindowSeconds: 24 * 3600, maxClockSkewSeconds: 600 };

/** A TMC message as delivered: string members only, signed over all of them but `sign`. */
export function tmcMessageBody(event: TmcEvent, messageId: string, appKey: string, appSecret: string): string {
  const params: Record<string, string> = {
    topic: event.topic,
    message_id: messageId,
    user_id: event.sellerId,
    tid: event.tid,
    status: event.status,
    modified: event.modified,
    pub_app_key: appKey,
    sign_method: 'hmac-sha256',
  };
  return JSON.stringify({ ...params, sign: signTop(params, appSecret) });
}

interface Queued {
  readonly event: TmcEvent;
  readonly messageId: string;
  attempts: number;
}

export async function startTaobaoSandbox(options: TaobaoSandboxOptions): Promise<TaobaoSandbox> {
  const rng = new Prng(options.seed ?? 1);
  const shops: TaobaoSandboxShop[] = options.apps.flatMap((app) =>
    app.shops.map((shop) => {
      if (!/^\d+$/.test(shop.sellerId)) throw new TypeError(`sellerId must be numeric, got ${shop.sellerId}`);
      return { sellerId: shop.sellerId, sellerNick: shop.sellerNick ?? `淘宝沙箱店铺${shop.sellerId}`, appKey: app.appKey, session: shop.session };
    }),
  );
  if (shops.length === 0) throw new TypeError('the sandbox needs at least one shop');
  const clock = new SandboxClock(options.clock);
  const now = () => clock.now();

  const store = new TaobaoStore({ rng, shops, rates: options.scenario });
  const recorded: TaobaoSandboxRecord = { requests: [], stockPushes: [], shipments: [], events: [], tmcDeliveries: [] };
  const faults = options.faults ?? {};
  const tmcRng = rng.fork('tmc');
  const queue: Queued[] = [];
  let messageSeq = 0;
  store.onEvent((event) => {
    recorded.events.push(event);
    if (options.tmc) queue.push({ event, messageId: `${Math.floor(event.at / 1000)}${String(++messageSeq).padStart(8, '0')}`, attempts: 0 });
  });
  const advance = () => store.advance(now());

  const server = createServer(createTopGateway({
    appSecrets: new Map(options.apps.map((app) => [app.appKey, app.appSecret])),
    shopsBySession: new Map(shops.map((shop) => [shop.session, shop])),
    store,
    stockPushes: recorded.stockPushes,
    shipments: recorded.shipments,
    limits: { ...DEFAULT_TOP_LIMITS, ...options.limits },
    faults,
    rng,
    now,
    advance,
    onRequest: options.recordRequests === false ? undefined : (request) => recorded.requests.push(request),
  }));
  const { port, url } = await listen(server, options.port, options.host);

  async function post(tmc: TmcOptions, body: string): Promise<TmcReply> {
    if (tmc.send) return tmc.send(body);
    if (!tmc.url) throw new Error('tmc needs url or send');
    try {
      const res = await fetch(tmc.url, { method: 'POST', headers: { 'content-type': 'application/json;charset=UTF-8' }, body, signal: AbortSignal.timeout(tmc.timeoutMs ?? 5000) });
      return { status: res.status, body: await res.text() };
    } catch {
      return { status: 0, body: '' };
    }
  }

  function confirmed(reply: TmcReply): boolean {
    if (reply.status < 200 || reply.status >= 300) return false;
    try {
      const parsed = JSON.parse(reply.body) as { tmc_message_confirm_response?: { is_success?: unknown } };
      return parsed.tmc_message_confirm_response?.is_success === true;
    } catch {
      return false;
    }
  }

  const pushes = new OneAtATime<TmcPushReport>();
  async function deliver(tmc: TmcOptions): Promise<TmcPushReport> {
    const batch = queue.splice(0, queue.length);
    // Reorder: swap some messages with a later one; duplicate: send some twice (same message_id).
    for (let i = 0; i < batch.length - 1; i++) {
      if (tmcRng.chance(faults.reorderRate ?? 0)) {
        const j = tmcRng.int(i + 1, batch.length - 1);
        [batch[i], batch[j]] = [batch[j] as Queued, batch[i] as Queued];
      }
    }
    let posts = 0, accepted = 0, failedPosts = 0, duplicates = 0, dropped = 0;
    for (const item of batch) {
      const copies = tmcRng.chance(faults.duplicateRate ?? 0) ? 2 : 1;
      duplicates += copies - 1;
      let ok = false;
      for (let c = 0; c < copies; c++) {
        const body = tmcMessageBody(item.event, item.messageId, tmc.appKey, tmc.appSecret);
        const reply = await post(tmc, body);
        posts++;
        const good = confirmed(reply);
        recorded.tmcDeliveries.push({ at: now(), messageId: item.messageId, topic: item.event.topic, status: reply.status, accepted: good, body: reply.body });
        if (good) accepted++;
        else failedPosts++;
        ok ||= good;
      }
      if (!ok) {
        item.attempts++;
        if (item.attempts >= (tmc.maxAttempts ?? 8)) dropped++;
        else queue.push(item);
      }
    }
    return { posts, accepted, failedPosts, duplicates, dropped };
  }

  const pushEvents = async (): Promise<TmcPushReport> => {
    const tmc = options.tmc;
    if (!tmc) throw new Error('pushEvents needs the tmc option');
    return pushes.run(async () => {
      advance();
      return deliver(tmc);
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
      const shop = generateOptions.sellerId ? shops.find((s) => s.sellerId === generateOptions.sellerId) : shops[0];
      if (!shop) throw new TypeError(`no sandbox shop ${generateOptions.sellerId}`);
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
