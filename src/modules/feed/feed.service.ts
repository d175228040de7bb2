import type { RequestContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { alertsAfter, lastAlertId } from '../fulfillment/alerts.service.ts';
import { eventsAfter, lastEventId } from '../orders/orders.service.ts';

/**
 * The live feed: a tenant's order events and alerts, in the order they were written, each with
 * the position after it. A position is `<order event id>.<alert id>`; a client that reconnects
 * with the last one it saw (SSE's Last-Event-ID) misses nothing that was visible by then.
 *
 * It reads what has committed. An event whose transaction commits after a later event has been
 * read is not sent (it is on the order's timeline, and the next read of the board shows its
 * effect): ids are handed out at insert, not at commit.
 */
export interface FeedPosition {
  eventId: number;
  alertId: string;
}

export interface FeedMessage {
  /** The position after this message. */
  id: string;
  event: 'order' | 'alert';
  data: unknown;
}

const positionPattern = /^(\d{1,18})\.([0-9a-f-]{0,36})$/;

export const encodePosition = (p: FeedPosition) => `${p.eventId}.${p.alertId}`;

export function decodePosition(text: string): FeedPosition {
  const match = positionPattern.exec(text.trim());
  if (!match) throw new AppError('VALIDATION_FAILED', 'Last-Event-ID is not a position this feed gave', [{ path: 'last-event-id', message: 'unknown position' }]);
  return { eventId: Number(match[1]), alertId: match[2]! };
}

/** Whether a position lies at or before another: a client can have seen only what was written. */
export const reached = (p: FeedPosition, now: FeedPosition) => p.eventId <= now.eventId && p.alertId <= now.alertId;

/** Where the feed is now: a client that starts here gets only what happens from now on. */
export async function currentPosition(ctx: RequestContext): Promise<FeedPosition> {
  const [eventId, alertId] = await Promise.all([lastEventId(ctx), lastAlertId(ctx)]);
  return { eventId, alertId };
}

/** What was written after a position, up to `limit` of each kind, and the position after it all. */
export async function readFeed(ctx: RequestContext, from: FeedPosition, limit = 500): Promise<{ messages: FeedMessage[]; position: FeedPosition; more: boolean }> {
  const [events, alerts] = await Promise.all([eventsAfter(ctx, from.eventId, limit), alertsAfter(ctx, from.alertId, limit)]);
  const messages: FeedMessage[] = [];
  let position = { ...from };
  for (const e of events) {
    position = { ...position, eventId: e.id };
    messages.push({ id: encodePosition(position), event: 'order', data: e });
  }
  for (const a of alerts) {
    position = { ...position, alertId: a.id };
    messages.push({ id: encodePosition(position), event: 'alert', data: a });
  }
  return { messages, position, more: events.length === limit || alerts.length === limit };
}
