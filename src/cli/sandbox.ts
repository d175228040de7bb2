import { randomInt } from 'node:crypto';
import { demoMarketplaces, keepOrdersComing, webhookUrlOf, type RunningSandbox } from '../demo/demo.channels.ts';
import { DEMO_TENANT } from '../demo/demo.ts';
import { createLogger } from '../platform/logger.ts';

export interface SandboxOptions {
  /** Douyin listens here, Taobao on +1, JD on +2, PDD on +3. */
  portBase: string;
  host: string;
  seed?: string;
  /** Where the OMS listens; each sandbox pushes to `${webhookBase}/webhooks/<channel>/<tenant>.<shop id>`. */
  webhookBase: string;
  tenant: string;
  /** OMS shop ids, one per marketplace. */
  douyinShop: string;
  taobaoShop: string;
  jdShop: string;
  pddShop: string;
}

/**
 * `oms sandbox`: the four marketplace sandboxes as standalone servers, with fresh demo credentials,
 * generating orders every few seconds and pushing them to an OMS until SIGINT/SIGTERM.
 */
export async function runSandboxes(options: SandboxOptions): Promise<void> {
  const portBase = Number(options.portBase);
  if (!Number.isInteger(portBase) || portBase < 1 || portBase > 65_532) throw new Error(`--port-base must be a port number, not ${options.portBase}`);
  const seed = options.seed !== undefined ? Number(options.seed) : randomInt(2 ** 31);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, not ${options.seed}`);
  const base = options.webhookBase.replace(/\/+$/, '');
  const shopIds: Record<string, string> = { douyin: options.douyinShop, taobao: options.taobaoShop, jd: options.jdShop, pdd: options.pddShop };
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');

  const running: RunningSandbox[] = [];
  const out: string[] = [`Marketplace sandboxes (seed ${seed}); register each as a shop of tenant "${options.tenant}" with POST /api/v1/shops:`];
  try {
    for (const [i, market] of demoMarketplaces.entries()) {
      const shopId = shopIds[market.channel] ?? market.shopId;
      const credentials = market.credentials();
      const webhookUrl = webhookUrlOf(base, options.tenant, market.channel, shopId);
      const sandbox = await market.start({ credentials, webhookUrl, seed: seed + i, port: portBase + i, host: options.host });
      running.push(sandbox);
      const shop = { id: shopId, channel: market.channel, name: market.name, channelShopId: market.channelShopId, credentials, apiBaseUrl: sandbox.url };
      out.push(
        '',
        `${market.channel} ${sandbox.url}`,
        `  app key ${credentials.appKey}  app secret ${credentials.appSecret}`,
        `  access token ${credentials.accessToken}  shop id ${market.channelShopId}`,
        `  pushes to ${webhookUrl}`,
        `  shop: ${JSON.stringify(shop)}`,
      );
    }
  } catch (err) {
    await Promise.allSettled(running.map((s) => s.close()));
    throw err;
  }
  const stopOrders = keepOrdersComing(running, logger);
  out.push('', 'New orders every few seconds, pushed as they happen. Credentials change on every start. Ctrl-C stops.', '');
  process.stdout.write(out.join('\n') + '\n');

  // The order timer is unref'd; the listening servers keep the process alive until a signal.
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    stopOrders();
    await Promise.allSettled(running.map((s) => s.close()));
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

export const sandboxDefaults = { portBase: '4100', host: '127.0.0.1', webhookBase: 'http://127.0.0.1:3000', tenant: DEMO_TENANT } as const;
