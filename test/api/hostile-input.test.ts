import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApi, type TestApi } from '../support/api.ts';
import { testBackends, type TestDatabase } from '../support/databases.ts';
import { orderBody } from '../support/orders.ts';

const INT4_MAX = 2_147_483_647;

for (const backend of testBackends()) {
  describe(`hostile input (${backend.kind})`, () => {
    let database: TestDatabase;
    let api: TestApi;
    before(async () => {
      database = await backend.open();
      api = await startTestApi(database.handle);
      const warehouse = await api.request('POST', '/api/v1/warehouses', {
        body: { code: 'HZ01', name: '杭州仓', timeZone: 'Asia/Shanghai', priority: 10, location: { divisionCode: '330100' } },
      });
      assert.equal(warehouse.status, 201, JSON.stringify(warehouse.body));
    });
    after(async () => {
      await api.close();
      await database.drop();
    });

    function assertUnstorable(res: { status: number; body: any }, where: string, path: string) {
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
      assert.deepEqual(res.body.error.details.map((d: any) => [d.in, d.path]), [[where, path]]);
      assert.match(res.body.error.message, /NUL characters or lone UTF-16 surrogates/);
    }

    /** A JSON body with a raw escape (\u0000, \ud800) put where `marker` stands. */
    const withEscape = (body: unknown, marker: string, escape: string) => JSON.stringify(body).replace(marker, escape);

    test('a NUL in a query parameter or a path id is a 400, not a database error', async () => {
      assertUnstorable(await api.request('GET', '/api/v1/orders?shopId=a%00b'), 'querystring', 'shopId');
      assertUnstorable(await api.request('GET', '/api/v1/orders/a%00b'), 'params', 'id');
      assertUnstorable(await api.request('GET', '/api/v1/inventory/levels?x%00=1'), 'querystring', 'x\u0000');
      assertUnstorable(await api.request('GET', '/api/v1/delivery-orders/DO%00'), 'params', 'code');
    });

    test('a forged page cursor carrying a NUL is a 400, on every list that pages by cursor', async () => {
      const forged = (keys: string[]) => Buffer.from(JSON.stringify(keys)).toString('base64url');
      for (const path of [
        `/api/v1/orders?cursor=${forged(['2026-11-11T00:00:00.000Z', 'o\u0000'])}`,
        `/api/v1/alerts?cursor=${forged(['2026-11-11T00:00:00.000Z', 'a\u0000'])}`,
        `/api/v1/inventory/levels?cursor=${forged(['SKU\u0000', 'HZ01'])}`,
        `/api/v1/listings?cursor=${forged(['shop\u0000', 'SKU'])}`,
      ]) {
        const res = await api.request('GET', path);
        assert.equal(res.status, 400, `${path}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.error.code, 'VALIDATION_FAILED', path);
      }
    });

    test('a lone surrogate or a NUL in body text or a body key is a 400, and nothing is written', async () => {
      const order = orderBody({ channelOrderId: 'H-1', buyerMessage: '@@' });
      assertUnstorable(await api.request('POST', '/api/v1/orders', { rawBody: withEscape(order, '@@', '\\ud83d') }), 'body', 'buyerMessage');
      assertUnstorable(await api.request('POST', '/api/v1/orders', { rawBody: withEscape(order, '@@', 'a\\u0000b') }), 'body', 'buyerMessage');
      assertUnstorable(await api.request('POST', '/api/v1/orders', { rawBody: withEscape(order, '"buyerRef"', '"\\udc00"') }), 'body', '\udc00');
      const line = orderBody({ channelOrderId: 'H-2', lines: [{ sku: 'A', title: '@@', quantity: 1, unitPriceFen: 100 }], totalFen: 100, discountFen: 0 });
      assertUnstorable(await api.request('POST', '/api/v1/orders', { rawBody: withEscape(line, '@@', '\\ud800x') }), 'body', 'lines.0.title');
      const listed = await api.request('GET', '/api/v1/orders');
      assert.deepEqual(listed.body.items, []);
    });

    test('an API key name with a lone surrogate is refused, not stored changed', async () => {
      assertUnstorable(await api.request('POST', '/api/v1/keys', { rawBody: '{"name":"ops \\ud800","role":"ops"}' }), 'body', 'name');
      assertUnstorable(await api.request('POST', '/api/v1/keys', { rawBody: '{"name":"ops \\u0000","role":"ops"}' }), 'body', 'name');
      const keys = await api.request('GET', '/api/v1/keys');
      assert.ok(keys.body.items.every((k: any) => !k.name.startsWith('ops ')), JSON.stringify(keys.body.items.map((k: any) => k.name)));
    });

    test('stock that would pass the integer column is a 422 QUANTITY_TOO_LARGE, and nothing is changed', async () => {
      const ok = await api.request('POST', '/api/v1/inventory/receipts', { body: { warehouseCode: 'HZ01', lines: [{ sku: 'BIG', quantity: 10_000_000 }] } });
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
      // 215 lines of ten million units of one SKU: each line is valid, their sum is not storable.
      const lines = Array.from({ length: 215 }, () => ({ sku: 'BIG', quantity: 10_000_000 }));
      const receipt = await api.request('POST', '/api/v1/inventory/receipts', { body: { warehouseCode: 'HZ01', lines } });
      assert.equal(receipt.status, 422, JSON.stringify(receipt.body));
      assert.equal(receipt.body.error.code, 'QUANTITY_TOO_LARGE');
      const level = await api.request('GET', '/api/v1/inventory/levels?sku=BIG');
      assert.equal(level.body.items[0].onHand, 10_000_000);

      // Filled to just below the limit by hand, one more adjustment would overflow it.
      for (let onHand = 10_000_000; onHand + 10_000_000 <= INT4_MAX; onHand += 10_000_000 * 200) {
        const step = Math.min(200, Math.floor((INT4_MAX - onHand) / 10_000_000));
        const res = await api.request('POST', '/api/v1/inventory/receipts', { body: { warehouseCode: 'HZ01', lines: Array.from({ length: step }, () => ({ sku: 'BIG', quantity: 10_000_000 })) } });
        assert.equal(res.status, 201, JSON.stringify(res.body));
      }
      const before = (await api.request('GET', '/api/v1/inventory/levels?sku=BIG')).body.items[0].onHand;
      assert.ok(before > INT4_MAX - 10_000_000);
      const adjustment = await api.request('POST', '/api/v1/inventory/adjustments', { body: { warehouseCode: 'HZ01', sku: 'BIG', delta: 10_000_000, reason: 'found' } });
      assert.equal(adjustment.status, 422, JSON.stringify(adjustment.body));
      assert.equal(adjustment.body.error.code, 'QUANTITY_TOO_LARGE');
      assert.equal((await api.request('GET', '/api/v1/inventory/levels?sku=BIG')).body.items[0].onHand, before);
      const moves = await api.request('GET', '/api/v1/inventory/movements?sku=BIG&kind=adjustment');
      assert.deepEqual(moves.body.items, []);
    });

    test('Fastify’s own refusals come in the platform’s error shape with a stable code', async () => {
      const raw = async (path: string, init: RequestInit = {}) => {
        const res = await fetch(api.url + path, { ...init, headers: { authorization: `Bearer ${api.keys.admin}`, ...(init.headers as Record<string, string>) } });
        return { status: res.status, body: (await res.json()) as any };
      };
      const shape = (res: { status: number; body: any }, status: number, code: string) => {
        assert.equal(res.status, status, JSON.stringify(res.body));
        assert.deepEqual(Object.keys(res.body), ['error']);
        assert.equal(res.body.error.code, code);
        assert.equal(typeof res.body.error.message, 'string');
      };
      shape(await raw('/api/v1/orders/%E0%A4%A'), 400, 'BAD_URL');
      shape(await raw('/api/v1/orders/' + 'x'.repeat(1_001)), 414, 'URI_TOO_LONG');
      shape(await raw('/api/v1/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"channel":' }), 400, 'BAD_REQUEST');
      shape(await raw('/api/v1/orders', { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<order/>' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      shape(await raw('/api/v1/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"pad":"${'x'.repeat(3 * 1024 * 1024)}"}` }), 413, 'PAYLOAD_TOO_LARGE');
      // Refused by Node before Fastify sees a request: headers past the 16 KiB Node takes.
      shape(await raw('/api/v1/orders', { headers: { 'x-padding': 'x'.repeat(20_000) } }), 431, 'HEADERS_TOO_LARGE');
      // A 64-character Chinese SKU, percent-encoded, is still a path parameter, not a refusal.
      const sku = encodeURIComponent('沙'.repeat(64));
      const put = await api.request('PUT', `/api/v1/inventory/skus/${sku}/safety-stock`, { body: { safetyStock: 1 } });
      assert.equal(put.status, 200, JSON.stringify(put.body));
    });
  });
}
