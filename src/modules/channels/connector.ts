import type { Clock } from '../../platform/clock.ts';
import type { SignedTime } from '../../platform/signed-time.ts';
import type { ChannelStatus, OrderInput } from '../orders/orders.input.ts';
import type { Marketplace } from './channels.input.ts';
import type { ShopCredentials } from './shops.service.ts';

/**
 * What every marketplace connector does, each with its platform's own signing, paging, time
 * formats, money units and status codes. Connectors speak to the platform (or a sandbox speaking
 * the same protocol); they never touch the database.
 */
export interface TimeWindow {
  from: Date;
  to: Date;
}

export interface InboundRequest {
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, string | undefined>;
  rawBody: string;
}

/** One message of a push delivery, de-duplicated on `messageId`. */
export interface ChannelMessage {
  messageId: string;
  kind: 'trade' | 'refund';
  channelShopId: string;
  channelOrderId: string;
  /** What the message says of the order's status, when it says anything. */
  status?: ChannelStatus;
  /** Present when the message carries the whole order; otherwise the connector fetches it. */
  order?: OrderInput;
}

/** The body and status a platform expects back from a push receiver. */
export interface WebhookReply {
  status: number;
  body: unknown;
}

export interface WebhookReplies {
  accepted: WebhookReply;
  /** Also the answer for an unknown shop or a stale timestamp: probing must not tell them apart. */
  badSignature: WebhookReply;
  malformed: WebhookReply;
  /** We could not finish (the platform's own API failed): the platform should deliver again. */
  retryLater: WebhookReply;
}

export interface StockLevel {
  sku: string;
  quantity: number;
}

export interface Shipment {
  channelOrderId: string;
  carrierCode: string;
  trackingNumber: string;
}

export interface ConnectorDeps {
  clock: Clock;
  fetch?: typeof fetch;
}

export interface ChannelConnector {
  readonly channel: Marketplace;
  /** Longest window the platform allows for one incremental pull. */
  readonly maxWindowMs: number;
  readonly replies: WebhookReplies;
  /** Every order modified within the window, page by page, in the order the platform requires. */
  pullWindow(shop: ShopCredentials, window: TimeWindow): AsyncIterable<OrderInput[]>;
  fetchOrder(shop: ShopCredentials, channelOrderId: string): Promise<OrderInput | null>;
  /** Checks the platform's signature on a push delivery. */
  verifyPush(shop: ShopCredentials, request: InboundRequest): boolean;
  /**
   * The timestamp a push delivery is signed with, where the protocol signs one (JD, Pinduoduo);
   * absent where it does not (Douyin's event-sign covers the body only, Taobao's TMC messages carry
   * no send time). A delivery whose signed timestamp is missing, unreadable or stale is refused.
   */
  signedTime?(request: InboundRequest): SignedTime;
  /** Reads a verified push delivery; throws ChannelPayloadError when it is malformed. */
  parsePush(shop: ShopCredentials, request: InboundRequest): ChannelMessage[];
  pushStock(shop: ShopCredentials, levels: StockLevel[]): Promise<void>;
  writeBackShipment(shop: ShopCredentials, shipment: Shipment): Promise<void>;
}

/** A payload that does not follow the platform's format. */
export class ChannelPayloadError extends Error {
  constructor(
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
    this.name = 'ChannelPayloadError';
  }
}

/** The platform answered with an error; `retryable` says whether trying again can help. */
export class ChannelApiError extends Error {
  constructor(
    readonly channel: Marketplace,
    readonly code: string,
    readonly detail: string,
    readonly retryable: boolean,
  ) {
    super(`${channel} ${code}: ${detail}`);
    this.name = 'ChannelApiError';
  }
}

/**
 * Runs a write to the platform; a refusal `passes` recognises (the order's status there does not
 * allow it yet, say) comes back retryable, since the platform may allow it later.
 */
export async function retryableWhen<T>(passes: (err: ChannelApiError) => boolean, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof ChannelApiError && !err.retryable && passes(err)) throw new ChannelApiError(err.channel, err.code, err.detail, true);
    throw err;
  }
}
