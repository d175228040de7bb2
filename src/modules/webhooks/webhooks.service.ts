import { randomBytes } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { CteParts, Database } from '../../platform/db/index.ts';
import { newId } from '../../platform/ids.ts';
import type { Logger } from '../../platform/logger.ts';
import { decodeInstantCursor, encodeInstantCursor, pageOf, pageProbe } from '../../platform/paging.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import * as repo from './webhooks.repository.ts';
import { signatureHeader } from './webhooks.sign.ts';

/**
 * Outbound webhooks: a call another system asked for (a rule's `webhook` action) is written in the
 * transaction that caused it and sent afterwards by a worker, signed, retried with backoff, and
 * never sent from inside a transaction.
 */
export interface OutboundCall {
  url: string;
  event: string;
  body: Record<string, unknown>;
}

/** Waits after the n-th failed attempt; after the last, the call is given up as failed. */
export const retryDelaysMs = [10_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000];
const TIMEOUT_MS = 10_000;
const LEASE_MS = 60_000;

function rowsOf(ctx: RequestContext, calls: OutboundCall[]): repo.NewOutboundCallRow[] {
  const at = ctx.clock.now();
  return calls.map((c) => ({ tenantId: ctx.tenantId, id: newId(), url: c.url, event: c.event, body: c.body, status: 'pending', attempts: 0, dueAt: at, createdAt: at }));
}

/** Queues calls in the caller's transaction. */
export async function queueCalls(ctx: RequestContext, calls: OutboundCall[]): Promise<void> {
  await repo.insertCalls(ctx.db, rowsOf(ctx, calls));
}

/** The same, as a CTE (`outbound`) of a larger statement; null when there are none. */
export function callsCtes(ctx: RequestContext, calls: OutboundCall[]): CteParts | null {
  return calls.length ? repo.callsCte(rowsOf(ctx, calls)) : null;
}

const newSecret = () => `whsec_${randomBytes(24).toString('base64url')}`;

/** The tenant's signing secret, made the first time it is asked for. */
export async function webhookSecret(ctx: Pick<RequestContext, 'db' | 'tenantId' | 'clock'>, box: SecretBox): Promise<string> {
  const sealed = await repo.findSecret(ctx.db, ctx.tenantId);
  if (sealed) return box.open(sealed);
  await repo.insertSecretIfAbsent(ctx.db, ctx.tenantId, box.seal(newSecret()), ctx.clock.now());
  return box.open((await repo.findSecret(ctx.db, ctx.tenantId))!);
}

/** A new secret at once; calls sent from now on are signed with it. */
export async function rotateWebhookSecret(ctx: RequestContext, box: SecretBox): Promise<string> {
  const secret = newSecret();
  await repo.replaceSecret(ctx.db, ctx.tenantId, box.seal(secret), ctx.clock.now());
  return secret;
}

export function callView(r: repo.OutboundCallRow) {
  return {
    id: r.id, url: r.url, event: r.event, status: r.status, attempts: r.attempts, lastStatus: r.lastStatus, lastError: r.lastError,
    dueAt: r.status === 'pending' ? r.dueAt.toISOString() : null, createdAt: r.createdAt.toISOString(), sentAt: r.sentAt?.toISOString() ?? null, body: r.body,
  };
}

export async function listCalls(ctx: RequestContext, query: { limit: number; cursor?: string }) {
  const before = query.cursor ? decodeInstantCursor(query.cursor) : undefined;
  const rows = await repo.listCalls(ctx.db, ctx.tenantId, pageProbe(query.limit), before ? { createdAt: before.at, id: before.id } : undefined);
  const page = pageOf(rows, query.limit, (last) => encodeInstantCursor(last.createdAt, last.id));
  return { items: page.rows.map(callView), nextCursor: page.next };
}

export interface SendDeps {
  db: Database;
  clock: Clock;
  secrets: SecretBox;
  logger: Logger;
}

async function post(call: repo.OutboundCallRow, secret: string, at: Date): Promise<{ ok: boolean; status: number | null; error: string | null }> {
  const body = JSON.stringify(call.body);
  try {
    const res = await fetch(call.url, {
      method: 'POST',
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
      headers: { 'content-type': 'application/json', 'user-agent': 'oms-webhooks/1', 'x-oms-event': call.event, 'x-oms-call-id': call.id, 'x-oms-signature': signatureHeader(secret, body, at) },
    });
    await res.arrayBuffer().catch(() => undefined);
    return { ok: res.status >= 200 && res.status < 300, status: res.status, error: res.status >= 300 ? `HTTP ${res.status}` : null };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return { ok: false, status: null, error: (err as Error).name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS / 1000} s` : cause ?? (err as Error).message };
  }
}

/** Sends the calls that are due, any tenant; returns how many were tried. */
export async function sendDueCalls(deps: SendDeps, limit = 50): Promise<number> {
  const now = deps.clock.now();
  const calls = await repo.claimDue(deps.db, now, new Date(now.getTime() + LEASE_MS), limit);
  const secrets = new Map<string, Promise<string>>();
  await Promise.all(calls.map(async (call) => {
    let secret = secrets.get(call.tenantId);
    if (!secret) secrets.set(call.tenantId, (secret = webhookSecret({ db: deps.db, tenantId: call.tenantId, clock: deps.clock }, deps.secrets)));
    const at = deps.clock.now();
    const result = await post(call, await secret, at);
    const attempts = call.attempts + 1;
    if (result.ok) {
      await repo.recordAttempt(deps.db, call.tenantId, call.id, { status: 'sent', attempts, sentAt: at, lastStatus: result.status, lastError: null });
      return;
    }
    const delay = retryDelaysMs[attempts - 1];
    await repo.recordAttempt(deps.db, call.tenantId, call.id, {
      attempts, lastStatus: result.status, lastError: result.error,
      ...(delay === undefined ? { status: 'failed' as const } : { dueAt: new Date(at.getTime() + delay) }),
    });
    deps.logger.warn({ tenantId: call.tenantId, callId: call.id, attempts, error: result.error }, 'outbound webhook call failed');
  }));
  return calls.length;
}
