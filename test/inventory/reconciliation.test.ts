import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../../src/platform/clock.ts';
import { systemActor, type RequestContext } from '../../src/platform/context.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { cancelTask, completeTask, getTask, listTasks } from '../../src/modules/inventory/count-tasks.service.ts';
import { updateSettings } from '../../src/modules/inventory/inventory.settings.ts';
import { reconcileDue } from '../../src/modules/inventory/reconciliation.jobs.ts';
import { reconcileNow, recordSnapshot } from '../../src/modules/inventory/reconciliation.service.ts';
import { changeStock, listLevels, listMovements, verifyLedger } from '../../src/modules/inventory/stock.service.ts';
import { createWarehouse } from '../../src/modules/warehouses/warehouses.service.ts';
import { testBackends, type TestDatabase } from '../support/databases.ts';

const logger = createLogger('silent');

for (const backend of testBackends()) {
  describe(`reconciliation (${backend.kind})`, () => {
    let database: TestDatabase;
    const clock = new ManualClock('2026-11-11T01:00:00Z');
    let ctx: RequestContext;
    const as = (tenantId: string, role: RequestContext['actor']['role'] = null): RequestContext => ({
      ...ctx, tenantId, actor: role ? { kind: 'api_key', id: `k-${role}`, role } : systemActor('test'),
    });
    const warehouse = (c: RequestContext, code: string, timeZone = 'Asia/Shanghai') =>
      createWarehouse(c, { code, name: code, timeZone, priority: 10, active: true, isDefault: false });
    const receive = (c: RequestContext, warehouseCode: string, lines: [string, number][]) =>
      changeStock(c, lines.map(([sku, quantity]) => ({ sku, warehouseCode, quantity })), { kind: 'receipt', reason: 'opening stock' });
    const onHand = async (c: RequestContext, warehouseCode: string, sku: string) =>
      (await listLevels(c, { sku, warehouseCode, limit: 1 })).items[0]?.onHand;

    before(async () => {
      database = await backend.open();
      ctx = { tenantId: 'default', actor: systemActor('test'), clock, db: database.handle.db };
    });
    after(() => database.drop());

    test('a difference of exactly 3% opens nothing; 3.1% and SKUs missing on one side open a count task', async () => {
      clock.set('2026-11-11T01:00:00Z');
      await warehouse(ctx, 'B1');
      await receive(ctx, 'B1', [['EXACT', 1000], ['OVER', 1000], ['GONE', 50], ['SAME', 7]]);
      clock.set('2026-11-11T02:00:00Z');
      await recordSnapshot(ctx, {
        warehouseCode: 'B1', source: 'stock_report',
        lines: [{ sku: 'EXACT', quantity: 970 }, { sku: 'OVER', quantity: 969 }, { sku: 'SAME', quantity: 7 }, { sku: 'NEW', quantity: 5 }],
      });
      const run = await reconcileNow(ctx, 'B1');
      assert.equal(run.outcome, 'done');
      assert.equal(run.skusCompared, 5);
      const open = (await listTasks(ctx, { warehouseCode: 'B1', status: 'open', limit: 50 })).items;
      assert.deepEqual(
        open.map((t) => [t.sku, t.bookQty, t.physicalQty, t.differenceBp]).sort(),
        [['GONE', 50, 0, 10000], ['NEW', 0, 5, 10000], ['OVER', 1000, 969, 310]],
      );
      assert.equal(run.countTasksOpened, 3);

      // Running again the same day opens no second task for a SKU that already has one open.
      const again = await reconcileNow(ctx, 'B1');
      assert.equal(again.id, run.id);
      assert.equal((await listTasks(ctx, { warehouseCode: 'B1', limit: 50 })).items.length, 3);
    });

    test('the book is taken as it stood when the snapshot was counted: later movements are not differences', async () => {
      clock.set('2026-11-11T01:00:00Z');
      await warehouse(ctx, 'ASOF');
      await receive(ctx, 'ASOF', [['SOFA', 100], ['LAMP', 100]]);
      clock.set('2026-11-11T01:30:00Z');
      await changeStock(ctx, [{ sku: 'LAMP', warehouseCode: 'ASOF', quantity: -50 }], { kind: 'adjustment', reason: 'written off before the count' });
      clock.set('2026-11-11T02:00:00Z');
      await recordSnapshot(ctx, { warehouseCode: 'ASOF', source: 'wms_query', lines: [{ sku: 'SOFA', quantity: 100 }, { sku: 'LAMP', quantity: 100 }] });
      // Shipped after the count: the book now says 80, the count said 100, yet nothing is missing.
      clock.set('2026-11-11T03:00:00Z');
      await changeStock(ctx, [{ sku: 'SOFA', warehouseCode: 'ASOF', quantity: -20 }], { kind: 'adjustment', reason: 'goods out after the count' });
      await reconcileNow(ctx, 'ASOF');
      const open = (await listTasks(ctx, { warehouseCode: 'ASOF', status: 'open', limit: 50 })).items;
      assert.deepEqual(open.map((t) => [t.sku, t.bookQty, t.physicalQty]), [['LAMP', 50, 100]]);
    });

    test('completing a count sets on-hand to the counted figure through the ledger; a closed task cannot close again', async () => {
      clock.set('2026-11-11T04:00:00Z');
      const [task] = (await listTasks(ctx, { warehouseCode: 'B1', sku: 'OVER', status: 'open', limit: 1 })).items;
      assert.ok(task);
      const done = await completeTask(as('default', 'ops'), task.id, { countedQty: 968, note: 'two people counted' });
      assert.equal(done.status, 'completed');
      assert.equal(done.countedQty, 968);
      assert.equal(await onHand(ctx, 'B1', 'OVER'), 968);
      const [movement] = (await listMovements(ctx, { reference: task.id, limit: 5 })).items;
      assert.deepEqual([movement?.kind, movement?.onHandDelta, movement?.id], ['count_correction', -32, done.correctionMovementId]);
      assert.deepEqual((await verifyLedger(ctx.db, 'default')).mismatches, []);

      await assert.rejects(completeTask(as('default', 'admin'), task.id, { countedQty: 1 }), { code: 'ILLEGAL_TRANSITION' });
      await assert.rejects(cancelTask(as('default', 'admin'), task.id, {}), { code: 'ILLEGAL_TRANSITION' });
      assert.equal(await onHand(ctx, 'B1', 'OVER'), 968);

      const [gone] = (await listTasks(ctx, { warehouseCode: 'B1', sku: 'GONE', status: 'open', limit: 1 })).items;
      await assert.rejects(completeTask(as('default', 'viewer'), gone!.id, { countedQty: 0 }), { code: 'FORBIDDEN' });
      assert.equal((await cancelTask(as('default', 'ops'), gone!.id, { note: 'found in returns area' })).status, 'cancelled');
      assert.equal(await onHand(ctx, 'B1', 'GONE'), 50);

      // Re-run against the same (older) snapshot: what people settled since stays settled.
      const rerun = await reconcileNow(ctx, 'B1');
      assert.equal(rerun.countTasksOpened, 3);
      assert.deepEqual((await listTasks(ctx, { warehouseCode: 'B1', status: 'open', limit: 50 })).items.map((t) => t.sku), ['NEW']);
    });

    test('a tenant sees and closes only its own count tasks', async () => {
      const [task] = (await listTasks(ctx, { warehouseCode: 'B1', status: 'open', limit: 1 })).items;
      const other = as('other', 'admin');
      await assert.rejects(getTask(other, task!.id), { code: 'COUNT_TASK_NOT_FOUND' });
      await assert.rejects(completeTask(other, task!.id, { countedQty: 0 }), { code: 'COUNT_TASK_NOT_FOUND' });
      assert.equal((await listTasks(other, { limit: 50 })).items.length, 0);
      await assert.rejects(recordSnapshot(other, { warehouseCode: 'B1', source: 'csv', lines: [{ sku: 'X', quantity: 1 }] }), { code: 'WAREHOUSE_NOT_FOUND' });
      await assert.rejects(reconcileNow(other, 'B1'), { code: 'WAREHOUSE_NOT_FOUND' });
    });

    test('the daily job runs each warehouse once per local day, after reconcileAt (03:30) on its own clock', async () => {
      const jobs = as('jobs');
      await updateSettings({ ...jobs, actor: { kind: 'api_key', id: 'k', role: 'admin' } }, { reconcileAt: '03:30' });
      clock.set('2026-11-10T12:00:00Z');
      await warehouse(jobs, 'SH', 'Asia/Shanghai');
      await warehouse(jobs, 'LA', 'America/Los_Angeles');
      await receive(jobs, 'SH', [['TEA', 100]]);
      await receive(jobs, 'LA', [['TEA', 100]]);
      clock.set('2026-11-11T08:00:00Z');
      await recordSnapshot(jobs, { warehouseCode: 'SH', source: 'stock_report', lines: [{ sku: 'TEA', quantity: 90 }] });
      await recordSnapshot(jobs, { warehouseCode: 'LA', source: 'stock_report', lines: [{ sku: 'TEA', quantity: 90 }] });
      const deps = { db: ctx.db, clock, logger };
      const due = async (at: string) =>
        (await reconcileDue(deps, new Date(at))).filter((r) => r.tenantId === 'jobs').map((r) => [r.warehouseCode, r.businessDate, r.outcome]);

      // 09:30Z: 17:30 in Shanghai (past 03:30), 01:30 in Los Angeles (not yet).
      assert.deepEqual(await due('2026-11-11T09:30:00Z'), [['SH', '2026-11-11', 'done']]);
      assert.deepEqual(await due('2026-11-11T11:29:00Z'), []);
      // 11:30Z: 03:30 in Los Angeles. Two callers at once (two worker processes) still make one run.
      const [a, b] = await Promise.all([reconcileDue(deps, new Date('2026-11-11T11:30:00Z')), reconcileDue(deps, new Date('2026-11-11T11:30:00Z'))]);
      assert.deepEqual([...a!, ...b!].filter((r) => r.tenantId === 'jobs').map((r) => [r.warehouseCode, r.businessDate]), [['LA', '2026-11-11']]);
      const tasks = (await listTasks(jobs, { status: 'open', limit: 50 })).items;
      assert.deepEqual(tasks.map((t) => `${t.warehouseCode}:${t.sku}:${t.differenceBp}`).sort(), ['LA:TEA:1000', 'SH:TEA:1000']);

      // 19:29Z is 03:29 next day in Shanghai: not yet. 19:30Z is 03:30: the new day runs.
      assert.deepEqual(await due('2026-11-11T19:29:00Z'), []);
      assert.deepEqual(await due('2026-11-11T19:30:00Z'), [['SH', '2026-11-12', 'done']]);
      assert.deepEqual(await due('2026-11-11T19:30:30Z'), []);
      // Los Angeles' next day, 27.5 h after the snapshot: too old to compare.
      assert.deepEqual(await due('2026-11-12T11:30:00Z'), [['LA', '2026-11-12', 'no_snapshot']]);
    });
  });
}
