import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { readEnv, readLimits } from '../../src/platform/config.ts';
import { defaultReadLimits } from '../../src/platform/read-limit.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { testBackends, type TestDatabase } from '../support/databases.ts';
import { orderBody } from '../support/orders.ts';

/** Waits until `done()` holds, polling; the deadline only keeps a broken build from hanging. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 3_000 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(done(), `gave up waiting for ${what}`);
}

test('the read cap is set by OMS_READ_CONCURRENCY and OMS_READ_QUEUE, read once with the environment', () => {
  assert.deepEqual(readLimits(readEnv({})), defaultReadLimits);
  assert.deepEqual(readLimits(readEnv({ OMS_READ_CONCURRENCY: '3', OMS_READ_QUEUE: '0' })), { concurrency: 3, queue: 0 });
  assert.throws(() => readEnv({ OMS_READ_CONCURRENCY: '0' }), /OMS_READ_CONCURRENCY/);
});

for (const backend of testBackends()) {
  describe(`reads under load (${backend.kind})`, () => {
    let database: TestDatabase;
    let api: TestApi;
    before(async () => {
      database = await backend.open();
      api = await startTestApi(database.handle, '2026-11-11T00:00:00Z', { readLimits: { concurrency: 2, queue: 3 } });
      assert.equal((await api.request('POST', '/api/v1/orders', { body: orderBody() })).status, 201);
    });
    after(async () => {
      await api.close();
      await database.drop();
    });

    test('with 500 list requests in flight, reads past the cap get 503 OVERLOADED with Retry-After, and /healthz still answers', async () => {
      // The key is looked up now, so that no request below waits for it.
      assert.equal((await api.request('GET', '/api/v1/orders')).status, 200);
      // The list query needs the orders table, which this transaction keeps locked until released.
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const holder = database.handle.db.transaction(async (tx) => {
        await tx.execute(sql`lock table orders in access exclusive mode`);
        locked();
        await released;
      });
      await isLocked;

      const answers: { status: number; body: any; retryAfter: string | null }[] = [];
      const requests = Array.from({ length: 500 }, () =>
        fetch(`${api.url}/api/v1/orders?limit=10`, { headers: { authorization: `Bearer ${api.keys.admin}` } }).then(async (res) => {
          const answer = { status: res.status, body: await res.json(), retryAfter: res.headers.get('retry-after') };
          answers.push(answer);
          return answer;
        }),
      );

      // Two reads run (held by the lock), three wait; every other one is refused without waiting.
      await until(() => answers.length === 495, '495 refusals');
      assert.deepEqual(api.app.reads.load, { running: 2, waiting: 3 });
      for (const answer of answers) {
        assert.equal(answer.status, 503);
        assert.equal(answer.body.error.code, 'OVERLOADED');
        assert.equal(answer.retryAfter, '1');
      }
      const health = await fetch(`${api.url}/healthz`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok' });
      assert.equal(answers.length, 495, 'the five admitted reads are still in flight');

      release();
      await holder;
      const all = await Promise.all(requests);
      assert.equal(all.filter((a) => a.status === 200).length, 5);
      assert.ok(all.filter((a) => a.status === 200).every((a) => a.body.items.length === 1));
      assert.deepEqual(api.app.reads.load, { running: 0, waiting: 0 });
    });

    test('a read refused or failed gives its place back', async () => {
      for (let i = 0; i < 10; i++) assert.equal((await api.request('GET', '/api/v1/orders?limit=0')).status, 400);
      for (let i = 0; i < 10; i++) assert.equal((await api.request('GET', '/api/v1/orders/nope')).status, 404);
      assert.deepEqual(api.app.reads.load, { running: 0, waiting: 0 });
      assert.equal((await api.request('GET', '/api/v1/orders')).status, 200);
    });
  });
}
