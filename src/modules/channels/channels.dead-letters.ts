import { createHash } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Database } from '../../platform/db/index.ts';
import { newId } from '../../platform/ids.ts';
import * as repo from './channels.repository.ts';

export type DeadLetterReason = 'bad_signature' | 'stale_timestamp' | 'malformed' | 'unknown_shop' | 'invalid_order';

/** Refusals anyone can cause without a shop's secret. */
export type UnauthenticatedReason = Extract<DeadLetterReason, 'bad_signature' | 'stale_timestamp' | 'unknown_shop'>;

/** Unauthenticated refusals are counted in windows this long… */
export const REFUSAL_WINDOW_MS = 60 * 60_000;
/** …and only this many per tenant, channel and reason in a window leave a dead letter. */
export const DEAD_LETTERS_PER_WINDOW = 20;
/** How far back the dead-letter listing reports refusal counts. */
const COUNTS_SHOWN_MS = 24 * 60 * 60_000;
/** Posts naming a tenant that has no shops are counted together, so made-up tenants add no rows. */
const NO_TENANT = '-';

/**
 * Keeps a refused channel message for inspection: who sent it, why it was refused, and a digest of
 * the body — never the body itself, which carries receiver data and sometimes tokens.
 */
export async function recordDeadLetter(
  db: Database,
  clock: Clock,
  letter: { tenantId: string; channel: string; shopRef: string; reason: DeadLetterReason; detail: string; body: string },
): Promise<void> {
  await repo.insertDeadLetter(db, {
    tenantId: letter.tenantId,
    id: newId(),
    channel: letter.channel,
    shopRef: letter.shopRef,
    reason: letter.reason,
    // Details name fields and rules, not values; still bounded, digits of phone length masked.
    detail: letter.detail.replace(/\d{7,}/g, (d) => `${d.slice(0, 3)}****`).slice(0, 1000),
    bodySha256: createHash('sha256').update(letter.body).digest('hex'),
    bodyBytes: Buffer.byteLength(letter.body),
    receivedAt: clock.now(),
  });
}

/**
 * A post refused before anyone was authenticated: counted per tenant in its window, and kept as a
 * dead letter only while the window has room, so a flood writes a bounded number of rows.
 */
export async function recordUnauthenticated(
  db: Database,
  clock: Clock,
  letter: { tenantId: string; channel: string; shopRef: string; reason: UnauthenticatedReason; detail: string; body: string },
): Promise<void> {
  const now = clock.now();
  const tenantId = letter.tenantId && (await repo.tenantHasShops(db, letter.tenantId)) ? letter.tenantId : NO_TENANT;
  const windowStart = new Date(Math.floor(now.getTime() / REFUSAL_WINDOW_MS) * REFUSAL_WINDOW_MS);
  const count = await repo.countWebhookRefusal(db, { tenantId, windowStart, channel: letter.channel, reason: letter.reason });
  if (count <= DEAD_LETTERS_PER_WINDOW) await recordDeadLetter(db, clock, { ...letter, tenantId });
}

export async function listDeadLetters(ctx: RequestContext, limit: number) {
  const [rows, refusals] = await Promise.all([
    repo.listDeadLetters(ctx.db, ctx.tenantId, limit),
    repo.listWebhookRefusals(ctx.db, ctx.tenantId, new Date(ctx.clock.now().getTime() - COUNTS_SHOWN_MS)),
  ]);
  return {
    items: rows.map(deadLetterView),
    refusals: refusals.map((r) => ({
      windowStart: r.windowStart.toISOString(),
      channel: r.channel,
      reason: r.reason,
      count: r.count,
      keptAsDeadLetters: Math.min(r.count, DEAD_LETTERS_PER_WINDOW),
    })),
  };
}

function deadLetterView(r: repo.DeadLetterRow) {
  return {
    id: r.id,
    channel: r.channel,
    shopRef: r.shopRef,
    reason: r.reason,
    detail: r.detail,
    bodySha256: r.bodySha256,
    bodyBytes: r.bodyBytes,
    receivedAt: r.receivedAt.toISOString(),
  };
}
