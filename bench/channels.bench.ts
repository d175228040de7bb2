import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ConnectorDeps, InboundRequest, WebhookReply } from '../src/modules/channels/connector.ts';
import type { ShopCredentials } from '../src/modules/channels/shops.service.ts';
import { systemClock } from '../src/platform/clock.ts';
import { douyin } from './channels/douyin.entry.ts';
import { jd } from './channels/jd.entry.ts';
import { pdd } from './channels/pdd.entry.ts';
import { taobao } from './channels/taobao.entry.ts';
import { intOption, perSecond, progress, UsageError, type Bench, type BenchContext, type Figure } from './support.ts';

/**
 * Channel payload handling without a database, per platform that has a connector:
 *  - pull: order-list page bodies, fetched once from the platform's sandbox through the real signed
 *    client and kept as raw text, then normalised repeatedly (parse, unwrap, normalise every order);
 *  - push: webhook bodies as the sandbox posted them, then verified and parsed repeatedly.
 * Each beside a baseline of plain JSON.parse of the very same texts, so the ratio says what the
 * platform-specific reading costs on top of parsing.
 */

const DAY_MS = 24 * 3600_000;
/** Orders are spread over this much history so their payments, cancellations and so on are due. */
const HISTORY_MS = 2 * DAY_MS;
const MIN_TIMED_MS = 1000;
const WARMUP_MS = 300;

/** A webhook POST as a receiver saw it (raw body, headers, query string): what a connector verifies. */
export interface CapturedPush extends InboundRequest {
  readonly rawBody: string;
  readonly headers: IncomingHttpHeaders;
  readonly query: Record<string, string>;
}

/** What a running sandbox offers the benchmark, whatever the platform. */
export interface PlatformSandbox {
  /** Credentials pointing the platform's client at the sandbox. */
  readonly shop: ShopCredentials;
  /** Plans `count` orders spread over the `spreadMs` before `at`; their history up to now is applied. */
  generateOrders(count: number, at: number, spreadMs: number): void;
  /**
   * How many orders the platform lists right now, when that is not every planned one (JD and PDD
   * never list unpaid orders); without it, every planned order is expected.
   */
  listedOrders?(): number;
  /** Delivers every due push message to the webhook URL given at start. */
  pushEvents(): Promise<void>;
  close(): Promise<void>;
}

/**
 * One platform (bench/channels/<platform>.entry.ts): start its sandbox, page through its order list
 * with its real connector, and read a page / a push the way its connector does.
 */
export interface PlatformEntry {
  startSandbox(options: { seed: number; webhookUrl: string }): Promise<PlatformSandbox>;
  /** Longest window one incremental pull may ask for. */
  readonly maxWindowMs: number;
  /** What the platform wants to hear back from a push receiver (the connector's `replies.accepted`). */
  readonly pushAccepted: WebhookReply;
  /** Fetches every order-list page of the window through the real client; `deps.fetch` sees each call. */
  fetchPages(shop: ShopCredentials, window: { from: Date; to: Date }, deps: ConnectorDeps): Promise<void>;
  /** A raw order-list page → the number of orders normalised from it (their ids go to `ids` if given). */
  normalisePage(text: string, shop: ShopCredentials, ids?: Set<string>): number;
  /** A captured push → the number of messages it carried; throws when the signature does not verify. */
  verifyAndParsePush(push: CapturedPush, shop: ShopCredentials): number;
  /** The orders of a page (or messages of a push body) by plain JSON.parse: the baseline's unit count. */
  plainPageOrders(parsed: unknown): number;
  plainPushMessages(parsed: unknown): number;
}

/** Platform → its entry; the order here is the order of the report. */
const platforms: Record<string, PlatformEntry> = {
  douyin,
  taobao,
  jd,
  pdd,
};

interface Captured {
  pages: string[];
  pushes: CapturedPush[];
}

/** A fetch that passes through and keeps each response's text exactly as it arrived. */
function capturingFetch(into: string[]): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    const text = await res.text();
    if (res.ok) into.push(text);
    return new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

/** A webhook receiver that answers the way platforms want to hear success and stores each POST. */
async function startReceiver(into: CapturedPush[], accepted: WebhookReply): Promise<{ url: string; close(): Promise<void> }> {
  const reply = JSON.stringify(accepted.body);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const query = Object.fromEntries(new URL(req.url ?? '/', 'http://receiver').searchParams);
      into.push({ rawBody: Buffer.concat(chunks).toString('utf8'), headers: req.headers, query });
      res.writeHead(accepted.status, { 'content-type': 'application/json' }).end(reply);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((err) => (err ? reject(err) : resolve()));
    }),
  };
}

/** How many distinct orders a complete pull may bring: at least those listed before it, at most those after. */
interface Listed {
  before: number;
  after: number;
}

