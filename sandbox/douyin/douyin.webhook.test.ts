import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { verifyDouyinEvent } from '../../src/modules/channels/douyin/douyin.sign.ts';
import { parseJsonKeepingBigIntegers } from '../common/raw-json.ts';
import { startDouyinSandbox, type DouyinSandboxOptions } from './douyin.sandbox.ts';
import { TEST_APP } from './douyin.test-client.ts';
import type { WebhookOptions } from './douyin.webhook.ts';

const T0 = Date.UTC(2025, 5, 2, 4, 0, 0);
const apps = [{ appKey: TEST_APP.appKey, appSecret: TEST_APP.appSecret, shops: [{ shopId: TEST_APP.shopId, accessToken: TEST_APP.accessToken }] }];

/** A shop's callback endpoint: keeps every raw body and answers as told. */
interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}
let receiver: Server;
let callbackUrl: string;
const received: Received[] = [];
let reply: { status: number; body: string } = { status: 200, body: '{"code":0,"msg":"success"}' };

before(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/douyin/push`;
});
after(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

async function withSandbox(
  options: Omit<Partial<DouyinSandboxOptions>, 'webhook'> & { webhook?: Partial<WebhookOptions> },
  run: (sandbox: Awaited<ReturnType<typeof startDouyinSandbox>>, clock: { t: number }) => Promise<void>,
): Promise<void> {
  received.length = 0;
  reply = { status: 200, body: '{"code":0,"msg":"success"}' };
  const clock = { t: T0 };
  const sandbox = await startDouyinSandbox({
    seed: 'push',
    apps,
    ...options,
    clock: () => clock.t,
    webhook: { url: callbackUrl, appKey: TEST_APP.appKey, appSecret: TEST_APP.appSecret, ...options.webhook },
  });
  try {
    await run(sandbox, clock);
  } finally {
    await sandbox.close();
  }
}

interface WireMessage {
  tag: string;
  msg_id: string;
  data: string;
}

test('messages arrive signed in event-sign, with big ids intact, twice each when duplicateRate is 1', () =>
  withSandbox({ faults: { duplicateRate: 1 } }, async (sandbox) => {
    const orders = sandbox.generateOrders(3);
    const report = await sandbox.pushEvents();
    assert.equal(report.messages, 3);
    assert.equal(report.duplicates, 3);
    assert.equal(report.accepted, 3);
    const counts = new Map<string, number>();
    for (const { headers, body } of received) {
      assert.ok(verifyDouyinEvent(TEST_APP.appKey, TEST_APP.appSecret, body, headers['event-sign']), 'event-sign verifies');
      assert.equal(headers['app-id'], TEST_APP.appKey);
      for (const message of JSON.parse(body.toString('utf8')) as WireMessage[]) {
        counts.set(message.msg_id, (counts.get(message.msg_id) ?? 0) + 1);
        assert.equal(message.tag, '100');
        assert.equal(typeof message.data, 'string', 'data is JSON text, as the platform pushes it');
        const data = parseJsonKeepingBigIntegers(message.data) as { p_id: string; s_ids: string[]; shop_id: number };
        assert.ok(orders.some((o) => o.orderId === data.p_id));
        assert.ok(message.data.includes(`"p_id":${data.p_id},`), 'p_id is a bare 19-digit integer');
        assert.equal(data.shop_id, Number(TEST_APP.shopId));
      }
    }
    assert.deepEqual([...counts.values()], [2, 2, 2]);
    assert.equal(sandbox.recorded.webhookDeliveries.every((d) => d.accepted), true);
  }));

test('a non-2xx answer, or 2xx without code 0, is retried later until accepted', () =>
  // Unpaid orders that lapse after a minute or more: nothing but the creation is due in 45 s.
  withSandbox({ scenario: { unpaidCancelRate: 1 } }, async (sandbox, clock) => {
    sandbox.generateOrders(2);
    reply = { status: 500, body: 'oops' };
    const first = await sandbox.pushEvents();
    assert.deepEqual([first.posts, first.failedPosts, first.accepted], [1, 1, 0]);
    assert.equal((await sandbox.pushEvents()).posts, 0, 'nothing is due again before the retry delay');
    reply = { status: 200, body: '{"code":1,"msg":"fail"}' };
    clock.t += 15_000;
    const second = await sandbox.pushEvents();
    assert.deepEqual([second.posts, second.accepted], [1, 0]);
    reply = { status: 200, body: '{"code":0,"msg":"success"}' };
    clock.t += 30_000;
    const third = await sandbox.pushEvents();
    assert.deepEqual([third.messages, third.accepted], [2, 2]);
    assert.deepEqual(sandbox.recorded.webhookDeliveries.map((d) => [d.status, d.accepted]), [[500, false], [200, false], [200, true]]);
    const ids = sandbox.recorded.webhookDeliveries.map((d) => d.msgIds.join());
    assert.equal(new Set(ids).size, 1, 'a retry carries the same msg_ids');
  }));

test('reorderRate shuffles delivery; the sample envelope carries numeric tag, msgId and inline data', () =>
  withSandbox({ faults: { reorderRate: 1 }, webhook: { batchSize: 1, envelope: 'sample' } }, async (sandbox) => {
    sandbox.generateOrders(10);
    const raised = sandbox.recorded.events.map((e) => e.orderId);
    await sandbox.pushEvents();
    const delivered = received.map(({ body }) => {
      const [message] = parseJsonKeepingBigIntegers(body.toString('utf8')) as { tag: number; msgId: string; data: { p_id: string } }[];
      assert.equal(message!.tag, 100);
      assert.match(message!.msgId, /::100:/);
      return message!.data.p_id;
    });
    assert.deepEqual([...delivered].sort(), [...raised].sort());
    assert.notDeepEqual(delivered, raised);
  }));

test('lifecycle changes are pushed as the clock passes: paid, then ready to ship', () =>
  withSandbox({ scenario: { unpaidCancelRate: 0, paidCancelRate: 0, addressChangeRate: 0 } }, async (sandbox, clock) => {
    const [order] = sandbox.generateOrders(1);
    await sandbox.pushEvents();
    clock.t += 3600_000;
    await sandbox.pushEvents();
    const tags = received.flatMap(({ body }) => (JSON.parse(body.toString('utf8')) as WireMessage[]).map((m) => m.tag));
    assert.deepEqual(tags, ['100', '101', '110']);
    const paid = JSON.parse(received.at(-1)!.body.toString('utf8')) as WireMessage[];
    const data = parseJsonKeepingBigIntegers(paid.at(-1)!.data) as { order_status: number; pay_amount: number; p_id: string };
    assert.deepEqual([data.p_id, data.order_status], [order!.orderId, 2]);
    assert.equal(data.pay_amount, order!.skuOrders.reduce((sum, line) => sum + line.payFen, 0));
  }));
