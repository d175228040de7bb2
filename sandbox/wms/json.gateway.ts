import type { IncomingMessage, ServerResponse } from 'node:http';
import { DateTime } from 'luxon';
import { signWmsJson, wmsJsonSignatureMatches } from '../../src/modules/wms/json.sign.ts';
import type { WmsDeliveryOrder, WmsStore } from './wms.store.ts';
import { readBody } from '../common/lifecycle.ts';

/**
 * The JSON protocol overseas warehouses speak here: `POST {url}/api/v1/delivery-orders` and
 * `GET {url}/api/v1/inventory?warehouseCode=&sku=`, each signed (json.sign.ts). Every instant is
 * ISO-8601 with its zone; one without is refused. Answers are JSON: 201 for a new delivery order,
 * 200 with the same answer for one seen before, 4xx `{error: {code, message}}` for a request a
 * retry cannot fix, 503 when busy.
 */
export interface JsonAccount {
  readonly appKey: string;
  readonly appSecret: string;
}

export interface RecordedJsonRequest {
  readonly at: number;
  readonly path: string;
  readonly status: number | 'dropped';
  readonly code: string;
}

const ISO_WITH_ZONE = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;

class Refusal extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

function field(record: Record<string, unknown>, name: string, path = ''): string {
  const value = record[name];
  if (typeof value !== 'string' || !value.trim()) throw new Refusal(400, 'INVALID_FIELD', `${path}${name} is required`);
  return value.trim();
}

/** An ISO-8601 instant with its zone, checked as a real date; its ms. */
function instant(value: string, name: string): number {
  const at = ISO_WITH_ZONE.test(value) ? DateTime.fromISO(value, { setZone: true }) : null;
  if (!at?.isValid) throw new Refusal(400, 'INVALID_FIELD', `${name} must be an ISO-8601 instant with a zone, e.g. 2026-11-10T18:00:00-08:00`);
  return at.toMillis();
}

