import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OTHER_TENANT, startTestApi, type TestApi } from '../support/api.ts';
import { testBackends, type TestDatabase } from '../support/databases.ts';
import { orderBody } from '../support/orders.ts';

for (const backend of testBackends()) {
  describe(`access, isolation and bad input (${backend.kind})`, () => {
    let database: TestDatabase;
    let api: TestApi;
    let orderId: string;
    before(async () => {
      database = await backend.open();
      api = await startTestApi(database.handle);
      orderId = (await api.request('POST', '/api/v1/orders', { body: orderBody({ channelOrderId: 'A-1' }) })).body.id;
    });
    after(async () => {
      await api.close();
      await database.drop();
    });

    test('no key or an unknown key gets 401 with a stable code', async () => {
      const none = await api.request('GET', '/api/v1/orders', { key: null });
      assert.equal(none.status, 401);
      assert.equal(none.body.error.code, 'UNAUTHENTICATED');
      const forged = await api.request('GET', '/api/v1/orders', { key: api.keys.admin.slice(0, -2) + 'xx' });
      assert.equal(forged.status, 401);
      const lowerCase = await fetch(`${api.url}/api/v1/orders`, { headers: { authorization: `bearer ${api.keys.viewer}` } });
      assert.equal(lowerCase.status, 200, 'the auth scheme name is case-insensitive');
    });

    test("another tenant's order is a 404 and never appears in its lists", async () => {
      const res = await api.request('GET', `/api/v1/orders/${orderId}`, { key: api.otherTenantKey });
      assert.equal(res.status, 404);
      assert.equal(res.body.error.code, 'ORDER_NOT_FOUND');
      const move = await api.request('POST', `/api/v1/orders/${orderId}/transitions`, {
        key: api.otherTenantKey,
        body: { to: 'on_hold', reason: 'probe' },
      });
      assert.equal(move.status, 404);
      const list = await api.request('GET', '/api/v1/orders', { key: api.otherTenantKey });
      assert.equal(list.status, 200);
      assert.deepEqual(list.body.items, []);

      // The same channel key in another tenant is a different order.
      const theirs = await api.request('POST', '/api/v1/orders', { key: api.otherTenantKey, body: orderBody({ channelOrderId: 'A-1' }) });
      assert.equal(theirs.status, 201);
      assert.notEqual(theirs.body.id, orderId);
      const mine = await api.request('GET', `/api/v1/orders/${orderId}`);
      assert.equal(mine.body.version, 1, `the first tenant's order is untouched (tenant ${OTHER_TENANT} wrote its own)`);
    });

    test('roles: a viewer reads but may not ingest or act; an agent sees masked receivers', async () => {
      const ingest = await api.request('POST', '/api/v1/orders', { key: api.keys.viewer, body: orderBody({ channelOrderId: 'V-1' }) });
      assert.equal(ingest.status, 403);
      assert.equal(ingest.body.error.code, 'FORBIDDEN');
      const hold = await api.request('POST', `/api/v1/orders/${orderId}/transitions`, { key: api.keys.viewer, body: { to: 'on_hold', reason: 'x' } });
      assert.equal(hold.status, 403);

      const asAgent = await api.request('GET', `/api/v1/orders/${orderId}`, { key: api.keys.agent });
      assert.equal(asAgent.status, 200);
      assert.equal(asAgent.body.receiver.phone, '138****5678');
      assert.equal(asAgent.body.receiver.name, '张*');
      assert.ok(!asAgent.body.receiver.address.includes('398'));
      const asOps = await api.request('GET', `/api/v1/orders/${orderId}`, { key: api.keys.ops });
      assert.equal(asOps.body.receiver.phone, '13812345678');
    });

    test('only admins manage keys; a revoked key stops working at once', async () => {
      const denied = await api.request('POST', '/api/v1/keys', { key: api.keys.ops, body: { name: 'x', role: 'viewer' } });
      assert.equal(denied.status, 403);
      const created = await api.request('POST', '/api/v1/keys', { body: { name: 'temp', role: 'viewer' } });
      assert.equal(created.status, 201);
      assert.match(created.body.key, /^oms\.default\./);
      assert.equal((await api.request('GET', '/api/v1/orders', { key: created.body.key })).status, 200);

      const listed = await api.request('GET', '/api/v1/keys');
      assert.ok(listed.body.items.some((k: any) => k.id === created.body.id));
      assert.ok(listed.body.items.every((k: any) => !('key' in k) && !('keyHash' in k)), 'keys are never listed');

      const revoked = await api.request('DELETE', `/api/v1/keys/${created.body.id}`);
      assert.equal(revoked.status, 200);
      assert.ok(revoked.body.revokedAt);
      assert.equal((await api.request('GET', '/api/v1/orders', { key: created.body.key })).status, 401);
    });

    test('validation errors name the fields, and a rejected order leaves no row', async () => {
      const bad = orderBody({ channelOrderId: 'BAD-1', totalFen: 1 });
      bad.lines[0].quantity = 0;
      bad.receiver.phone = 'call me';
      const res = await api.request('POST', '/api/v1/orders', { body: bad });
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
      const paths = res.body.error.details.map((d: any) => d.path);
      assert.ok(paths.includes('lines.0.quantity'), paths.join(','));
      assert.ok(paths.includes('receiver.phone'), paths.join(','));

      const wrongTotal = await api.request('POST', '/api/v1/orders', { body: orderBody({ channelOrderId: 'BAD-2', totalFen: 1 }) });
      assert.equal(wrongTotal.status, 400);
      assert.deepEqual(wrongTotal.body.error.details.map((d: any) => d.path), ['totalFen']);

      const floatMoney = await api.request('POST', '/api/v1/orders', { body: orderBody({ channelOrderId: 'BAD-3', totalFen: 258.5 }) });
      assert.equal(floatMoney.status, 400);

      const malformed = await api.request('POST', '/api/v1/orders', { rawBody: '{"channel": ' });
      assert.equal(malformed.status, 400);
      assert.equal(malformed.body.error.code, 'BAD_REQUEST');

      const list = await api.request('GET', '/api/v1/orders?limit=200');
      assert.ok(!list.body.items.some((o: any) => o.channelOrderId.startsWith('BAD-')));
    });

    test('bad query parameters are 400 with the parameter named', async () => {
      const res = await api.request('GET', '/api/v1/orders?status=teleported&limit=5000');
      assert.equal(res.status, 400);
      const paths = res.body.error.details.map((d: any) => `${d.in}:${d.path}`);
      assert.ok(paths.some((p: string) => p.startsWith('querystring:status')), paths.join(','));
      assert.ok(paths.includes('querystring:limit'), paths.join(','));
      const cursor = await api.request('GET', '/api/v1/orders?cursor=nonsense');
      assert.equal(cursor.status, 400);
    });

    test('unknown routes answer 404 in the same error shape', async () => {
      const res = await api.request('GET', '/api/v1/nothing-here');
      assert.equal(res.status, 404);
      assert.equal(res.body.error.code, 'NOT_FOUND');
    });

    test('health and metrics are served', async () => {
      assert.equal((await api.request('GET', '/healthz', { key: null })).status, 200);
      const metrics = await api.request('GET', '/metrics', { key: null });
      assert.equal(metrics.status, 200);
      assert.match(metrics.body, /oms_orders_ingested_total\{channel="custom",outcome="created"\} \d+/);
    });
  });
}
