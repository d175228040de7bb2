import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { startTestApi, type TestApi } from '../support/api.ts';
import { createTestScratchDatabase, postgresAvailable, testBackends, type TestDatabase } from '../support/databases.ts';
import { fireOrders, singleUnitOrder } from '../support/load.ts';
import { cleanEnv, oms, startServer } from '../support/server.ts';

const run = promisify(execFile);
const ORDERS = 5_000;
const STOCK = 500;
const CLIENTS = 32;

function tally(results: { http: number; status: string | null; reason: string | null }[]) {
  const count = (f: (r: (typeof results)[number]) => boolean) => results.filter(f).length;
  return {
    answered: count((r) => r.http === 201),
    allocated: count((r) => r.status === 'allocated'),
    outOfStock: count((r) => r.status === 'exception' && r.reason === 'out_of_stock'),
  };
}

async function stockUp(request: TestApi['request'] | ((m: string, p: string, o: { body: unknown }) => Promise<{ status: number; body: any }>), sku: string) {
  assert.equal((await request('POST', '/api/v1/warehouses', { body: { code: 'HZ01', name: '华东杭州仓', timeZone: 'Asia/Shanghai', isDefault: true } })).status, 201);
  assert.equal((await request('POST', '/api/v1/inventory/receipts', { body: { warehouseCode: 'HZ01', lines: [{ sku, quantity: STOCK }] } })).status, 201);
}

for (const backend of testBackends()) {
  describe(`zero oversell: ${ORDERS} buyers, ${STOCK} units, ${CLIENTS} connections (${backend.kind})`, () => {
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

    test('exactly 500 orders take stock, 4,500 stop as out of stock, nothing goes negative, the ledger verifies', async () => {
      await stockUp(api.request, 'LIVE-SOFA');
      const results = await fireOrders({ urls: [api.url], key: api.keys.ops, count: ORDERS, concurrency: CLIENTS, body: (i) => singleUnitOrder(i, 'LIVE-SOFA') });
      assert.deepEqual(tally(results), { answered: ORDERS, allocated: STOCK, outOfStock: ORDERS - STOCK });

      const level = (await api.request('GET', '/api/v1/inventory/levels?sku=LIVE-SOFA')).body.items[0];
      assert.deepEqual([level.onHand, level.reserved, level.available], [STOCK, STOCK, 0]);
      const held = await api.request('GET', '/api/v1/inventory/reservations?sku=LIVE-SOFA&status=active&limit=500');
      assert.equal(held.body.items.length, STOCK);
      assert.equal(held.body.nextBefore, null);
      const exceptions = await api.request('GET', '/api/v1/orders?status=exception&limit=1');
      assert.equal(exceptions.body.items[0].statusReason, 'out_of_stock');
      if (database.url) {
        const verified = await run(process.execPath, [oms, 'inventory', 'verify', '--db', database.url], { env: { ...cleanEnv, OMS_SECRET_KEY: 'a-secret-key-only-this-test-uses-000000' } });
        assert.match(verified.stdout, /inventory verified/);
      }
    });
  });
}

describe('zero oversell across two processes on one PostgreSQL', { skip: !postgresAvailable() }, () => {
  test(`${ORDERS} orders through two servers: exactly ${STOCK} allocated, and oms inventory verify passes`, async () => {
    const scratch = await createTestScratchDatabase();
    const env = { OMS_SECRET_KEY: 'a-shared-secret-key-for-both-processes', OMS_ADMIN_KEY: 'oms.default.twoproc01.a-shared-admin-key-for-the-test' };
    try {
      const servers = await Promise.all([startServer(['--db', scratch.url, '--no-workers'], env), startServer(['--db', scratch.url, '--no-workers'], env)]);
      try {
        const request = async (method: string, path: string, o: { body: unknown }) => {
          const res = await fetch(`${servers[0]!.url}${path}`, { method, headers: { authorization: `Bearer ${env.OMS_ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(o.body) });
          return { status: res.status, body: await res.json() };
        };
        await stockUp(request, 'LIVE-LAMP');
        const results = await fireOrders({ urls: servers.map((s) => s.url), key: env.OMS_ADMIN_KEY, count: ORDERS, concurrency: CLIENTS, body: (i) => singleUnitOrder(i, 'LIVE-LAMP') });
        assert.deepEqual(tally(results), { answered: ORDERS, allocated: STOCK, outOfStock: ORDERS - STOCK });
      } finally {
        await Promise.all(servers.map((s) => s.stop()));
      }
      const verified = await run(process.execPath, [oms, 'inventory', 'verify', '--db', scratch.url], { env: { ...cleanEnv, ...env } });
      assert.match(verified.stdout, /inventory verified: 1 levels/);
    } finally {
      await scratch.drop();
    }
  });
});
