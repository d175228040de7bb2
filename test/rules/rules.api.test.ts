import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { startTestApi, type TestApi } from '../support/api.ts';
import { testBackends, type TestDatabase } from '../support/databases.ts';
import { orderBody, postOrder } from '../support/orders.ts';
import { postTwoWarehouses } from '../support/warehouses.ts';
import { sendDueCalls } from '../../src/modules/webhooks/webhooks.service.ts';
import { verifySignature } from '../../src/modules/webhooks/webhooks.sign.ts';
import { createLogger } from '../../src/platform/logger.ts';

let n = 0;
const nextId = () => `77${String(Date.now()).slice(-8)}${String(++n).padStart(6, '0')}`;
const paidAt = '2026-11-11T00:00:00Z';
/** An order of one unit of SKU-R, whose one line costs its total. */
function order(over: Record<string, unknown> = {}) {
  const totalFen = (over.totalFen as number | undefined) ?? 25800;
  return orderBody({
    channelOrderId: nextId(), tags: [], orderedAt: paidAt, paidAt, channelModifiedAt: paidAt, shippingFen: 0, discountFen: 0,
    lines: [{ sku: 'SKU-R', quantity: 1, unitPriceFen: totalFen }], ...over, totalFen,
  });
}

for (const backend of testBackends()) {
  describe(`rules, tiers and groups (${backend.kind})`, () => {
    let database: TestDatabase;
    let api: TestApi;
    before(async () => {
      database = await backend.open();
      api = await startTestApi(database.handle);
      await postTwoWarehouses(api);
      for (const warehouseCode of ['HZ01', 'GZ01']) {
        assert.equal((await api.request('POST', '/api/v1/inventory/receipts', { body: { warehouseCode, lines: [{ sku: 'SKU-R', quantity: 500 }] } })).status, 201);
      }
    });
    after(async () => {
      await api.close();
      await database.drop();
    });

    const timeline = async (id: string) => (await api.request('GET', `/api/v1/orders/${id}`)).body.events as any[];

    test('a tenant starts with the brief\'s tiers as ordinary rules, and the VIP desk as a group', async () => {
      const rules = await api.request('GET', '/api/v1/rules');
      assert.equal(rules.status, 200);
      assert.equal(rules.body.items.length, 2);
      assert.deepEqual(rules.body.items.map((r: any) => r.position), [1, 2]);
      const groups = await api.request('GET', '/api/v1/groups');
      assert.deepEqual(groups.body.items.map((g: any) => g.code), ['VIP']);
      const tiers = await api.request('GET', '/api/v1/settings/tiers');
      assert.deepEqual(tiers.body, { urgent: { windowMinutes: 30, colour: 'red' }, high: { windowMinutes: 120, colour: 'orange' }, normal: { windowMinutes: 720, colour: 'default' } });
    });

    test('a VIP order is urgent, goes to the VIP group with a 30-minute deadline, and its timeline names the rule and version', async () => {
      const vip = await postOrder(api, order({ tags: ['VIP'] }));
      assert.equal(vip.priority, 'urgent');
      assert.equal(vip.handlingGroup, 'VIP');
      assert.equal(vip.processBy, '2026-11-11T00:30:00.000Z');
      const rules = (await api.request('GET', '/api/v1/rules')).body.items;
      const fired = (await timeline(vip.id)).find((e) => e.type === 'ingested');
      assert.deepEqual(fired.data.decision.rules, [{ id: rules[0].id, version: 1 }]);
      const nextDay = await postOrder(api, order({ tags: ['次日达'] }));
      assert.equal(nextDay.priority, 'high');
      assert.equal(nextDay.processBy, '2026-11-11T02:00:00.000Z');
      const plain = await postOrder(api, order());
      assert.equal(plain.priority, 'normal');
      assert.equal(plain.handlingGroup, null);
      assert.equal((await timeline(plain.id)).some((e) => e.type === 'rules_fired' || e.data?.decision), false);
    });

    test('saving a rule with an unknown field, a misfit operator or a group that does not exist is refused with 422 and the path', async () => {
      const bad = await api.request('POST', '/api/v1/rules', {
        body: { name: 'bad', condition: { all: [{ field: 'channel', op: 'eq', value: 'jd' }, { field: 'weather', op: 'eq', value: 'rain' }] }, actions: [{ type: 'set_priority', priority: 'urgent' }] },
      });
      assert.equal(bad.status, 422);
      assert.equal(bad.body.error.code, 'RULE_INVALID');
      assert.equal(bad.body.error.details[0].path, 'condition.all[1].field');
      const op = await api.request('POST', '/api/v1/rules', { body: { name: 'bad', condition: { field: 'totalFen', op: 'contains', value: 1 }, actions: [{ type: 'add_tags', tags: ['x'] }] } });
      assert.equal(op.status, 422);
      assert.equal(op.body.error.details[0].path, 'condition.op');
      const group = await api.request('POST', '/api/v1/rules', { body: { name: 'bad', condition: { field: 'channel', op: 'eq', value: 'jd' }, actions: [{ type: 'set_group', group: 'NOBODY' }, { type: 'avoid_warehouse', warehouses: ['XX99'] }] } });
      assert.equal(group.status, 422);
      assert.deepEqual(group.body.error.details.map((d: any) => d.path), ['actions[0].group', 'actions[1].warehouses[0]']);
      assert.equal((await api.request('GET', '/api/v1/rules')).body.items.length, 2, 'nothing was saved');
    });

    test('a hold rule stops a big order before it takes stock; released, it takes its stock', async () => {
      const created = await api.request('POST', '/api/v1/rules', {
        body: { name: '大额审核', condition: { all: [{ field: 'shop', op: 'eq', value: 'review-shop' }, { field: 'totalFen', op: 'gte', value: 500000 }] }, actions: [{ type: 'hold', reason: '大额订单，人工审核' }] },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const big = await postOrder(api, order({ shopId: 'review-shop', totalFen: 600000 }));
      assert.equal(big.status, 'on_hold');
      assert.equal(big.statusReason, 'rule_hold');
      const held = await api.request('GET', `/api/v1/inventory/reservations?orderId=${big.id}`);
      assert.equal(held.body.items.length, 0, 'a held order holds no stock');
      const small = await postOrder(api, order({ shopId: 'review-shop', totalFen: 1000 }));
      assert.notEqual(small.status, 'on_hold');
      const released = await api.request('POST', `/api/v1/orders/${big.id}/transitions`, { body: { to: 'paid', reason: 'checked by phone' } });
      assert.equal(released.status, 200, JSON.stringify(released.body));
      assert.ok(['routed', 'allocated'].includes(released.body.status), released.body.status);
      await api.request('DELETE', `/api/v1/rules/${created.body.id}`);
    });

    test('editing a rule makes a new version that the next order gets, and the history keeps both', async () => {
      const rule = (await api.request('POST', '/api/v1/rules', {
        body: { name: '抖音直播', condition: { field: 'shop', op: 'eq', value: 'live-room' }, actions: [{ type: 'set_priority', priority: 'high' }] },
      })).body;
      assert.equal((await postOrder(api, order({ shopId: 'live-room' }))).priority, 'high');
      const stale = await api.request('PATCH', `/api/v1/rules/${rule.id}`, { body: { expectedVersion: 7, name: 'x' } });
      assert.equal(stale.status, 409);
      const edited = await api.request('PATCH', `/api/v1/rules/${rule.id}`, { body: { expectedVersion: 1, actions: [{ type: 'set_priority', priority: 'urgent' }] } });
      assert.equal(edited.status, 200, JSON.stringify(edited.body));
      assert.equal(edited.body.version, 2);
      const next = await postOrder(api, order({ shopId: 'live-room' }));
      assert.equal(next.priority, 'urgent', 'the next order gets the new tier at once');
      const fired = (await timeline(next.id)).find((e) => e.type === 'ingested');
      assert.deepEqual(fired.data.decision.rules.find((r: any) => r.id === rule.id), { id: rule.id, version: 2 });
      const versions = await api.request('GET', `/api/v1/rules/${rule.id}/versions`);
      assert.deepEqual(versions.body.items.map((v: any) => [v.version, v.actions[0].priority]), [[2, 'urgent'], [1, 'high']]);
      await api.request('PATCH', `/api/v1/rules/${rule.id}`, { body: { enabled: false } });
      assert.equal((await postOrder(api, order({ shopId: 'live-room' }))).priority, 'normal', 'a disabled rule does not fire');
    });

    test('moving a rule up puts it first, and the first rule to set a tier wins', async () => {
      const low = (await api.request('POST', '/api/v1/rules', { body: { name: 'mall normal', condition: { field: 'shop', op: 'eq', value: 'mall' }, actions: [{ type: 'set_priority', priority: 'normal' }] } })).body;
      const high = (await api.request('POST', '/api/v1/rules', { body: { name: 'mall high', condition: { field: 'shop', op: 'eq', value: 'mall' }, actions: [{ type: 'set_priority', priority: 'high' }] } })).body;
      assert.equal((await postOrder(api, order({ shopId: 'mall' }))).priority, 'normal');
      assert.equal((await api.request('PATCH', `/api/v1/rules/${high.id}`, { body: { position: 1 } })).body.position, 1);
      const list = (await api.request('GET', '/api/v1/rules')).body.items;
      assert.deepEqual(list.map((r: any) => r.position), list.map((_: unknown, i: number) => i + 1));
      assert.equal((await postOrder(api, order({ shopId: 'mall' }))).priority, 'high');
      for (const r of [low, high]) assert.equal((await api.request('DELETE', `/api/v1/rules/${r.id}`)).status, 204);
    });

    test('avoid and prefer steer routing, and a rule on the routed warehouse runs after routing', async () => {
      const avoid = (await api.request('POST', '/api/v1/rules', { body: { name: 'not Hangzhou', condition: { field: 'shop', op: 'eq', value: 'south-shop' }, actions: [{ type: 'avoid_warehouse', warehouses: ['HZ01'] }] } })).body;
      const tag = (await api.request('POST', '/api/v1/rules', { body: { name: 'Guangzhou tag', condition: { field: 'warehouse', op: 'eq', value: 'GZ01' }, actions: [{ type: 'add_tags', tags: ['华南仓'] }] } })).body;
      assert.equal(tag.runs, 'after_routing');
      const south = await postOrder(api, order({ shopId: 'south-shop' }));
      const deliveries = await api.request('GET', `/api/v1/delivery-orders?orderId=${south.id}`);
      assert.deepEqual(deliveries.body.items.map((d: any) => d.warehouseCode), ['GZ01']);
      assert.ok(deliveries.body.items[0].routing.dropped.some((d: any) => d.warehouseCode === 'HZ01' && d.reason === 'avoided by a rule'));
      assert.ok(south.tags.includes('华南仓'), JSON.stringify(south.tags));
      const elsewhere = await postOrder(api, order());
      assert.ok(!elsewhere.tags.includes('华南仓'), 'an order routed to Hangzhou is not tagged');
      for (const r of [avoid, tag]) await api.request('DELETE', `/api/v1/rules/${r.id}`);
    });

    test('an alert rule raises an alert; a webhook rule calls the URL, signed, with the order', async () => {
      const received: { headers: IncomingMessage['headers']; body: string }[] = [];
      const hook = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          received.push({ headers: req.headers, body });
          res.writeHead(received.length === 1 ? 503 : 204).end();
        });
      });
      await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
      const port = (hook.address() as { port: number }).port;
      try {
        const rule = (await api.request('POST', '/api/v1/rules', {
          body: { name: '黑名单地址', condition: { field: 'buyerMessage', op: 'contains', value: '到付' }, actions: [{ type: 'alert', message: '买家要求到付' }, { type: 'webhook', url: `http://127.0.0.1:${port}/oms` }] },
        })).body;
        const cod = await postOrder(api, order({ buyerMessage: '请到付，谢谢' }));
        const alerts = await api.request('GET', '/api/v1/alerts?kind=rule');
        assert.ok(alerts.body.items.some((a: any) => a.orderId === cod.id && a.message.includes('买家要求到付')), JSON.stringify(alerts.body));
        const deps = { db: database.handle.db, clock: api.clock, secrets: api.app.secrets, logger: createLogger('silent') };
        assert.equal(await sendDueCalls(deps), 1);
        let calls = (await api.request('GET', '/api/v1/webhooks/calls')).body.items;
        assert.equal(calls[0].status, 'pending');
        assert.equal(calls[0].lastStatus, 503);
        api.clock.advance(11_000);
        assert.equal(await sendDueCalls(deps), 1);
        calls = (await api.request('GET', '/api/v1/webhooks/calls')).body.items;
        assert.equal(calls[0].status, 'sent');
        assert.equal(received.length, 2);
        const secret = (await api.request('GET', '/api/v1/webhooks/secret')).body.secret;
        const last = received[1]!;
        assert.ok(verifySignature(secret, last.body, String(last.headers['x-oms-signature']), api.clock.now()));
        assert.equal(received[0]!.headers['x-oms-call-id'], last.headers['x-oms-call-id'], 'a retry carries the same call id');
        const payload = JSON.parse(last.body);
        assert.equal(payload.order.id, cod.id);
        assert.equal(payload.rule.id, rule.id);
        await api.request('DELETE', `/api/v1/rules/${rule.id}`);
      } finally {
        hook.close();
      }
    });

    test('the dry run says which rules match a stored order or one as it would arrive, with a draft, and saves nothing', async () => {
      const vip = await postOrder(api, order({ tags: ['VIP'] }));
      const stored = await api.request('POST', '/api/v1/rules/test', { body: { orderId: vip.id } });
      assert.equal(stored.status, 200, JSON.stringify(stored.body));
      assert.equal(stored.body.outcome.priority, 'urgent');
      assert.equal(stored.body.rules.filter((r: any) => r.matched).length, 1);
      const draft = await api.request('POST', '/api/v1/rules/test', {
        body: { order: order({ tags: ['当日达'], totalFen: 900000 }), draft: { name: 'big', condition: { field: 'totalFen', op: 'gte', value: 800000 }, actions: [{ type: 'hold', reason: 'big' }] } },
      });
      assert.equal(draft.status, 200, JSON.stringify(draft.body));
      assert.equal(draft.body.outcome.priority, 'high');
      assert.equal(draft.body.outcome.hold, 'big');
      assert.equal(draft.body.rules.at(-1).draft, true);
      const badDraft = await api.request('POST', '/api/v1/rules/test', { body: { orderId: vip.id, draft: { condition: { field: 'nope', op: 'eq', value: 1 }, actions: [] } } });
      assert.equal(badDraft.status, 422);
      assert.equal((await api.request('POST', '/api/v1/rules/test', { body: {} })).status, 400);
      assert.equal((await api.request('POST', '/api/v1/rules/test', { body: { orderId: 'missing' } })).status, 404);
    });

    test('tier windows are settings; a person\'s tier sets the deadline and outlasts the channel\'s news', async () => {
      const refused = await api.request('PUT', '/api/v1/settings/tiers', { body: { urgent: { windowMinutes: 200 } } });
      assert.equal(refused.status, 400, 'urgent may not wait longer than high');
      const set = await api.request('PUT', '/api/v1/settings/tiers', { body: { urgent: { windowMinutes: 10 } } });
      assert.equal(set.status, 200);
      assert.equal((await postOrder(api, order({ tags: ['VIP'] }))).processBy, '2026-11-11T00:10:00.000Z');
      const body = order();
      const plain = await postOrder(api, body);
      const raised = await api.request('PUT', `/api/v1/orders/${plain.id}/priority`, { body: { priority: 'urgent', reason: '客户来电' } });
      assert.equal(raised.status, 200, JSON.stringify(raised.body));
      assert.equal(raised.body.processBy, '2026-11-11T00:10:00.000Z');
      assert.equal(raised.body.prioritySetBy.startsWith('api_key:'), true);
      const viewer = await api.request('PUT', `/api/v1/orders/${plain.id}/priority`, { key: api.keys.viewer, body: { priority: 'normal' } });
      assert.equal(viewer.status, 403);
      const update = await postOrder(api, { ...body, sellerMemo: 'changed', channelModifiedAt: '2026-11-11T00:05:00Z' });
      assert.equal(update.priority, 'urgent', 'the channel\'s update keeps the person\'s tier');
      await api.request('PUT', '/api/v1/settings/tiers', { body: { urgent: { windowMinutes: 30 } } });
    });

    test('rules and tiers are per tenant', async () => {
      const other = await api.request('GET', '/api/v1/rules', { key: api.otherTenantKey });
      assert.equal(other.body.items.length, 2);
      assert.ok(other.body.items.every((r: any) => r.version === 1));
    });
  });
}
