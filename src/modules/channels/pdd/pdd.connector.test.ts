import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChannelApiError, ChannelPayloadError } from '../connector.ts';
import type { ShopCredentials } from '../shops.service.ts';
import { callPdd } from './pdd.client.ts';
import { pddConnector } from './pdd.connector.ts';
import { signPdd, verifyPdd } from './pdd.sign.ts';

const clock = { now: () => new Date('2025-06-02T04:00:00Z') } as never;
const shop: ShopCredentials = {
  tenantId: 't', shopId: 's', channel: 'pdd', channelShopId: '900001', appKey: 'cid', appSecret: 'secret', accessToken: 'tok', apiBaseUrl: 'http://sandbox.test',
};

function fakeFetch(body: unknown, seen: { url?: string; params?: URLSearchParams } = {}): typeof fetch {
  return (async (url: string, init: RequestInit) => {
    seen.url = url;
    seen.params = new URLSearchParams(String(init.body));
    return new Response(JSON.stringify(body), { status: 200 });
  }) as unknown as typeof fetch;
}

describe('PDD client and connector', () => {
  test('a call is one signed form body with type, client_id, Unix-second timestamp and data_type=JSON', async () => {
    const seen: { url?: string; params?: URLSearchParams } = {};
    await callPdd(shop, 'pdd.order.information.get', { order_sn: '241124-123456789012345' }, { clock, fetch: fakeFetch({ order_info_get_response: {} }, seen) });
    assert.equal(seen.url, 'http://sandbox.test/api/router');
    const params = Object.fromEntries(seen.params!);
    assert.equal(params.type, 'pdd.order.information.get');
    assert.equal(params.timestamp, String(Date.UTC(2025, 5, 2, 4) / 1000));
    assert.equal(params.data_type, 'JSON');
    assert.ok(verifyPdd(params, 'secret'));
  });

  test('error_response becomes ChannelApiError; system and rate-limit codes are retryable', async () => {
    const fail = (code: number) => callPdd(shop, 'x', {}, { clock, fetch: fakeFetch({ error_response: { error_code: code, error_msg: 'm', sub_code: 'sc' } }) });
    await assert.rejects(fail(10016), (e: unknown) => e instanceof ChannelApiError && !e.retryable && e.code === '10016/sc');
    await assert.rejects(fail(50000), (e: unknown) => e instanceof ChannelApiError && e.retryable);
    await assert.rejects(fail(52001), (e: unknown) => e instanceof ChannelApiError && e.retryable);
  });

  test('push: signature checked over every field, message read, malformed refused', () => {
    const connector = pddConnector({ clock });
    const fields = { type: 'pdd_trade_TradeClose', client_id: 'cid', mall_id: 900001, order_sn: '241124-123456789012345', message_id: 'm1', timestamp: 1748836800 };
    const rawBody = JSON.stringify({ ...fields, sign: signPdd(fields, 'secret') });
    const request = { headers: {}, query: {}, rawBody };
    assert.ok(connector.verifyPush(shop, request));
    assert.ok(!connector.verifyPush(shop, { ...request, rawBody: rawBody.replace('m1', 'm2') }));
    assert.ok(!connector.verifyPush(shop, { ...request, rawBody: '{not json' }));
    assert.deepEqual(connector.parsePush(shop, request), [{ messageId: 'm1', kind: 'trade', channelShopId: '900001', channelOrderId: '241124-123456789012345' }]);
    assert.throws(() => connector.parsePush(shop, { ...request, rawBody: JSON.stringify({ ...fields, order_sn: '' }) }), ChannelPayloadError);
  });
});
