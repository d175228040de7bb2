import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApi, type TestApi } from '../support/api.ts';
import { testBackends, type TestDatabase } from '../support/databases.ts';
import { orderBody, postOrder } from '../support/orders.ts';
import { postTwoWarehouses } from '../support/warehouses.ts';

let n = 0;
const nextId = () => `88${String(Date.now()).slice(-8)}${String(++n).padStart(6, '0')}`;

/** Reads an SSE response until `enough` says so or the time runs out; the messages as parsed. */
async function readStream(res: Response, enough: (messages: { id: string; event: string; data: any }[]) => boolean, ms = 5_000) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const messages: { id: string; event: string; data: any }[] = [];
  let buffer = '';
  const deadline = Date.now() + ms;
  while (!enough(messages) && Date.now() < deadline) {
    const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), deadline - Date.now()))]);
    if (!chunk || chunk.done) break;
    buffer += decoder.decode(chunk.value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (frame.startsWith(':')) continue;
      const field = (name: string) => frame.split('\n').find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2) ?? '';
      messages.push({ id: field('id'), event: field('event'), data: JSON.parse(field('data') || 'null') });
    }
  }
  await reader.cancel();
  return messages;
}

for (const backend of testBackends()) {
  describe(`order board and live feed (${backend.kind})`, () => {
    let database: TestDatabase;
    let api: TestApi;
    const paidAt = '2026-11-11T00:00:00Z';
    const order = (over: Record<string, unknown> = {}) =>
      orderBody({ channelOrderId: nextId(), tags: [], orderedAt: paidAt, paidAt, channelModifiedAt: paidAt, shippingFen: 0, discountFen: 0, totalFen: 9900, lines: [{ sku: 'SKU-B', quantity: 1, unitPriceFen: 9900 }], ...over });
    before(async () => {
      database = await backend.open();
      api = await startTestApi(database.handle);
      await postTwoWarehouses(api);
      await api.request('POST', '/api/v1/inventory/receipts', { body: { warehouseCode: 'HZ01', lines: [{ sku: 'SKU-B', quantity: 1000 }] } });
    });
    after(async () => {
      await api.close();
      await database.drop();
    });

    const stream = (lastEventId?: string) =>
      fetch(`${api.url}/api/v1/events/stream`, { headers: { authorization: `Bearer ${api.keys.viewer}`, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) } });

    test('the board lists waiting orders, deadline first, each with its warning; the summary counts them by status and tier', async () => {
      const vip = await postOrder(api, order({ tags: ['VIP'] }));
      const plain = await postOrder(api, order());
      const board = await api.request('GET', '/api/v1/board');
      assert.equal(board.status, 200);
      const ids = board.body.items.map((r: any) => r.id);
      assert.ok(ids.indexOf(vip.id) < ids.indexOf(plain.id), 'the urgent order, due sooner, comes first');
      const row = board.body.items.find((r: any) => r.id === vip.id);
      assert.equal(row.priority, 'urgent');
      assert.equal(row.handlingGroup, 'VIP');
      assert.equal(row.warning, 'none');
      assert.ok(Array.isArray(row.warehouses) && row.warehouses.length <= 1, 'one warehouse, HZ01, holds the stock');
      const summary = await api.request('GET', '/api/v1/board/summary');
      assert.equal(summary.body.total, board.body.items.length);
      assert.equal(summary.body.byTier.urgent >= 1, true);
      const byStatus = summary.body.byStatus[vip.status];
      assert.ok(byStatus.urgent >= 1);
    });

    test('past 2 hours pending an order turns amber; past its deadline, red; the overdue filter finds only red ones', async () => {
      const fresh = await postOrder(api, order({ paidAt: api.clock.now().toISOString(), orderedAt: api.clock.now().toISOString(), channelModifiedAt: api.clock.now().toISOString() }));
      const urgent = await postOrder(api, order({ tags: ['VIP'], paidAt: api.clock.now().toISOString(), orderedAt: api.clock.now().toISOString(), channelModifiedAt: api.clock.now().toISOString() }));
      const warningOf = async (id: string) => (await api.request('GET', '/api/v1/board', { key: api.keys.viewer })).body.items.find((r: any) => r.id === id)?.warning;
      assert.equal(await warningOf(fresh.id), 'none');
      api.clock.advance(2 * 60 * 60_000 + 60_000);
      assert.equal(await warningOf(fresh.id), 'amber', 'normal tier: 12 h deadline, 2 h pending');
      assert.equal(await warningOf(urgent.id), 'red', 'urgent tier: 30 min deadline passed');
      const overdue = await api.request('GET', '/api/v1/board?overdue=true');
      assert.ok(overdue.body.items.some((r: any) => r.id === urgent.id));
      assert.ok(!overdue.body.items.some((r: any) => r.id === fresh.id));
      const summary = await api.request('GET', '/api/v1/board/summary');
      assert.ok(summary.body.overdue >= 1 && summary.body.amber >= 1);
    });

    test('only paid orders still waiting are warned about or counted overdue: not unpaid ones held, not ones a warehouse took', async () => {
      const now = api.clock.now().toISOString();
      const unpaid = await postOrder(api, order({ status: 'created', paidAt: undefined, orderedAt: now, channelModifiedAt: now }));
      const held = await api.request('POST', `/api/v1/orders/${unpaid.id}/transitions`, { body: { to: 'on_hold', reason: '客户要求' } });
      assert.equal(held.body.status, 'on_hold');
      api.clock.advance(13 * 60 * 60_000);
      const rows = (await api.request('GET', `/api/v1/board?q=${unpaid.channelOrderId}`)).body.items;
      assert.deepEqual(rows.map((r: any) => [r.status, r.warning]), [['on_hold', 'none']]);
      assert.ok(!(await api.request('GET', '/api/v1/board?overdue=true&limit=200')).body.items.some((r: any) => r.id === unpaid.id));
      // Orders past their deadline but no longer waiting (cancelled here) are neither warned nor overdue.
      const cancelled = await postOrder(api, order());
      await api.request('POST', `/api/v1/orders/${cancelled.id}/transitions`, { body: { to: 'cancelled', reason: 'buyer cancelled' } });
      const gone = await api.request('GET', '/api/v1/board?status=cancelled&overdue=true');
      assert.deepEqual(gone.body.items, []);
      const summary = await api.request('GET', '/api/v1/board/summary?status=cancelled');
      assert.ok(summary.body.total >= 1);
      assert.equal(summary.body.overdue, 0);
      assert.equal(summary.body.amber, 0);
      const listed = (await api.request('GET', '/api/v1/board?status=cancelled')).body.items;
      assert.ok(listed.every((r: any) => r.warning === 'none'));
    });

    test('search finds an order by its channel order id or its id; filters narrow by tier and group', async () => {
      const o = await postOrder(api, order({ tags: ['限时达'] }));
      const byChannel = await api.request('GET', `/api/v1/board?q=${o.channelOrderId}`);
      assert.deepEqual(byChannel.body.items.map((r: any) => r.id), [o.id]);
      const byId = await api.request('GET', `/api/v1/board?q=${o.id}`);
      assert.deepEqual(byId.body.items.map((r: any) => r.id), [o.id]);
      const urgentVip = await api.request('GET', '/api/v1/board?priority=urgent&group=VIP');
      assert.ok(urgentVip.body.items.every((r: any) => r.priority === 'urgent' && r.handlingGroup === 'VIP'));
      assert.ok(urgentVip.body.items.some((r: any) => r.id === o.id));
      const normal = await api.request('GET', '/api/v1/board?priority=normal');
      assert.ok(!normal.body.items.some((r: any) => r.id === o.id));
      const bad = await api.request('GET', '/api/v1/board?priority=later');
      assert.equal(bad.status, 400);
      const unknown = await api.request('GET', '/api/v1/board?colour=red');
      assert.equal(unknown.body.error.code, 'UNKNOWN_PARAMETER');
    });

    test('pages follow each other without repeats', async () => {
      const all = (await api.request('GET', '/api/v1/board?limit=200')).body.items.map((r: any) => r.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: any = await api.request('GET', `/api/v1/board?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...page.body.items.map((r: any) => r.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      assert.deepEqual(seen, all);
      assert.equal((await api.request('GET', '/api/v1/board?cursor=bm90LWEtY3Vyc29y')).status, 400);
    });

    test('the CSV export has a BOM, headings in the language asked for, times in the zone asked for', async () => {
      const o = await postOrder(api, order());
      const zh = await fetch(`${api.url}/api/v1/board/export.csv?q=${o.channelOrderId}`, { headers: { authorization: `Bearer ${api.keys.viewer}` } });
      assert.equal(zh.status, 200);
      assert.match(zh.headers.get('content-type')!, /text\/csv/);
      assert.match(zh.headers.get('content-disposition')!, /attachment; filename="orders-\d+\.csv"/);
      const bytes = new Uint8Array(await zh.arrayBuffer());
      assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf]);
      const text = new TextDecoder().decode(bytes.slice(3));
      const [header, line] = text.split('\r\n');
      assert.match(header!, /^订单号,渠道,店铺,平台订单号/);
      assert.match(header!, /付款时间 \(Asia\/Shanghai\)/);
      assert.ok(line!.includes(o.channelOrderId));
      assert.ok(line!.includes('2026-11-11 08:00:00'), 'paid at 00:00 UTC is 08:00 in Shanghai');
      assert.ok(/,(淘宝|天猫|抖音|京东|拼多多|自有渠道),/.test(line!), 'the channel in words');
      assert.ok(/,(已分仓|已占库存|已付款|已推送|仓库已接单|挂起|异常),/.test(line!), 'the status in words');
      const en = await (await fetch(`${api.url}/api/v1/board/export.csv?q=${o.channelOrderId}&lang=en&tz=America/Los_Angeles`, { headers: { authorization: `Bearer ${api.keys.viewer}` } })).text();
      assert.match(en, /Paid at \(America\/Los_Angeles\)/);
      assert.ok(en.includes('2026-11-10 16:00:00'));
      const badZone = await api.request('GET', '/api/v1/board/export.csv?tz=Mars/Olympus');
      assert.equal(badZone.status, 400);
    });

    test('a spreadsheet formula in an order field is exported as text', async () => {
      const o = await postOrder(api, order({ shopId: '=HYPERLINK("http://x")' }));
      const text = await (await fetch(`${api.url}/api/v1/board/export.csv?q=${o.channelOrderId}`, { headers: { authorization: `Bearer ${api.keys.viewer}` } })).text();
      assert.ok(text.includes(`"'=HYPERLINK(""http://x"")"`));
    });

    test('orders per hour and channel count what arrived', async () => {
      const res = await api.request('GET', '/api/v1/board/hourly?hours=6');
      assert.equal(res.status, 200);
      assert.equal(res.body.hours.length, 6);
      const total = Object.values(res.body.series as Record<string, number[]>).flat().reduce((a, b) => a + b, 0);
      assert.ok(total > 0);
    });

    test('the live feed sends order events as they happen, and resumes after Last-Event-ID', async () => {
      const res = await stream();
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type')!, /text\/event-stream/);
      const posted = postOrder(api, order({ tags: ['VIP'] }));
      const messages = await readStream(res, (m) => m.some((x) => x.event === 'order'));
      const o = await posted;
      assert.equal(messages[0]!.event, 'ready');
      const mine = messages.filter((m) => m.event === 'order' && m.data.orderId === o.id);
      assert.ok(mine.length >= 1, JSON.stringify(messages));
      // Resume from the ready position: the same events come again, nothing before them.
      const again = await readStream(await stream(messages[0]!.id), (m) => m.filter((x) => x.data?.orderId === o.id).length >= mine.length);
      assert.deepEqual(again.filter((m) => m.data?.orderId === o.id).map((m) => m.id).slice(0, mine.length), mine.map((m) => m.id));
      // And from the last one seen: nothing of it again.
      const last = messages[messages.length - 1]!.id;
      const tail = await readStream(await stream(last), () => false, 400);
      assert.ok(!tail.some((m) => m.event === 'order' && m.data.orderId === o.id), 'nothing already seen comes again');
    });

    test('the feed is per tenant, needs a caller, and refuses a position it never gave', async () => {
      assert.equal((await fetch(`${api.url}/api/v1/events/stream`)).status, 401);
      const other = await fetch(`${api.url}/api/v1/events/stream`, { headers: { authorization: `Bearer ${api.otherTenantKey}` } });
      const posted = postOrder(api, order());
      const seen = await readStream(other, (m) => m.some((x) => x.event === 'order'), 800);
      await posted;
      assert.ok(!seen.some((m) => m.event === 'order'), 'another tenant hears nothing of this one');
      const bad = await stream('not-a-position');
      assert.equal(bad.status, 400);
      const ahead = await stream('999999999.ffffffff-ffff-7fff-bfff-ffffffffffff');
      assert.equal(ahead.status, 400, 'a position past anything sent was never given');
    });
  });
}

describe('the live feed and shutdown', () => {
  test('closing the server ends its open streams rather than waiting for them', async () => {
    const backend = testBackends()[0]!;
    const database = await backend.open();
    const api = await startTestApi(database.handle);
    try {
      const res = await fetch(`${api.url}/api/v1/events/stream`, { headers: { authorization: `Bearer ${api.keys.viewer}` } });
      const reader = res.body!.getReader();
      await reader.read();
      const started = Date.now();
      await Promise.race([api.close(), new Promise((_, reject) => setTimeout(() => reject(new Error('close waited for the stream')), 5_000))]);
      assert.ok(Date.now() - started < 5_000);
      const rest = await reader.read().catch(() => ({ done: true }));
      assert.equal(rest.done, true, 'the stream ended');
    } finally {
      await database.drop();
    }
  });
});
