import { createHash } from 'node:crypto';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { wmsJsonSignatureMatches } from './json.sign.ts';
import { qimenSignatureMatches } from './qimen.sign.ts';
import { signedTimeIsFresh, type SignedTimeWindow } from '../../platform/signed-time.ts';
import { isoInstantMs } from '../../platform/time/instants.ts';
import { parseWallClock } from '../../platform/time/wall-clock.ts';
import { unstorableTextAt, unstorableTextMessage } from '../../platform/validation.ts';


/** A message as it reached `/wms/{tenant}`: the signature covers the raw body's exact bytes. */
export interface WmsRequest {
  query: Record<string, string | undefined>;
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
}

/** Takes a WMS's message for a tenant and gives the answer to send back, in the message's protocol. */
export type WmsReceiver = (tenantId: string, request: WmsRequest) => Promise<InboundReply>;

/**
 * What a WMS tells us, whatever its protocol: a delivery order shipped (Qimen
 * `deliveryorder.confirm`, JSON `shipped`) or stock changed (Qimen `stockchange.report`, JSON
 * `stock_changed`). `outBizCode` is the WMS's own key for the message: one sent again is the same.
 */
export type WmsMessage =
  | {
    kind: 'shipped'; outBizCode: string; warehouseCode: string; deliveryOrderCode: string; wmsId: string | null;
    carrier: string | null; trackingNo: string | null; shippedAt: Date;
  }
  | { kind: 'stock_changed'; outBizCode: string; warehouseCode: string; sku: string; quantity: number; changedAt: Date };

/** What a message is about: the delivery order that shipped, or the SKU whose stock changed. */
export const subjectOf = (m: WmsMessage): string => (m.kind === 'shipped' ? m.deliveryOrderCode : m.sku);

/**
 * A digest of what a message says, read and normalised (whatever protocol and formatting carried
 * it, instants as UTC): the same message sent again has the same digest; one that reuses its code
 * for other news has another.
 */
export function digestOf(m: WmsMessage): string {
  const fields = m.kind === 'shipped'
    ? [m.kind, m.warehouseCode, m.outBizCode, m.deliveryOrderCode, m.wmsId, m.carrier, m.trackingNo, m.shippedAt.toISOString()]
    : [m.kind, m.warehouseCode, m.outBizCode, m.sku, m.quantity, m.changedAt.toISOString()];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/** The protocol a request to the WMS endpoint speaks: Qimen names its method in the query. */
export const protocolOf = (query: Record<string, string | undefined>): 'qimen' | 'json' => (query.method ? 'qimen' : 'json');

/** The app key a request says it is signed by. */
export function appKeyOf(query: Record<string, string | undefined>, headers: Record<string, string | string[] | undefined>): string {
  if (protocolOf(query) === 'qimen') return query.app_key ?? '';
  const key = headers['x-app-key'];
  return (Array.isArray(key) ? key[0] : key) ?? '';
}

/** The link a message must be signed under. */
export interface InboundLink {
  appKey: string;
  appSecret: string;
  customerId: string | null;
  timeZone: string;
}

export type InboundRead =
  | { ok: true; message: WmsMessage }
  | { ok: false; status: 400 | 401; code: 'BAD_SIGNATURE' | 'MALFORMED' | 'UNSUPPORTED_METHOD'; reason: string };

/** An answer in the protocol the WMS spoke. */
export interface InboundReply {
  status: number;
  contentType: string;
  body: string;
}

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true });
const builder = new XMLBuilder({ format: false });

class Malformed extends Error {}

/** The message as read, refused when a text in it could not be stored (a NUL, a lone surrogate): that is no message a WMS means. */
function storable(message: WmsMessage): WmsMessage {
  const at = unstorableTextAt(message);
  if (at) throw new Malformed(`${at.join('.')} ${unstorableTextMessage}`);
  return message;
}

const text = (v: unknown) => (v === undefined || v === null ? '' : String(v).trim());

