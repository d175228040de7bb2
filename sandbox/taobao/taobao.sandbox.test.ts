import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseTopJson } from '../../src/modules/channels/taobao/taobao.client.ts';
import { signTop, topTimestamp, verifyTop } from '../../src/modules/channels/taobao/taobao.sign.ts';
import { startTaobaoSandbox, tmcMessageBody, type TaobaoSandbox } from './taobao.sandbox.ts';

const APP = { appKey: '12345678', appSecret: 'taobao-sandbox-secret' };
const SHOP = { sellerId: '2206512345678', session: '6100e1234abcdef' };
const HOUR = 3600_000;

describe('Taobao TOP sandbox', () => {
  let sandbox: TaobaoSandbox;
  const start = Date.UTC(2026, 10, 10, 16, 0, 0); // 2026-11-11 00:00 GMT+8
  let now = start;

  async function call(business: Record<string, string | number | boolean>, tweak: (p: Record<string, string>) => void = () => {}): Promise<any> {
    const p: Record<string, string> = {
      app_key: APP.appKey, session: SHOP.session, timestamp: topTimestamp(new Date(sandbox.now())), format: 'json', v: '2.0', sign_method: 'md5',
    };
    for (const [k, v] of Object.entries(business)) p[k] = String(v);
    p.sign = signTop(p, APP.appSecret);
    tweak(p);
    const res = await fetch(`${sandbox.url}/router/rest`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(p) });
    assert.equal(res.status, 200);
    return parseTopJson(await res.text());
  }
  const increment = (from: number, to: number, extra: Record<string, string | number | boolean> = {}) =>
    call({ method: 'taobao.trades.sold.increment.get', fields: 'tid,status,modified,payment,orders', start_modified: topTimestamp(new Date(from)), end_modified: topTimestamp(new Date(to)), ...extra });

  before(async () => {
    sandbox = await startTaobaoSandbox({ apps: [{ ...APP, shops: [SHOP] }], seed: 3, clock: () => now });
    sandbox.generateOrders(150, start, { spreadSeconds: 6 * 3600 });
  });
  after(() => sandbox.close());

  test('a wrong signature, unknown session or stale timestamp get TOP error codes', async () => {
    const forged = await call({ method: 'taobao.trade.fullinfo.get', tid: '1', fields: 'tid' }, (p) => (p.sign = signTop({ ...p, sign: undefined as never }, 'wrong')));
    assert.equal(forged.error_response.code, 25);
    assert.equal(forged.error_response.msg, 'Invalid signature');
    assert.ok(forged.error_response.request_id);
    const tampered = await call({ method: 'taobao.trade.fullinfo.get', tid: '1', fields: 'tid' }, (p) => (p.tid = '2'));
    assert.equal(tampered.error_response.code, 25);
    const session = await call({ method: 'taobao.trade.fullinfo.get', tid: '1', fields: 'tid', session: 'nope' });
    assert.equal(session.error_response.code, 27);
    const stale = await call({ method: 'taobao.trade.fullinfo.get', tid: '1', fields: 'tid', timestamp: topTimestamp(new Date(sandbox.now() - 11 * 60_000)) });
    assert.equal(stale.error_response.code, 31);
    const missing = await call({ method: 'taobao.trade.fullinfo.get', fields: 'tid' });
    assert.equal(missing.error_response.code, 40);
    const unknown = await call({ method: 'taobao.nothing.get' });
    assert.equal(unknown.error_response.code, 22);
  });

  test('window at most one day, page_size at most 100, page_no from 1', async () => {
    assert.equal((await increment(start - 25 * HOUR, start)).error_response.code, 41);
    assert.equal((await increment(start - HOUR, start, { page_size: 101 })).error_response.code, 41);
    assert.equal((await increment(start - HOUR, start, { page_no: 0 })).error_response.code, 41);
    assert.equal((await call({ method: 'taobao.trades.sold.increment.get', fields: 'tid' })).error_response.code, 40);
  });

  test('results come newest first by modified, pages fit together, tid is a bare big integer', async () => {
    const from = start - 7 * HOUR;
    const first = (await increment(from, start, { page_size: 40 })).trades_sold_increment_get_response;
    const total = first.total_results as number;
    assert.ok(total > 100, `${total}`);
    assert.equal(first.has_next, true);
    const all: any[] = [];
    for (let page = 1; page <= Math.ceil(total / 40); page++) {
      all.push(...(await increment(from, start, { page_size: 40, page_no: page })).trades_sold_increment_get_response.trades.trade);
    }
    assert.equal(all.length, total);
    assert.equal(new Set(all.map((t) => t.tid)).size, total);
    const modified = all.map((t) => t.modified as string);
    assert.deepEqual(modified, [...modified].sort().reverse(), 'newest first');
    assert.ok(all.every((t) => typeof t.tid === 'string' && /^\d{19}$/.test(t.tid) && !Number.isSafeInteger(Number(t.tid))));
    assert.ok(all.every((t) => /^\d+\.\d{2}$/.test(t.payment)));
    const hasNext = (await increment(from, start, { page_size: 40, use_has_next: true })).trades_sold_increment_get_response;
    assert.equal(hasNext.total_results, undefined);
    assert.equal(hasNext.has_next, true);
  });

  test('fullinfo, stock and offline shipment; shipping moves the trade on', async () => {
    const paid = sandbox.store.tradesOf(SHOP.sellerId).find((t) => t.status === 'WAIT_SELLER_SEND_GOODS');
    assert.ok(paid);
    const info = (await call({ method: 'taobao.trade.fullinfo.get', tid: paid.tid, fields: 'tid,status,receiver_mobile,orders' })).trade_fullinfo_get_response.trade;
    assert.equal(info.tid, paid.tid);
    assert.match(info.receiver_mobile, /^\d{3}\*{4}\d{4}$/);
    const sku = sandbox.store.skus[0]!;
    const found = (await call({ method: 'taobao.skus.custom.get', outer_id: sku.outerSkuId, fields: 'sku_id,num_iid' })).skus_custom_get_response.skus.sku[0];
    assert.equal(String(found.num_iid), sku.numIid);
    await call({ method: 'taobao.item.quantity.update', num_iid: sku.numIid, sku_id: sku.skuId, quantity: 7, type: 1 });
    await call({ method: 'taobao.skus.quantity.update', num_iid: sku.numIid, outerid_quantities: `${sku.outerSkuId}:9`, type: 1 });
    assert.equal(sandbox.store.stock.get(sku.skuId), 9);
    assert.deepEqual(sandbox.recorded.stockPushes.map((s) => s.quantity), [7, 9]);
    const sent = await call({ method: 'taobao.logistics.offline.send', tid: paid.tid, out_sid: 'SF1234567890', company_code: 'SF' });
    assert.equal(sent.logistics_offline_send_response.shipping.is_success, true);
    assert.equal(paid.status, 'WAIT_BUYER_CONFIRM_GOODS');
    const again = await call({ method: 'taobao.logistics.offline.send', tid: paid.tid, out_sid: 'SF1234567890', company_code: 'SF' });
    assert.equal(again.error_response.code, 15);
    assert.match(again.error_response.sub_code, /^isv\./);
    assert.equal(sandbox.recorded.shipments.length, 1);
  });

  test('TMC messages are signed TOP-style over their string members', () => {
    const event = sandbox.recorded.events[0]!;
    const body = JSON.parse(tmcMessageBody(event, '1001', APP.appKey, APP.appSecret)) as Record<string, string>;
    assert.equal(body.tid, event.tid);
    assert.equal(body.user_id, SHOP.sellerId);
    assert.ok(verifyTop(body, APP.appSecret));
    assert.ok(!verifyTop({ ...body, status: 'TRADE_CLOSED' }, APP.appSecret));
  });
});
