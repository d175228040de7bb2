import { randomBytes } from 'node:crypto';
import type { RequestContext } from '../../platform/context.ts';
import { isAppError } from '../../platform/errors.ts';
import { signedTimeIsFresh } from '../../platform/signed-time.ts';
import { unstorableTextAt, unstorableTextMessage } from '../../platform/validation.ts';
import { recordDeadLetter, recordUnauthenticated, type UnauthenticatedReason } from './channels.dead-letters.ts';
import { ingestFromChannel } from './channels.ingest.ts';
import type { PullDeps } from './channels.pull.ts';
import * as repo from './channels.repository.ts';
import { ChannelApiError, ChannelPayloadError, type InboundRequest, type WebhookReply } from './connector.ts';
import { isMarketplace, type Marketplace } from './channels.input.ts';
import { credentialsOf, type ShopCredentials } from './shops.service.ts';

/** What a push needs: what a pull needs (pushed orders go to the same sink), and the clock's tolerance. */
export interface WebhookDeps extends PullDeps {
  /** How far a delivery's signed timestamp may be from our clock; the platform default when left out. */
  signatureMaxSkewMs?: number;
}

export interface WebhookOutcome {
  reply: WebhookReply;
  accepted: number;
  duplicates: number;
}

const unknownChannel: WebhookReply = { status: 404, body: { error: { code: 'NOT_FOUND', message: 'unknown channel' } } };

/** Made once per process and never stored: no post can be signed with it. */
const decoySecret = randomBytes(32).toString('hex');

function decoyShop(channel: Marketplace, tenantId: string, shopId: string): ShopCredentials {
  return { tenantId, shopId, channel, channelShopId: '', appKey: '', appSecret: decoySecret, accessToken: null, apiBaseUrl: null };
}

/**
 * A push delivery from a marketplace for one shop (`shopRef` = "<tenant>.<shop id>"): verified with
 * the platform's own signature, de-duplicated on the platform's message id, and each order fetched
 * when the message does not carry it, then ingested. Anything refused leaves only a dead letter.
 */
export async function receivePush(deps: WebhookDeps, channel: string, shopRef: string, request: InboundRequest): Promise<WebhookOutcome> {
  if (!isMarketplace(channel)) return { reply: unknownChannel, accepted: 0, duplicates: 0 };
  const connector = deps.connectors(channel);
  const dot = shopRef.indexOf('.');
  const tenantId = dot > 0 ? shopRef.slice(0, dot) : '';
  const shopId = dot > 0 ? shopRef.slice(dot + 1) : '';
  const done = (reply: WebhookReply): WebhookOutcome => ({ reply, accepted: 0, duplicates: 0 });
  // Unknown shop, bad signature and stale timestamp get one answer, the bad-signature one, so
  // probing cannot tell which tenants and shops exist; each is counted, and kept only within bounds.
  const unauthenticated = async (reason: UnauthenticatedReason, detail: string) => {
    await recordUnauthenticated(deps.db, deps.clock, { tenantId, channel, shopRef, reason, detail, body: request.rawBody });
    return done(connector.replies.badSignature);
  };

  const base: RequestContext = { tenantId, actor: { kind: 'channel', id: `${channel}:${shopId}`, role: null }, clock: deps.clock, db: deps.db };
  const found = tenantId && shopId ? await credentialsOf(base, deps.secrets, shopId).catch((err: unknown) => (isAppError(err) ? null : Promise.reject(err))) : null;
  const shop = found?.channel === channel ? found : null;
  // An unknown shop's post is still checked, against a secret nobody has, so it takes the same path.
  const signed = connector.verifyPush(shop ?? decoyShop(channel, tenantId, shopId), request);
  if (!shop) return unauthenticated('unknown_shop', `no ${channel} shop ${shopRef}`);
  if (!signed) return unauthenticated('bad_signature', 'signature does not match');
  // A stale delivery proves nothing about who sends it now.
  if (connector.signedTime && !signedTimeIsFresh(connector.signedTime(request), { now: deps.clock.now(), maxSkewMs: deps.signatureMaxSkewMs })) {
    return unauthenticated('stale_timestamp', 'the signed timestamp is missing, unreadable or too far from our clock');
  }

  let messages;
  try {
    messages = connector.parsePush(shop, request);
    // What the database could not store (a NUL, a lone surrogate) is no message of the platform's.
    const unstorable = messages.map((m) => unstorableTextAt({ messageId: m.messageId, channelOrderId: m.channelOrderId, channelShopId: m.channelShopId })).find(Boolean);
    if (unstorable) throw new ChannelPayloadError(`${unstorable.join('.')} ${unstorableTextMessage}`);
  } catch (err) {
    if (err instanceof ChannelPayloadError) {
      await recordDeadLetter(deps.db, deps.clock, { tenantId, channel, shopRef, reason: 'malformed', detail: err.message, body: request.rawBody });
      return done(connector.replies.malformed);
    }
    throw err;
  }

  let accepted = 0;
  let duplicates = 0;
  for (const message of messages) {
    if (message.channelShopId !== shop.channelShopId) {
      await recordDeadLetter(deps.db, deps.clock, { tenantId, channel, shopRef, reason: 'unknown_shop', detail: `message ${message.messageId} is for another shop`, body: request.rawBody });
      continue;
    }
    if (!(await repo.rememberMessage(deps.db, tenantId, shopId, message.messageId, deps.clock.now()))) {
      duplicates++;
      continue;
    }
    try {
      const order = message.order ?? (await connector.fetchOrder(shop, message.channelOrderId));
      if (order) await ingestFromChannel(base, deps.sink, shop, order);
      accepted++;
    } catch (err) {
      // Not handled: forget the message id so the platform's redelivery is processed, and say so.
      await repo.forgetMessage(deps.db, tenantId, shopId, message.messageId);
      if (!(err instanceof ChannelApiError)) throw err;
      deps.logger.warn({ channel, shopRef, error: err.message }, 'push message not processed; the platform will deliver it again');
      return { reply: connector.replies.retryLater, accepted, duplicates };
    }
  }
  return { reply: connector.replies.accepted, accepted, duplicates };
}
