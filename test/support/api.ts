import { randomBytes } from 'node:crypto';
import { buildApp } from '../../src/api/app.ts';
import { SecretBox } from '../../src/platform/secrets.ts';
import type { Api } from '../../src/api/http.ts';
import { bootstrap, createKeyFor, createTenant, DEFAULT_TENANT } from '../../src/modules/access/access.service.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { roles, type Role } from '../../src/platform/context.ts';
import type { DatabaseHandle } from '../../src/platform/db/index.ts';
import { createLogger, type Logger } from '../../src/platform/logger.ts';
import type { ReadLimits } from '../../src/platform/read-limit.ts';
import { Metrics } from '../../src/platform/metrics.ts';
import { createFlows, type Flows } from '../../src/workflows/flows.ts';
import type { FeedOptions } from '../../src/modules/feed/feed.routes.ts';

export const OTHER_TENANT = 'other-shop';

/** A running API on a real port with a key per role for the default tenant and an admin key for a second tenant. */
export interface TestApi {
  app: Api;
  url: string;
  clock: ManualClock;
  /** The app's workflows: channel pulls and dispatchers in a test share its intake and wake. */
  flows: Flows;
  keys: Record<Role, string>;
  otherTenantKey: string;
  request(method: string, path: string, options?: { key?: string | null; body?: unknown; rawBody?: string }): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export interface TestApiOptions {
  /** The app's logger; a silent one (or TEST_LOG_LEVEL's) by default. */
  logger?: Logger;
  readLimits?: ReadLimits;
  /** The live feed's polling (quick by default here). */
  feed?: FeedOptions;
}

export async function startTestApi(handle: DatabaseHandle, clockStart = '2026-11-11T00:00:00Z', options: TestApiOptions = {}): Promise<TestApi> {
  const clock = new ManualClock(clockStart);
  const at = clock.now();
  await bootstrap(handle.db, undefined, at);
  await createTenant(handle.db, { id: OTHER_TENANT, name: 'Another merchant' }, at);
  const keys = {} as Record<Role, string>;
  for (const role of roles) keys[role] = (await createKeyFor(handle.db, DEFAULT_TENANT, `test ${role}`, role, at)).key;
  const otherTenantKey = (await createKeyFor(handle.db, OTHER_TENANT, 'test admin', 'admin', at)).key;

  const secrets = new SecretBox(randomBytes(32).toString('hex'));
  const flows = createFlows();
  const app = await buildApp({ db: handle.db, clock, logger: options.logger ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'), metrics: new Metrics({ defaults: false }), secrets, flows, readLimits: options.readLimits, feed: options.feed ?? { pollMs: 50 } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  async function request(method: string, path: string, options: { key?: string | null; body?: unknown; rawBody?: string } = {}) {
    const key = options.key === undefined ? keys.admin : options.key;
    const headers: Record<string, string> = {};
    if (key) headers.authorization = `Bearer ${key}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Non-JSON bodies (metrics) are returned as text.
    }
    return { status: res.status, body: parsed as any };
  }

  return { app, url, clock, flows, keys, otherTenantKey, request, close: () => app.close() };
}
