import assert from 'node:assert/strict';
import { ManualClock } from '../../src/platform/clock.ts';
import { systemActor, type RequestContext } from '../../src/platform/context.ts';
import { createWarehouse } from '../../src/modules/warehouses/warehouses.service.ts';
import type { TestApi } from './api.ts';
import type { TestDatabase } from './databases.ts';

/** The default tenant's context on a test database whose warehouses (Shanghai time) are made here: HZ and GZ unless told otherwise. */
export async function warehousedContext(database: TestDatabase, codes: string[] = ['HZ', 'GZ'], clockStart = '2026-11-11T02:00:00Z'): Promise<RequestContext> {
  const ctx: RequestContext = { tenantId: 'default', actor: systemActor('test'), clock: new ManualClock(clockStart), db: database.handle.db };
  for (const code of codes) await createWarehouse(ctx, { code, name: code, timeZone: 'Asia/Shanghai' });
  return ctx;
}

/** Two warehouses through the API, HZ01 the default and GZ01 beside it. */
export async function postTwoWarehouses(api: Pick<TestApi, 'request'>): Promise<void> {
  for (const [code, isDefault] of [['HZ01', true], ['GZ01', false]] as const) {
    assert.equal((await api.request('POST', '/api/v1/warehouses', { body: { code, name: code, timeZone: 'Asia/Shanghai', isDefault } })).status, 201);
  }
}
