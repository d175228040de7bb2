import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startWmsSandbox, type WmsSandbox } from '../../sandbox/wms/wms.sandbox.ts';
import { ingestFromChannel } from '../../src/modules/channels/channels.ingest.ts';
import { parseTopJson, topResponseOf } from '../../src/modules/channels/taobao/taobao.client.ts';
import { normaliseTaobaoTrade, taobaoTradesOf } from '../../src/modules/channels/taobao/taobao.normalise.ts';
import { systemActor, type RequestContext } from '../../src/platform/context.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { dispatchRound } from '../../src/workflows/wms-dispatch.workflow.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { testBackends, type TestDatabase } from '../support/databases.ts';
import { fastDispatch, wmsAccount } from '../support/fulfillment.ts';

/**
 * The brief's case: an exporter stored Beijing times without a zone and pushed them to a US
 * warehouse that expected UTC, so orders paid at 00:30 on 25 December looked like future orders
 * there and shipped a day late. Here a Taobao trade paid then, as TOP writes it, goes through the
 * real intake to the one warehouse, in Los Angeles, and reaches its JSON WMS as the instant it is.
 */
const TRADE = `{"trades_sold_increment_get_response":{"total_results":1,"has_next":false,"trades":{"trade":[
{"tid":4312009876543219999,"status":"WAIT_SELLER_SEND_GOODS","type":"fixed","buyer_open_uid":"AAHx1",
"receiver_name":"张**","receiver_state":"浙江省","receiver_city":"杭州市","receiver_district":"西湖区",
"receiver_address":"文三路398号***","receiver_mobile":"138****5678",
"created":"2025-12-25 00:29:48","pay_time":"2025-12-25 00:30:00","modified":"2025-12-25 00:30:01",
"total_fee":"199.00","post_fee":"0.00","discount_fee":"0.00","payment":"199.00",
"orders":{"order":[{"oid":4312009876543220000,"num_iid":612345678901,"outer_sku_id":"SOFA-GREY-3S","title":"三人沙发","num":1,"price":"199.00","payment":"199.00"}]}}]}}}`;

for (const backend of testBackends()) {
  describe(`A Beijing midnight order at a US warehouse (${backend.kind})`, () => {
    let database: TestDatabase;
    let api: TestApi;
    let wms: WmsSandbox;

    before(async () => {
      database = await backend.open();
      // A minute after the payment: 16:31 UTC on the 24th, 08:31 in Los Angeles.
      api = await startTestApi(database.handle, '2025-12-24T16:31:00Z');
      const clock = () => api.clock.now().getTime();
      wms = await startWmsSandbox({ protocol: 'json', accounts: [wmsAccount], warehouses: ['US-LA1'], faults: { errorRate: 0 }, seed: 3, clock, shipAfterMs: 0, timeZone: 'America/Los_Angeles' });
      // Its zone comes from the region pack (US, California), its cut-off is set.
      const warehouse = await api.request('POST', '/api/v1/warehouses', {
        body: { code: 'US-LA1', name: 'Los Angeles', country: 'US', region: 'CA', isDefault: true, cutOff: '14:00', wms: { protocol: 'json', url: wms.url, ...wmsAccount } },
      });
      assert.equal(warehouse.status, 201, JSON.stringify(warehouse.body));
      assert.equal(warehouse.body.timeZone, 'America/Los_Angeles');
      assert.equal((await api.request('POST', '/api/v1/inventory/receipts', { body: { warehouseCode: 'US-LA1', lines: [{ sku: 'SOFA-GREY-3S', quantity: 10 }] } })).status, 201);
    });
    after(async () => {
      await wms.close();
      await api.close();
      await database.drop();
    });

    test('the order reaches the JSON WMS at its real instant, is worked at once, and every conversion is in its audit', async () => {
      const ctx: RequestContext = { tenantId: 'default', actor: systemActor('taobao'), clock: api.clock, db: database.handle.db };
      const raw = taobaoTradesOf(topResponseOf(parseTopJson(TRADE), 'taobao.trades.sold.increment.get'))[0];
      const shop = { tenantId: 'default', shopId: 'tb-export', channel: 'taobao' as const, channelShopId: '2206598765432', appKey: 'k', appSecret: 's', accessToken: null, apiBaseUrl: null };
      assert.equal(await ingestFromChannel(ctx, api.flows.intake, shop, normaliseTaobaoTrade(raw, shop)), true);

      const listed = await api.request('GET', '/api/v1/orders?channelOrderId=4312009876543219999');
      const order = listed.body.items[0];
      assert.equal(order.paidAt, '2025-12-24T16:30:00.000Z');
      assert.equal(order.status, 'routed');

      await dispatchRound({ db: database.handle.db, clock: api.clock, secrets: api.app.secrets, logger: createLogger('silent') }, fastDispatch);
      const [received] = [...wms.store.orders.values()];
      assert.ok(received, 'the WMS has the delivery order');
      assert.equal(received.sentTimes.paidAt, '2025-12-24T08:30:00-08:00');
      assert.equal(received.sentInstants.paidAt, Date.parse('2025-12-24T16:30:00Z'));
      // Worked at once: nothing about it lies in the WMS's future.
      assert.equal(received.releaseAt, received.acceptedAt);
      assert.equal(wms.store.dueToShip(0).length, 1);

      const audit = await api.request('GET', `/api/v1/orders/${order.id}/time-conversions`);
      assert.equal(audit.status, 200);
      const paid = audit.body.items.filter((c: { field: string }) => c.field === 'paidAt');
      assert.deepEqual(paid.map((c: Record<string, string>) => [c.boundary, c.sourceValue, c.sourceZone, c.utc, c.targetZone, c.rendered]), [
        ['channel_in', '2025-12-25 00:30:00', 'Asia/Shanghai', '2025-12-24T16:30:00Z', 'UTC', '2025-12-24T16:30:00Z'],
        ['wms_out', '2025-12-24T16:30:00Z', 'UTC', '2025-12-24T16:30:00Z', 'America/Los_Angeles', '2025-12-24T08:30:00-08:00'],
      ]);
      // Its ship-by is its work day's 14:00 in Los Angeles: the 24th, since 08:31 there is before the cut-off.
      const shipBy = audit.body.items.find((c: { field: string }) => c.field === 'shipBy');
      assert.equal(shipBy?.rendered, '2025-12-24T14:00:00-08:00');
      assert.ok(audit.body.items.every((c: { subject: string | null; boundary: string }) => (c.boundary === 'wms_out') === (c.subject !== null)));

      // The same trade read again (a pull's overlap, a push and a pull of one change) records nothing new.
      assert.equal(await ingestFromChannel(ctx, api.flows.intake, shop, normaliseTaobaoTrade(raw, shop)), true);
      const again = await api.request('GET', `/api/v1/orders/${order.id}/time-conversions`);
      assert.deepEqual(again.body.items, audit.body.items);
    });

    test('an unknown order has no audit', async () => {
      assert.equal((await api.request('GET', '/api/v1/orders/nope/time-conversions')).body.error.code, 'ORDER_NOT_FOUND');
    });
  });
}