async function capture(entry: PlatformEntry, n: number, seed: number): Promise<{ shop: ShopCredentials; captured: Captured; listed: Listed }> {
  const captured: Captured = { pages: [], pushes: [] };
  const receiver = await startReceiver(captured.pushes, entry.pushAccepted);
  try {
    const sandbox = await entry.startSandbox({ seed, webhookUrl: receiver.url });
    try {
      const now = Date.now();
      sandbox.generateOrders(n, now - 60_000, HISTORY_MS);
      // Orders can still be paid (and so become listed) while the pull runs: count before and after.
      const before = sandbox.listedOrders?.() ?? n;
      // Windows that tile the history and then some, each no longer than the platform allows.
      const deps: ConnectorDeps = { clock: systemClock, fetch: capturingFetch(captured.pages) };
      let from = now - HISTORY_MS - 3_600_000;
      const end = Date.now() + 1000;
      while (from < end) {
        const to = Math.min(end, from + entry.maxWindowMs - 1000);
        await entry.fetchPages(sandbox.shop, { from: new Date(from), to: new Date(to) }, deps);
        from = to + 1000;
      }
      const listed = { before, after: sandbox.listedOrders?.() ?? n };
      await sandbox.pushEvents();
      return { shop: sandbox.shop, captured, listed };
    } finally {
      await sandbox.close();
    }
  } finally {
    await receiver.close();
  }
}

/** Runs one pass over all items repeatedly until at least `minMs` has gone by; units per second. */
function timeLoop(pass: () => number, minMs: number): { perS: number; passes: number } {
  let units = 0;
  let passes = 0;
  const started = performance.now();
  let elapsed = 0;
  do {
    units += pass();
    passes++;
    elapsed = performance.now() - started;
  } while (elapsed < minMs);
  return { perS: perSecond(units, elapsed), passes };
}

/** Warms both paths, then times the measured path and its baseline. */
function compare(metric: string, measured: () => number, baseline: () => number): Figure {
  timeLoop(measured, WARMUP_MS);
  timeLoop(baseline, WARMUP_MS);
  const value = timeLoop(measured, MIN_TIMED_MS);
  const base = timeLoop(baseline, MIN_TIMED_MS);
  progress(`  ${metric}: ${Math.round(value.perS)}/s over ${value.passes} passes; baseline ${Math.round(base.perS)}/s over ${base.passes} passes`);
  return { metric, value: value.perS, baseline: base.perS };
}

async function run(ctx: BenchContext) {
  const n = intOption(ctx.values, 'orders', 5000);
  const seed = intOption(ctx.values, 'seed', 1);
  const only = ctx.values.platform;
  if (only !== undefined && (typeof only !== 'string' || !(only in platforms))) {
    throw new UsageError(`--platform must be one of ${Object.keys(platforms).join(', ')}, got ${String(only)}`);
  }
  const figures: Figure[] = [];
  const failures: string[] = [];

  for (const [name, entry] of Object.entries(platforms)) {
    if (only !== undefined && name !== only) continue;
    progress(`${name}: sandbox with ${n} orders, pulling pages and collecting pushes`);
    const { shop, captured, listed } = await capture(entry, n, seed);
    const { pages, pushes } = captured;
    const failedBefore = failures.length;

    // Correctness first, untimed: every order comes back once, every push verifies and parses.
    const ids = new Set<string>();
    const pulled = pages.reduce((sum, page) => sum + entry.normalisePage(page, shop, ids), 0);
    if (ids.size < listed.before || ids.size > listed.after) {
      const expected = listed.before === listed.after ? `${listed.before}` : `${listed.before}–${listed.after}`;
      failures.push(`${name}: pulled ${ids.size} distinct orders from ${pages.length} pages, expected ${expected} (of ${n} planned)`);
    }
    let messages = 0;
    try {
      messages = pushes.reduce((sum, push) => sum + entry.verifyAndParsePush(push, shop), 0);
    } catch (err) {
      failures.push(`${name}: a captured push did not verify or parse: ${(err as Error).message}`);
    }
    if (pushes.length === 0) failures.push(`${name}: the sandbox pushed nothing`);
    progress(`${name}: ${pages.length} pages (${pulled} orders, ${pages.reduce((s, p) => s + p.length, 0)} bytes), ` +
      `${pushes.length} pushes (${messages} messages, ${pushes.reduce((s, p) => s + p.rawBody.length, 0)} bytes)`);
    if (failures.length > failedBefore) continue;

    figures.push(compare(
      `${name}_pull_orders_per_s`,
      () => pages.reduce((sum, page) => sum + entry.normalisePage(page, shop), 0),
      () => pages.reduce((sum, page) => sum + entry.plainPageOrders(JSON.parse(page)), 0),
    ));
    figures.push(compare(
      `${name}_push_messages_per_s`,
      () => pushes.reduce((sum, push) => sum + entry.verifyAndParsePush(push, shop), 0),
      () => pushes.reduce((sum, push) => sum + entry.plainPushMessages(JSON.parse(push.rawBody)), 0),
    ));
    figures.push({ metric: `${name}_pull_pages_count`, value: pages.length });
    figures.push({ metric: `${name}_push_messages_count`, value: messages });
  }
  return { figures, failures };
}

const bench: Bench = {
  summary: 'channel pages normalised and pushes verified+parsed, vs plain JSON.parse; no database',
  options: {
    orders: { type: 'string' },
    seed: { type: 'string' },
    platform: { type: 'string' },
  },
  run,
};

export default bench;
