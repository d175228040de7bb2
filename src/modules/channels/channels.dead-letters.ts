import { createHash } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Database } from '../../platform/db/index.ts';
import { newId } from '../../platform/ids.ts';
import * as repo from './channels.repository.ts';

export type DeadLetterReason = 'bad_signature' | 'stale_timestamp' | 'malformed' | 'unknown_shop' | 'invalid_order';

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

export async function listDeadLetters(ctx: RequestContext, limit: number) {
  const rows = await repo.listDeadLetters(ctx.db, ctx.tenantId, limit);
  return rows.map((r) => ({
    id: r.id,
    channel: r.channel,
    shopRef: r.shopRef,
    reason: r.reason,
    detail: r.detail,
    bodySha256: r.bodySha256,
    bodyBytes: r.bodyBytes,
    receivedAt: r.receivedAt.toISOString(),
  }));
}
