import { randomBytes, randomInt } from 'node:crypto';
import { startDouyinSandbox } from '../../sandbox/douyin/douyin.sandbox.ts';
import { startJdSandbox } from '../../sandbox/jd/jd.sandbox.ts';
import { startPddSandbox } from '../../sandbox/pdd/pdd.sandbox.ts';
import { startTaobaoSandbox } from '../../sandbox/taobao/taobao.sandbox.ts';
import { createShop, getShop, updateShop } from '../modules/channels/shops.service.ts';
import type { Marketplace } from '../modules/channels/channels.input.ts';
import type { Clock } from '../platform/clock.ts';
import { systemActor, type RequestContext } from '../platform/context.ts';
import type { Database } from '../platform/db/index.ts';
import { loggableError, type Logger } from '../platform/logger.ts';
import type { SecretBox } from '../platform/secrets.ts';
import { DEMO_TENANT } from './demo.ts';

/** Credentials a marketplace issues: app key/secret for the app, an access token for the shop. */
export interface DemoCredentials {
  appKey: string;
  appSecret: string;
  accessToken: string;
}

/** What the demo needs of any sandbox (all four have these). */
export interface RunningSandbox {
  readonly url: string;
  generateOrders(count: number, at?: number, options?: { spreadSeconds?: number }): unknown;
  pushEvents(): Promise<unknown>;
  close(): Promise<void>;
}

export interface SandboxStart {
  credentials: DemoCredentials;
  /** The OMS push receiver for this shop: `${base}/webhooks/<channel>/<tenant>.<shop id>`. */
  webhookUrl: string;
  seed: number;
  port?: number;
  host?: string;
}

export interface DemoMarketplace {
  channel: Marketplace;
  /** The OMS shop id. */
  shopId: string;
  name: string;
  /** The marketplace's id of the shop (Douyin shop_id, Taobao seller id, JD venderId, PDD mall_id). */
  channelShopId: string;
  credentials(): DemoCredentials;
  start(options: SandboxStart): Promise<RunningSandbox>;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** The four marketplaces the demo tenant sells on, each served by its sandbox. Fresh credentials on every start. */
export const demoMarketplaces: readonly DemoMarketplace[] = [
  {
    channel: 'douyin',
    shopId: 'dy-demo',
    name: '抖音演示店 (sandbox)',
    channelShopId: '4463798',
    credentials: () => ({ appKey: String(7_000_000_000_000_000_000n + BigInt(randomBytes(6).readUIntBE(0, 6))), appSecret: hex(24), accessToken: hex(16) }),
    start: ({ credentials: { accessToken, ...app }, webhookUrl, seed, port, host }) =>
      startDouyinSandbox({ port, host, seed, recordRequests: false, apps: [{ ...app, shops: [{ shopId: '4463798', accessToken, shopName: '抖音演示店 (sandbox)' }] }], webhook: { url: webhookUrl, ...app } }),
  },
  {
    channel: 'taobao',
    shopId: 'tb-demo',
    name: '淘宝演示店 (sandbox)',
    channelShopId: '2208800112233',
    credentials: () => ({ appKey: String(randomInt(20_000_000, 35_000_000)), appSecret: hex(16), accessToken: `6100${hex(18)}` }),
    start: ({ credentials: { accessToken, ...app }, webhookUrl, seed, port, host }) =>
      startTaobaoSandbox({ port, host, seed, recordRequests: false, apps: [{ ...app, shops: [{ sellerId: '2208800112233', session: accessToken, sellerNick: '淘宝演示店' }] }], tmc: { url: webhookUrl, ...app } }),
  },
  {
    channel: 'jd',
    shopId: 'jd-demo',
    name: '京东演示店 (sandbox)',
    channelShopId: '10086888',
    credentials: () => ({ appKey: hex(16).toUpperCase(), appSecret: hex(16), accessToken: hex(16) }),
    start: ({ credentials: { accessToken, ...app }, webhookUrl, seed, port, host }) =>
      startJdSandbox({ port, host, seed, recordRequests: false, apps: [{ ...app, shops: [{ venderId: '10086888', accessToken }] }], webhook: { url: webhookUrl, ...app } }),
  },
  {
    channel: 'pdd',
    shopId: 'pdd-demo',
    name: '拼多多演示店 (sandbox)',
    channelShopId: '9000888',
    credentials: () => ({ appKey: hex(16), appSecret: hex(20), accessToken: hex(16) }),
    start: ({ credentials: { accessToken, ...app }, webhookUrl, seed, port, host }) =>
      startPddSandbox({ port, host, seed, apps: [{ ...app, shops: [{ shopId: '9000888', accessToken, shopName: '拼多多演示店 (sandbox)' }] }], webhook: { url: webhookUrl, ...app } }),
  },
];

export const webhookUrlOf = (base: string, tenant: string, channel: string, shopId: string) => `${base}/webhooks/${channel}/${tenant}.${shopId}`;

/** A few hours of history for the first pull, then new buyers every few seconds, announced by push. */
export function keepOrdersComing(sandboxes: readonly RunningSandbox[], logger: Pick<Logger, 'warn'>, everyMs = 3_000): () => void {
  for (const sandbox of sandboxes) sandbox.generateOrders(20 + randomInt(11), Date.now(), { spreadSeconds: 4 * 3600 });
  const timer = setInterval(() => {
    for (const sandbox of sandboxes) {
      sandbox.generateOrders(1 + randomInt(2));
      sandbox.pushEvents().catch((err: unknown) => logger.warn({ error: loggableError(err), sandbox: sandbox.url }, 'demo push failed'));
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

export interface DemoChannels {
  sandboxes: { channel: string; url: string }[];
  stop(): Promise<void>;
}

/**
 * Connects the demo tenant to marketplace sandboxes running in this process: the real connectors
 * pull from them and receive their signed pushes, exactly as they would from the platforms.
 * Credentials are new on every start, so nothing here is a reusable secret. With a port base, the
 * sandboxes listen there and on the next ports, in the order of demoMarketplaces.
 */
export async function connectDemoChannels(db: Database, clock: Clock, secrets: SecretBox, logger: Logger, baseUrl: string, portBase?: number): Promise<DemoChannels> {
  const ctx: RequestContext = { tenantId: DEMO_TENANT, actor: systemActor('demo'), clock, db };
  const running: { channel: string; sandbox: RunningSandbox }[] = [];
  try {
    for (const [i, market] of demoMarketplaces.entries()) {
      const credentials = market.credentials();
      const webhookUrl = webhookUrlOf(baseUrl, DEMO_TENANT, market.channel, market.shopId);
      const sandbox = await market.start({ credentials, webhookUrl, seed: randomInt(2 ** 31), port: portBase === undefined ? undefined : portBase + i });
      running.push({ channel: market.channel, sandbox });
      const exists = await getShop(ctx, market.shopId).then(() => true, () => false);
      if (exists) await updateShop(ctx, secrets, market.shopId, { credentials, apiBaseUrl: sandbox.url, active: true });
      else {
        const { shopId: id, channel, name, channelShopId } = market;
        await createShop(ctx, secrets, { id, channel, name, channelShopId, credentials, apiBaseUrl: sandbox.url, active: true });
      }
    }
  } catch (err) {
    await Promise.allSettled(running.map((r) => r.sandbox.close()));
    throw err;
  }

  const stopOrders = keepOrdersComing(running.map((r) => r.sandbox), logger);
  return {
    sandboxes: running.map((r) => ({ channel: r.channel, url: r.sandbox.url })),
    async stop() {
      stopOrders();
      await Promise.allSettled(running.map((r) => r.sandbox.close()));
    },
  };
}
