import { buildApp } from '../api/app.ts';
import { startDemo, type DemoHandle } from '../demo/demo.ts';
import { connectDemoChannels } from '../demo/demo.channels.ts';
import { bootstrap, DEFAULT_TENANT } from '../modules/access/access.service.ts';
import { firstAdminLink } from '../modules/people/sessions.service.ts';
import { connectorRegistry } from '../modules/channels/channels.connectors.ts';
import { systemClock } from '../platform/clock.ts';
import { readLimits, retrySchedule } from '../platform/config.ts';
import { createFlows } from '../workflows/flows.ts';
import { AppError } from '../platform/errors.ts';
import { openRuntime } from './runtime.ts';
import { startWorkers } from './workers.ts';

const BOOTSTRAP_LOCK = 7_240_002;

export interface ServeOptions {
  port?: string;
  host?: string;
  db?: string;
  demo?: boolean;
  /** false with --no-workers: serve the API only, for a fleet where `oms worker` processes do the work. */
  workers?: boolean;
  /** With --demo: fixed ports for the sandboxes, from this one up (marketplaces, then the WMSs); free ports when unset. */
  sandboxPortBase?: string;
}

/** The first of six consecutive ports, from --sandbox-port-base. */
function sandboxPortBase(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const base = Number(value);
  if (!Number.isInteger(base) || base < 1024 || base > 65_530) throw new AppError('VALIDATION_FAILED', `--sandbox-port-base must be a port from 1024 to 65530, got "${value}"`);
  return base;
}

export async function serve(options: ServeOptions): Promise<void> {
  const started = Date.now();
  // Checked before anything opens, so a mistyped flag costs nothing.
  const portBase = sandboxPortBase(options.sandboxPortBase);
  const { env, logger, handle, secrets } = await openRuntime(options.db);
  const clock = systemClock;
  const { generatedKey, adminLink } = await handle.exclusive(BOOTSTRAP_LOCK, async (db) => ({
    ...(await bootstrap(db, env.OMS_ADMIN_KEY, clock.now())),
    adminLink: await firstAdminLink(db, clock, DEFAULT_TENANT),
  }));
  const flows = createFlows();
  let demo: DemoHandle | null = null;
  if (options.demo) demo = await startDemo(handle.db, clock, logger, secrets, flows.intake, { wmsPortBase: portBase === undefined ? undefined : portBase + 4 });

  const connectors = connectorRegistry({ clock });
  const app = await buildApp({ db: handle.db, clock, logger, secrets, connectors, flows, readLimits: readLimits(env), signatureMaxSkewMs: env.OMS_SIGNATURE_MAX_SKEW_S * 1000 });
  const workers = options.workers === false ? null : startWorkers({ db: handle.db, clock, secrets, connectors, logger, dispatch: retrySchedule(env), flows });
  const port = options.port !== undefined ? Number(options.port) : env.PORT;
  const host = options.host ?? env.HOST;
  await app.listen({ port, host });
  const address = app.server.address();
  const url = `http://${host}:${typeof address === 'object' && address ? address.port : port}`;
  // Sandboxes push to this server, so they start once it listens.
  demo?.connectWms(url.replace('0.0.0.0', '127.0.0.1'));
  const demoChannels = demo ? await connectDemoChannels(handle.db, clock, secrets, logger, url.replace('0.0.0.0', '127.0.0.1'), portBase) : null;

  const consoleUrl = url.replace('0.0.0.0', '127.0.0.1');
  const out: string[] = [`OMS ready at ${url} in ${Date.now() - started} ms — database: ${handle.label}`];
  if (demo) out.push('', 'Open the console (signs in the demo admin; works once):', `  ${consoleUrl}/auth/link?token=${demo.loginToken}`);
  if (generatedKey) {
    out.push('', 'First start: an admin key for the default tenant was created. It is shown only this once:', `  ${generatedKey}`);
  }
  if (adminLink) {
    out.push('', 'First start: the default tenant\'s admin signs in to the console with this link, once, and sets a password there:', `  ${consoleUrl}/auth/link?token=${adminLink}`);
  }
  if (demo) {
    out.push(
      '',
      'DEMO MODE: tenant "demo" holds sample orders (not real data); new ones arrive every few seconds.',
      `  demo admin key (valid until the next demo start): ${demo.key}`,
      `  sandbox marketplaces feeding it: ${demoChannels?.sandboxes.map((s) => `${s.channel} ${s.url}`).join(', ')}`,
      `  sandbox WMSs its warehouses deliver to (HZ01, GZ01, TJ01; US-LA1): ${demo.wms.map((w) => `${w.protocol} ${w.url}`).join(', ')}`,
      `  what they received: ${demo.wms.map((w) => `${w.url}/sandbox/delivery-orders`).join(' and ')}`,
      `  try: curl -H "Authorization: Bearer ${demo.key}" "${url}/api/v1/orders?limit=5"`,
    );
  }
  out.push(`  API documentation: ${url}/api/openapi.json`, '');
  process.stdout.write(out.join('\n') + '\n');

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    await demo?.stop();
    await demoChannels?.stop();
    await workers?.stop();
    await app.close();
    await handle.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

/**
 * Background work only, no API: channel pulls, inventory jobs and the WMS dispatcher, for a
 * PostgreSQL deployment where API processes run with --no-workers. Stops cleanly on SIGINT/SIGTERM.
 */
export async function work(options: { db?: string }): Promise<void> {
  const { env, logger, handle, secrets } = await openRuntime(options.db);
  const clock = systemClock;
  const workers = startWorkers({ db: handle.db, clock, secrets, connectors: connectorRegistry({ clock }), logger, dispatch: retrySchedule(env), flows: createFlows() });
  process.stdout.write(`OMS worker running — database: ${handle.label}\n`);
  const shutdown = async () => {
    await workers.stop();
    await handle.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}
