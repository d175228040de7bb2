import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, test } from 'node:test';
import { systemClock } from '../../src/platform/clock.ts';
import { systemActor } from '../../src/platform/context.ts';
import { migrate, openDatabase } from '../../src/platform/db/index.ts';
import { listReservations } from '../../src/modules/inventory/reservations.service.ts';
import { listOrders } from '../../src/modules/orders/orders.service.ts';
import { createTestScratchDatabase, postgresAvailable } from '../support/databases.ts';
import { fireOrders, singleUnitOrder } from '../support/load.ts';
import { cleanEnv, oms, startServer } from '../support/server.ts';

const run = promisify(execFile);
const env = { OMS_SECRET_KEY: 'a-secret-key-for-the-crash-test-000000', OMS_ADMIN_KEY: 'oms.default.crash0001.the-admin-key-of-the-crash-test' };

/**
 * Kills `oms serve` with SIGKILL while order batches are being written, then checks from a fresh
 * process that every reservation belongs to an allocated order and every allocated order holds
 * exactly its unit: a batch is all there or not there at all.
 */
async function crashMidBatch(db: string) {
  const server = await startServer(['--db', db, '--no-workers'], env);
  const call = async (path: string, body: unknown) => {
    const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${env.OMS_ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.ok(res.status < 300, `${path}: ${res.status} ${await res.text()}`);
  };
  await call('/api/v1/warehouses', { code: 'HZ01', name: '华东杭州仓', timeZone: 'Asia/Shanghai', isDefault: true });
  await call('/api/v1/inventory/receipts', { warehouseCode: 'HZ01', lines: [{ sku: 'CRASH-SKU', quantity: 100_000 }] });

  const stop = new AbortController();
  const load = fireOrders({ urls: [server.url], key: env.OMS_ADMIN_KEY, count: 100_000, concurrency: 32, body: (i) => singleUnitOrder(i, 'CRASH-SKU', 'CRASH'), signal: stop.signal });
  // Kill once orders are flowing, so batches are in flight at that moment.
  let answered: { http: number }[] = [];
  const poll = (async () => {
    await new Promise((r) => setTimeout(r, 1_500));
    server.child.kill('SIGKILL');
    stop.abort();
  })();
  answered = await load;
  await poll;
  if (server.child.exitCode === null && server.child.signalCode === null) await new Promise((resolve) => server.child.once('exit', resolve));
  const confirmed = answered.filter((r) => r.http === 201).length;
  assert.ok(confirmed > 0, 'orders were flowing when the process was killed');

  const verified = await run(process.execPath, [oms, 'inventory', 'verify', '--db', db], { env: { ...cleanEnv, ...env } });
  assert.match(verified.stdout, /inventory verified/);

  const handle = await openDatabase(db);
  try {
    await migrate(handle);
    const ctx = { tenantId: 'default', actor: systemActor('test'), clock: systemClock, db: handle.db };
    const allocated = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await listOrders(ctx, { status: ['allocated'], limit: 200, cursor });
      page.items.forEach((o) => allocated.add(o.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const holders = new Map<string, number>();
    let before: number | undefined;
    for (;;) {
      const page = await listReservations(ctx, { status: 'active', limit: 500, beforeId: before });
      for (const r of page.items) holders.set(r.orderId, (holders.get(r.orderId) ?? 0) + r.quantity);
      if (!page.nextBefore) break;
      before = Number(page.nextBefore);
    }
    assert.ok(allocated.size >= confirmed, `every order confirmed before the kill is stored (${allocated.size} ≥ ${confirmed})`);
    assert.equal(holders.size, allocated.size, 'as many orders hold stock as are allocated');
    for (const [orderId, units] of holders) {
      assert.ok(allocated.has(orderId), `reservation of ${orderId} belongs to an allocated order`);
      assert.equal(units, 1);
    }
  } finally {
    await handle.close();
  }
}

describe('a process killed in the middle of a batch', () => {
  test('on PostgreSQL leaves no partial reservation', { skip: !postgresAvailable() }, async () => {
    const scratch = await createTestScratchDatabase();
    try {
      await crashMidBatch(scratch.url);
    } finally {
      await scratch.drop();
    }
  });

  test('on the embedded database leaves no partial reservation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oms-crash-'));
    try {
      await crashMidBatch(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
