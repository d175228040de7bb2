import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApi, type TestApi } from '../support/api.ts';
import { testBackends, type TestDatabase } from '../support/databases.ts';
import { orderBody } from '../support/orders.ts';

for (const backend of testBackends()) {
  describe(`order ingestion over HTTP (${backend.kind})`, () => {
    let database: TestDatabase;
    let api: TestApi;
    before(async () => {
      database = await backend.open();
      api = await startTestApi(database.handle);
    });
    after(async () => {
      await api.close();
      await database.drop();
    });

    async function countByChannelId(channelOrderId: string): Promise<number> {
      const res = await api.request('GET', '/api/v1/orders?limit=200');
      return res.body.items.filter((o: any) => o.channelOrderId === channelOrderId).length;
    }

    test('posting the OpenAPI example creates an order; a repeat returns the same order with 200', async () => {
      const doc = await api.request('GET', '/api/openapi.json', { key: null });
      assert.equal(doc.status, 200);
      const example = doc.body.paths['/api/v1/orders'].post.requestBody.content['application/json'].example;
      assert.ok(example, 'the request body carries an example');

      const first = await api.request('POST', '/api/v1/orders', { body: example });
      assert.equal(first.status, 201);
      assert.equal(first.body.channelOrderId, example.channelOrderId);
      assert.equal(first.body.status, 'paid');
      assert.equal(first.body.totalFen, 25800);
      assert.equal(first.body.priority, 'urgent', 'a VIP tag makes the order urgent');
      assert.equal(first.body.paidAt, '2026-11-10T16:03:40.000Z', 'GMT+8 instants are stored as UTC');

      const again = await api.request('POST', '/api/v1/orders', { body: example });
      assert.equal(again.status, 200);
      assert.equal(again.body.id, first.body.id);
      assert.equal(again.body.version, 1);
    });

    test('every request body in the OpenAPI document carries an example', async () => {
      const doc = await api.request('GET', '/api/openapi.json', { key: null });
      const bodies = Object.entries<any>(doc.body.paths).flatMap(([path, ops]) =>
        Object.entries<any>(ops)
          .filter(([, op]) => op.requestBody)
          .flatMap(([method, op]) => Object.entries<any>(op.requestBody.content).map(([type, media]) => ({ where: `${method} ${path} (${type})`, media }))),
      );
      assert.ok(bodies.length >= 3);
      for (const b of bodies) assert.ok(b.media.example ?? Object.values(b.media.examples ?? {})[0], `${b.where} has an example`);
    });

    test('20 identical concurrent requests create exactly one order and one 201', async () => {
      const body = orderBody({ channelOrderId: '900000000000000000001' });
      const responses = await Promise.all(Array.from({ length: 20 }, () => api.request('POST', '/api/v1/orders', { body })));
      const statuses = responses.map((r) => r.status);
      assert.equal(statuses.filter((s) => s === 201).length, 1, `statuses: ${statuses.join(',')}`);
      assert.equal(statuses.filter((s) => s === 200).length, 19);
      assert.equal(new Set(responses.map((r) => r.body.id)).size, 1);
      assert.equal(await countByChannelId('900000000000000000001'), 1);
    });

    test('ids beyond 2^53 are kept as strings, digit for digit', async () => {
      const id = '6920001234567890123456';
      const res = await api.request('POST', '/api/v1/orders', { body: orderBody({ channelOrderId: id }) });
      assert.equal(res.status, 201);
      assert.equal(res.body.channelOrderId, id);
    });

    test('a newer message updates the order and records an event; an older one changes nothing', async () => {
      const unpaid = orderBody({
        channelOrderId: 'OOO-1',
        status: 'created',
        paidAt: undefined,
        orderedAt: '2026-11-11T10:00:00+08:00',
        channelModifiedAt: '2026-11-11T10:00:00+08:00',
      });
      const created = await api.request('POST', '/api/v1/orders', { body: unpaid });
      assert.equal(created.status, 201);
      assert.equal(created.body.status, 'created');

      const paid = {
        ...unpaid,
        status: 'paid',
        paidAt: '2026-11-11T10:05:00+08:00',
        channelModifiedAt: '2026-11-11T10:05:00+08:00',
        receiver: { ...unpaid.receiver, address: '文三路 400 号' },
      };
      const updated = await api.request('POST', '/api/v1/orders', { body: paid });
      assert.equal(updated.status, 200);
      assert.equal(updated.body.id, created.body.id);
      assert.equal(updated.body.status, 'paid');
      assert.equal(updated.body.receiver.address, '文三路 400 号');

      // The unpaid message arrives late: it must not undo the payment or the new address.
      const stale = await api.request('POST', '/api/v1/orders', { body: unpaid });
      assert.equal(stale.status, 200);
      assert.equal(stale.body.status, 'paid');
      assert.equal(stale.body.receiver.address, '文三路 400 号');
      assert.equal(stale.body.version, updated.body.version);

      const detail = await api.request('GET', `/api/v1/orders/${created.body.id}`);
      const types = detail.body.events.map((e: any) => `${e.type}:${e.from ?? ''}>${e.to ?? ''}`);
      assert.deepEqual(types, ['ingested:>created', 'updated:>', 'transition:created>paid']);
      assert.ok(detail.body.events[0].data.decision.rules.length > 0, 'the rules that fired at intake are on the first event');
      assert.ok(detail.body.events[1].data.changed.includes('receiverAddress'));
    });

    test('a cancellation from the channel cancels an order not yet shipped', async () => {
      const body = orderBody({ channelOrderId: 'CANCEL-1' });
      const created = await api.request('POST', '/api/v1/orders', { body });
      const cancelled = await api.request('POST', '/api/v1/orders', {
        body: { ...body, status: 'cancelled', channelModifiedAt: '2026-11-11T01:00:00+08:00' },
      });
      assert.equal(cancelled.body.id, created.body.id);
      assert.equal(cancelled.body.status, 'cancelled');
    });

    test('an order paid while on hold is released as a paid order', async () => {
      const unpaid = orderBody({ channelOrderId: 'HOLD-1', status: 'created', paidAt: undefined, channelModifiedAt: '2026-11-11T00:03:12+08:00' });
      const created = await api.request('POST', '/api/v1/orders', { body: unpaid });
      const held = await api.request('POST', `/api/v1/orders/${created.body.id}/transitions`, { key: api.keys.supervisor, body: { to: 'on_hold', reason: 'address check' } });
      assert.equal(held.body.status, 'on_hold');
      const paid = await api.request('POST', '/api/v1/orders', {
        body: { ...unpaid, status: 'paid', paidAt: '2026-11-11T00:05:00+08:00', channelModifiedAt: '2026-11-11T00:05:00+08:00' },
      });
      assert.equal(paid.body.status, 'on_hold', 'a hold is not lifted by the channel');
      assert.equal(paid.body.channelStatus, 'paid');
      const released = await api.request('POST', `/api/v1/orders/${created.body.id}/transitions`, { key: api.keys.ops, body: { to: 'paid', reason: 'address confirmed' } });
      assert.equal(released.status, 200);
      assert.equal(released.body.status, 'paid');
    });

    test('a newer channel message never lifts a hold', async () => {
      const body = orderBody({ channelOrderId: 'HOLD-2' });
      const created = await api.request('POST', '/api/v1/orders', { body });
      await api.request('POST', `/api/v1/orders/${created.body.id}/transitions`, { key: api.keys.supervisor, body: { to: 'on_hold', reason: 'customer wants an address change' } });
      const memo = await api.request('POST', '/api/v1/orders', {
        body: { ...body, sellerMemo: 'gift wrap', channelModifiedAt: '2026-11-11T02:00:00+08:00' },
      });
      assert.equal(memo.body.status, 'on_hold');
      assert.equal(memo.body.statusReason, 'customer wants an address change');
      assert.equal(memo.body.sellerMemo, 'gift wrap');
      const releasedToUnpaid = await api.request('POST', `/api/v1/orders/${created.body.id}/transitions`, { key: api.keys.ops, body: { to: 'created', reason: 'x' } });
      assert.equal(releasedToUnpaid.status, 409, 'a paid order cannot be released back to unpaid');
    });

    test('input the database could not store is a 400, never a 500', async () => {
      const cases = [
        orderBody({ channelOrderId: 'DB-1', orderedAt: '0000-01-01T00:00:00Z' }),
        orderBody({ channelOrderId: 'DB-2', shipBy: '9999-12-31T23:59:59-23:59' }),
        orderBody({ channelOrderId: 'DB-3', receiver: { ...orderBody().receiver, name: 'nul\u0000name' } }),
        orderBody({ channelOrderId: 'DB-4', goodsFen: undefined, totalFen: 0, discountFen: 0, lines: [
          { sku: 'A', quantity: 1, unitPriceFen: Number.MAX_SAFE_INTEGER },
          { sku: 'B', quantity: 1, unitPriceFen: Number.MAX_SAFE_INTEGER },
        ] }),
      ];
      for (const body of cases) {
        const res = await api.request('POST', '/api/v1/orders', { body });
        assert.equal(res.status, 400, `${body.channelOrderId}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.error.code, 'VALIDATION_FAILED');
      }
      const cursor = Buffer.from(JSON.stringify(['+275760-01-01T00:00:00.000Z', 'x'])).toString('base64url');
      assert.equal((await api.request('GET', `/api/v1/orders?cursor=${cursor}`)).status, 400);
    });

    test('a bare wall-clock time is refused rather than guessed', async () => {
      const res = await api.request('POST', '/api/v1/orders', { body: orderBody({ channelOrderId: 'TZ-1', orderedAt: '2026-12-25 00:30:00' }) });
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
      assert.ok(res.body.error.details.some((d: any) => d.path === 'orderedAt'));
      assert.equal(await countByChannelId('TZ-1'), 0);
    });
  });
}