export function createJsonGateway(options: { store: WmsStore; accounts: readonly JsonAccount[]; now: () => number; recorded: RecordedJsonRequest[] }) {
  const { store, accounts, now, recorded } = options;

  function authenticate(req: IncomingMessage, raw: string): void {
    const appKey = String(req.headers['x-app-key'] ?? '');
    const timestamp = String(req.headers['x-timestamp'] ?? '');
    const account = accounts.find((a) => a.appKey === appKey);
    if (!account) throw new Refusal(401, 'UNKNOWN_APP_KEY', 'X-App-Key is unknown');
    const at = ISO_WITH_ZONE.test(timestamp) ? DateTime.fromISO(timestamp, { setZone: true }) : null;
    if (!at?.isValid) throw new Refusal(401, 'BAD_TIMESTAMP', 'X-Timestamp must be ISO-8601 with a zone');
    if (Math.abs(at.toMillis() - now()) > 10 * 60_000) throw new Refusal(401, 'BAD_TIMESTAMP', 'X-Timestamp is more than 10 minutes off');
    if (!wmsJsonSignatureMatches(timestamp, raw, account.appSecret, String(req.headers['x-signature'] ?? ''))) throw new Refusal(401, 'BAD_SIGNATURE', 'X-Signature does not match');
  }

  function createDeliveryOrder(raw: string): { status: number; body: unknown } {
    let doc: Record<string, unknown>;
    try {
      doc = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      throw new Refusal(400, 'INVALID_JSON', 'the body is not JSON');
    }
    if (!doc || typeof doc !== 'object') throw new Refusal(400, 'INVALID_JSON', 'the body is not a JSON object');
    const code = field(doc, 'deliveryOrderCode');
    const warehouseCode = field(doc, 'warehouseCode');
    if (!store.warehouses.has(warehouseCode)) throw new Refusal(400, 'UNKNOWN_WAREHOUSE', `warehouse ${warehouseCode} is not run by this WMS`);
    const sentTimes: Record<string, string> = {};
    const sentInstants: Record<string, number> = {};
    for (const name of ['createdAt', 'paidAt']) {
      if (doc[name] === undefined && name === 'paidAt') continue;
      sentTimes[name] = field(doc, name);
      sentInstants[name] = instant(sentTimes[name]!, name);
    }
    const receiver = (doc.receiver && typeof doc.receiver === 'object' ? doc.receiver : {}) as Record<string, unknown>;
    for (const name of ['name', 'phone', 'country', 'city', 'address']) field(receiver, name, 'receiver.');
    const rawLines = Array.isArray(doc.lines) ? (doc.lines as unknown[]) : [];
    if (rawLines.length === 0) throw new Refusal(400, 'INVALID_FIELD', 'lines must hold at least one line');
    const lines = rawLines.map((raw, i) => {
      if (!raw || typeof raw !== 'object') throw new Refusal(400, 'INVALID_FIELD', `lines[${i}] must be an object`);
      const l = raw as Record<string, unknown>;
      if (!Number.isInteger(l.quantity) || (l.quantity as number) <= 0) throw new Refusal(400, 'INVALID_FIELD', `lines[${i}].quantity must be a positive integer`);
      return { lineNo: String(l.lineNo ?? i + 1), itemCode: field(l, 'sku', `lines[${i}].`), quantity: l.quantity as number };
    });
    const kept = Object.entries(receiver).filter(([, v]) => typeof v === 'string' || typeof v === 'number').map(([k, v]) => [k, String(v)]);
    const accepted = store.accept({ code, warehouseCode, lines, receiver: Object.fromEntries(kept), sentTimes, sentInstants });
    if ('conflict' in accepted) throw new Refusal(409, 'CODE_CONFLICT', `deliveryOrderCode ${code} was accepted before with other content`);
    return { status: accepted.duplicate ? 200 : 201, body: { deliveryOrderId: accepted.order.wmsId, deliveryOrderCode: accepted.order.code, duplicate: accepted.duplicate } };
  }

  function inventory(url: URL): { status: number; body: unknown } {
    const warehouseCode = url.searchParams.get('warehouseCode') ?? '';
    const sku = url.searchParams.get('sku') ?? '';
    if (!store.warehouses.has(warehouseCode) || !sku) throw new Refusal(400, 'INVALID_FIELD', 'warehouseCode (one of this WMS) and sku are required');
    const reserved = store.unshipped(warehouseCode, sku);
    return { status: 200, body: { items: [{ warehouseCode, sku, available: store.stockOf(warehouseCode, sku) - reserved, reserved }] } };
  }

  return async function gateway(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const body = await readBody(req).catch(() => null);
    if (body === null) return; // too large or aborted: the connection is gone
    const raw = body.toString('utf8');
    const send = (status: number, body: unknown, code = 'OK') => {
      recorded.push({ at: now(), path: url.pathname, status, code });
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const busy = await store.play(req.socket, (dropped) => recorded.push({ at: now(), path: url.pathname, status: 'dropped', code: dropped }));
    if (busy === null) return;
    if (busy) return send(503, { error: { code: 'BUSY', message: 'the WMS is busy, try again' } }, 'BUSY');
    try {
      if (req.method === 'POST' && url.pathname === '/api/v1/delivery-orders') {
        authenticate(req, raw);
        const { status, body } = createDeliveryOrder(raw);
        if (store.loseAnswer()) {
          recorded.push({ at: now(), path: url.pathname, status: 'dropped', code: 'lost-answer' });
          req.socket.destroy();
          return;
        }
        return send(status, body);
      }
      if (req.method === 'GET' && url.pathname === '/api/v1/inventory') {
        authenticate(req, '');
        const { status, body } = inventory(url);
        return send(status, body);
      }
      throw new Refusal(404, 'NOT_FOUND', 'POST /api/v1/delivery-orders, GET /api/v1/inventory');
    } catch (err) {
      if (err instanceof Refusal) return send(err.status, { error: { code: err.code, message: err.message } }, err.code);
      return send(500, { error: { code: 'INTERNAL', message: String(err) } }, 'INTERNAL');
    }
  };
}

/** The shipment message a JSON WMS sends, its instants in the warehouse's own zone. */
export function shipmentJson(order: WmsDeliveryOrder, zone: string): string {
  return JSON.stringify({
    event: 'shipped', deliveryOrderCode: order.code, deliveryOrderId: order.wmsId, outBizCode: `${order.wmsId}-SHIPPED`, warehouseCode: order.warehouseCode,
    carrier: order.carrier, trackingNumber: order.trackingNumber, shippedAt: DateTime.fromMillis(order.shippedAt!, { zone }).toISO({ suppressMilliseconds: true }),
    lines: order.lines.map((l) => ({ lineNo: l.lineNo, sku: l.itemCode, quantity: l.quantity })),
  });
}

/** Headers signing a JSON WMS call. */
export function jsonSignedHeaders(appKey: string, secret: string, body: string, at: number, zone: string): Record<string, string> {
  const timestamp = DateTime.fromMillis(at, { zone }).toISO({ suppressMilliseconds: true })!;
  return { 'content-type': 'application/json', 'x-app-key': appKey, 'x-timestamp': timestamp, 'x-signature': signWmsJson(timestamp, body, secret) };
}