function need(node: Record<string, unknown> | undefined, field: string, where: string): string {
  const value = text(node?.[field]);
  if (!value) throw new Malformed(`${where}${field} is required`);
  return value;
}

/** A Qimen wall-clock time, read in the zone its offset (or zone) in extendProps names, else the warehouse's. */
function qimenTime(value: string, extend: Record<string, unknown> | undefined, field: string, zone: string): Date {
  const offset = text(extend?.[`${field}Offset`]);
  try {
    return parseWallClock(value, offset ? `UTC${offset}` : text(extend?.timeZone) || zone);
  } catch {
    throw new Malformed(`${field} must be yyyy-MM-dd HH:mm:ss`);
  }
}

function isoTime(value: unknown, field: string): Date {
  const ms = isoInstantMs(text(value));
  if (Number.isNaN(ms)) throw new Malformed(`${field} must be an ISO-8601 instant with its offset`);
  return new Date(ms);
}

/** The most units one stock change may move: more is a WMS error, not a change. */
const MAX_UNITS = 10_000_000;

function integer(value: unknown, field: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n === 0 || Math.abs(n) > MAX_UNITS) throw new Malformed(`${field} must be a whole number of units, not zero, at most ${MAX_UNITS} either way`);
  return n;
}

function readQimenBody(method: string, body: Record<string, unknown>, zone: string): WmsMessage {
  if (method === 'taobao.qimen.deliveryorder.confirm') {
    const d = body.deliveryOrder as Record<string, unknown> | undefined;
    const raw = (body.packages as Record<string, unknown> | undefined)?.package;
    const first = (Array.isArray(raw) ? raw[0] : raw) as Record<string, unknown> | undefined;
    return {
      kind: 'shipped', outBizCode: need(d, 'outBizCode', 'deliveryOrder.'), warehouseCode: need(d, 'warehouseCode', 'deliveryOrder.'),
      deliveryOrderCode: need(d, 'deliveryOrderCode', 'deliveryOrder.'),
      wmsId: text(d?.deliveryOrderId) || null, carrier: text(first?.logisticsCode) || null, trackingNo: text(first?.expressCode) || null,
      shippedAt: qimenTime(need(d, 'orderConfirmTime', 'deliveryOrder.'), d?.extendProps as Record<string, unknown> | undefined, 'orderConfirmTime', zone),
    };
  }
  if (method === 'taobao.qimen.stockchange.report') {
    return {
      kind: 'stock_changed', outBizCode: need(body, 'outBizCode', ''), warehouseCode: need(body, 'warehouseCode', ''), sku: need(body, 'itemCode', ''),
      quantity: integer(need(body, 'quantity', ''), 'quantity'),
      changedAt: qimenTime(need(body, 'changeTime', ''), body.extendProps as Record<string, unknown> | undefined, 'changeTime', zone),
    };
  }
  throw new Malformed(`method ${method} is not taken here`);
}

/** A signature that verifies over a stale timestamp is answered as one that does not. */
const stale = (field: string): InboundRead => ({ ok: false, status: 401, code: 'BAD_SIGNATURE', reason: `${field} is missing, unreadable or too far from our clock` });

/** A Qimen call from a WMS: signed query (its `timestamp` GMT+8 and fresh), XML body. */
export function readQimenInbound(query: Record<string, string | undefined>, rawBody: string, link: InboundLink, window: SignedTimeWindow): InboundRead {
  const { sign, ...params } = query;
  const signed = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) as Record<string, string>;
  if (signed.app_key !== link.appKey || !sign || !qimenSignatureMatches({ ...signed, sign }, rawBody, link.appSecret)) {
    return { ok: false, status: 401, code: 'BAD_SIGNATURE', reason: 'app_key or sign does not match the warehouse’s WMS link' };
  }
  if (!signedTimeIsFresh({ value: signed.timestamp, format: 'china-wall-clock' }, window)) return stale('timestamp');
  if (link.customerId && signed.customerId !== link.customerId) return { ok: false, status: 401, code: 'BAD_SIGNATURE', reason: 'customerId is not the warehouse’s owner' };
  try {
    const request = (parser.parse(rawBody) as { request?: Record<string, unknown> }).request;
    if (!request) throw new Malformed('the body is not a Qimen <request>');
    return { ok: true, message: storable(readQimenBody(signed.method ?? '', request, link.timeZone)) };
  } catch (err) {
    if (err instanceof Malformed) return { ok: false, status: 400, code: err.message.startsWith('method') ? 'UNSUPPORTED_METHOD' : 'MALFORMED', reason: err.message };
    return { ok: false, status: 400, code: 'MALFORMED', reason: 'the body is not well-formed XML' };
  }
}

