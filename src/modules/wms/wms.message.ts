import type { TimeConversion } from '../../platform/time/conversions.ts';
import { isTimeZone } from '../../platform/time/wall-clock.ts';

/**
 * A delivery order as it goes to a warehouse, whatever the protocol: what to ship, from which
 * warehouse, to whom. Instants are real instants; each adapter writes them the way its protocol
 * wants, in the warehouse's zone.
 */
export interface DeliveryOrderMessage {
  /** Our delivery order code: the WMS's idempotency key. */
  readonly code: string;
  readonly warehouseCode: string;
  /** The warehouse's IANA zone. */
  readonly timeZone: string;
  /** TB, TM, JD, PDD, DY, OTHER: the marketplace the order came from. */
  readonly sourcePlatformCode: string;
  readonly sourceOrderCode: string;
  readonly createdAt: Date;
  readonly paidAt: Date | null;
  /** When its work day's cut-off falls, on the warehouse's wall clock: when it must ship by; null without a cut-off. */
  readonly shipBy: Date | null;
  readonly receiver: {
    readonly name: string;
    readonly phone: string;
    readonly country: string;
    readonly province: string;
    readonly city: string;
    readonly district: string | null;
    readonly address: string;
    readonly postcode: string | null;
  };
  /** ISO 4217 code the prices are in; each is in that currency's minor units (fen, cents, yen). */
  readonly currency: string;
  readonly lines: readonly { readonly lineNo: number; readonly sku: string; readonly quantity: number; readonly unitPriceFen: number }[];
}

/**
 * What came of sending a delivery order: the WMS took it (again, for a code it had seen); a
 * failure a later attempt may get past (network, timeout, the WMS busy or down, our credentials
 * refused); or a refusal of the order itself, which no retry fixes, with the WMS's own words.
 */
export type PushOutcome =
  | { readonly kind: 'accepted'; readonly wmsId: string }
  | { readonly kind: 'retry'; readonly reason: string }
  | { readonly kind: 'rejected'; readonly code: string; readonly message: string };

/** Units physically in a warehouse per SKU as its WMS counts them (on the shelf, shipped ones gone), or why it could not say. */
export type InventoryAnswer = { readonly kind: 'counted'; readonly lines: { sku: string; quantity: number }[] } | { readonly kind: 'failed'; readonly reason: string };

/** What came of sending, with the conversions the message's times went through as it was written. */
export type PushResult = PushOutcome & { readonly conversions?: readonly TimeConversion[] };

export interface WmsAdapter {
  pushDeliveryOrder(order: DeliveryOrderMessage): Promise<PushResult>;
  /** What the WMS holds of these SKUs in one of its warehouses. */
  queryInventory(warehouseCode: string, timeZone: string, skus: string[]): Promise<InventoryAnswer>;
}

/** A request to a WMS: its answer, or the retry a failure before any answer calls for (refused connection, reset, timeout). */
async function askWms(url: string, init: RequestInit, timeoutMs: number): Promise<{ status: number; text: string } | PushOutcome> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    return { status: res.status, text: await res.text() };
  } catch (err) {
    return networkFailure(err);
  }
}

export function postToWms(url: string, headers: Record<string, string>, body: string, timeoutMs = 10_000) {
  return askWms(url, { method: 'POST', headers, body }, timeoutMs);
}

export function getFromWms(url: string, headers: Record<string, string>, timeoutMs = 10_000) {
  return askWms(url, { headers }, timeoutMs);
}

function networkFailure(err: unknown): PushOutcome {
  const e = err as { name?: string; message?: string; cause?: { code?: string } };
  const what = e?.name === 'TimeoutError' ? 'timed out' : (e?.cause?.code ?? e?.message ?? String(err));
  return { kind: 'retry', reason: `no answer from the WMS: ${what}` };
}

/** A delivery order whose warehouse zone the runtime does not know cannot be written in its time: refused before sending. */
export function unknownZone(order: DeliveryOrderMessage): PushOutcome | null {
  if (isTimeZone(order.timeZone)) return null;
  return { kind: 'rejected', code: 'INVALID_TIME_ZONE', message: `warehouse ${order.warehouseCode} has no valid IANA time zone (${order.timeZone})` };
}
