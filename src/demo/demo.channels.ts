import { randomBytes } from 'node:crypto';
import { startDouyinSandbox, type DouyinSandbox } from '../../sandbox/douyin/douyin.sandbox.ts';
import { createShop, getShop, updateShop } from '../modules/channels/shops.service.ts';
import type { Clock } from '../platform/clock.ts';
import { systemActor, type RequestContext } from '../platform/context.ts';
import type { Database } from '../platform/db/index.ts';
import { loggableError, type Logger } from '../platform/logger.ts';
import type { SecretBox } from '../platform/secrets.ts';
import { DEMO_TENANT } from './demo.ts';

const DOUYIN_SHOP = { id: 'dy-demo', channelShopId: '4463798' };

export interface DemoChannels {
  sandboxes: { channel: string; url: string }[];
  stop(): Promise<void>;
}

/**
 * Connects the demo tenant to marketplace sandboxes running in this process: the real connectors
 * pull from them and receive their signed pushes, exactly as they would from the platforms.
 * Credentials are new on every start, so nothing here is a reusable secret.
 */
export async function connectDemoChannels(db: Database, clock: Clock, secrets: SecretBox, logger: Logger, baseUrl: string): Promise<DemoChannels> {
  const ctx: RequestContext = { tenantId: DEMO_TENANT, actor: systemActor('demo'), clock, db };
  const app = { appKey: String(7_000_000_000_000_000_000n + BigInt(randomBytes(6).readUIntBE(0, 6))), appSecret: randomBytes(24).toString('hex') };
  const accessToken = randomBytes(16).toString('hex');
  const douyin: DouyinSandbox = await startDouyinSandbox({
    apps: [{ ...app, shops: [{ shopId: DOUYIN_SHOP.channelShopId, accessToken, shopName: '抖音演示店 (sandbox)' }] }],
    seed: Date.now() & 0xffffffff,
    webhook: { url: `${baseUrl}/webhooks/douyin/${DEMO_TENANT}.${DOUYIN_SHOP.id}`, ...app },
  });

  const credentials = { ...app, accessToken };
  const exists = await getShop(ctx, DOUYIN_SHOP.id).then(() => true, () => false);
  if (exists) await updateShop(ctx, secrets, DOUYIN_SHOP.id, { credentials, apiBaseUrl: douyin.url, active: true });
  else {
    await createShop(ctx, secrets, {
      id: DOUYIN_SHOP.id,
      channel: 'douyin',
      name: '抖音演示店 (sandbox)',
      channelShopId: DOUYIN_SHOP.channelShopId,
      credentials,
      apiBaseUrl: douyin.url,
      active: true,
    });
  }

  // A few hours of history for the first pull, then new buyers every few seconds, announced by push.
  douyin.generateOrders(30, Date.now(), { spreadSeconds: 4 * 3600 });
  const timer = setInterval(() => {
    douyin.generateOrders(1 + Math.floor(Math.random() * 3));
    douyin.pushEvents().catch((err: unknown) => logger.warn({ error: loggableError(err) }, 'demo push failed'));
  }, 3_000);
  timer.unref();

  return {
    sandboxes: [{ channel: 'douyin', url: douyin.url }],
    async stop() {
      clearInterval(timer);
      await douyin.close();
    },
  };
}