/** A JSON message from an overseas WMS: signed headers (`X-Timestamp` ISO-8601 with its offset, and fresh), JSON body. */
export function readJsonInbound(headers: Record<string, string | string[] | undefined>, rawBody: string, link: InboundLink, window: SignedTimeWindow): InboundRead {
  const header = (name: string) => text(Array.isArray(headers[name]) ? headers[name]![0] : headers[name]);
  if (header('x-app-key') !== link.appKey || !wmsJsonSignatureMatches(header('x-timestamp'), rawBody, link.appSecret, header('x-signature'))) {
    return { ok: false, status: 401, code: 'BAD_SIGNATURE', reason: 'X-App-Key or X-Signature does not match the warehouse’s WMS link' };
  }
  if (!signedTimeIsFresh({ value: header('x-timestamp'), format: 'iso-8601' }, window)) return stale('X-Timestamp');
  try {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(rawBody) as Record<string, unknown>;
    } catch {
      throw new Malformed('the body is not JSON');
    }
    if (body?.event === 'shipped') {
      return {
        ok: true,
        message: storable({
          kind: 'shipped', outBizCode: need(body, 'outBizCode', ''), warehouseCode: need(body, 'warehouseCode', ''),
          deliveryOrderCode: need(body, 'deliveryOrderCode', ''), wmsId: text(body.deliveryOrderId) || null,
          carrier: text(body.carrier) || null, trackingNo: text(body.trackingNumber) || null, shippedAt: isoTime(body.shippedAt, 'shippedAt'),
        }),
      };
    }
    if (body?.event === 'stock_changed') {
      const quantity = integer(body.quantity, 'quantity');
      return {
        ok: true,
        message: storable({
          kind: 'stock_changed', outBizCode: need(body, 'outBizCode', ''), warehouseCode: need(body, 'warehouseCode', ''), sku: need(body, 'sku', ''),
          quantity, changedAt: isoTime(body.changedAt, 'changedAt'),
        }),
      };
    }
    throw new Malformed(`event ${text(body?.event) || '(none)'} is not taken here`);
  } catch (err) {
    if (err instanceof Malformed) return { ok: false, status: 400, code: err.message.startsWith('event') ? 'UNSUPPORTED_METHOD' : 'MALFORMED', reason: err.message };
    throw err;
  }
}

/** Taken (or taken before), or refused with a code and the reason, in the WMS's protocol. */
export function inboundReply(protocol: 'qimen' | 'json', outcome: { ok: true } | { ok: false; status: number; code: string; reason: string }): InboundReply {
  if (protocol === 'qimen') {
    const response = outcome.ok ? { flag: 'success', code: '0', message: 'ok' } : { flag: 'failure', code: outcome.code, message: outcome.reason };
    return { status: outcome.ok ? 200 : outcome.status, contentType: 'text/xml; charset=utf-8', body: `<?xml version="1.0" encoding="utf-8"?>${builder.build({ response })}` };
  }
  return outcome.ok
    ? { status: 200, contentType: 'application/json', body: JSON.stringify({ ok: true }) }
    : { status: outcome.status, contentType: 'application/json', body: JSON.stringify({ error: { code: outcome.code, message: outcome.reason } }) };
}
